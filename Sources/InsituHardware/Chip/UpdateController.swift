import InsituDevices
import InsituEngine
import InsituKernels

/// The on-chip update controller: remembers every device's programmed state and programs
/// a row open loop, each device as its model says (the 1T1R cell: RESET where the gate
/// voltage falls, then SET where it changes, as in Li et al. 2018).
public struct UpdateController: Sendable {
    public let spec: ControllerSpec
    public let device: any DeviceModel
    /// The device's pulse widths, taken once: every row's time is built from them.
    let resetPulse: SimTime, setPulse: SimTime

    public init(spec: ControllerSpec, device: any DeviceModel) {
        self.spec = spec
        self.device = device
        resetPulse = device.resetPulse
        setPulse = device.setPulse
    }

    /// What programming one row did, for its time and energy.
    public struct RowResult: Sendable, Equatable {
        public var pulses = Pulses()
        public var columnsDriven = 0
        /// Whether any device's remembered state changed.
        public var statesChanged = false
        /// Devices whose target differed from their state, and those of them whose target was
        /// at or beyond an end of the state range (for the range counts).
        public var changed = 0
        public var atLimit = 0
        public init() {}
    }

    /// Programs `columns` of row `row` of `layer` to the states `targets` (one per column of
    /// the row), open loop or, `verified`, with program-and-verify. All columns by default.
    public func programRow(_ row: Int, of layer: CrossbarLayer, targets: UnsafeBufferPointer<Float>,
                           columns: Range<Int>? = nil, verified: Bool = false, rng: inout RandomStream) -> RowResult {
        layer.withStorage { programRow(row, in: $0, targets: targets, columns: columns, verified: verified, rng: &rng) }
    }

    /// `programRow` on a layer's storage: writes only the row's devices and states and its
    /// input's weights and sums, so rows of different inputs can be programmed on two threads.
    /// Without `refreshing`, the input's weights and sums are left for the caller to take again
    /// (once for an input whose rows are all programmed).
    public func programRow(_ row: Int, in storage: CrossbarLayer.Storage, targets: UnsafeBufferPointer<Float>,
                           columns: Range<Int>? = nil, verified: Bool = false, refreshing: Bool = true,
                           rng: inout RandomStream) -> RowResult {
        programRow(row, in: storage, model: storage.model, targets: targets, columns: columns, verified: verified,
                   refreshing: refreshing, rng: &rng)
    }

    /// `programRow` through `model`, the storage's devices' model opened by the caller once for
    /// all its rows: a call through the existential copies it (and counts its reference) per row.
    func programRow<Model: DeviceModel>(_ row: Int, in storage: CrossbarLayer.Storage, model: Model, targets: UnsafeBufferPointer<Float>,
                                        columns: Range<Int>?, verified: Bool, refreshing: Bool, rng: inout RandomStream) -> RowResult {
        programRow(row, in: storage, model: model, targets: targets, columns: columns, refreshing: refreshing) { s, first, new, count in
            model.program(s.conductance + first, faults: s.faults + first, factors: s.factors + first, states: s.states + first,
                          targets: new, count: count, verified: verified, rng: &rng)
        }
    }

    /// `programRow` with the row's `draws` deviates given in `deviates`, by a model that takes
    /// them (`DeviceModel.takesGivenDeviates`), and its changes when `counted` already; the
    /// input's weights and sums are left to the caller.
    func programRow<Model: DeviceModel>(_ row: Int, in storage: CrossbarLayer.Storage, model: Model, targets: UnsafeBufferPointer<Float>,
                                        columns: Range<Int>?, verified: Bool, deviates: UnsafePointer<Double>, draws: Int,
                                        counted: Changes? = nil) -> RowResult {
        programRow(row, in: storage, model: model, targets: targets, columns: columns, refreshing: false,
                   counted: counted) { s, first, new, count in
            guard let done = model.program(s.conductance + first, faults: s.faults + first, factors: s.factors + first,
                                           states: s.states + first, targets: new, count: count, verified: verified,
                                           deviates: deviates, draws: draws) else {
                preconditionFailure("\(model.kind) takes no given deviates")
            }
            return done
        }
    }

    /// A row's devices whose state changes, and those of them whose target is at an end of the
    /// state range: what the controller counts before it drives a row.
    struct Changes {
        var changed = 0, atLimit = 0
    }

