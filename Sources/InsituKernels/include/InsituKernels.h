#ifndef INSITU_KERNELS_H
#define INSITU_KERNELS_H

/// Kernels in C for the hot loops that need instructions a portable Swift build does not
/// select (x86's F16C conversions, AVX's 256-bit lanes, AVX-512's 512-bit lanes and masks),
/// chosen at run time where the processor has them. Each declines (0, or -1 where a count is
/// returned), having done nothing, where it cannot run; the caller then runs its portable loop,
/// to the same bits.

/// Turns the kernels on (the default) or off for the process: off, each declines and its
/// caller's portable loop runs, with the same results (so a test can compare the two paths).
/// INSITU_KERNELS=portable in the environment turns them off from the start.
void insitu_kernels_set_enabled(int enabled);

/// Turns the kernels' 512-bit forms (AVX-512, where the processor has it) off (0) or on again,
/// for the whole process: the 256-bit forms run, with the same results. INSITU_KERNELS=avx2 in
/// the environment turns them off from the start.
void insitu_kernels_set_wide(int enabled);

/// Chooses whether kernels look values up in tables by vector gathers (1) or compute them (0),
/// with the same results; -1 (the default) chooses by the processor's maker: gathers on Intel's.
void insitu_kernels_set_gathers(int mode);

/// Rounds to binary16 (round to nearest, ties to even), in units of `unit`
/// (value = round16(value / unit) x unit; unit 1: round16(value)), every element of the
/// `count`-column rows of `values` whose input is not zero (`inputs`, `rows` of them) and
/// whose column's error is not zero (`errors`, `count` of them). NaN stays as it is.
/// 1 when done; 0 when the processor has neither F16C with AVX nor AVX-512.
int insitu_round_fp16_changed(float *values, const float *inputs, long rows,
                              const float *errors, long count, float unit);

/// Adds inputs[i] x errors to each row i whose input is not zero (a multiply, then an add),
/// then rounds that row's elements as `insitu_round_fp16_changed` does. 1 when done.
int insitu_add_round_fp16_changed(float *values, const float *inputs, long rows,
                                  const float *errors, long count, float unit);

/// *sum = the sum of double(p[j]) (or double(p[j]) + double(q[j]) where q is not NULL) for
/// j < count, added one after another from +0: the bits of that loop. 1 when done; 0, having
/// done nothing, without AVX-512.
int insitu_row_sum(const float *p, const float *q, long count, double *sum);

/// factors[j] = sqrt(-2 x log(s[j]) / s[j]) for j < count (the polar method's factor, each
/// operation rounded as Swift's `(-2 * log(s) / s).squareRoot()`, log the C library's own).
/// 1 when done; 0, having done nothing, without AVX-512.
int insitu_polar_factors(const double *s, long count, double *factors);

/// Rounds `count` values in place to binary16 in units of `unit`, as above. 1 when done.
int insitu_round_fp16(float *values, long count, float unit);

/// out[k] = the sum over rows i whose v[i] is not zero, in increasing i, of v[i] x w[i x stride + k],
/// for k < columns, starting from +0 (a multiply, then an add). 1 when done; 0 without AVX.
int insitu_rows_product(const float *v, long rows, const float *w, long stride, long columns, float *out);

/// A uniform converter: codes from `low` to `fullScale` in steps of `step` (volts).
typedef struct {
    double low, fullScale, step;
} InsituQuantizer;

/// The read-back of `count` devices of conductance g (siemens): x = float(scale x g) volts,
/// its code through `adc` (and `word`, when not NULL), back to siemens as float(code / scale)
/// in `out`. Returns how many x lay beyond the ADC's range; -1, having done nothing, without AVX.
long insitu_read_row(const float *g, long count, double scale, const InsituQuantizer *adc, const InsituQuantizer *word, float *out);

