import Foundation
import InsituEngine

/// A pulse-programmed analog synapse with nonlinear, asymmetric potentiation and depression,
/// as MLP+NeuroSim V3.0 models one (Cell.cpp `RealDevice`, formula.cpp): each direction
/// follows its own curve G(x) = Gmin + B (1 - e^(-x/A)) over x = 0...levels pulses, with
/// B = (Gmax - Gmin) / (1 - e^(-levels/A)) and A from the direction's nonlinearity label.
/// A write of n pulses finds where the device's conductance sits on that direction's curve
/// and moves n pulses along it; cycle-to-cycle variation adds N(0, sigma sqrt(n)); the
/// conductance stays inside the window.
///
/// The state is the device's position in its window, (G - Gmin) / (Gmax - Gmin), in `window`
/// units: NeuroSim's weight is 2 x state - 1. A step of the state by d takes
/// round(|d| x levels) pulses of its direction (halves away from zero, NeuroSim's
/// `truncate`), and after a write the controller holds the position the device reached,
/// as NeuroSim reads each weight back from its conductance after every write.
public struct PulsedDevice: DeviceModel {
    /// One programming direction: potentiation (SET, LTP) or depression (RESET, LTD).
    public struct Direction: Sendable, Equatable {
        /// Pulses that take a device across the whole window.
        public var levels: Int
        /// NeuroSim's nonlinearity label: 0 linear; positive, steps shrink as the pulse count
        /// grows; negative, they grow. |label| <= 9 (NeuroSim's table).
        public var nonlinearity: Double
        public var volts: Double
        public var pulse: SimTime

        public init(levels: Int, nonlinearity: Double, volts: Double, pulse: SimTime) {
            self.levels = levels
            self.nonlinearity = nonlinearity
            self.volts = volts
            self.pulse = pulse
        }
    }

    public var minSiemens: Double
    public var maxSiemens: Double
    public var potentiation: Direction
    public var depression: Direction
    /// Cycle-to-cycle variation: sigma of a write's conductance error per sqrt(pulse), as a
    /// fraction of the window (NeuroSim: 0.035).
    public var cycleVariation: Double
    /// Device-to-device variation: sigma of each device's nonlinearity labels (one draw per
    /// device, added to both directions' labels).
    public var deviceVariation: Double
    public var readNoise: Double

    /// Each direction's nominal curve (A from the label; 0 for a linear one).
    let upCurve: Curve
    let downCurve: Curve
    /// The curves of devices with labels of their own, found once per device.
    let ownCurves = OwnCurves()

    public init(minSiemens: Double, maxSiemens: Double, potentiation: Direction, depression: Direction,
                cycleVariation: Double = 0, deviceVariation: Double = 0, readNoise: Double = 0) {
        precondition(maxSiemens > minSiemens && minSiemens >= 0, "a window with Gmax above Gmin >= 0")
        precondition(potentiation.levels >= 1 && depression.levels >= 1, "at least one pulse across the window")
        self.minSiemens = minSiemens
        self.maxSiemens = maxSiemens
        self.potentiation = potentiation
        self.depression = depression
        self.cycleVariation = cycleVariation
        self.deviceVariation = deviceVariation
        self.readNoise = readNoise
        upCurve = Curve(levels: potentiation.levels, shape: Self.normalisedA(label: potentiation.nonlinearity) * Double(potentiation.levels))
        downCurve = Curve(levels: depression.levels, shape: Self.normalisedA(label: depression.nonlinearity) * Double(depression.levels))
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.minSiemens == b.minSiemens && a.maxSiemens == b.maxSiemens && a.potentiation == b.potentiation
            && a.depression == b.depression && a.cycleVariation == b.cycleVariation
            && a.deviceVariation == b.deviceVariation && a.readNoise == b.readNoise
    }

