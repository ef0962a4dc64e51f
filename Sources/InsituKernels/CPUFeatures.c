// The processor features the kernels need, asked once (cpuid and xgetbv).
#include "CPUFeatures.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// Bit 0: AVX usable (the CPU has it and the system saves YMM state); bit 1: F16C as well.
static int features(void) {
    static int known = -1;  // set once; every thread computes the same value
    int seen = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (seen >= 0) return seen;
    unsigned a, b, c, d;
    int found = 0;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        int avx = (c >> 28) & 1, osxsave = (c >> 27) & 1, f16c = (c >> 29) & 1;
        if (avx && osxsave) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            if ((lo & 6) == 6) found = 1 | (f16c ? 2 : 0);  // XMM and YMM state saved by the system
        }
    }
    __atomic_store_n(&known, found, __ATOMIC_RELAXED);
    return found;
}

int insitu_has_avx(void) { return features() & 1; }
int insitu_has_f16c(void) { return (features() & 3) == 3; }

#else

int insitu_has_avx(void) { return 0; }
int insitu_has_f16c(void) { return 0; }

#endif
