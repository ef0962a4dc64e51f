#ifndef INSITU_CPU_FEATURES_H
#define INSITU_CPU_FEATURES_H

/// Whether the processor and the operating system support AVX's 256-bit registers, and F16C
/// or AVX2 with them; and AVX-512 (F, DQ, BW, VL) beside AVX2.
int insitu_has_avx(void);
int insitu_has_f16c(void);
int insitu_has_avx2(void);
int insitu_has_avx512(void);
/// Whether a table lookup by vector gather beats computing the value: on Intel's processors
/// (on AMD's Zen 4 a gather of eight floats costs more than a division; docs/architecture.md);
/// `insitu_kernels_set_gathers` chooses otherwise.
int insitu_gathers_are_fast(void);

#endif
