// A converter's codes for a row of values, four at a time with AVX: every step is the portable
// loop's IEEE operation on the same types (float multiply by the gain, Swift's max and min,
// float to double, clamp, divide, round by adding and subtracting 1.5 x 2^52, multiply, double
// to float), and the counts are whole numbers, so the bits and counts are the loop's.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx")))
static long quantizeRow(const float *x, long count, float gain, float clip, int clipping, const InsituQuantizer *q, float *out,
                        long *clippedOut) {
    const __m256d lo = _mm256_set1_pd(q->low), high = _mm256_set1_pd(q->fullScale);
    const __m128 g = _mm_set1_ps(gain), c = _mm_set1_ps(clip), zero = _mm_setzero_ps();
    const __m128 lanes = _mm_set_ps(3, 2, 1, 0);
    long saturated = 0, clipped = 0;
    for (long j = 0; j < count; j += 4) {
        const int whole = j + 4 <= count;
        const __m128i in = _mm_castps_si128(_mm_cmplt_ps(lanes, _mm_set1_ps((float)(count - j))));
        const int live = _mm_movemask_ps(_mm_castsi128_ps(in));
        __m128 v = _mm_mul_ps(g, whole ? _mm_loadu_ps(x + j) : _mm_maskload_ps(x + j, in));
        if (clipping) {
            clipped += __builtin_popcount(_mm_movemask_ps(_mm_cmp_ps(v, c, _CMP_GT_OQ)) & live);
            v = insitu_swift_min4(insitu_swift_max4(v, zero), c);
        }
        const __m256d a = _mm256_cvtps_pd(v);
        const __m256d beyond = _mm256_or_pd(_mm256_cmp_pd(a, high, _CMP_GT_OQ), _mm256_cmp_pd(a, lo, _CMP_LT_OQ));
        saturated += __builtin_popcount(_mm256_movemask_pd(beyond) & live);
        const __m128 level = insitu_quantize_lanes(a, q);
        if (whole) _mm_storeu_ps(out + j, level);
        else insitu_store_first(out + j, _mm256_castps128_ps256(level), count - j);
    }
    if (clippedOut) *clippedOut = clipped;
    return saturated;
}

long insitu_quantize_row(const float *x, long count, float gain, float clip, int clipping, const InsituQuantizer *q, float *out,
                         long *clipped) {
    if (!insitu_has_avx()) return -1;
    return quantizeRow(x, count, gain, clip, clipping, q, out, clipped);
}

#else

long insitu_quantize_row(const float *x, long count, float gain, float clip, int clipping, const InsituQuantizer *q, float *out,
                         long *clipped) { return -1; }

#endif
