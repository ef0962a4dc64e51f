import InsituDevices
import InsituEngine

/// Anything that runs a network's training or inference workload on the discrete-event
/// engine and charges an exact ledger: the crossbar chip, a digital baseline, a toy in a
/// test. Trainers, reports, traces and summaries see only this protocol.
///
/// The primitives are neutral and costed: run a batch forward (returning what the digital
/// side computes), perform digital work given as operation counts, and read the weights
/// the digital side uses for backpropagation. How weights change is the business of an
/// update rule above it (see `ProgrammableCrossbar` and `WeightStore`).
public protocol Accelerator: AnyObject {
    /// Layer widths, inputs first.
    var widths: [Int] { get }
    var ledger: Ledger { get }
    /// Every component with its energy and area model.
    var components: ComponentRegistry { get }
    /// Simulated time so far, and the part of it spent in segments of each phase (by `Phase.rawValue`).
    var simulatedTime: SimTime { get }
    var phasePicoseconds: [UInt64] { get }
    var telemetry: Telemetry { get }
    /// Optional receiver of activity spans for timelines.
    var trace: TraceSink? { get set }
    /// False when only the functional model runs (no time, no energy).
    var isCosted: Bool { get }
    /// Devices and faults, or nil for an accelerator without memristors.
    var census: DeviceCensus? { get }
    /// Values beyond its converters' ranges so far, per layer, or nil for an accelerator without them.
    var ranges: RangeCounts? { get }

    /// Runs `batch` forward; after each image's forward pass, that image's `perImage` work
    /// (backward and gradient arithmetic, as counts) is scheduled on the digital side.
    func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass
    /// `forward`, and `meanwhile` with the pass once its values are known: work that touches
    /// nothing of the accelerator's (backpropagation above it), which an accelerator may run
    /// while it charges the pass's costs. Both have ended when it returns.
    func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork], meanwhile: (ForwardPass) -> Void) throws -> ForwardPass
    /// Items that `meanwhile` may open (`SharedItems`) for the accelerator's own thread to take
    /// some of once its work beside them is done; nil when it takes none.
    var meanwhileItems: SharedItems? { get }
    /// Runs `count` batches forward in order, as `forward(_:phase:perImage:)` on each in turn,
    /// handing each pass to `each` in order; `batch(k)` gives the k-th batch (it may be called
    /// on another thread). An accelerator may compute a batch's values while it charges the
    /// batch before, with the same results.
    func forward(batches count: Int, _ batch: (Int) -> InputBatch, phase: Phase, perImage: [DigitalWork],
                 each: (Int, ForwardPass) throws -> Void) throws
    /// Tells the accelerator, ahead, the batch its next `forward` takes: it may compute the
    /// batch's values while it finishes the work before (a read-back), with the same results.
    func expect(_ batch: InputBatch)
    /// Weights (per layer, inputs x outputs) the digital side uses for backpropagation.
    var backpropWeights: [[Float]] { get }
}

extension Accelerator {
    public func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork], meanwhile: (ForwardPass) -> Void) throws -> ForwardPass {
        let pass = try forward(batch, phase: phase, perImage: perImage)
        meanwhile(pass)
        return pass
    }

    public func expect(_ batch: InputBatch) {}

    public var meanwhileItems: SharedItems? { nil }

    public func forward(batches count: Int, _ batch: (Int) -> InputBatch, phase: Phase, perImage: [DigitalWork],
                        each: (Int, ForwardPass) throws -> Void) throws {
        for k in 0..<count { try each(k, try forward(batch(k), phase: phase, perImage: perImage)) }
    }
}

/// An accelerator whose weights live in memristor pairs programmed to states of a device model.
public protocol ProgrammableCrossbar: Accelerator {
    var deviceModel: any DeviceModel { get }
    /// How a weight is held in devices: the device rows of each input and their factors.
    var cell: UnitCell { get }
    /// The states the update controller last programmed, per layer in device layout
    /// (input i owns rows R i ..< R (i + 1) of its cell: for a pair row 2i holds G+ and row
    /// 2i+1 G-; outputs along a row).
    var states: [[Float]] { get }
    /// Runs `work` on the digital side, then programs every device to `targets` (device layout).
    func program(targets: [[Float]], phase: Phase, after work: [DigitalWork]) throws
    /// As `program(targets:phase:after:)` with every device not in `changes` (per layer) kept
    /// at its state: the same result, visiting only the devices that move.
    func program(changes: [StateChanges], phase: Phase, after work: [DigitalWork]) throws
    /// Reads every device back; `backpropWeights` become the measured G+ - G-.
    func readBack() throws
    /// Reads some device rows of one layer as a read-back reads them, charged to `phase`, and
    /// returns their measured conductances; `backpropWeights` stay as they are.
    func readRows(layer: Int, deviceRows: [Int], phase: Phase) throws -> [[Float]]
    /// Makes `backpropWeights` the weights the controller's states imply, each device at its
    /// state's nominal conductance, without reading anything (no time, no energy).
    func takeWeightsFromStates()
    /// Runs `body`, in which every programming is followed by a `readBack` before anything else
    /// reaches the chip: a programming's costs may then be charged beside the read-back's reads
    /// (the same ledger, in the same order). Every cost is charged when it returns.
    func readingBackAfterEachUpdate<R>(_ body: () throws -> R) throws -> R
}

/// A crossbar whose tiles can also update all at once, by coincident stochastic pulse trains.
public protocol ParallelProgrammable: ProgrammableCrossbar {
    /// Runs `work` on the digital side, then sets every device to `targets` (device layout) in
    /// one parallel update per tile, its pulse generators firing `trains` (one per layer).
    func programInParallel(targets: [[Float]], trains: [PulseTrains], phase: Phase, after work: [DigitalWork]) throws
    /// Whether the tiles have the pulse generators that update needs.
    var hasPulseGenerators: Bool { get }
}

/// An accelerator whose weights are numbers it stores (a digital machine, a toy).
public protocol WeightStore: Accelerator {
    /// Runs `work` on the digital side, then stores `weights` (per layer, inputs x outputs).
    func store(_ weights: [[Float]], phase: Phase, after work: [DigitalWork]) throws
    /// The weights an update starts from: the optimizer's master copy where the machine keeps
    /// one apart from the (rounded) weights its MACs use, else `backpropWeights`.
    var storedWeights: [[Float]] { get }
}

extension Accelerator {
    public var ranges: RangeCounts? { nil }
}

extension ProgrammableCrossbar {
    public func readingBackAfterEachUpdate<R>(_ body: () throws -> R) throws -> R { try body() }

    public func program(changes: [StateChanges], phase: Phase, after work: [DigitalWork]) throws {
        precondition(changes.count == states.count, "one set of changes per layer")
        try program(targets: zip(changes, states).map { $0.applied(to: $1) }, phase: phase, after: work)
    }
}

extension WeightStore {
    public var storedWeights: [[Float]] { backpropWeights }
}

/// How many devices an accelerator uses and how many are stuck, with its device model's report.
public struct DeviceCensus: Sendable {
    public var devices: Int
    public var stuck: Int
    public var model: [(String, String)]
    public init(devices: Int, stuck: Int, model: [(String, String)]) {
        self.devices = devices
        self.stuck = stuck
        self.model = model
    }
}
