import Foundation
import InsituEngine
import InsituKernels

/// The 1T1R cell of Li et al. 2018: a SET pulse through a transistor whose gate voltage sets
/// the compliance current, so the conductance reached is linear in the gate voltage; a RESET
/// pulse with the gate fully on returns it to a low state. Open loop: RESET where the gate
/// voltage falls, then SET where it changes. Stuck devices ignore pulses.
public struct GateControlledDevice: DeviceModel {
    public let parameters: DeviceParameters
    public init(_ parameters: DeviceParameters) { self.parameters = parameters }

    public var kind: String { "gate-controlled" }
    public var stateUnit: String { "V" }
    public var stateRange: ClosedRange<Double> { parameters.gateMinVolts...parameters.gateMaxVolts }
    /// 0 V: never SET yet, so the first programming SETs every device.
    public var freshState: Float { 0 }
    public var windowMinSiemens: Double { parameters.windowMinSiemens }
    public var windowMaxSiemens: Double { parameters.windowMaxSiemens }
    public var slopeSiemensPerState: Double { parameters.slopeSiemensPerVolt }
    public func state(forConductance siemens: Double) -> Double { parameters.gateVolts(forConductance: siemens) }
    public var readNoise: Double { parameters.readNoise }
    public var setPulse: SimTime { parameters.setPulse }
    public var resetPulse: SimTime { parameters.resetPulse }
    /// SET: V_set x I_cc x t with I_cc = G_after x V_cell, the current the gate allows at the end state.
    public var setJoulesPerSiemens: Double { parameters.setVolts * parameters.setCellVolts * parameters.setPulse.seconds }
    /// RESET: V_reset^2 x G_before x t (an upper bound: the current falls as the device resets).
    public var resetJoulesPerSiemens: Double { parameters.resetVolts * parameters.resetVolts * parameters.resetPulse.seconds }