/// A converter's levels for `count` values: v = gain x x[j] (float); with `clipping`, v is
/// counted in `*clipped` where above `clip` and taken as min(max(v, 0), clip); then out[j] =
/// float(round(min(max(double(v), low), fullScale) / step) x step), ties to even. Returns how
/// many v lay beyond [low, fullScale]; -1, having done nothing, without AVX.
long insitu_quantize_row(const float *x, long count, float gain, float clip, int clipping, const InsituQuantizer *q, float *out,
                         long *clipped);

/// A 1T1R cell whose SET reaches g0 + slope x factor x (gate - gateMin) siemens, plus sigma x a
/// deviate (sigma = variation x that conductance when `relative`, else `rangeSigma`), clamped
/// to [floor, ceiling].
typedef struct {
    double g0, slope, gateMin, floor, ceiling, rangeSigma, variation;
    int relative;
} InsituGateCell;

/// What programming a row of such cells took: RESETs and the conductances before them, SETs
/// (one a device whose state changed) and the conductances after them, summed in device order.
typedef struct {
    long resets, sets;
    double resetFromSiemens, setToSiemens;
} InsituGateRow;

/// Programs `count` cells (conductance g, fault byte 0 = working, slope factor, remembered gate
/// state) to gate states `targets`: a device whose target differs from its state RESETs where it
/// falls and SETs, a working one to the cell's conductance with the next of the `draws` deviates
/// in `noise` (in device order; deviate 0 when `draws` is 0; one slot past the last is read and
/// ignored), a stuck one keeping its conductance; its state becomes the target. The same bits as
/// the portable loop. 1 when done; 0 without AVX2.
int insitu_program_gate_row(float *g, const unsigned char *faults, const float *factors, float *states,
                            const float *targets, long count, const double *noise, long draws,
                            const InsituGateCell *cell, InsituGateRow *out);

/// How many of `count` states differ from their targets (a NaN differs) into `*changed`, and how
/// many of those targets are at most `lo` or at least `hi` into `*atLimit`. 1 when done; 0 without AVX.
int insitu_count_changes(const float *states, const float *targets, long count, float lo, float hi, long *changed, long *atLimit);

/// How many of `count` devices work (fault byte 0) and have a target different from their state
/// (a NaN differs); -1, having done nothing, without AVX.
long insitu_count_working_changes(const unsigned char *faults, const float *states, const float *targets, long count);

/// Both counts in one pass: `insitu_count_changes`' into `*changed` and `*atLimit`, and
/// `insitu_count_working_changes`' returned; -1, having done nothing, without AVX.
long insitu_count_row_changes(const unsigned char *faults, const float *states, const float *targets, long count, float lo, float hi,
                              long *changed, long *atLimit);

/// Rounds `count` values in place to symmetric integers of at most `limit` in magnitude, one
/// scale for all (the largest finite magnitude maps to `limit`; nothing changes when it is 0):
/// v = min(max(roundeven(v / scale), -limit), limit) x scale. 1 when done; 0 without AVX.
int insitu_round_symmetric(float *values, long count, float limit);

/// How one input's rows charge their lines: from a rail, lineFactor x |v| (lineFactor = the
/// charge factor x the rail's volts); else lineFactor x v^2 (the drive factor). `rail` (volts,
/// 0 for none) also sets the supply's sum.
typedef struct {
    double lineFactor, rail;
    int fromRail;
} InsituLineTerms;

/// One image's sums over `count` inputs v[i] (and their rows' conductance sums G[i]), each added
/// in increasing i from +0: line = sum of the line term of v[i]; read = sum double(v[i] x v[i]) x G[i];
/// supply = sum (rail x |v[i]| - v[i]^2) x G[i] (0 without a rail).
typedef struct {
    double line, read, supply;
} InsituLineSums;

/// The sums of `lanes` (1-4) images, image k's inputs at v[k] and conductance sums at sums[k]
/// (sums NULL: line sums only, read and supply 0), into out[k]. 1 when done; 0 without AVX.
int insitu_line_sums(const float *const *v, long lanes, long count, const double *const *sums, const InsituLineTerms *terms,
                     InsituLineSums *out);

#endif
