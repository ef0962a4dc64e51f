// A row's conductances summed in a double, sixteen at a time with AVX-512 where the sum is
// exact (ExactSums.h: the terms are floats a few decades apart, some hundreds of them), so the
// bits are those of adding them one after another, as the portable loops do; else one after
// another here.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "ExactSums.h"

#pragma STDC FP_CONTRACT OFF

/// The terms one after another: double(p[j]), or double(p[j]) + double(q[j]), for j < count.
static double inOrder(const float *p, const float *q, long count) {
    double sum = 0;
    for (long j = 0; j < count; j++) sum += q ? (double)p[j] + (double)q[j] : (double)p[j];
    return sum;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Folds sixteen floats into the least nonzero and the greatest magnitude seen.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"), always_inline))
static inline void span(__m512 x, __m512 *least, __m512 *most) {
    const __m512 magnitude = _mm512_abs_ps(x);
    *least = _mm512_mask_min_ps(*least, _mm512_cmp_ps_mask(magnitude, _mm512_setzero_ps(), _CMP_NEQ_UQ), *least, magnitude);
    *most = _mm512_max_ps(*most, magnitude);
}

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static double sumWide(const float *p, const float *q, long count) {
    __m512d low = _mm512_setzero_pd(), high = _mm512_setzero_pd();
    __m512 least = _mm512_set1_ps(__builtin_inff()), most = _mm512_setzero_ps();
    for (long j = 0; j < count; j += 16) {
        const __mmask16 in = count - j >= 16 ? 0xffff : (__mmask16)((1u << (count - j)) - 1);
        const __m512 a = _mm512_maskz_loadu_ps(in, p + j);
        span(a, &least, &most);
        __m512d a0 = _mm512_cvtps_pd(_mm512_castps512_ps256(a)), a1 = _mm512_cvtps_pd(_mm512_extractf32x8_ps(a, 1));
        if (q) {
            const __m512 b = _mm512_maskz_loadu_ps(in, q + j);
            span(b, &least, &most);
            a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(b)));
            a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm512_extractf32x8_ps(b, 1)));
        }
        low = _mm512_add_pd(low, a0);
        high = _mm512_add_pd(high, a1);
    }
    const double sum = _mm512_reduce_add_pd(_mm512_add_pd(low, high));
    const long terms = q ? 2 * count : count;
    if (__builtin_isfinite(sum) && insitu_sums_are_exact(_mm512_reduce_min_ps(least), _mm512_reduce_max_ps(most), terms)) return sum;
    return inOrder(p, q, count);
}

int insitu_row_sum(const float *p, const float *q, long count, double *sum) {
    if (!insitu_has_avx512()) return 0;
    *sum = sumWide(p, q, count);
    return 1;
}

#else

int insitu_row_sum(const float *p, const float *q, long count, double *sum) { return 0; }

#endif
