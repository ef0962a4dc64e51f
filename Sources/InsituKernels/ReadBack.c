// A read-back row's devices through the read-back gain, the ADC and an optional narrower
// code word, back to siemens, four devices a lane group with AVX (eight with AVX-512): every
// step is the portable loop's IEEE operation on the same types (float to double, multiply,
// clamp, divide, round by adding and subtracting 1.5 x 2^52, multiply, double to float), so
// the bits are its bits.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx")))
static long readRow(const float *g, long count, double scale, const InsituQuantizer *adc, const InsituQuantizer *word, float *out) {
    const __m256d s = _mm256_set1_pd(scale), high = _mm256_set1_pd(adc->fullScale), low = _mm256_set1_pd(adc->low);
    const __m128 lanes = _mm_set_ps(3, 2, 1, 0);
    long saturated = 0;
    for (long j = 0; j < count; j += 4) {
        // Whole groups of four by plain loads and stores; the last 1-3 devices masked on loading.
        const int whole = j + 4 <= count;
        const __m128i in = _mm_castps_si128(_mm_cmplt_ps(lanes, _mm_set1_ps((float)(count - j))));
        const __m256d gi = _mm256_cvtps_pd(whole ? _mm_loadu_ps(g + j) : _mm_maskload_ps(g + j, in));
        // The amplifier's output as the float the converter sees, then as double again.
        const __m256d x = _mm256_cvtps_pd(_mm256_cvtpd_ps(_mm256_mul_pd(s, gi)));
        const __m256d beyond = _mm256_or_pd(_mm256_cmp_pd(x, high, _CMP_GT_OQ), _mm256_cmp_pd(x, low, _CMP_LT_OQ));
        int mask = _mm256_movemask_pd(beyond) & _mm_movemask_ps(_mm_castsi128_ps(in));
        saturated += __builtin_popcount(mask);
        __m128 code = insitu_quantize_lanes(x, adc);
        if (word) code = insitu_quantize_lanes(_mm256_cvtps_pd(code), word);
        const __m128 siemens = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_cvtps_pd(code), s));
        if (whole) _mm_storeu_ps(out + j, siemens);
        else insitu_store_first(out + j, _mm256_castps128_ps256(siemens), count - j);
    }
    return saturated;
}

/// `insitu_quantize_lanes` eight lanes at a time (AVX-512): Swift's max and min by masks.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"), always_inline))
static inline __m256 quantizeWide(__m512d x, const InsituQuantizer *q) {
    const __m512d magic = _mm512_set1_pd(6755399441055744.0), low = _mm512_set1_pd(q->low), high = _mm512_set1_pd(q->fullScale);
    x = _mm512_mask_mov_pd(x, _mm512_cmp_pd_mask(low, x, _CMP_GE_OQ), low);    // Swift's max(x, low)
    x = _mm512_mask_mov_pd(x, _mm512_cmp_pd_mask(high, x, _CMP_LT_OQ), high);  // Swift's min(x, fullScale)
    const __m512d step = _mm512_set1_pd(q->step), code = _mm512_div_pd(x, step);
    return _mm512_cvtpd_ps(_mm512_mul_pd(_mm512_sub_pd(_mm512_add_pd(code, magic), magic), step));
}

/// The readings of every code of a converter (and code word) through a gain, kept for the
/// thread's last ones: a code's reading is float(word(float(k x step)) / scale), a function of
/// its index k alone, so a table of them in place of that division gives the same bits.
enum { tableCapacity = 4096 };
typedef struct {
    double scale;
    InsituQuantizer adc, word;
    int hasWord;
    long first, count;  // codes first ..< first + count; count 0: none kept (too many codes)
    float readings[tableCapacity];
} ReadTable;

static _Thread_local ReadTable readTable = {.scale = 0, .count = -1};

/// The scalar `insitu_quantize_lanes`: the same operations on one value.
static float quantizeOne(double x, const InsituQuantizer *q) {
    const double magic = 6755399441055744.0;
    x = q->low >= x ? q->low : x;
    x = q->fullScale < x ? q->fullScale : x;
    const double code = x / q->step;
    return (float)(((code + magic) - magic) * q->step);
}

