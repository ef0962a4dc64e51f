import InsituEngine

/// Devices that reach exactly the nominal conductance of their gate voltage: no faults, no
/// variation, no read noise. The same gate-voltage state and pulses as the 1T1R cell, for checks.
public struct IdealDevice: DeviceModel {
    public let gate: GateControlledDevice
    public init(_ parameters: DeviceParameters) { gate = GateControlledDevice(parameters) }

    public var kind: String { "ideal" }
    public var stateUnit: String { "V" }
    public var stateRange: ClosedRange<Double> { gate.stateRange }
    public var freshState: Float { 0 }
    public var windowMinSiemens: Double { gate.windowMinSiemens }
    public var windowMaxSiemens: Double { gate.windowMaxSiemens }
    public var slopeSiemensPerState: Double { gate.slopeSiemensPerState }
    public func state(forConductance siemens: Double) -> Double { gate.state(forConductance: siemens) }
    public var readNoise: Double { 0 }
    public var reachableMaxSiemens: Double { gate.reachableMaxSiemens }
    public var rangeWarnings: [String] { gate.rangeWarnings }
    public var setPulse: SimTime { gate.setPulse }
    public var resetPulse: SimTime { gate.resetPulse }
    public var setJoulesPerSiemens: Double { gate.setJoulesPerSiemens }
    public var resetJoulesPerSiemens: Double { gate.resetJoulesPerSiemens }

    public func fresh(count n: Int, rng: inout RandomStream) -> DeviceArray.Fresh {
        DeviceArray.Fresh(count: n, conductance: Float(gate.parameters.resetConductanceSiemens))
    }

    public func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                        rng: inout RandomStream) -> Pulses {
        gate.program(&g, fault: .none, factor: 1, from: old, to: new, variation: false, rng: &rng)
    }

    /// No variation: programming draws nothing.
    public func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                           count: Int, at indices: UnsafePointer<Int>?, verified: Bool) -> Int? { 0 }

    public var reportEntry: [(String, String)] {
        [("model", kind), ("window_min_S", "\(windowMinSiemens)"), ("window_max_S", "\(windowMaxSiemens)"),
         ("slope_S_per_V", "\(slopeSiemensPerState)")]
    }
}
