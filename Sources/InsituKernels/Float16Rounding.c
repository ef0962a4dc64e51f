// binary16 rounding with x86's F16C conversions (vcvtps2ph, round to nearest even, and
// vcvtph2ps, exact): the same values as the portable `NumberFormat.binary16`, a few
// instructions for eight floats instead of some twenty for four.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"

// Only IEEE operations one at a time: no fused multiply-adds, so results match Swift's.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Eight values rounded in units of `unit` (NaN kept), where `keep` is clear; else as they were.
__attribute__((target("avx,f16c")))
static inline __m256 round8(__m256 v, __m256 keep, int unitIsOne, __m256 unit) {
    __m256 q = unitIsOne ? v : _mm256_div_ps(v, unit);
    // + 0: a zero comes out +0, as the portable rounding gives it (its subnormal path adds
    // and subtracts 1.5 x 2^23), where the conversion would keep -0.
    __m256 r = _mm256_add_ps(_mm256_cvtph_ps(_mm256_cvtps_ph(q, _MM_FROUND_TO_NEAREST_INT)), _mm256_setzero_ps());
    r = _mm256_blendv_ps(r, q, _mm256_cmp_ps(q, q, _CMP_UNORD_Q));
    if (!unitIsOne) r = _mm256_mul_ps(r, unit);
    return _mm256_blendv_ps(r, v, keep);
}

/// One row: with `add`, row += a x errors first (a multiply, then an add, as Swift's loop);
/// then rounds the elements whose column's error is not zero (all when `errors` is NULL).
__attribute__((target("avx,f16c")))
static void roundRow(float *row, const float *errors, long count, float unitValue, int add, float a) {
    const __m256 zero = _mm256_setzero_ps(), unit = _mm256_set1_ps(unitValue), scale = _mm256_set1_ps(a);
    const int unitIsOne = unitValue == 1.0f;
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 e = errors ? _mm256_loadu_ps(errors + j) : zero, v = _mm256_loadu_ps(row + j);
        if (add) v = _mm256_add_ps(v, _mm256_mul_ps(scale, e));
        // Kept: a column whose error is zero (an ordered compare: NaN != 0 is rounded).
        __m256 keep = errors ? _mm256_cmp_ps(e, zero, _CMP_EQ_OQ) : zero;
        _mm256_storeu_ps(row + j, round8(v, keep, unitIsOne, unit));
    }
    if (j < count) {
        // The last 1-7 columns: masked loads, plain stores of those columns only.
        const __m256i in = insitu_first_lanes(count - j);
        __m256 e = errors ? _mm256_maskload_ps(errors + j, in) : zero, v = _mm256_maskload_ps(row + j, in);
        if (add) v = _mm256_add_ps(v, _mm256_mul_ps(scale, e));
        __m256 keep = errors ? _mm256_cmp_ps(e, zero, _CMP_EQ_OQ) : zero;
        insitu_store_first(row + j, round8(v, keep, unitIsOne, unit), count - j);
    }
}

/// `roundRow` on every row whose input is not zero (a NaN input counts), adding input x errors first
/// with `add`. 0 without F16C.
static int changedRows(float *values, const float *inputs, long rows, const float *errors, long count, float unit, int add) {
    if (!insitu_has_f16c()) return 0;
    for (long i = 0; i < rows; i++) {
        if (inputs[i] != 0) roundRow(values + i * count, errors, count, unit, add, add ? inputs[i] : 0);
    }
    return 1;
}

int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) {
    return changedRows(values, inputs, rows, errors, count, unit, 1);
}

int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) {
    return changedRows(values, inputs, rows, errors, count, unit, 0);
}

int insitu_round_fp16(float *values, long count, float unit) {
    if (!insitu_has_f16c()) return 0;
    roundRow(values, 0, count, unit, 0, 0);
    return 1;
}

#else

int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) { return 0; }
int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) { return 0; }
int insitu_round_fp16(float *values, long count, float unit) { return 0; }

#endif
