// binary16 rounding with x86's F16C conversions (vcvtps2ph, round to nearest even, and
// vcvtph2ps, exact): the same values as the portable `NumberFormat.binary16`, a few
// instructions for eight floats instead of some twenty for four. With AVX-512, sixteen at a
// time by adding and subtracting a number whose last bit is a binary16 step (below).
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"

// Only IEEE operations one at a time: no fused multiply-adds, so results match Swift's.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Eight values rounded in units of `unit` (NaN kept), where `keep` is clear; else as they were.
__attribute__((target("avx,f16c"), always_inline))
static inline __m256 round8(__m256 v, __m256 keep, int unitIsOne, __m256 unit) {
    __m256 q = unitIsOne ? v : _mm256_div_ps(v, unit);
    // + 0: a zero comes out +0, as the portable rounding gives it (its subnormal path adds
    // and subtracts 1.5 x 2^23), where the conversion would keep -0.
    __m256 r = _mm256_add_ps(_mm256_cvtph_ps(_mm256_cvtps_ph(q, _MM_FROUND_TO_NEAREST_INT)), _mm256_setzero_ps());
    r = _mm256_blendv_ps(r, q, _mm256_cmp_ps(q, q, _CMP_UNORD_Q));
    if (!unitIsOne) r = _mm256_mul_ps(r, unit);
    return _mm256_blendv_ps(r, v, keep);
}

/// One row: rounds the elements whose column's error is not zero (all when `errors` is NULL).
__attribute__((target("avx,f16c")))
static void roundRow(float *row, const float *errors, long count, float unitValue) {
    const __m256 zero = _mm256_setzero_ps(), unit = _mm256_set1_ps(unitValue);
    const int unitIsOne = unitValue == 1.0f;
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 e = errors ? _mm256_loadu_ps(errors + j) : zero, v = _mm256_loadu_ps(row + j);
        // Kept: a column whose error is zero (an ordered compare: NaN != 0 is rounded).
        __m256 keep = errors ? _mm256_cmp_ps(e, zero, _CMP_EQ_OQ) : zero;
        _mm256_storeu_ps(row + j, round8(v, keep, unitIsOne, unit));
    }
    if (j < count) {
        // The last 1-7 columns: masked loads, plain stores of those columns only.
        const __m256i in = insitu_first_lanes(count - j);
        __m256 e = errors ? _mm256_maskload_ps(errors + j, in) : zero, v = _mm256_maskload_ps(row + j, in);
        __m256 keep = errors ? _mm256_cmp_ps(e, zero, _CMP_EQ_OQ) : zero;
        insitu_store_first(row + j, round8(v, keep, unitIsOne, unit), count - j);
    }
}

/// `addRoundRows` of one driven row: row += input x errors, then rounded where the error is not zero.
__attribute__((target("avx,f16c"), always_inline))
static inline void addRoundRow(float *row, float input, const float *errors, long full, long rest, __m256i tail, __m256 tailErrors,
                               __m256 tailKeep, const int unitIsOne, __m256 unit) {
    const __m256 zero = _mm256_setzero_ps(), scale = _mm256_set1_ps(input);
    for (long j = 0; j < full; j += 8) {
        __m256 e = _mm256_loadu_ps(errors + j), v = _mm256_loadu_ps(row + j);
        v = _mm256_add_ps(v, _mm256_mul_ps(scale, e));
        _mm256_storeu_ps(row + j, round8(v, _mm256_cmp_ps(e, zero, _CMP_EQ_OQ), unitIsOne, unit));
    }
    if (rest) {
        __m256 v = _mm256_maskload_ps(row + full, tail);
        v = _mm256_add_ps(v, _mm256_mul_ps(scale, tailErrors));
        insitu_store_first(row + full, round8(v, tailKeep, unitIsOne, unit), rest);
    }
}

