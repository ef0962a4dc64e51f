import Foundation

/// Writes on a device of many levels, in closed form: a direction of up to
/// `levelsWalkedOneByOne` levels (every preset: 1,000 at most) walks its curve pulse by pulse;
/// a finer one sums the conductances a write passes as a geometric series (or, on a linear
/// curve, an arithmetic one), so a device of a million levels writes as fast as one of a
/// hundred. The conductance a write ends at is the same function of its pulse count either way.
extension PulsedDevice {
    /// Levels up to which a direction's writes walk pulse by pulse; finer ones are summed in closed form.
    public static let levelsWalkedOneByOne = 1_024

    /// The conductances a walk of `pulses` pulses from position `start` (conductance `siemens`)
    /// passes: their sum after each pulse (what SETs are charged on), and before each (RESETs),
    /// given the conductance `end` it ends at. Past the window's end the conductance stays there.
    func walkSums(from start: Double, at siemens: Double, pulses w: Int, up: Bool, on curve: Curve, end: Double) -> (after: Double, before: Double) {
        let span = maxSiemens - minSiemens
        // The pulses that stay inside the window: positions start + k <= levels up, start - k >= 0 down.
        let room = up ? curve.levels - start : start
        let inside = room.isFinite ? max(0, min(w, Int(max(room, 0).rounded(.down)))) : 0
        let k = Double(inside)
        // The sum over k = 1 ... inside of the curve's fraction E(x) = expm1(-x / A) / den at x = start +- k.
        let fractions: Double
        if inside == 0 {
            fractions = 0
        } else if curve.a == 0 {
            let steps = k * (k + 1) / 2
            fractions = (k * start + (up ? steps : -steps)) / curve.levels
        } else {
            // e^(-(start +- j)/A) summed over j = 1 ... k: e^(-start/A) q (1 - q^k) / (1 - q), q = e^(-+1/A).
            let unit = up ? -1 / curve.a : 1 / curve.a
            let series = exp(unit) * expm1(unit * k) / expm1(unit)
            fractions = (exp(-start / curve.a) * series - k) / curve.den
        }
        let outside = Double(w - inside) * (up ? maxSiemens : minSiemens)
        let after = k * minSiemens + span * fractions + outside
        return (after, siemens + after - end)
    }

    /// The pulse count, at most `levels`, that takes a device from position `start`
    /// (conductance `siemens`) nearest `goal` along `curve`: the last pulse that does not pass
    /// the goal, or the next one when it lands nearer (ties to fewer pulses), as a verified
    /// write pulsing one at a time stops.
    func nearestPulseCount(to goal: Double, from start: Double, at siemens: Double, up: Bool, on curve: Curve, levels: Int) -> Int {
        func g(_ k: Int) -> Double { k == 0 ? siemens : conductance(after: k, from: start, up: up, on: curve) }
        func passes(_ value: Double) -> Bool { up ? value > goal : value < goal }
        // A first guess from the goal's position on the curve, then corrected on the conductances themselves.
        let guess = (position(of: min(max(goal, minSiemens), maxSiemens), on: curve) - start) * (up ? 1 : -1)
        var k = guess.isFinite ? max(0, min(levels, Int(guess.rounded(.down)))) : 0
        while k > 0 && passes(g(k)) { k -= 1 }
        while k < levels && !passes(g(k + 1)) && g(k + 1) != g(k) { k += 1 }
        if k < levels && abs(g(k + 1) - goal) < abs(g(k) - goal) { k += 1 }
        return k
    }
}
