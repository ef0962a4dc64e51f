// A row's changes counted eight devices at a time with AVX (sixteen with AVX-512): whether a state differs from its
// target (a NaN differs), whether that target lies at or beyond an end of the state range, and
// whether the device works; the same counts as the portable loops.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// 1 in each lane set in `mask`, summed as 32-bit integers (a lane of -1 from a compare).
__attribute__((target("avx"), always_inline))
static inline long lanesSet(__m256 mask) { return __builtin_popcount(_mm256_movemask_ps(mask)); }

/// Eight devices' fault bytes as lanes: -1 where the device works (a byte of 0), else 0.
__attribute__((target("avx"), always_inline))
static inline __m256 workingLanes(const unsigned char *faults) {
    long long bytes;
    memcpy(&bytes, faults, 8);
    const __m128i b = _mm_cvtsi64_si128(bytes), zero = _mm_setzero_si128();
    const __m128i working16 = _mm_cmpeq_epi16(_mm_unpacklo_epi8(b, zero), zero);
    return _mm256_castsi256_ps(_mm256_insertf128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi16(working16, working16)),
                                                       _mm_unpackhi_epi16(working16, working16), 1));
}

__attribute__((target("avx")))
static void countChanges(const float *states, const float *targets, long count, float lo, float hi, long *changed, long *atLimit) {
    const __m256 low = _mm256_set1_ps(lo), high = _mm256_set1_ps(hi);
    long n = 0, limit = 0, j = 0;
    for (; j + 8 <= count; j += 8) {
        const __m256 old = _mm256_loadu_ps(states + j), new = _mm256_loadu_ps(targets + j);
        const __m256 differs = _mm256_cmp_ps(old, new, _CMP_NEQ_UQ);
        const __m256 beyond = _mm256_or_ps(_mm256_cmp_ps(new, low, _CMP_LE_OQ), _mm256_cmp_ps(new, high, _CMP_GE_OQ));
        n += lanesSet(differs);
        limit += lanesSet(_mm256_and_ps(differs, beyond));
    }
    for (; j < count; j++) {
        const long differs = states[j] != targets[j];
        n += differs;
        limit += differs & ((targets[j] <= lo) | (targets[j] >= hi));
    }
    *changed = n;
    *atLimit = limit;
}

/// `countChanges` and the working devices among those that change, in one pass over a row.
__attribute__((target("avx")))
static long countRow(const unsigned char *faults, const float *states, const float *targets, long count, float lo, float hi,
                     long *changed, long *atLimit) {
    const __m256 low = _mm256_set1_ps(lo), high = _mm256_set1_ps(hi);
    long n = 0, limit = 0, working = 0, j = 0;
    for (; j + 8 <= count; j += 8) {
        const __m256 works = workingLanes(faults + j);
        const __m256 new = _mm256_loadu_ps(targets + j);
        const __m256 differs = _mm256_cmp_ps(_mm256_loadu_ps(states + j), new, _CMP_NEQ_UQ);
        const __m256 beyond = _mm256_or_ps(_mm256_cmp_ps(new, low, _CMP_LE_OQ), _mm256_cmp_ps(new, high, _CMP_GE_OQ));
        n += lanesSet(differs);
        limit += lanesSet(_mm256_and_ps(differs, beyond));
        working += lanesSet(_mm256_and_ps(differs, works));
    }
    for (; j < count; j++) {
        const long differs = states[j] != targets[j];
        n += differs;
        limit += differs & ((targets[j] <= lo) | (targets[j] >= hi));
        working += differs & (faults[j] == 0);
    }
    *changed = n;
    *atLimit = limit;
    return working;
}

/// `countChanges` sixteen devices at a time with AVX-512 (the last 1-15 by a mask).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void countChangesWide(const float *states, const float *targets, long count, float lo, float hi, long *changed,
                             long *atLimit) {
    const __m512 low = _mm512_set1_ps(lo), high = _mm512_set1_ps(hi);
    long n = 0, limit = 0;
    for (long j = 0; j < count; j += 16) {
        const __mmask16 in = count - j >= 16 ? 0xffff : (__mmask16)((1u << (count - j)) - 1);
        const __m512 new = _mm512_maskz_loadu_ps(in, targets + j);
        const __mmask16 differs = _mm512_mask_cmp_ps_mask(in, _mm512_maskz_loadu_ps(in, states + j), new, _CMP_NEQ_UQ);
        const __mmask16 beyond = _mm512_cmp_ps_mask(new, low, _CMP_LE_OQ) | _mm512_cmp_ps_mask(new, high, _CMP_GE_OQ);
        n += __builtin_popcount(differs);
        limit += __builtin_popcount(differs & beyond);
    }
    *changed = n;
    *atLimit = limit;
}

/// `countRow` sixteen devices at a time with AVX-512 (the last 1-15 by a mask).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static long countRowWide(const unsigned char *faults, const float *states, const float *targets, long count, float lo, float hi,
                         long *changed, long *atLimit) {
    const __m512 low = _mm512_set1_ps(lo), high = _mm512_set1_ps(hi);
    long n = 0, limit = 0, working = 0;
    for (long j = 0; j < count; j += 16) {
        const __mmask16 in = count - j >= 16 ? 0xffff : (__mmask16)((1u << (count - j)) - 1);
        const __mmask16 works = _mm_mask_cmpeq_epi8_mask(in, _mm_maskz_loadu_epi8(in, faults + j), _mm_setzero_si128());
        const __m512 new = _mm512_maskz_loadu_ps(in, targets + j);
        const __mmask16 differs = _mm512_mask_cmp_ps_mask(in, _mm512_maskz_loadu_ps(in, states + j), new, _CMP_NEQ_UQ);
        const __mmask16 beyond = _mm512_cmp_ps_mask(new, low, _CMP_LE_OQ) | _mm512_cmp_ps_mask(new, high, _CMP_GE_OQ);
        n += __builtin_popcount(differs);
        limit += __builtin_popcount(differs & beyond);
        working += __builtin_popcount(differs & works);
    }
    *changed = n;
    *atLimit = limit;
    return working;
}

long insitu_count_row_changes(const unsigned char *faults, const float *states, const float *targets, long count, float lo, float hi,
                              long *changed, long *atLimit) {
    if (insitu_has_avx512()) return countRowWide(faults, states, targets, count, lo, hi, changed, atLimit);
    if (!insitu_has_avx()) return -1;
    return countRow(faults, states, targets, count, lo, hi, changed, atLimit);
}

int insitu_count_changes(const float *states, const float *targets, long count, float lo, float hi, long *changed, long *atLimit) {
    if (insitu_has_avx512()) countChangesWide(states, targets, count, lo, hi, changed, atLimit);
    else if (insitu_has_avx()) countChanges(states, targets, count, lo, hi, changed, atLimit);
    else return 0;
    return 1;
}

/// `insitu_count_row_changes`, its other two counts dropped.
long insitu_count_working_changes(const unsigned char *faults, const float *states, const float *targets, long count) {
    long changed, atLimit;
    return insitu_count_row_changes(faults, states, targets, count, 0, 0, &changed, &atLimit);
}

#else

int insitu_count_changes(const float *states, const float *targets, long count, float lo, float hi, long *changed, long *atLimit) {
    return 0;
}

long insitu_count_working_changes(const unsigned char *faults, const float *states, const float *targets, long count) { return -1; }

long insitu_count_row_changes(const unsigned char *faults, const float *states, const float *targets, long count, float lo, float hi,
                              long *changed, long *atLimit) {
    return -1;
}

#endif