    /// Every device at the reset conductance; faults at exactly round(fraction x count)
    /// devices chosen uniformly; slope factors N(1, device variation).
    public func fresh(count n: Int, rng: inout RandomStream) -> DeviceArray.Fresh {
        let p = parameters
        var f = DeviceArray.Fresh(count: n, conductance: Float(p.resetConductanceSiemens))
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.index(below: i + 1)) }
        let low = Int((p.stuckLowFraction * Double(n)).rounded())
        let high = min(n - low, Int((p.stuckHighFraction * Double(n)).rounded()))
        for k in 0..<low { f.faults[order[k]] = .stuckLow; f.conductance[order[k]] = Float(p.stuckLowSiemens) }
        for k in low..<(low + high) {
            f.faults[order[k]] = .stuckHigh
            f.conductance[order[k]] = Float(p.stuckHighSiemens)
        }
        if p.deviceVariation > 0 {
            for i in 0..<n { f.slopeFactor[i] = Float(max(0, 1 + p.deviceVariation * rng.gaussian())) }
        }
        return f
    }

    public func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                        rng: inout RandomStream) -> Pulses {
        program(&g, fault: fault, factor: factor, from: old, to: new, variation: true, rng: &rng)
    }

    /// RESET where the state falls, then SET; a stuck device takes the pulses and keeps its
    /// conductance. `variation: false` reaches the nominal conductance (the ideal device).
    func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                 variation: Bool, rng: inout RandomStream) -> Pulses {
        var pulses = Pulses()
        if new == old { return pulses }
        if new < old {
            pulses.resets = 1
            pulses.resetFromSiemens = Double(g)
            if fault == .none { g = Float(parameters.resetConductanceSiemens) }
        }
        pulses.sets = 1
        if fault == .none { g = set(gateVolts: Double(new), factor: factor, variation: variation, rng: &rng) }
        pulses.setToSiemens = Double(g)
        return pulses
    }

    /// One deviate per working device whose state changes (its SET's cycle-to-cycle variation),
    /// none without variation; program-and-verify programs as open loop does.
    public func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                           count: Int, at indices: UnsafePointer<Int>?, verified: Bool) -> Int? {
        guard parameters.updateVariation > 0 else { return 0 }
        var draws = 0
        if let indices {
            for k in 0..<count { draws &+= (states[indices[k]] != targets[k] ? 1 : 0) & (faults[indices[k]] == .none ? 1 : 0) }
            return draws
        }
        // Eight devices at a time where the processor has AVX (InsituKernels), else branch-free (it vectorises).
        let counted = faults.withMemoryRebound(to: UInt8.self, capacity: count) { insitu_count_working_changes($0, states, targets, count) }
        if counted >= 0 { return counted }
        for k in 0..<count { draws &+= (states[k] != targets[k] ? 1 : 0) & (faults[k] == .none ? 1 : 0) }
        return draws
    }

    /// Conductance after a SET at `gateVolts`, with cycle-to-cycle variation, within the physical limits.
    func set(gateVolts: Double, factor: Float, variation: Bool, rng: inout RandomStream) -> Float {
        let p = parameters
        var g = p.targetConductance(gateVolts: gateVolts, slopeFactor: Double(factor))
        if variation, p.updateVariation > 0 {
            let sigma = p.variationReference == .range
                ? p.updateVariation * (p.windowMaxSiemens - p.windowMinSiemens) : p.updateVariation * g
            g += sigma * rng.gaussian()
        }
        return Float(min(max(g, p.conductanceFloorSiemens), p.conductanceCeilingSiemens))
    }

    public func withStuckLow(fraction: Double) -> GateControlledDevice? {
        var p = parameters
        p.stuckLowFraction = fraction
        return GateControlledDevice(p)
    }

    public var reachableMaxSiemens: Double { min(parameters.windowMaxSiemens, parameters.conductanceCeilingSiemens) }

    /// The window G0 + slope x (gate - gate_min) ending above the conductance ceiling: the gates
    /// above the ceiling's all program the same conductance.
    public var rangeWarnings: [String] {
        let p = parameters
        guard p.windowMaxSiemens > p.conductanceCeilingSiemens else { return [] }
        let gate = p.gateMinVolts + (p.conductanceCeilingSiemens - p.conductanceAtGateMinSiemens) / p.slopeSiemensPerVolt
        return [String(format: "the device window reaches %.0f uS (chip.device.conductance_at_gate_min + slope x (gate_max - gate_min)), above chip.device.conductance_ceiling %.0f uS: every gate above %.3f V programs the ceiling, %.0f%% of the gate range; lower slope or gate_max, or raise conductance_ceiling",
                       p.windowMaxSiemens * 1e6, p.conductanceCeilingSiemens * 1e6, gate,
                       100 * (p.gateMaxVolts - gate) / (p.gateMaxVolts - p.gateMinVolts))]
    }

    public var summaryLines: [String] {
        let dev = parameters
        func uS(_ s: Double) -> String { String(format: "%.0f uS", s * 1e6) }
        return [
            "\(kind), window \(uS(dev.windowMinSiemens))-\(uS(dev.windowMaxSiemens)) over gate \(dev.gateMinVolts)-\(dev.gateMaxVolts) V (\(uS(dev.slopeSiemensPerVolt))/V)",
            "  stuck low \(dev.stuckLowFraction * 100)% at \(uS(dev.stuckLowSiemens)), stuck high \(dev.stuckHighFraction * 100)% at \(uS(dev.stuckHighSiemens)); R = (Gmin - Gstuck)/(Gmax - Gmin) = \(String(format: "%.3f", dev.stuckDistanceRatio))",
            "  update variation \(dev.updateVariation * 100)% of the \(dev.variationReference.rawValue), device variation \(dev.deviceVariation * 100)%, read noise \(dev.readNoise * 100)%",
            "  SET \(dev.setVolts) V \(dev.setPulse), RESET \(dev.resetVolts) V \(dev.resetPulse) (gate \(dev.resetGateVolts) V)",
        ]
    }

    public var reportEntry: [(String, String)] {
        let d = parameters
        return [
            ("model", kind), ("window_min_S", "\(d.windowMinSiemens)"), ("window_max_S", "\(d.windowMaxSiemens)"),
            ("slope_S_per_V", "\(d.slopeSiemensPerVolt)"), ("stuck_low_fraction", "\(d.stuckLowFraction)"),
            ("stuck_low_S", "\(d.stuckLowSiemens)"), ("stuck_high_fraction", "\(d.stuckHighFraction)"),
            ("R", "\(d.stuckDistanceRatio)"), ("update_variation", "\(d.updateVariation)"),
            ("variation_reference", d.variationReference.rawValue),
            ("noise_definition", "each SET reaches G_target + N(0, sigma), sigma = update_variation x "
                + (d.variationReference == .range ? "(window max - window min)" : "G_target") + ", redrawn at every programming"),
            ("device_variation", "\(d.deviceVariation)"), ("read_noise", "\(d.readNoise)"),
        ]
    }
}
