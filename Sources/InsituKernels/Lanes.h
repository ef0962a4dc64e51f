// The first n of eight lanes (a mask to load them, plain stores to write them), Swift's max
// and min lane by lane (doubles and floats), and a converter's levels four lanes at a time.
#ifndef INSITU_LANES_H
#define INSITU_LANES_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "InsituKernels.h"

/// A mask of the first n (0...8) of eight lanes, for masked loads of a row's last columns.
__attribute__((target("avx"), always_inline))
static inline __m256i insitu_first_lanes(long n) {
    const __m256 lanes = _mm256_set_ps(7, 6, 5, 4, 3, 2, 1, 0);
    return _mm256_castps_si256(_mm256_cmp_ps(lanes, _mm256_set1_ps((float)n), _CMP_LT_OQ));
}

/// The driven rows (input not zero; a NaN counts) of the up to 512 from `first`, listed in
/// `driven` without a branch: whether a pixel is zero is as good as random, and a mispredicted
/// skip cost about as much as a small layer's row. Returns how many.
static inline long insitu_list_driven(const float *inputs, long first, long rows, int driven[512]) {
    const long end = rows - first < 512 ? rows : first + 512;
    long n = 0;
    for (long i = first; i < end; i++) {
        driven[n] = (int)i;
        n += inputs[i] != 0;
    }
    return n;
}

/// Stores the first n (0...7) lanes of v at dst with plain 16-, 8- and 4-byte stores: a masked
/// store (vmaskmovps) costs many times more on some processors, and lanes past n are never written.
__attribute__((target("avx"), always_inline))
static inline void insitu_store_first(float *dst, __m256 v, long n) {
    __m128 part = _mm256_castps256_ps128(v);
    if (n >= 4) {
        _mm_storeu_ps(dst, part);
        dst += 4;
        n -= 4;
        part = _mm256_extractf128_ps(v, 1);
    }
    if (n >= 2) {
        _mm_storel_pi((__m64 *)dst, part);
        dst += 2;
        n -= 2;
        part = _mm_movehl_ps(part, part);
    }
    if (n >= 1) _mm_store_ss(dst, part);
}

/// Swift's max(x, y) = y >= x ? y : x, and min(x, y) = y < x ? y : x, lane by lane (a NaN x stays).
__attribute__((target("avx"), always_inline))
static inline __m256d insitu_swift_max(__m256d x, __m256d y) { return _mm256_blendv_pd(x, y, _mm256_cmp_pd(y, x, _CMP_GE_OQ)); }
__attribute__((target("avx"), always_inline))
static inline __m256d insitu_swift_min(__m256d x, __m256d y) { return _mm256_blendv_pd(x, y, _mm256_cmp_pd(y, x, _CMP_LT_OQ)); }

/// The same on floats, four lanes and eight.
__attribute__((target("avx"), always_inline))
static inline __m128 insitu_swift_max4(__m128 x, __m128 y) { return _mm_blendv_ps(x, y, _mm_cmp_ps(y, x, _CMP_GE_OQ)); }
__attribute__((target("avx"), always_inline))
static inline __m128 insitu_swift_min4(__m128 x, __m128 y) { return _mm_blendv_ps(x, y, _mm_cmp_ps(y, x, _CMP_LT_OQ)); }
__attribute__((target("avx"), always_inline))
static inline __m256 insitu_swift_max8(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_GE_OQ)); }
__attribute__((target("avx"), always_inline))
static inline __m256 insitu_swift_min8(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_LT_OQ)); }

/// A converter's value nearest to `x` (as double), clamped to [low, fullScale], as a float:
/// the portable `Quantizer.quantize` (clamp, divide, round by adding and subtracting 1.5 x 2^52,
/// multiply), lane by lane.
__attribute__((target("avx"), always_inline))
static inline __m128 insitu_quantize_lanes(__m256d x, const InsituQuantizer *q) {
    const __m256d magic = _mm256_set1_pd(6755399441055744.0), step = _mm256_set1_pd(q->step);
    __m256d code = _mm256_div_pd(insitu_swift_min(insitu_swift_max(x, _mm256_set1_pd(q->low)), _mm256_set1_pd(q->fullScale)), step);
    return _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_sub_pd(_mm256_add_pd(code, magic), magic), step));
}

#endif
#endif