/// Every row whose input is not zero (a NaN input counts): row += input x errors (a multiply,
/// then an add, as Swift's loop), then `roundRow`'s rounding of the elements whose error is not
/// zero; what every row shares (the last columns' mask and errors, whether the unit is one) is
/// taken out of the loop over rows: a small layer's rows are a few vectors each.
__attribute__((target("avx,f16c"), always_inline))
static inline void addRoundRows(float *values, const float *inputs, long rows, const float *errors, long count,
                                float unitValue, const int unitIsOne) {
    const __m256 zero = _mm256_setzero_ps(), unit = _mm256_set1_ps(unitValue);
    const long full = count & ~7L, rest = count - full;
    const __m256i tail = insitu_first_lanes(rest);
    const __m256 tailErrors = rest ? _mm256_maskload_ps(errors + full, tail) : zero;
    const __m256 tailKeep = _mm256_cmp_ps(tailErrors, zero, _CMP_EQ_OQ);
    int driven[512];
    for (long first = 0; first < rows; first += 512) {
        const long n = insitu_list_driven(inputs, first, rows, driven);
        for (long k = 0; k < n; k++) {
            const long i = driven[k];
            addRoundRow(values + i * count, inputs[i], errors, full, rest, tail, tailErrors, tailKeep, unitIsOne, unit);
        }
    }
}

__attribute__((target("avx,f16c")))
static void addRoundRowsUnitOne(float *values, const float *inputs, long rows, const float *errors, long count) {
    addRoundRows(values, inputs, rows, errors, count, 1.0f, 1);
}

__attribute__((target("avx,f16c")))
static void addRoundRowsScaled(float *values, const float *inputs, long rows, const float *errors, long count, float unit) {
    addRoundRows(values, inputs, rows, errors, count, unit, 0);
}

/// Sixteen values rounded to binary16 as `round8` rounds them, by adding and subtracting 1.5 x
/// 2^(e + 13), e the value's exponent (at least -14, binary16's least normal one): that sum's
/// last bit is the value's binary16 step, so float addition rounds it to the nearest step, ties
/// to even, and a zero comes out +0. At 65520 or more in magnitude it is an infinity, and a NaN
/// stays as it was, both on a rarely taken branch; the same bits as the conversions for every
/// one of the 2^32 floats (`Float16KernelTests` compares them).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"), always_inline))
static inline __m512 round16(__m512 v, __mmask16 keep, const int unitIsOne, __m512 unit) {
    const __m512 q = unitIsOne ? v : _mm512_div_ps(v, unit);
    const __m512i exponent = _mm512_max_epi32(_mm512_and_si512(_mm512_castps_si512(q), _mm512_set1_epi32(0x7f800000)),
                                              _mm512_set1_epi32(113 << 23));
    const __m512 magic = _mm512_castsi512_ps(_mm512_add_epi32(exponent, _mm512_set1_epi32((13 << 23) | 0x400000)));
    __m512 r = _mm512_sub_ps(_mm512_add_ps(q, magic), magic);
    const __mmask16 special = _mm512_cmp_ps_mask(_mm512_abs_ps(q), _mm512_set1_ps(65520.0f), _CMP_NLT_UQ);
    if (__builtin_expect(special != 0, 0)) {
        r = _mm512_mask_mov_ps(r, special, _mm512_or_ps(_mm512_and_ps(q, _mm512_set1_ps(-0.0f)), _mm512_set1_ps(__builtin_inff())));
        r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(q, q, _CMP_UNORD_Q), q);
    }
    if (!unitIsOne) r = _mm512_mul_ps(r, unit);
    return _mm512_mask_mov_ps(r, keep, v);
}

