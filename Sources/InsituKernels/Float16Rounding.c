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
    // The driven rows listed first without a branch, as `insitu_rows_product` lists them: whether
    // a pixel is zero is as good as random, and a mispredicted skip cost about as much as a
    // small layer's row.
    int driven[512];
    for (long first = 0; first < rows; first += 512) {
        const long end = rows - first < 512 ? rows : first + 512;
        long n = 0;
        for (long i = first; i < end; i++) {
            driven[n] = (int)i;
            n += inputs[i] != 0;  // NaN counts: a driven row
        }
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

int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) {
    if (!insitu_has_f16c() || rows > 2147483647L) return 0;
    if (unit == 1.0f) addRoundRowsUnitOne(values, inputs, rows, errors, count);
    else addRoundRowsScaled(values, inputs, rows, errors, count, unit);
    return 1;
}

/// `roundRow` on every row whose input is not zero (a NaN input counts). 0 without F16C.
int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) {
    if (!insitu_has_f16c()) return 0;
    for (long i = 0; i < rows; i++) {
        if (inputs[i] != 0) roundRow(values + i * count, errors, count, unit);
    }
    return 1;
}

int insitu_round_fp16(float *values, long count, float unit) {
    if (!insitu_has_f16c()) return 0;
    roundRow(values, 0, count, unit);
    return 1;
}

#else

int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit) { return 0; }
int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit) { return 0; }
int insitu_round_fp16(float *values, long count, float unit) { return 0; }

#endif
