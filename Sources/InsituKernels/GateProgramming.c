// A row of 1T1R cells programmed four devices a lane group with AVX2, or eight with AVX-512:
// every step is the portable loop's IEEE operation on the same types (float to double,
// multiply, subtract, add, Swift's max and min, double to float), and the sums are added in
// device order (or in an order whose sums are exact, so the same), so the bits are its bits.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"
#include "ExactSums.h"
#include <string.h>

// Only IEEE operations one at a time: no fused multiply-adds, so results match Swift's.
#pragma STDC FP_CONTRACT OFF

/// Swift's max(x, y) = y >= x ? y : x and min(x, y) = y < x ? y : x.
static inline double swiftMax(double x, double y) { return y >= x ? y : x; }
static inline double swiftMin(double x, double y) { return y < x ? y : x; }

/// The conductance a working cell's SET reaches at gate `state` with slope factor `factor` and deviate `z`.
static inline float setConductance(float state, float factor, double z, const InsituGateCell *c) {
    double nominal = c->g0 + c->slope * (double)factor * ((double)state - c->gateMin);
    double sigma = c->relative ? c->variation * nominal : c->rangeSigma;
    return (float)swiftMin(swiftMax(nominal + sigma * z, c->floor), c->ceiling);
}

/// One device as the portable loop programs it; returns 1 when it took a deviate.
static inline long programOne(float *g, unsigned char fault, float factor, float *state, float target,
                              double z, const InsituGateCell *c, InsituGateRow *row) {
    float old = *state, before = *g;
    if (target == old) return 0;
    if (target < old) {
        row->resets += 1;
        row->resetFromSiemens += (double)before;
    }
    if (fault == 0) *g = setConductance(target, factor, z, c);
    row->sets += 1;
    row->setToSiemens += (double)*g;
    *state = target;
    return fault == 0;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// For each set of taking lanes (bit l: lane l takes a deviate), the float pairs that move the
/// next deviates (in lanes 0, 1, ...) to the taking lanes, in order.
static const int expandLanes[16][8] = {
    {0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 2, 3, 0, 1, 0, 1},
    {0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 0, 1, 2, 3, 0, 1},
    {0, 1, 0, 1, 2, 3, 0, 1},
    {0, 1, 2, 3, 4, 5, 0, 1},
    {0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 0, 1, 0, 1, 2, 3},
    {0, 1, 0, 1, 0, 1, 2, 3},
    {0, 1, 2, 3, 0, 1, 4, 5},
    {0, 1, 0, 1, 0, 1, 2, 3},
    {0, 1, 0, 1, 2, 3, 4, 5},
    {0, 1, 0, 1, 2, 3, 4, 5},
    {0, 1, 2, 3, 4, 5, 6, 7}};

__attribute__((target("avx,avx2")))
static void programRow(float *g, const unsigned char *faults, const float *factors, float *states,
                       const float *targets, long count, const double *noise, long draws, const InsituGateCell *c,
                       InsituGateRow *row) {
    const __m256d g0 = _mm256_set1_pd(c->g0), slope = _mm256_set1_pd(c->slope), gateMin = _mm256_set1_pd(c->gateMin);
    const __m256d floor = _mm256_set1_pd(c->floor), ceiling = _mm256_set1_pd(c->ceiling);
    const __m256d rangeSigma = _mm256_set1_pd(c->rangeSigma), variation = _mm256_set1_pd(c->variation);
    long drawn = 0, k = 0;
    double resetFrom = 0, setTo = 0;
    for (; k + 4 <= count; k += 4) {
        const __m128 oldF = _mm_loadu_ps(states + k), newF = _mm_loadu_ps(targets + k), beforeF = _mm_loadu_ps(g + k);
        int faultBytes;
        memcpy(&faultBytes, faults + k, 4);
        const __m128 working = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(faultBytes)), _mm_setzero_si128()));
        const __m128 changes = _mm_cmp_ps(newF, oldF, _CMP_NEQ_UQ), falls = _mm_cmp_ps(newF, oldF, _CMP_LT_OQ);
        const int takes = draws > 0 ? _mm_movemask_ps(_mm_and_ps(changes, working)) : 0;
        // Each taking device's deviate in its lane, in device order (a stuck or unchanged one's
        // 0): the next deviates loaded (only as many as take one) and moved to the taking lanes.
        const int taking = __builtin_popcount(takes);
        const __m256i load = _mm256_cmpgt_epi64(_mm256_set1_epi64x(taking), _mm256_set_epi64x(3, 2, 1, 0));
        const __m256d next = _mm256_maskload_pd(noise + drawn, load);
        const __m256i where = _mm256_loadu_si256((const __m256i *)expandLanes[takes]);
        const __m256i takers = _mm256_cmpgt_epi64(_mm256_and_si256(_mm256_set1_epi64x(takes), _mm256_set_epi64x(8, 4, 2, 1)),
                                                  _mm256_setzero_si256());
        const __m256d z = _mm256_and_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(next), where)),
                                        _mm256_castsi256_pd(takers));
        drawn += taking;
        const __m256d newD = _mm256_cvtps_pd(newF);
        const __m256d nominal = _mm256_add_pd(g0, _mm256_mul_pd(_mm256_mul_pd(slope, _mm256_cvtps_pd(_mm_loadu_ps(factors + k))),
                                                                _mm256_sub_pd(newD, gateMin)));
        const __m256d sigma = c->relative ? _mm256_mul_pd(variation, nominal) : rangeSigma;
        const __m256d noisy = _mm256_add_pd(nominal, _mm256_mul_pd(sigma, z));
        const __m128 setF = _mm256_cvtpd_ps(insitu_swift_min(insitu_swift_max(noisy, floor), ceiling));
        const __m128 afterF = _mm_blendv_ps(beforeF, setF, _mm_and_ps(changes, working));
        _mm_storeu_ps(g + k, afterF);
        _mm_storeu_ps(states + k, _mm_blendv_ps(oldF, newF, changes));
        // RESETs' conductances before, SETs' after, +0 (which leaves a sum as it is) elsewhere;
        // added one device after another, as the portable loop adds them.
        const __m256d oldD = _mm256_cvtps_pd(oldF);
        double resetTerms[4], setTerms[4];
        _mm256_storeu_pd(resetTerms, _mm256_and_pd(_mm256_cvtps_pd(beforeF), _mm256_cmp_pd(newD, oldD, _CMP_LT_OQ)));
        _mm256_storeu_pd(setTerms, _mm256_and_pd(_mm256_cvtps_pd(afterF), _mm256_cmp_pd(newD, oldD, _CMP_NEQ_UQ)));
        for (int l = 0; l < 4; l++) {
            resetFrom += resetTerms[l];
            setTo += setTerms[l];
        }
        row->resets += __builtin_popcount(_mm_movemask_ps(falls));
        row->sets += __builtin_popcount(_mm_movemask_ps(changes));
    }
    row->resetFromSiemens = resetFrom;
    row->setToSiemens = setTo;
    for (; k < count; k++) {
        const long took = programOne(g + k, faults[k], factors[k], states + k, targets[k], noise[drawn], c, row);
        drawn += draws > 0 ? took : 0;
    }
}