/// `roundRow` sixteen at a time.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void roundRowWide(float *row, const float *errors, long count, float unitValue) {
    const __m512 zero = _mm512_setzero_ps(), unit = _mm512_set1_ps(unitValue);
    const int unitIsOne = unitValue == 1.0f;
    for (long j = 0; j < count; j += 16) {
        const __mmask16 in = count - j >= 16 ? 0xffff : (__mmask16)((1u << (count - j)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(in, row + j);
        const __mmask16 keep = errors ? _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(in, errors + j), zero, _CMP_EQ_OQ) : 0;
        _mm512_mask_storeu_ps(row + j, in, unitIsOne ? round16(v, keep, 1, unit) : round16(v, keep, 0, unit));
    }
}

/// `addRoundRows` sixteen columns at a time.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"), always_inline))
static inline void addRoundRowsWide(float *values, const float *inputs, long rows, const float *errors, long count,
                                    float unitValue, const int unitIsOne) {
    const __m512 zero = _mm512_setzero_ps(), unit = _mm512_set1_ps(unitValue);
    const long full = count & ~15L, rest = count - full;
    const __mmask16 tail = (__mmask16)((1u << rest) - 1);
    const __m512 tailErrors = _mm512_maskz_loadu_ps(tail, errors + full);
    const __mmask16 tailKeep = _mm512_cmp_ps_mask(tailErrors, zero, _CMP_EQ_OQ);
    int driven[512];
    for (long first = 0; first < rows; first += 512) {
        const long n = insitu_list_driven(inputs, first, rows, driven);
        for (long k = 0; k < n; k++) {
            const long i = driven[k];
            float *row = values + i * count;
            const __m512 scale = _mm512_set1_ps(inputs[i]);
            for (long j = 0; j < full; j += 16) {
                const __m512 e = _mm512_loadu_ps(errors + j);
                const __m512 v = _mm512_add_ps(_mm512_loadu_ps(row + j), _mm512_mul_ps(scale, e));
                _mm512_storeu_ps(row + j, round16(v, _mm512_cmp_ps_mask(e, zero, _CMP_EQ_OQ), unitIsOne, unit));
            }
            if (rest) {
                const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, row + full), _mm512_mul_ps(scale, tailErrors));
                _mm512_mask_storeu_ps(row + full, tail, round16(v, tailKeep, unitIsOne, unit));
            }
        }
    }
}

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void addRoundRowsWideUnitOne(float *values, const float *inputs, long rows, const float *errors, long count) {
    addRoundRowsWide(values, inputs, rows, errors, count, 1.0f, 1);
}

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void addRoundRowsWideScaled(float *values, const float *inputs, long rows, const float *errors, long count, float unit) {
    addRoundRowsWide(values, inputs, rows, errors, count, unit, 0);
}

int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) {
    if (rows > 2147483647L) return 0;
    if (insitu_has_avx512()) {
        if (unit == 1.0f) addRoundRowsWideUnitOne(values, inputs, rows, errors, count);
        else addRoundRowsWideScaled(values, inputs, rows, errors, count, unit);
        return 1;
    }
    if (!insitu_has_f16c()) return 0;
    if (unit == 1.0f) addRoundRowsUnitOne(values, inputs, rows, errors, count);
    else addRoundRowsScaled(values, inputs, rows, errors, count, unit);
    return 1;
}

/// `roundRow` on every row whose input is not zero (a NaN input counts). 0 without F16C.
int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) {
    const int wide = insitu_has_avx512();
    if (!wide && !insitu_has_f16c()) return 0;
    for (long i = 0; i < rows; i++) {
        if (inputs[i] == 0) continue;
        if (wide) roundRowWide(values + i * count, errors, count, unit);
        else roundRow(values + i * count, errors, count, unit);
    }
    return 1;
}

int insitu_round_fp16(float *values, long count, float unit) {
    if (insitu_has_avx512()) roundRowWide(values, 0, count, unit);
    else if (insitu_has_f16c()) roundRow(values, 0, count, unit);
    else return 0;
    return 1;
}

#else

int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) { return 0; }
int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) { return 0; }
int insitu_round_fp16(float *values, long count, float unit) { return 0; }

#endif