/// The table for these converters and gain, made again when they change.
static const ReadTable *tableFor(double scale, const InsituQuantizer *adc, const InsituQuantizer *word) {
    ReadTable *t = &readTable;
    const int hasWord = word != 0;
    if (t->count >= 0 && t->scale == scale && t->hasWord == hasWord && memcmp(&t->adc, adc, sizeof *adc) == 0
        && (!hasWord || memcmp(&t->word, word, sizeof *word) == 0)) return t;
    const double magic = 6755399441055744.0;
    const double first = ((adc->low / adc->step) + magic) - magic, last = ((adc->fullScale / adc->step) + magic) - magic;
    t->scale = scale;
    t->adc = *adc;
    t->hasWord = hasWord;
    if (hasWord) t->word = *word;
    t->count = 0;
    if (!(last - first + 1 <= tableCapacity) || !(first >= -1e9 && last <= 1e9)) return t;
    t->first = (long)first;
    t->count = (long)(last - first) + 1;
    for (long k = 0; k < t->count; k++) {
        float level = (float)((double)(t->first + k) * adc->step);
        if (hasWord) level = quantizeOne((double)level, word);
        t->readings[k] = (float)((double)level / scale);
    }
    return t;
}

/// `readRow` eight devices at a time with AVX-512 (the last 1-7 by masked loads and stores);
/// each code's reading looked up in its table where there is one (and no lane is NaN) and
/// gathers are fast (`insitu_gathers_are_fast`): on AMD's Zen 4 the gather of eight floats
/// costs more than the division it saves (the read-back 20% slower there).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static long readRowWide(const float *g, long count, double scale, const InsituQuantizer *adc, const InsituQuantizer *word, float *out) {
    const __m512d s = _mm512_set1_pd(scale), high = _mm512_set1_pd(adc->fullScale), low = _mm512_set1_pd(adc->low);
    const __m512d magic = _mm512_set1_pd(6755399441055744.0), step = _mm512_set1_pd(adc->step);
    const ReadTable *table = insitu_gathers_are_fast() ? tableFor(scale, adc, word) : 0;
    const long codes = table ? table->count : 0;
    const __m256i first = _mm256_set1_epi32((int)(codes > 0 ? table->first : 0));
    long saturated = 0;
    for (long j = 0; j < count; j += 8) {
        const __mmask8 in = count - j >= 8 ? 0xff : (__mmask8)((1u << (count - j)) - 1);
        // The amplifier's output as the float the converter sees, then as double again.
        const __m512d x = _mm512_cvtps_pd(_mm512_cvtpd_ps(_mm512_mul_pd(s, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(in, g + j)))));
        saturated += __builtin_popcount((_mm512_cmp_pd_mask(x, high, _CMP_GT_OQ) | _mm512_cmp_pd_mask(x, low, _CMP_LT_OQ)) & in);
        __m256 reading;
        if (codes > 0 && !_mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q)) {
            __m512d c = _mm512_mask_mov_pd(x, _mm512_cmp_pd_mask(low, x, _CMP_GE_OQ), low);  // Swift's max(x, low)
            c = _mm512_mask_mov_pd(c, _mm512_cmp_pd_mask(high, c, _CMP_LT_OQ), high);      // Swift's min(x, fullScale)
            const __m512d code = _mm512_sub_pd(_mm512_add_pd(_mm512_div_pd(c, step), magic), magic);
            reading = _mm256_i32gather_ps(table->readings, _mm256_sub_epi32(_mm512_cvttpd_epi32(code), first), 4);
        } else {
            __m256 code = quantizeWide(x, adc);
            if (word) code = quantizeWide(_mm512_cvtps_pd(code), word);
            reading = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_cvtps_pd(code), s));
        }
        _mm256_mask_storeu_ps(out + j, in, reading);
    }
    return saturated;
}

long insitu_read_row(const float *g, long count, double scale, const InsituQuantizer *adc, const InsituQuantizer *word, float *out) {
    if (insitu_has_avx512()) return readRowWide(g, count, scale, adc, word, out);
    if (!insitu_has_avx()) return -1;
    return readRow(g, count, scale, adc, word, out);
}

#else

long insitu_read_row(const float *g, long count, double scale, const InsituQuantizer *adc, const InsituQuantizer *word, float *out) {
    return -1;
}

#endif
