import InsituEngine
import InsituHardware

/// A digital training accelerator: the network's GEMMs tiled onto a MAC array, element-wise
/// work on a vector unit, tensors in SRAM or DRAM by capacity, all on the discrete-event
/// engine with the same ledger and reports as the crossbar chip.
///
/// Functionally it computes what the floating-point network computes, with every tensor
/// rounded to its format (inputs, weights and activations before each MAC, the accumulator
/// as its format adds, errors and gradients through `TensorRounding`, master weights on
/// every update). Numbers are held in normalised units, as loss scaling does: weights in
/// units of `weightUnit` (siemens per stored 1), errors and gradients in units of
/// `errorUnit`, output currents as logits; hidden activations in volts.
public final class DigitalChip: WeightStore, TensorRounding {
    public let spec: DigitalChipSpec
    public let widths: [Int]
    public let hiddenGain: Float
    public let hiddenClip: Float
    public let weightUnit: Float
    public let errorUnit: Float
    /// The optimizer's copy of the weights (per layer, inputs x outputs), in the master format.
    @exclusivity(unchecked) public private(set) var master: [[Float]]
    /// The weights the MACs use: the master copy rounded to the weight format.
    @exclusivity(unchecked) public private(set) var working: [[Float]]
    /// Integer codes and scale of each layer's working weights when the weights are int8.
    @exclusivity(unchecked) var weightCodes: [[Int32]] = []
    @exclusivity(unchecked) var weightScales: [Float] = []