    /// What both forms share: the row's changes counted (unless `counted` already), then
    /// `program` (storage, the row's first device, its targets, its devices) drives it when any changed.
    @inline(__always)
    func programRow<Model: DeviceModel>(_ row: Int, in storage: CrossbarLayer.Storage, model: Model, targets: UnsafeBufferPointer<Float>,
                                        columns: Range<Int>?, refreshing: Bool, counted: Changes? = nil,
                                        program: (CrossbarLayer.Storage, Int, UnsafePointer<Float>, Int) -> (pulses: Pulses, driven: Int)) -> RowResult {
        var result = RowResult()
        let m = storage.layer.outputs
        let cols = columns ?? 0..<m
        guard !cols.isEmpty else { return result }
        let first = row * m + cols.lowerBound
        let range = model.stateRange, lo = Float(range.lowerBound), hi = Float(range.upperBound)
        let old = storage.states + first, new = targets.baseAddress! + cols.lowerBound
        var changed = counted?.changed ?? 0, atLimit = counted?.atLimit ?? 0
        // Eight devices at a time where the processor has AVX (InsituKernels), else branch-free
        // (it vectorises): most of a row is unchanged.
        if counted == nil, insitu_count_changes(old, new, cols.count, lo, hi, &changed, &atLimit) == 0 {
            for c in 0..<cols.count {
                let differs = old[c] != new[c] ? 1 : 0
                changed &+= differs
                atLimit &+= differs & ((new[c] <= lo ? 1 : 0) | (new[c] >= hi ? 1 : 0))
            }
        }
        result.changed = changed
        result.atLimit = atLimit
        return Self.drive(&result, row: row, in: storage, refreshing: refreshing) { s in program(s, first, new, cols.count) }
    }

    /// Programs the devices at `indices` (ascending, all on device row `row` of `layer`) to
    /// `targets` (one per index), as `programRow` programs them with the other devices' targets
    /// at their states.
    public func programDevices(_ indices: UnsafeBufferPointer<Int>, of layer: CrossbarLayer, row: Int, targets: UnsafePointer<Float>,
                               verified: Bool = false, rng: inout RandomStream) -> RowResult {
        layer.withStorage { programDevices(indices, in: $0, row: row, targets: targets, verified: verified, rng: &rng) }
    }

    /// `programDevices` on a layer's storage (as `programRow(_:in:targets:columns:verified:refreshing:rng:)`).
    public func programDevices(_ indices: UnsafeBufferPointer<Int>, in storage: CrossbarLayer.Storage, row: Int, targets: UnsafePointer<Float>,
                               verified: Bool = false, rng: inout RandomStream) -> RowResult {
        var result = RowResult()
        let lo = Float(device.stateRange.lowerBound), hi = Float(device.stateRange.upperBound)
        for (k, d) in indices.enumerated() where storage.states[d] != targets[k] {
            result.changed += 1
            if targets[k] <= lo || targets[k] >= hi { result.atLimit += 1 }
        }
        return Self.drive(&result, row: row, in: storage) { s in
            s.model.program(s.conductance, faults: s.faults, factors: s.factors, states: s.states, at: indices.baseAddress!,
                            targets: targets, count: indices.count, verified: verified, rng: &rng)
        }
    }

    /// Finishes a row whose changes `result` counted: a row whose every target is its state is
    /// not driven at all; otherwise `program` drives its devices, and a row that a pulse reached
    /// has its weights and read sums taken again (one no pulse reached holds the conductances it had).
    @inline(__always)
    static func drive(_ result: inout RowResult, row: Int, in storage: CrossbarLayer.Storage, refreshing: Bool = true,
                      program: (CrossbarLayer.Storage) -> (pulses: Pulses, driven: Int)) -> RowResult {
        result.statesChanged = result.changed > 0
        guard result.statesChanged else { return result }
        let done = program(storage)
        result.pulses = done.pulses
        result.columnsDriven = done.driven
        if refreshing && result.columnsDriven > 0 { storage.refresh(input: row / storage.rowsPerInput) }
        return result
    }

    /// Time to program one row: row setup, then as many RESET pulse slots as the device
    /// that needed most RESET pulses, and as many SET slots (all columns of a row are pulsed
    /// together; the 1T1R cell needs at most one of each).
    public func rowTime(_ r: RowResult) throws -> SimTime { try rowTimes(r).row }

    /// The row's time, and the parts of it the array spends in RESET pulses and in SET pulses.
    public func rowTimes(_ r: RowResult) throws -> (row: SimTime, reset: SimTime, set: SimTime) {
        if r.columnsDriven == 0 { return (.zero, .zero, .zero) }
        let reset = try Self.slots(r.pulses.resetSlots, of: resetPulse), set = try Self.slots(r.pulses.setSlots, of: setPulse)
        return (try spec.rowSetup.adding(reset).adding(set), reset, set)
    }

    /// `n` pulse slots of width `pulse`.
    @inline(__always) static func slots(_ n: Int, of pulse: SimTime) throws -> SimTime {
        n == 0 ? .zero : n == 1 ? pulse : try pulse.multiplied(by: UInt64(n))
    }
}
