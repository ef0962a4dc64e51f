import Foundation

/// Energy per conversion of the best published ADCs of a resolution, sample rate and node:
/// the fit of hwcomponents-adc to the Murmann ADC survey. The Schreier figure of merit the
/// best designs reach falls with the sample rate, FOM_S = 213.78 - 2.8719 ln f dB; with
/// SNDR = 6.02 ENOB + 1.76 dB, E = exp(26.0496 + 1.88 ln T - 2.8291 ln ENOB - 1.4702) /
/// (2 x 10^((FOM_S - SNDR) / 10)) pJ, T the node in nm. 8 bits at 1.28 GS/s and 32 nm: 1.92 pJ.
public enum ADCSurvey {
    /// Sample rates the fit covers: where the rate, not the resolution, bounds the figure of
    /// merit (the fit's cap by resolution is not applied), up to its 10 GS/s.
    public static let sampleRateRange: ClosedRange<Double> = 1e8...1e10

    /// Joules per conversion at `bits`, `sampleHertz` and a node of `nanometres`; nil outside the fit.
    public static func joules(bits: Int, sampleHertz f: Double, nanometres t: Double) -> Double? {
        guard sampleRateRange.contains(f), bits >= 1, t > 0 else { return nil }
        let enob = Double(bits)
        let foms = 213.78 - 2.8719 * log(f)
        let sndr = 6.02 * enob + 1.76
        let picojoules = exp(26.0496 + 1.88 * log(t) - 2.8291 * log(enob) - 1.4702) / (2 * pow(10, (foms - sndr) / 10))
        return picojoules * 1e-12
    }
}