    let simulator = Simulator()
    public let ledger = Ledger()
    public let components: ComponentRegistry
    public let accounting: Bool
    public var trace: TraceSink? { didSet { graph.trace = trace } }
    let array: Component
    let vectorUnit: Component
    let vectorModel: DigitalUnitModel
    let sram: Component
    let dram: Component
    let arrayClock: ClockDomain
    /// Accumulator memory at the array's outputs, when the design has one.
    let accumulatorMemory: Component?
    let sramClock: ClockDomain
    let dramClock: ClockDomain
    let graph = TaskGraph()
    /// The last weight-tile load of the segment being built (loads prefetch along this chain).
    @exclusivity(unchecked) var lastLoad = -1
    @exclusivity(unchecked) public internal(set) var cursor: SimTime = .zero
    @exclusivity(unchecked) public private(set) var phasePicoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)

    /// A chip holding `weights` (siemens); `accounting: false` runs the functional model only.
    public init(spec: DigitalChipSpec, widths: [Int], hiddenGain: Float, hiddenClip: Float, weightUnit: Float, errorUnit: Float,
                weights: [[Float]], accounting: Bool = true) throws {
        precondition(widths.count >= 2 && weights.count == widths.count - 1)
        self.spec = spec
        self.widths = widths
        self.hiddenGain = hiddenGain
        self.hiddenClip = hiddenClip
        self.weightUnit = weightUnit
        self.errorUnit = errorUnit
        self.accounting = accounting
        master = weights
        working = weights
        let registry = ComponentRegistry(ledger: ledger)
        components = registry
        array = registry.register("mac-array", model: MACArrayModel(spec: spec), servers: 1)
        vectorModel = DigitalUnitModel(spec: spec.vectorUnit)
        vectorUnit = registry.register("vector", model: vectorModel, servers: 1)
        sram = registry.register("sram", model: BufferModel(spec: spec.sramBuffer), servers: 1)
        dram = registry.register("dram", model: DRAMModel(spec: spec.dram), servers: 1)
        accumulatorMemory = spec.array.accumulators > 0 ? registry.register("accumulators", model: BufferModel(spec: spec.accumulatorBuffer)) : nil
        arrayClock = try ClockDomain(name: "mac-array", hertz: spec.clockHertz)
        sramClock = try ClockDomain(name: "sram", hertz: spec.sram.clockHertz)
        dramClock = try ClockDomain(name: "dram", hertz: spec.dram.clockHertz)
        ledger.isEnabled = accounting
        setWeights(weights)
    }

    public var simulatedTime: SimTime { cursor }
    public var telemetry: Telemetry { simulator.telemetry }
    public var isCosted: Bool { accounting }
    public var census: DeviceCensus? { nil }
    public var backpropWeights: [[Float]] { working }
    public var storedWeights: [[Float]] { master }

    public func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass {
        let pass = compute(batch)
        guard accounting else { return pass }
        let placement = TensorPlacement(widths: widths, batch: batch.count, formats: spec.formats, sramBits: spec.sram.capacityBits)
        if perImage.isEmpty {
            // Inference runs in sub-batches whose activations fit in SRAM where that is possible.
            let size = inferenceBatch(batch.count)
            let sub = TensorPlacement(widths: widths, batch: size, formats: spec.formats, sramBits: spec.sram.capacityBits)
            try segment(phase) {
                var start = 0
                while start < batch.count {
                    let count = min(size, batch.count - start)
                    try scheduleForward(batch: count, phase: phase,
                                        placement: count == size ? sub : TensorPlacement(widths: widths, batch: count, formats: spec.formats,
                                                                                         sramBits: spec.sram.capacityBits))
                    start += count
                }
            }
            return pass
        }
        try segment(phase) { try scheduleForward(batch: batch.count, phase: phase, placement: placement) }
        // The work it is given, a segment per phase in the order the phases come (backward, gradient).
        for p in DigitalWork.phases(of: perImage) {
            try segment(p) { try schedule(perImage.filter { $0.phase == p }, batch: batch.count, placement: placement) }
        }
        return pass
    }

    public func store(_ weights: [[Float]], phase: Phase, after work: [DigitalWork]) throws {
        setWeights(weights)
        guard accounting else { return }
        let placement = TensorPlacement(widths: widths, batch: 1, formats: spec.formats, sramBits: spec.sram.capacityBits)
        try segment(phase) { try schedule(work, batch: 1, placement: placement) }
    }

    /// The largest sub-batch of at most `count` images whose activations all sit in SRAM; the
    /// whole batch when not even one image's do (splitting would only read the weights again).
    func inferenceBatch(_ count: Int) -> Int {
        var low = 1, high = max(count, 1)
        func fits(_ b: Int) -> Bool {
            let p = TensorPlacement(widths: widths, batch: b, formats: spec.formats, sramBits: spec.sram.capacityBits)
            return p.tensors.allSatisfy { $0.kind != .activations || $0.level == .sram }
        }
        guard fits(low) else { return max(count, 1) }
        while low < high {
            let mid = (low + high + 1) / 2
            if fits(mid) { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Keeps `weights` as the master copy in its format and derives the working copy.
    func setWeights(_ weights: [[Float]]) {
        let f = spec.formats
        master = weights.map { w in var m = w; f.master.round(&m, unit: weightUnit); return m }
        working = master.map { w in var m = w; f.weights.round(&m, unit: weightUnit); return m }
        if f.weights.isInteger {
            weightScales = master.map { w in w.withUnsafeBufferPointer { f.weights.integerScale($0) } }
            weightCodes = zip(master, weightScales).map { w, s in
                w.map { s > 0 ? Int32(min(max(($0 / s).rounded(.toNearestOrEven), -127), 127)) : 0 }
            }
        }
    }

    public func roundErrors(_ values: UnsafeMutableBufferPointer<Float>) {
        spec.formats.errors.round(values, unit: errorUnit)
    }

    public func roundGradients(_ values: UnsafeMutableBufferPointer<Float>) {
        spec.formats.gradients.round(values, unit: errorUnit)
    }

    /// Runs one segment: `build` adds its tasks; the segment ends when every task has
    /// finished and every component is idle; leakage over it is charged to `phase`.
    func segment(_ phase: Phase, build: () throws -> Void) throws {
        graph.reset()
        lastLoad = -1
        try build()
        let finished = try graph.run(on: simulator, from: cursor)
        let end = components.drainedAt(max(finished, cursor))
        components.chargeLeakage(phase, from: cursor, to: end, trace: trace)
        phasePicoseconds[phase.rawValue] += end.picoseconds - cursor.picoseconds
        cursor = end
    }
}
