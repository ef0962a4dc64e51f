// Whether sums of floats added in a double can be added in any order and give the same bits.
#ifndef INSITU_EXACT_SUMS_H
#define INSITU_EXACT_SUMS_H
#include <string.h>

/// Whether every sum of up to `count` terms that are floats of magnitude from `least` (the least
/// nonzero one; infinity when none is) to `most` is exact in a double, so that any order of
/// additions gives the same bits as the terms one after another: each term is a whole multiple
/// of the least one's float step, 2^(e - 23), and while no sum can reach 2^53 of those steps
/// every partial sum is one of them exactly (a subnormal float is a multiple of 2^-149).
static inline int insitu_sums_are_exact(double least, double most, long count) {
    if (least == __builtin_inf()) return 1;  // no nonzero term: every sum is +0
    if (!(least > 0) || !(most < __builtin_inf())) return 0;
    long bits;
    memcpy(&bits, &least, 8);
    long e = ((bits >> 52) & 0x7ff) - 1023;
    if (e < -126) e = -126;
    const long limitBits = (30 + e + 1023) << 52;  // 2^(30 + e): 2^53 steps of 2^(e - 23)
    double limit;
    memcpy(&limit, &limitBits, 8);
    return (double)count * most < limit;
}

#endif
