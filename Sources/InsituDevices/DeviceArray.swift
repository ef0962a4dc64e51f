import InsituEngine

/// The conductances of a rows x columns block of 1T1R devices, held in flat arrays.
///
/// Each device has a fault state (none, stuck low, stuck high), a device-to-device
/// slope factor, and its present conductance. Programming and reading follow the device
/// model; stuck devices ignore pulses and always read their stuck value.
public struct DeviceArray: Sendable {
    public enum Fault: UInt8, Sendable { case none = 0, stuckLow = 1, stuckHigh = 2 }

    public let rows: Int
    public let columns: Int
    public let parameters: DeviceParameters
    /// Present conductance in siemens, row-major.
    public private(set) var conductance: [Float]
    public private(set) var faults: [Fault]
    /// Device-to-device multiplier of the gate-to-conductance slope.
    public private(set) var slopeFactor: [Float]

    /// A fresh array: every device at the reset conductance, faults placed at exactly
    /// round(fraction x count) devices chosen uniformly by `rng`.
    public init(rows: Int, columns: Int, parameters: DeviceParameters, rng: inout RandomStream) {
        self.rows = rows
        self.columns = columns
        self.parameters = parameters
        let n = rows * columns
        conductance = Array(repeating: Float(parameters.resetConductanceSiemens), count: n)
        faults = Array(repeating: .none, count: n)
        slopeFactor = Array(repeating: 1, count: n)
        guard parameters.model == .gateControlled else { return }
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.index(below: i + 1)) }
        let low = Int((parameters.stuckLowFraction * Double(n)).rounded())
        let high = min(n - low, Int((parameters.stuckHighFraction * Double(n)).rounded()))
        for k in 0..<low { faults[order[k]] = .stuckLow; conductance[order[k]] = Float(parameters.stuckLowSiemens) }
        for k in low..<(low + high) {
            faults[order[k]] = .stuckHigh
            conductance[order[k]] = Float(parameters.stuckHighSiemens)
        }
        if parameters.deviceVariation > 0 {
            for i in 0..<n { slopeFactor[i] = Float(max(0, 1 + parameters.deviceVariation * rng.gaussian())) }
        }
    }

    @inlinable public func index(row: Int, column: Int) -> Int { row * columns + column }

    public var stuckCount: Int { faults.lazy.filter { $0 != .none }.count }

    /// RESET pulse: a working device drops to the reset conductance. Returns the
    /// conductance before the pulse (for the energy of the pulse).
    @discardableResult
    public mutating func reset(_ i: Int) -> Float {
        let before = conductance[i]
        if faults[i] == .none { conductance[i] = Float(parameters.resetConductanceSiemens) }
        return before
    }

    /// SET pulse at `gateVolts`: a working device goes to the gate's conductance, with
    /// cycle-to-cycle variation, within the physical limits. Returns the conductance before.
    @discardableResult
    public mutating func set(_ i: Int, gateVolts: Double, rng: inout RandomStream) -> Float {
        let before = conductance[i]
        guard faults[i] == .none else { return before }
        let p = parameters
        var g = p.targetConductance(gateVolts: gateVolts, slopeFactor: Double(slopeFactor[i]))
        if p.model == .gateControlled, p.updateVariation > 0 {
            let sigma = p.variationReference == .range
                ? p.updateVariation * (p.windowMaxSiemens - p.windowMinSiemens) : p.updateVariation * g
            g += sigma * rng.gaussian()
        }
        conductance[i] = Float(min(max(g, p.conductanceFloorSiemens), p.conductanceCeilingSiemens))
        return before
    }

    /// Relative standard deviation of each read: the parameter's, or 0 for ideal devices.
    public var readNoise: Double { parameters.model == .gateControlled ? parameters.readNoise : 0 }
}
