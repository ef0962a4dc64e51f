import Foundation
import InsituArchFile
import InsituDevices
import InsituEngine

/// A pulse-programmed synapse with NeuroSim's nonlinear potentiation and depression
/// (Cell.cpp): conductance follows G_up(x) = Gmin + B_up (1 - exp(-x / A_up)) under SET
/// pulses and G_down(x) = Gmax - B_down (1 - exp(-(levels - x) / A_down)) under RESET
/// pulses, B = (Gmax - Gmin) / (1 - exp(-levels / A)); a pulse finds where the present
/// conductance sits on its direction's curve and moves one pulse along it. The controller's
/// state is a pulse number in 0...levels; programming from state a to b takes |round(b) -
/// round(a)| pulses. Each pulse costs V^2 G t at the conductance it leaves (RESET) or reaches
/// (SET). Defined outside the library, with its own arch keys, as an extension is.
struct ExamplePulsedDevice: DeviceModel {
    var minSiemens = 10e-6
    var maxSiemens = 100e-6
    var levels = 32
    /// The curves' constants A, in pulses: the smaller, the more nonlinear.
    var potentiationPulses = 10.0
    var depressionPulses = 10.0
    var pulseVolts = 3.0
    var pulseWidth = SimTime(picoseconds: 10_000)

    var kind: String { "example-pulsed" }
    var stateUnit: String { "pulse" }
    var stateRange: ClosedRange<Double> { 0...Double(levels) }
    var freshState: Float { 0 }
    var windowMinSiemens: Double { minSiemens }
    var windowMaxSiemens: Double { maxSiemens }
    var slopeSiemensPerState: Double { (maxSiemens - minSiemens) / Double(levels) }
    var readNoise: Double { 0 }
    var setPulse: SimTime { pulseWidth }
    var resetPulse: SimTime { pulseWidth }
    var setJoulesPerSiemens: Double { pulseVolts * pulseVolts * pulseWidth.seconds }
    var resetJoulesPerSiemens: Double { pulseVolts * pulseVolts * pulseWidth.seconds }

    var upScale: Double { (maxSiemens - minSiemens) / (1 - exp(-Double(levels) / potentiationPulses)) }
    var downScale: Double { (maxSiemens - minSiemens) / (1 - exp(-Double(levels) / depressionPulses)) }
    func up(_ x: Double) -> Double { minSiemens + upScale * (1 - exp(-x / potentiationPulses)) }
    func down(_ x: Double) -> Double { maxSiemens - downScale * (1 - exp(-(Double(levels) - x) / depressionPulses)) }
    /// Where `g` sits on the potentiation and on the depression curve, in pulses.
    func onUp(_ g: Double) -> Double { -potentiationPulses * log(1 - min(max(g - minSiemens, 0) / upScale, 1 - 1e-12)) }
    func onDown(_ g: Double) -> Double {
        Double(levels) + depressionPulses * log(1 - min(max(maxSiemens - g, 0) / downScale, 1 - 1e-12))
    }

    /// The pulse number whose potentiation reaches `siemens`.
    func state(forConductance siemens: Double) -> Double { min(max(onUp(siemens).rounded(), 0), Double(levels)) }

    func fresh(count: Int, rng: inout RandomStream) -> DeviceArray.Fresh {
        DeviceArray.Fresh(count: count, conductance: Float(minSiemens))
    }

    /// One pulse per level between the rounded states, each one step along its direction's curve.
    func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                 rng: inout RandomStream) -> Pulses {
        var pulses = Pulses()
        let from = Int(old.rounded()), to = Int(new.rounded())
        for _ in 0..<max(to - from, 0) {
            if fault == .none { g = Float(up(min(onUp(Double(g)) + 1, Double(levels)))) }
            pulses.sets += 1
            pulses.setToSiemens += Double(g)
        }
        for _ in 0..<max(from - to, 0) {
            pulses.resets += 1
            pulses.resetFromSiemens += Double(g)
            if fault == .none { g = Float(down(max(onDown(Double(g)) - 1, 0))) }
        }
        return pulses
    }

    var reportEntry: [(String, String)] {
        [("model", kind), ("window_min_S", "\(minSiemens)"), ("window_max_S", "\(maxSiemens)"), ("levels", "\(levels)"),
         ("potentiation_A_pulses", "\(potentiationPulses)"), ("depression_A_pulses", "\(depressionPulses)")]
    }

    /// `chip.device` with `model: example-pulsed`.
    static let entry = DeviceModelEntry(name: "example-pulsed", keys: ["conductance_min", "conductance_max", "levels", "potentiation_a",
                                                               "depression_a", "pulse_voltage", "pulse_width"]) { r in
        var d = ExamplePulsedDevice()
        try r.quantity("conductance_min", .siemens, min: 0, max: 1, into: &d.minSiemens)
        try r.quantity("conductance_max", .siemens, min: 0, max: 1, exclusiveMin: true, into: &d.maxSiemens)
        try r.integer("levels", min: 1, max: 1 << 16, into: &d.levels)
        try r.number("potentiation_a", min: 1e-3, max: 1e6, into: &d.potentiationPulses)
        try r.number("depression_a", min: 1e-3, max: 1e6, into: &d.depressionPulses)
        try r.quantity("pulse_voltage", .volt, min: 0, max: 20, into: &d.pulseVolts)
        try r.time("pulse_width", into: &d.pulseWidth)
        if d.maxSiemens <= d.minSiemens {
            throw ArchError(r.value("conductance_max")?.location ?? r.location, "'chip.device.conductance_max' must be above conductance_min")
        }
        return d
    }
}
