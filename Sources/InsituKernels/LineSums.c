// The sums a read hop and a drive hop form over an image's inputs (line energy per farad,
// sum V^2 G and the rail's supply), for up to four images at once, one image a lane: each
// lane's terms are the one-image loop's IEEE operations on the same types, added in row order,
// so each lane's sums are that loop's bits, while the four chains overlap in the adder.
#include "InsituKernels.h"
#include "CPUFeatures.h"

// Only IEEE operations one at a time: no fused multiply-adds, so results match Swift's.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx")))
static void lineSums(const float *const *v, long lanes, long count, const double *const *sums, const InsituLineTerms *terms,
                     InsituLineSums *out) {
    static const float noInputs[1] = {0};
    static const double noSums[1] = {0};
    const float *p[4];
    const double *s[4];
    long step[4];
    for (int k = 0; k < 4; k++) {
        // A missing lane reads a zero again and again (and its sums are dropped).
        const int here = k < lanes;
        p[k] = here ? v[k] : noInputs;
        s[k] = here && sums ? sums[k] : noSums;
        step[k] = here ? 1 : 0;
    }
    const __m256d lineFactor = _mm256_set1_pd(terms->lineFactor), rail = _mm256_set1_pd(terms->rail);
    const __m256d signBit = _mm256_set1_pd(-0.0);
    const int fromRail = terms->fromRail, withRead = sums != 0, withSupply = sums != 0 && terms->rail > 0;
    __m256d line = _mm256_setzero_pd(), read = _mm256_setzero_pd(), supply = _mm256_setzero_pd();
    for (long i = 0; i < count; i++) {
        const __m128 vf = _mm_set_ps(p[3][i * step[3]], p[2][i * step[2]], p[1][i * step[1]], p[0][i * step[0]]);
        const __m256d x = _mm256_cvtps_pd(vf);
        // Double(v * v): the square in float, then widened.
        const __m256d squared = _mm256_cvtps_pd(_mm_mul_ps(vf, vf));
        const __m256d magnitude = _mm256_andnot_pd(signBit, x);
        // From a rail: (chargeFactor x rail) x |v|; else driveFactor x v^2.
        line = _mm256_add_pd(line, _mm256_mul_pd(lineFactor, fromRail ? magnitude : squared));
        if (withRead) {
            const __m256d g = _mm256_set_pd(s[3][i * step[3]], s[2][i * step[2]], s[1][i * step[1]], s[0][i * step[0]]);
            read = _mm256_add_pd(read, _mm256_mul_pd(squared, g));
            // (rail x |x| - x x x) x G
            if (withSupply) supply = _mm256_add_pd(supply, _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(rail, magnitude), _mm256_mul_pd(x, x)), g));
        }
    }
    double l[4], r[4], u[4];
    _mm256_storeu_pd(l, line);
    _mm256_storeu_pd(r, read);
    _mm256_storeu_pd(u, supply);
    for (long k = 0; k < lanes; k++) out[k] = (InsituLineSums){l[k], r[k], u[k]};
}

int insitu_line_sums(const float *const *v, long lanes, long count, const double *const *sums, const InsituLineTerms *terms,
                     InsituLineSums *out) {
    if (!insitu_has_avx() || lanes < 1 || lanes > 4) return 0;
    lineSums(v, lanes, count, sums, terms, out);
    return 1;
}

#else

int insitu_line_sums(const float *const *v, long lanes, long count, const double *const *sums, const InsituLineTerms *terms,
                     InsituLineSums *out) { return 0; }

#endif
