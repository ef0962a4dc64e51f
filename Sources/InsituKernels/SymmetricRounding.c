// A buffer rounded to symmetric integers of one scale (an integer format, or a float in narrower
// memory words) with AVX: the largest finite magnitude by lanes (a maximum is exact in any
// order), then each value divided by the scale, rounded to the nearest even integer, clamped and
// scaled back, the portable loop's IEEE operations on the same types, so the bits are its bits.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx")))
static void roundSymmetric(float *values, long count, float limit) {
    const __m256 signBit = _mm256_set1_ps(-0.0f), infinity = _mm256_set1_ps(__builtin_inff());
    const long full = count & ~7L, rest = count - full;
    const __m256i tail = insitu_first_lanes(rest);
    __m256 largest = _mm256_setzero_ps();
    for (long j = 0; j < count; j += 8) {
        const __m256 v = j < full ? _mm256_loadu_ps(values + j) : _mm256_maskload_ps(values + j, tail);
        const __m256 magnitude = _mm256_andnot_ps(signBit, v);
        // Finite values only (NaN and infinities compare false); masked-off lanes are +0.
        largest = _mm256_max_ps(largest, _mm256_and_ps(magnitude, _mm256_cmp_ps(magnitude, infinity, _CMP_LT_OQ)));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, largest);
    float m = 0;
    for (int k = 0; k < 8; k++) m = lanes[k] > m ? lanes[k] : m;
    const float scaleValue = m / limit;
    if (!(scaleValue > 0)) return;
    const __m256 scale = _mm256_set1_ps(scaleValue), high = _mm256_set1_ps(limit), low = _mm256_set1_ps(-limit);
    for (long j = 0; j < count; j += 8) {
        const int whole = j < full;
        const __m256 v = whole ? _mm256_loadu_ps(values + j) : _mm256_maskload_ps(values + j, tail);
        const __m256 code = _mm256_round_ps(_mm256_div_ps(v, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m256 level = _mm256_mul_ps(insitu_swift_min8(insitu_swift_max8(code, low), high), scale);
        if (whole) _mm256_storeu_ps(values + j, level);
        else insitu_store_first(values + j, level, rest);
    }
}

int insitu_round_symmetric(float *values, long count, float limit) {
    if (!insitu_has_avx()) return 0;
    roundSymmetric(values, count, limit);
    return 1;
}

#else

int insitu_round_symmetric(float *values, long count, float limit) { return 0; }

#endif