    public var kind: String { "pulsed" }
    public var stateUnit: String { "window" }
    public var stateRange: ClosedRange<Double> { 0...1 }
    public var freshState: Float { 0 }
    public var windowMinSiemens: Double { minSiemens }
    public var windowMaxSiemens: Double { maxSiemens }
    public var slopeSiemensPerState: Double { maxSiemens - minSiemens }
    public func state(forConductance siemens: Double) -> Double {
        min(max((siemens - minSiemens) / (maxSiemens - minSiemens), 0), 1)
    }
    public var setPulse: SimTime { potentiation.pulse }
    public var resetPulse: SimTime { depression.pulse }
    /// V^2 G t of one pulse (the energy NeuroSim's analog write charges the cell).
    public var setJoulesPerSiemens: Double { potentiation.volts * potentiation.volts * potentiation.pulse.seconds }
    public var resetJoulesPerSiemens: Double { depression.volts * depression.volts * depression.pulse.seconds }
    /// A pulse count follows from the step alone; the device saturates at its window's ends.
    public var clipsTargets: Bool { false }

    /// The largest nonlinearity label, as NeuroSim's table ends (formula.cpp `getParamA`).
    public static let largestLabel = 9.0

    /// NeuroSim's nonlinearity label as the shape of the curve: the label is the largest
    /// distance between the normalised curve f(x) = (1 - e^(-x/a)) / (1 - e^(-1/a)) and the
    /// line x, over 0.07 sqrt(2) (which reproduces its Nonlinearity-NormA table to five
    /// digits), |label| held at the table's end, 9 (a device's drawn labels can pass it). Returns
    /// the signed normalised a (negative for a negative label); 0 for 0.
    public static func normalisedA(label: Double) -> Double {
        guard label != 0 else { return 0 }
        // Past the table's end, toward 10, the shape's exponentials overflow a double.
        let target = min(abs(label), largestLabel) * 0.07 * 2.0.squareRoot()
        // The distance falls as a grows: bisect on log a. A step that would move neither end
        // leaves every later step the same, so the loop stops there with the same result.
        var lo = -12.0, hi = 12.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if deviation(exp(mid)) > target {
                if lo == mid { break }
                lo = mid
            } else {
                if hi == mid { break }
                hi = mid
            }
        }
        let a = exp((lo + hi) / 2)
        return label > 0 ? a : -a
    }

    /// max over x in [0, 1] of f(x) - x for the normalised curve of shape a > 0.
    static func deviation(_ a: Double) -> Double {
        let den = -expm1(-1 / a)
        let x = min(max(-a * log(a * den), 0), 1)
        return -expm1(-x / a) / den - x
    }

    /// One direction's curve on one device: its pulses across the window, its absolute shape
    /// A (pulses; 0 for linear) and e^(-levels/A) - 1, which every point of the curve divides by.
    struct Curve {
        let levels: Double
        let a: Double
        let den: Double
        init(levels: Int, shape a: Double) {
            self.levels = Double(levels)
            self.a = a
            den = a == 0 ? 0 : expm1(-Double(levels) / a)
        }
    }

    /// The conductance after x pulses along `curve`.
    func conductance(pulses x: Double, on curve: Curve) -> Double {
        let span = maxSiemens - minSiemens
        guard curve.a != 0 else { return minSiemens + x / curve.levels * span }
        return minSiemens + span * expm1(-x / curve.a) / curve.den
    }

    /// The conductance k pulses up (or down) `curve` from position `start`, within the window.
    func conductance(after k: Int, from start: Double, up: Bool, on curve: Curve) -> Double {
        let x = up ? start + Double(k) : start - Double(k)
        return min(max(conductance(pulses: x, on: curve), minSiemens), maxSiemens)
    }

    /// Where conductance g sits on `curve`, in pulses (NeuroSim's InvNonlinearWeight).
    func position(of g: Double, on curve: Curve) -> Double {
        let span = maxSiemens - minSiemens
        guard curve.a != 0 else { return (g - minSiemens) / span * curve.levels }
        let fraction = (g - minSiemens) / span * curve.den
        // A steep curve (|label| near 9) has e^(-levels/A) below a double's resolution, so its den
        // is -1 and a device at (or, stored as a float, just above) G_max finds no logarithm:
        // it sits at the curve's end.
        guard fraction > -1 else { return curve.levels }
        return -curve.a * log1p(fraction)
    }

    /// Pulses a state step of `d` takes in a direction of `levels` (NeuroSim's `truncate`).
    public static func pulseCount(step d: Double, levels: Int) -> Int { StepRounding.pulses(step: d, levels: levels) }

    /// The curve of the direction `up` (potentiation) or not for a device whose factor is its
    /// variation draw z: the nominal curve unless the device has its own labels.
    func curve(up: Bool, factor z: Float) -> Curve {
        guard deviceVariation > 0 && z != 0 else { return up ? upCurve : downCurve }
        return ownCurves.curve(key: UInt64(z.bitPattern) << 1 | (up ? 1 : 0)) {
            let direction = up ? potentiation : depression
            let label = direction.nonlinearity + deviceVariation * Double(z)
            return Curve(levels: direction.levels, shape: Self.normalisedA(label: label) * Double(direction.levels))
        }
    }

    /// Curves of devices with labels of their own, by draw and direction: the shape's bisection
    /// (some fifty exponentials) runs once per device and direction, not on every write. Locked,
    /// since copies of a model share it.
    final class OwnCurves: @unchecked Sendable {
        private let lock = NSLock()
        private var curves: [UInt64: Curve] = [:]

        func curve(key: UInt64, make: () -> Curve) -> Curve {
            lock.lock()
            defer { lock.unlock() }
            if let known = curves[key] { return known }
            let made = make()
            curves[key] = made
            return made
        }
    }

    /// Every device starts at Gmin; with device variation, its factor is its own N(0, 1) draw.
    public func fresh(count: Int, rng: inout RandomStream) -> DeviceArray.Fresh {
        var f = DeviceArray.Fresh(count: count, conductance: Float(minSiemens))
        if deviceVariation > 0 { for k in 0..<count { f.slopeFactor[k] = Float(rng.gaussian()) } }
        else { for k in 0..<count { f.slopeFactor[k] = 0 } }
        return f
    }

    /// Pulses for the step new - old in its direction, each one along that direction's curve
    /// from where the device sits; then cycle-to-cycle variation and the window's ends.
    public func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                        rng: inout RandomStream) -> Pulses {
        var pulses = Pulses()
        let step = Double(new) - Double(old)
        let up = step > 0
        let direction = up ? potentiation : depression
        let n = Self.pulseCount(step: step, levels: direction.levels)
        guard n > 0 else { return pulses }
        let curve = curve(up: up, factor: factor)
        var siemens = Double(g)
        let start = position(of: siemens, on: curve)
        // Past twice the levels a device sits at its window's end: the rest of the pulses leave it there.
        let walked = min(n, 2 * direction.levels)
        if direction.levels > Self.levelsWalkedOneByOne {
            // A device of many levels: the conductances of the write summed in closed form.
            let end = fault == .none ? conductance(after: walked, from: start, up: up, on: curve) : siemens
            let sums = fault == .none ? walkSums(from: start, at: siemens, pulses: walked, up: up, on: curve, end: end)
                : (after: Double(walked) * siemens, before: Double(walked) * siemens)
            if up { pulses.sets += walked; pulses.setToSiemens += sums.after } else { pulses.resets += walked; pulses.resetFromSiemens += sums.before }
            siemens = end
        } else {
            for k in 1...walked {
                let before = siemens
                if fault == .none { siemens = conductance(after: k, from: start, up: up, on: curve) }
                if up { pulses.sets += 1; pulses.setToSiemens += siemens } else { pulses.resets += 1; pulses.resetFromSiemens += before }
            }
        }
        let rest = n - walked
        if rest > 0 {
            if up { pulses.sets += rest; pulses.setToSiemens += Double(rest) * siemens }
            else { pulses.resets += rest; pulses.resetFromSiemens += Double(rest) * siemens }
        }
        if fault == .none && cycleVariation > 0 {
            siemens += cycleVariation * (maxSiemens - minSiemens) * Double(n).squareRoot() * rng.gaussian()
            siemens = min(max(siemens, minSiemens), maxSiemens)
        }
        g = Float(siemens)
        return pulses
    }

    /// One deviate per working device whose step rounds to a pulse (its write's cycle-to-cycle
    /// variation), none without variation; program-and-verify draws none.
    public func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                           count: Int, at indices: UnsafePointer<Int>?, verified: Bool) -> Int? {
        guard !verified, cycleVariation > 0, let rounding = stepRounding else { return 0 }
        var draws = 0
        for k in 0..<count {
            let d = indices?[k] ?? k
            let old = states[d], new = targets[k]
            // As `programEach` skips a device and `program` counts its pulses.
            guard new != old, rounding.pulses(from: old, to: new), faults[d] == .none else { continue }
            let step = Double(new) - Double(old)
            if Self.pulseCount(step: step, levels: step > 0 ? potentiation.levels : depression.levels) > 0 { draws += 1 }
        }
        return draws
    }

    /// Program-and-verify: pulses one at a time along the curve of the direction that leads to
    /// Gmin + target (Gmax - Gmin), stopping at the pulse that lands nearest it (the verify reads
    /// after each pulse correct the cycle-to-cycle error, so none is added).
    public func programVerified(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to target: Float,
                                rng: inout RandomStream) -> Pulses {
        var pulses = Pulses()
        let goal = minSiemens + Double(min(max(target, 0), 1)) * (maxSiemens - minSiemens)
        var siemens = Double(g)
        guard fault == .none, siemens != goal else { return pulses }
        let up = goal > siemens
        let direction = up ? potentiation : depression
        let curve = curve(up: up, factor: factor)
        let start = position(of: siemens, on: curve)
        if direction.levels > Self.levelsWalkedOneByOne {
            // A device of many levels: the pulse count found on the curve, the conductances summed in closed form.
            let k = nearestPulseCount(to: goal, from: start, at: siemens, up: up, on: curve, levels: direction.levels)
            guard k > 0 else { return pulses }
            let end = conductance(after: k, from: start, up: up, on: curve)
            let sums = walkSums(from: start, at: siemens, pulses: k, up: up, on: curve, end: end)
            if up { pulses.sets += k; pulses.setToSiemens += sums.after } else { pulses.resets += k; pulses.resetFromSiemens += sums.before }
            g = Float(end)
            return pulses
        }
        for k in 1...direction.levels {
            let next = conductance(after: k, from: start, up: up, on: curve)
            guard abs(next - goal) < abs(siemens - goal) else { break }
            if up { pulses.sets += 1; pulses.setToSiemens += next } else { pulses.resets += 1; pulses.resetFromSiemens += siemens }
            siemens = next
        }
        g = Float(siemens)
        return pulses
    }

    /// The position the device's conductance reached (NeuroSim reads each weight back from its
    /// conductance after every write).
    public func rememberedState(target: Float, conductance: Float) -> Float {
        Float(state(forConductance: Double(conductance)))
    }

    /// round(|d| x levels) pulses per step d: one under half a pulse leaves the device where it is.
    public var stepRounding: StepRounding? { StepRounding(upLevels: potentiation.levels, downLevels: depression.levels) }

    public var reportEntry: [(String, String)] {
        [("model", kind), ("window_min_S", "\(minSiemens)"), ("window_max_S", "\(maxSiemens)"),
         ("set_levels", "\(potentiation.levels)"), ("reset_levels", "\(depression.levels)"),
         ("set_nonlinearity", "\(potentiation.nonlinearity)"), ("reset_nonlinearity", "\(depression.nonlinearity)"),
         ("set_V", "\(potentiation.volts)"), ("reset_V", "\(depression.volts)"),
         ("set_pulse_s", "\(potentiation.pulse.seconds)"), ("reset_pulse_s", "\(depression.pulse.seconds)"),
         ("cycle_variation", "\(cycleVariation)"), ("device_variation", "\(deviceVariation)"), ("read_noise", "\(readNoise)")]
    }
}
