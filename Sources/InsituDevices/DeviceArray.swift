import InsituEngine

/// The conductances of a rows x columns block of devices, held in flat arrays.
///
/// Each device has a fault state (none, stuck low, stuck high), a device-to-device
/// factor, and its present conductance. Programming and reading follow the device
/// model; stuck devices ignore pulses and always read their stuck value.
public struct DeviceArray: Sendable {
    public enum Fault: UInt8, Sendable { case none = 0, stuckLow = 1, stuckHigh = 2 }

    /// A fresh array's state, as a device model draws it.
    public struct Fresh: Sendable {
        public var conductance: [Float]
        public var faults: [Fault]
        public var slopeFactor: [Float]
        public init(count: Int, conductance g: Float) {
            conductance = Array(repeating: g, count: count)
            faults = Array(repeating: .none, count: count)
            slopeFactor = Array(repeating: 1, count: count)
        }
    }

    public let rows: Int
    public let columns: Int
    public let model: any DeviceModel
    /// Relative standard deviation of each read: the model's, kept beside it because every
    /// crossbar read asks, and asking the model would copy the array to call through it.
    public let readNoise: Double
    /// Present conductance in siemens, row-major.
    public private(set) var conductance: [Float]

    /// Puts back conductances saved from this array (a checkpoint); faults and factors come from the seed.
    public mutating func restore(conductance saved: [Float]) {
        precondition(saved.count == conductance.count, "a checkpoint of another array")
        conductance = saved
    }
    public private(set) var faults: [Fault]
    /// Device-to-device multiplier of the model's response (the 1T1R cell: of the gate-to-conductance slope).
    public private(set) var slopeFactor: [Float]

    /// A fresh array drawn by the model (faults and factors from `rng`).
    public init(rows: Int, columns: Int, model: any DeviceModel, rng: inout RandomStream) {
        self.rows = rows
        self.columns = columns
        self.model = model
        readNoise = model.readNoise
        let f = model.fresh(count: rows * columns, rng: &rng)
        precondition(f.conductance.count == rows * columns && f.faults.count == rows * columns
                     && f.slopeFactor.count == rows * columns, "a device model drew the wrong number of devices")
        conductance = f.conductance
        faults = f.faults
        slopeFactor = f.slopeFactor
    }

    /// A fresh array of gate-controlled devices with these parameters.
    public init(rows: Int, columns: Int, parameters: DeviceParameters, rng: inout RandomStream) {
        self.init(rows: rows, columns: columns, model: GateControlledDevice(parameters), rng: &rng)
    }

    @inlinable public func index(row: Int, column: Int) -> Int { row * columns + column }

    public var stuckCount: Int { faults.lazy.filter { $0 != .none }.count }

    /// Programs device i from remembered state `old` to `new` (see `DeviceModel.program`).
    @discardableResult
    public mutating func program(_ i: Int, from old: Float, to new: Float, rng: inout RandomStream) -> Pulses {
        model.program(&conductance[i], fault: faults[i], factor: slopeFactor[i], from: old, to: new, rng: &rng)
    }

    /// The conductances, faults and factors as pointers for `body`: work on several threads
    /// reaches the devices through them alone, so that no thread copies an array another writes.
    public mutating func withStorage<R>(_ body: (UnsafeMutablePointer<Float>, UnsafePointer<Fault>, UnsafePointer<Float>) throws -> R) rethrows -> R {
        try conductance.withUnsafeMutableBufferPointer { g in
            try faults.withUnsafeBufferPointer { f in
                try slopeFactor.withUnsafeBufferPointer { s in try body(g.baseAddress!, f.baseAddress!, s.baseAddress!) }
            }
        }
    }
}