/// `programRow` eight devices at a time with AVX-512: each taking lane's deviate expanded from
/// the next ones (vexpandpd), masks in place of blends. The conductance sums are added eight
/// lanes at a time, in any order, where that is exact: the terms are floats, so all are whole
/// multiples of the least one's float step, and while no sum can reach 2^53 of those steps
/// every partial sum is exact and equal to the device-order sum (conductances a few decades
/// apart, a row of some hundreds). A chunk of 512 devices where that is not known (a zero or
/// near-zero conductance beside large ones, an infinity, a NaN) and every chunk after it are
/// added one term after another from the terms kept, as the 256-bit loop adds them.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void programRowWide(float *g, const unsigned char *faults, const float *factors, float *states,
                       const float *targets, long count, const double *noise, long draws, const InsituGateCell *c,
                       InsituGateRow *row) {
    const __m512d g0 = _mm512_set1_pd(c->g0), slope = _mm512_set1_pd(c->slope), gateMin = _mm512_set1_pd(c->gateMin);
    const __m512d floor = _mm512_set1_pd(c->floor), ceiling = _mm512_set1_pd(c->ceiling);
    const __m512d rangeSigma = _mm512_set1_pd(c->rangeSigma), variation = _mm512_set1_pd(c->variation);
    const __m512d zero = _mm512_setzero_pd();
    enum { chunk = 512 };
    double resetTerms[chunk], setTerms[chunk];
    long drawn = 0, resets = 0, sets = 0;
    double resetFrom = 0, setTo = 0;
    int sequential = 0;
    __m512d resetSum = zero, setSum = zero, least = _mm512_set1_pd(__builtin_inf()), most = zero;
    for (long first = 0; first < count; first += chunk) {
        const long end = count - first < chunk ? count : first + chunk;
        for (long k = first; k < end; k += 8) {
            const __mmask8 in = end - k >= 8 ? 0xff : (__mmask8)((1u << (end - k)) - 1);
            const __m256 oldF = _mm256_maskz_loadu_ps(in, states + k), newF = _mm256_maskz_loadu_ps(in, targets + k);
            const __m256 beforeF = _mm256_maskz_loadu_ps(in, g + k);
            const __mmask8 working = _mm256_mask_cmpeq_epi32_mask(in, _mm256_cvtepu8_epi32(_mm_maskz_loadu_epi8(in, faults + k)), _mm256_setzero_si256());
            const __mmask8 changes = _mm256_mask_cmp_ps_mask(in, newF, oldF, _CMP_NEQ_UQ), falls = _mm256_cmp_ps_mask(newF, oldF, _CMP_LT_OQ);
            const __mmask8 works = changes & working, takes = draws > 0 ? works : 0;
            const __m512d z = _mm512_maskz_expandloadu_pd(takes, noise + drawn);
            drawn += __builtin_popcount(takes);
            const __m512d newD = _mm512_cvtps_pd(newF);
            const __m512d nominal = _mm512_add_pd(g0, _mm512_mul_pd(_mm512_mul_pd(slope, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(in, factors + k))),
                                                                    _mm512_sub_pd(newD, gateMin)));
            const __m512d sigma = c->relative ? _mm512_mul_pd(variation, nominal) : rangeSigma;
            __m512d set = _mm512_add_pd(nominal, _mm512_mul_pd(sigma, z));
            set = _mm512_mask_mov_pd(set, _mm512_cmp_pd_mask(floor, set, _CMP_GE_OQ), floor);    // Swift's max(set, floor)
            set = _mm512_mask_mov_pd(set, _mm512_cmp_pd_mask(ceiling, set, _CMP_LT_OQ), ceiling);  // Swift's min(set, ceiling)
            const __m256 afterF = _mm256_mask_mov_ps(beforeF, works, _mm512_cvtpd_ps(set));
            _mm256_mask_storeu_ps(g + k, in, afterF);
            _mm256_mask_storeu_ps(states + k, in, _mm256_mask_mov_ps(oldF, changes, newF));
            const __m512d resetTerm = _mm512_maskz_mov_pd(falls, _mm512_cvtps_pd(beforeF));
            const __m512d setTerm = _mm512_maskz_mov_pd(changes, _mm512_cvtps_pd(afterF));
            _mm512_storeu_pd(resetTerms + (k - first), resetTerm);
            _mm512_storeu_pd(setTerms + (k - first), setTerm);
            resetSum = _mm512_add_pd(resetSum, resetTerm);
            setSum = _mm512_add_pd(setSum, setTerm);
            const __m512d r = _mm512_abs_pd(resetTerm), s = _mm512_abs_pd(setTerm);
            least = _mm512_mask_min_pd(least, _mm512_cmp_pd_mask(r, zero, _CMP_NEQ_UQ), least, r);
            least = _mm512_mask_min_pd(least, _mm512_cmp_pd_mask(s, zero, _CMP_NEQ_UQ), least, s);
            most = _mm512_max_pd(most, _mm512_max_pd(r, s));
            resets += __builtin_popcount(falls);
            sets += __builtin_popcount(changes);
        }
        if (!sequential) {
            const double a = _mm512_reduce_add_pd(resetSum), b = _mm512_reduce_add_pd(setSum);
            if (insitu_sums_are_exact(_mm512_reduce_min_pd(least), _mm512_reduce_max_pd(most), end) && __builtin_isfinite(a) && __builtin_isfinite(b)) {
                resetFrom = a;
                setTo = b;
                continue;
            }
            sequential = 1;  // resetFrom and setTo hold the exact sums of the chunks before
        }
        for (long k = 0; k < end - first; k++) {
            resetFrom += resetTerms[k];
            setTo += setTerms[k];
        }
    }
    row->resets = resets;
    row->sets = sets;
    row->resetFromSiemens = resetFrom;
    row->setToSiemens = setTo;
}

int insitu_program_gate_row(float *g, const unsigned char *faults, const float *factors, float *states,
                            const float *targets, long count, const double *noise, long draws,
                            const InsituGateCell *cell, InsituGateRow *out) {
    *out = (InsituGateRow){0, 0, 0, 0};
    if (insitu_has_avx512()) programRowWide(g, faults, factors, states, targets, count, noise, draws, cell, out);
    else if (insitu_has_avx2()) programRow(g, faults, factors, states, targets, count, noise, draws, cell, out);
    else return 0;
    return 1;
}

#else

int insitu_program_gate_row(float *g, const unsigned char *faults, const float *factors, float *states,
                            const float *targets, long count, const double *noise, long draws,
                            const InsituGateCell *cell, InsituGateRow *out) { return 0; }

#endif
