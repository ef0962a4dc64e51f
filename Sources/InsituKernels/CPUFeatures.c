// The processor features the kernels need, asked once (cpuid and xgetbv).
#include "CPUFeatures.h"
#include "InsituKernels.h"
#include <stdlib.h>
#include <string.h>

/// Set by `insitu_kernels_set_enabled(0)`: every kernel declines, and the callers' portable loops run.
static int portableOnly = 0;
/// Set by `insitu_kernels_set_wide(0)`: the kernels with 512-bit forms run their 256-bit ones.
static int narrowOnly = 0;

/// Set by `insitu_kernels_set_gathers`: -1 (by the processor's maker), 0 or 1.
static int gathersChosen = -1;

void insitu_kernels_set_enabled(int enabled) { __atomic_store_n(&portableOnly, !enabled, __ATOMIC_RELAXED); }
void insitu_kernels_set_wide(int enabled) { __atomic_store_n(&narrowOnly, !enabled, __ATOMIC_RELAXED); }
void insitu_kernels_set_gathers(int mode) { __atomic_store_n(&gathersChosen, mode < 0 ? -1 : mode != 0, __ATOMIC_RELAXED); }

/// INSITU_KERNELS=portable in the environment turns the kernels off for the whole process.
__attribute__((unused)) static int portableByEnvironment(void) {
    const char *value = getenv("INSITU_KERNELS");
    return value != 0 && strcmp(value, "portable") == 0;
}

/// INSITU_KERNELS=avx2 keeps the kernels to their 256-bit forms for the whole process.
__attribute__((unused)) static int narrowByEnvironment(void) {
    const char *value = getenv("INSITU_KERNELS");
    return value != 0 && strcmp(value, "avx2") == 0;
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// Bit 0: AVX usable (the CPU has it and the system saves YMM state); bit 1: F16C as well;
/// bit 2: AVX2 as well; bit 3: AVX-512 F, DQ, BW and VL as well, the system saving the ZMM and
/// mask registers; bit 4: the maker is Intel.
static int features(void) {
    static int known = -1;  // set once; every thread computes the same value
    int seen = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (seen >= 0) return seen;
    unsigned a, b, c, d;
    int found = 0;
    // "GenuineIntel" in EBX, EDX, ECX of leaf 0.
    if (__get_cpuid(0, &a, &b, &c, &d) && b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e) found |= 16;
    if (!portableByEnvironment() && __get_cpuid(1, &a, &b, &c, &d)) {
        int avx = (c >> 28) & 1, osxsave = (c >> 27) & 1, f16c = (c >> 29) & 1;
        if (avx && osxsave) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            if ((lo & 6) == 6) found |= 1 | (f16c ? 2 : 0);  // XMM and YMM state saved by the system
            if ((found & 1) && __get_cpuid_max(0, 0) >= 7) {
                __cpuid_count(7, 0, a, b, c, d);
                if ((b >> 5) & 1) found |= 4;
                // F (16), DQ (17), BW (30), VL (31); opmask, ZMM upper halves and ZMM16-31 saved.
                const unsigned wide = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
                if ((found & 4) && (b & wide) == wide && (lo & 0xe0) == 0xe0 && !narrowByEnvironment()) found |= 8;
            }
        }
    }
    __atomic_store_n(&known, found, __ATOMIC_RELAXED);
    return found;
}

int insitu_has_avx(void) { return !__atomic_load_n(&portableOnly, __ATOMIC_RELAXED) && (features() & 1); }
int insitu_has_f16c(void) { return !__atomic_load_n(&portableOnly, __ATOMIC_RELAXED) && (features() & 3) == 3; }
int insitu_has_avx2(void) { return !__atomic_load_n(&portableOnly, __ATOMIC_RELAXED) && (features() & 5) == 5; }
int insitu_has_avx512(void) {
    return !__atomic_load_n(&portableOnly, __ATOMIC_RELAXED) && !__atomic_load_n(&narrowOnly, __ATOMIC_RELAXED) && (features() & 13) == 13;
}
int insitu_gathers_are_fast(void) {
    const int chosen = __atomic_load_n(&gathersChosen, __ATOMIC_RELAXED);
    return chosen >= 0 ? chosen : (features() & 16) != 0;
}

#else

int insitu_has_avx(void) { return 0; }
int insitu_has_f16c(void) { return 0; }
int insitu_has_avx2(void) { return 0; }
int insitu_has_avx512(void) { return 0; }
int insitu_gathers_are_fast(void) { return 0; }

#endif
