// The product of a vector and a matrix's rows, out = sum_i v_i w_i, with AVX: eight columns
// a lane, up to 32 columns held in registers while the rows stream past (with AVX-512, sixteen
// a lane and up to 128). Each column's sum
// takes its terms in the order of the rows, a multiply then an add (no fused multiply-add),
// so the bits are the portable loop's.
#include "InsituKernels.h"
#include "CPUFeatures.h"
#include "Lanes.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Columns [first, first + 8 n) of the product over the rows listed in `index` (`count` of
/// them), n = 1...4 (a constant where inlined, so that the sums stay in registers while the
/// rows stream past), added to what `out` holds unless `fresh`.
__attribute__((target("avx"), always_inline))
static inline void group(const float *v, const int *index, long count, const float *w, long stride, long first, float *out,
                         int fresh, const int n) {
    __m256 acc[4];
    for (int q = 0; q < n; q++) acc[q] = fresh ? _mm256_setzero_ps() : _mm256_loadu_ps(out + first + 8 * q);
    for (long k = 0; k < count; k++) {
        const long i = index[k];
        const __m256 x = _mm256_set1_ps(v[i]);
        const float *row = w + i * stride + first;
        for (int q = 0; q < n; q++) acc[q] = _mm256_add_ps(acc[q], _mm256_mul_ps(x, _mm256_loadu_ps(row + 8 * q)));
    }
    for (int q = 0; q < n; q++) _mm256_storeu_ps(out + first + 8 * q, acc[q]);
}

/// The last 1-7 columns [first, columns): masked loads, plain stores of those columns only.
__attribute__((target("avx")))
static void tail(const float *v, const int *index, long count, const float *w, long stride, long first, long columns, float *out,
                 int fresh) {
    const __m256i mask = insitu_first_lanes(columns - first);
    __m256 acc = fresh ? _mm256_setzero_ps() : _mm256_maskload_ps(out + first, mask);
    for (long k = 0; k < count; k++) {
        const long i = index[k];
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(v[i]), _mm256_maskload_ps(w + i * stride + first, mask)));
    }
    insitu_store_first(out + first, acc, columns - first);
}

/// Rows at a time: their driven ones listed without a branch, then every column group over the list.
enum { chunkRows = 512 };

__attribute__((target("avx")))
static void product(const float *v, long rows, const float *w, long stride, long columns, float *out) {
    int index[chunkRows];
    for (long start = 0; start == 0 || start < rows; start += chunkRows) {
        const long count = insitu_list_driven(v, start, rows, index);
        int fresh = start == 0;
        long first = 0;
        for (; first + 32 <= columns; first += 32) group(v, index, count, w, stride, first, out, fresh, 4);
        switch ((columns - first) / 8) {
        case 3: group(v, index, count, w, stride, first, out, fresh, 3); first += 24; break;
        case 2: group(v, index, count, w, stride, first, out, fresh, 2); first += 16; break;
        case 1: group(v, index, count, w, stride, first, out, fresh, 1); first += 8; break;
        default: break;
        }
        if (first < columns) tail(v, index, count, w, stride, first, columns, out, fresh);
    }
}

/// `group` with AVX-512: columns [first, first + 16 n), n = 1...8, or the last 1-15 by a mask
/// (`lanes`, when n is 1): eight sums in flight keep both adders busy, where four chains of
/// additions had kept one.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"), always_inline))
static inline void groupWide(const float *v, const int *index, long count, const float *w, long stride, long first, float *out,
                             int fresh, const int n, __mmask16 lanes) {
    __m512 acc[8];
    for (int q = 0; q < n; q++) acc[q] = fresh ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(lanes, out + first + 16 * q);
    for (long k = 0; k < count; k++) {
        const long i = index[k];
        const __m512 x = _mm512_set1_ps(v[i]);
        const float *row = w + i * stride + first;
        for (int q = 0; q < n; q++) acc[q] = _mm512_add_ps(acc[q], _mm512_mul_ps(x, _mm512_maskz_loadu_ps(lanes, row + 16 * q)));
    }
    for (int q = 0; q < n; q++) _mm512_mask_storeu_ps(out + first + 16 * q, lanes, acc[q]);
}

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
static void productWide(const float *v, long rows, const float *w, long stride, long columns, float *out) {
    int index[chunkRows];
    for (long start = 0; start == 0 || start < rows; start += chunkRows) {
        const long count = insitu_list_driven(v, start, rows, index);
        const int fresh = start == 0;
        long first = 0;
        for (; first + 128 <= columns; first += 128) groupWide(v, index, count, w, stride, first, out, fresh, 8, 0xffff);
        switch ((columns - first) / 16) {
        case 7: groupWide(v, index, count, w, stride, first, out, fresh, 7, 0xffff); first += 112; break;
        case 6: groupWide(v, index, count, w, stride, first, out, fresh, 6, 0xffff); first += 96; break;
        case 5: groupWide(v, index, count, w, stride, first, out, fresh, 5, 0xffff); first += 80; break;
        case 4: groupWide(v, index, count, w, stride, first, out, fresh, 4, 0xffff); first += 64; break;
        case 3: groupWide(v, index, count, w, stride, first, out, fresh, 3, 0xffff); first += 48; break;
        case 2: groupWide(v, index, count, w, stride, first, out, fresh, 2, 0xffff); first += 32; break;
        case 1: groupWide(v, index, count, w, stride, first, out, fresh, 1, 0xffff); first += 16; break;
        default: break;
        }
        if (first < columns) groupWide(v, index, count, w, stride, first, out, fresh, 1, (__mmask16)((1u << (columns - first)) - 1));
    }
}

int insitu_rows_product(const float *v, long rows, const float *w, long stride, long columns, float *out) {
    if (rows > 2147483647L) return 0;
    if (insitu_has_avx512()) productWide(v, rows, w, stride, columns, out);
    else if (insitu_has_avx()) product(v, rows, w, stride, columns, out);
    else return 0;
    return 1;
}

#else

int insitu_rows_product(const float *v, long rows, const float *w, long stride, long columns, float *out) { return 0; }

#endif
