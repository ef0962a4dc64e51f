import InsituDevices
import InsituEngine
import InsituKernels

/// A chip training a network: crossbar layers on tiles, converters, TIAs, the update
/// controller, the digital unit and the buffer, driven by a discrete-event simulator.
///
/// Every primitive first does its functional work on the simulated state, in image and row
/// order, and then, when `accounting` is on, runs as events on the resources that perform
/// it, each hop taking its resource at the time its request is made, and charges its
/// energy and busy time to the exact ledger. So what is computed never depends on the
/// schedule. Work proceeds in segments (a batch's forward pass with the per-image digital
/// work, an update, a read-back, a test pass); each starts when the previous one has drained.
public final class Chip: ProgrammableCrossbar {
    public let spec: ChipSpec
    /// Layer widths, inputs first.
    public let widths: [Int]
    public let placements: [[Placement]]
    public let deviceModel: any DeviceModel
    /// Every row operation, in the order rows are programmed and read.
    let rowJobs: [RowJob]
    /// The row jobs of each layer's device rows (per layer, per device row: ascending indices into `rowJobs`).
    let jobsOfRow: [[[Int]]]
    /// The row jobs by their number of columns (`rowConductanceSums` sums jobs of one width together).
    let rowJobsByWidth: [Int]
    /// The first row job of each group of inputs that one thread programs or reads whole
    /// (`Chip.inputGroups(of:rowsPerInput:)`), then the number of jobs.
    let inputGroups: [Int]
    /// Each row job's summed conductance while a read of rows is charged (`prepareRowSums`; empty otherwise).
    @exclusivity(unchecked) var rowSums: [Double] = []
    /// Index of the output layer.
    let lastLayer: Int
    let analogInterlayer: Bool
    /// Per layer: split over tiles by rows, so its partial sums are converted per block and
    /// added digitally (its activation is then digital and the next layer is driven by DACs).
    let rowSplit: [Bool]
    /// Per layer: its outputs are sums joined digitally (split by rows, or read in bit planes),
    /// so the activation runs on the digital unit and the next layer is driven by DACs.
    let digitalSums: [Bool]
    /// The hidden layers' nonlinearity, and k_h of a sigmoid (1/A).
    public let hidden: HiddenActivation
    public let hiddenScalePerAmp: Double
    /// Reads per input vector (`DACSpec.planes`): bit planes of bit-serial inputs, else 1.
    let planes: Int
    /// Sum of the unit cell's squared row factors (2 for a pair): an input's drive per volt squared.
    let driveFactor: Double
    /// The cell's sum of |factor|, and the chip-supply volts per volt of row drive (0: ideal drivers).
    let chargeFactor: Double
    let rail: Double
    /// What each slice of a sliced weight counts in its joined sum (`UnitCell.sliceWeight`), and
    /// what the joined sums subtract per volt of input (the slices' floor and the code's offset).
    let sliceWeights: [Float]
    let sliceBiasPerVolt: Double
    /// A sliced column's ADC, read unipolar (its currents have one sign), and its full scale per
    /// row: the ADC's over one row's largest current (the DAC's range at the window's top).
    let sliceADC: Quantizer
    let sliceRangePerRow: Float
    /// Device rows per input (the unit cell's), and stages between the TIAs and the ADCs.
    let rowsPerInput: Int
    let stageCount: Int
    /// Each stage's latency and the action a pass charges, in `ChipSpec.stages` order.
    let stageLatencies: [SimTime]
    let stageActions: [ActionID]
    /// Array settling plus TIA settling: how long a read occupies the array.
    let readDuration: SimTime
    /// Each layer's devices (its first copy, when a mapping replicates it).
    public let layers: [CrossbarLayer]
    /// Every copy of every layer: the layers first, then the further copies in layer order.
    public let crossbars: [CrossbarLayer]
    /// `crossbars` without their reference counts (`withCrossbar`).
    let crossbarRefs: [Unmanaged<CrossbarLayer>]
    /// Per layer and replica: the index of its copy in `crossbars`, and its blocks.
    let copyIndex: [[Int]]
    let replicaBlocks: [[[Placement]]]
    /// `replicaBlocks` in one table, reached without reference counting (`blocks(_:slot:)`):
    /// every hop of every image walks its layer's blocks.
    let blockTable: UnsafeMutableBufferPointer<Placement>
    /// Where each layer copy's blocks are in `blockTable`, at layer x `mostReplicas` + copy.
    let blockSpans: UnsafeMutableBufferPointer<Range<Int>>
    let mostReplicas: Int
    /// Copies of each layer (1 unless a mapping replicates it).
    let replicas: [Int]
    public let controller: UpdateController
    public let simulator = Simulator()
    public let ledger = Ledger()
    public let components: ComponentRegistry
    /// When false, only the functional model runs: no events, no ledger (for measuring what accounting costs).
    public let accounting: Bool
    @exclusivity(unchecked) public var trace: TraceSink?

    let tiles: [TileComponents]
    /// The tiles without their reference counts, for hops that run millions of times (`tiles` holds them).
    let tileRefs: [Unmanaged<TileComponents>]
    let digital: Component
    let digitalModel: DigitalUnitModel
    let buffer: Component
    let controllerUnit: Component
    let bus: Component
    let busClock: ClockDomain
    /// The chip's port to the network, when it has one, and its clock.
    let router: Component?
    /// The register of the digital unit's results, on a chip that has one.
    let resultRegister: Component?
    let routerClock: ClockDomain?
    let digitalClock: ClockDomain
    let bufferClock: ClockDomain
    let dacQuantizer: Quantizer
    let adcQuantizer: Quantizer
    @exclusivity(unchecked) var programRNG: RandomStream
    /// Devices from which a programming or read-back of every row is split over two threads
    /// (`programEveryRow`, `readEveryRow`).
    var splitProgrammingFrom = Chip.devicesWorthSplitting
    /// The calling thread's share of the devices when every row is programmed in halves (`balance`).
    @exclusivity(unchecked) var programmingShare = Chip.firstShareOfProgramming
    /// The programming stream's deviates drawn ahead of the rows that take them (`programAhead`).
    @exclusivity(unchecked) var programDeviates: [Double] = []
    /// Changed devices from which a programming of some devices is split (`programChangedRows`).
    var splitChangesFrom = Chip.changesWorthSplitting
    @exclusivity(unchecked) var readRNG: RandomStream
    /// Conductances measured by the last read-back, per crossbar (device layout).
    @exclusivity(unchecked) var measured: [[Float]]
    /// The image slots, made by `addSlots` only, reached through `slot(_:)`.
    @exclusivity(unchecked) var slots: [ImageSlot] = []
    /// `slots` unretained, in memory of their own: both threads reach slots, and neither an
    /// array's nor a slot's reference count is touched (passed between the cores) on the way.
    /// Whether the slots' drive and read sums are formed for the hops being replayed (`prepareLineSums`).
    @exclusivity(unchecked) var lineSumsReady = false
    @exclusivity(unchecked) var slotTable = UnsafeMutableBufferPointer<Unmanaged<ImageSlot>>(start: nil, count: 0)
    /// Images the side thread computes beside events, which the calling thread helps with once
    /// its events are done (the next batch's beside a read-back, an evaluation's next chunk).
    let sharedImages = SharedItems()
    /// The batch the next forward pass takes, told ahead (`expect`), and one whose images are
    /// already in the slots (computed beside a read-back's events) until anything else runs.
    @exclusivity(unchecked) var expected: InputBatch?
    @exclusivity(unchecked) var prepared: InputBatch?
    /// A programming's events not run yet (`readingBackAfterEachUpdate`): the next segment runs
    /// them before its own, a read-back's beside its reads.
    @exclusivity(unchecked) var pendingEvents: (() throws -> Void)?
    /// Whether a programming leaves its events to the read-back that follows it.
    @exclusivity(unchecked) var defersProgrammingEvents = false
    /// The hops of the batch in flight, chain after chain: chain 0 is an image's main path,
    /// the others side paths; chain c ends before `chainEnds[c]`.
    @exclusivity(unchecked) var hops: [Hop] = []
    @exclusivity(unchecked) var chainEnds: [Int] = []
    /// The counts of the last per-image work and of the last update work handed in (the
    /// training loop hands the same work every batch and every update).
    @exclusivity(unchecked) var countedPerImage = CountedWork()
    @exclusivity(unchecked) var countedUpdate = CountedWork()
    /// Images of the last training batch run forward: what a per-batch gradient product spans.
    @exclusivity(unchecked) var trainingBatch = 1
    /// Digital work run before the rows of a programming segment.
    @exclusivity(unchecked) var prelude: [Hop] = []
    /// The row jobs a read of some rows reads (nil: every row, a read-back).
    @exclusivity(unchecked) var readSelection: [Bool]?
    /// The pulse trains of a parallel update in progress (nil: programming row by row).
    @exclusivity(unchecked) var parallelTrains: [PulseTrains]?
    /// What programming each row job did in the segment in flight, for its time and energy.
    @exclusivity(unchecked) var rowResults: [UpdateController.RowResult] = []
    /// The row jobs the last programming visited (the others' results are empty).
    @exclusivity(unchecked) var lastVisited: [Int] = []
    /// Per crossbar and input: whether the states of the input's rows changed since the weights were
    /// last taken from the states (nil until they first are: then every input is taken).
    @exclusivity(unchecked) var inputsChanged: [[Bool]]?
    /// Per crossbar, the devices programmed one by one (`program(changes:)`) whose states changed
    /// since the weights were last taken from the states (while `inputsChanged` is kept).
    @exclusivity(unchecked) var devicesChanged: [[Int]] = []
    @exclusivity(unchecked) var flow: EntityID!
    @exclusivity(unchecked) var rowWork: EntityID!
    /// Hops of segments that repeat, recorded the first time (see `SegmentReplay`).
    @exclusivity(unchecked) var replay = SegmentReplay()
    /// False makes every segment run its events (for tests that compare the two).
    @exclusivity(unchecked) public var replayEnabled = true
    /// Whether replays run through compiled programs from their third time (`ReplayProgram`).
    @exclusivity(unchecked) var compilesReplays = true
    /// Values beyond the converters' ranges and clipped activations, per layer (`RangeCounts`).
    @exclusivity(unchecked) public internal(set) var rangeCounts: RangeCounts
    /// The network layer of each crossbar (copies after the first copies of every layer).
    let layerOfCrossbar: [Int]
    /// The unit errors and gradients are stored in (the softmax's scale, per ampere; 1 until set).
    @exclusivity(unchecked) public var errorUnit: Float = 1
    /// A buffer word narrower than the inputs' DAC codes or the ADC's codes keeps fewer bits
    /// of each stored input, activation and read-back value (nil: the word holds the code).
    let inputWord: Quantizer?
    let codeWord: Quantizer?
    /// Where the next segment starts.
    @exclusivity(unchecked) public internal(set) var cursor: SimTime = .zero
    @exclusivity(unchecked) var phase: Phase = .forward
    /// Simulated time spent in segments of each phase (indexed by `Phase.rawValue`), picoseconds.
    @exclusivity(unchecked) public internal(set) var phasePicoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)

    deinit {
        slotTable.deallocate()
        blockTable.deallocate()
        blockSpans.deallocate()
    }

    /// The blocks of every layer copy in one table, and each copy's span of it.
    static func blockTable(_ byReplica: [[[Placement]]], mostReplicas: Int)
        -> (UnsafeMutableBufferPointer<Placement>, UnsafeMutableBufferPointer<Range<Int>>) {
        let flat = Array(byReplica.joined().joined())
        let table = UnsafeMutableBufferPointer<Placement>.allocate(capacity: flat.count)
        _ = table.initialize(from: flat)
        let spans = UnsafeMutableBufferPointer<Range<Int>>.allocate(capacity: byReplica.count * mostReplicas)
        spans.initialize(repeating: 0..<0)
        var start = 0
        for (l, copies) in byReplica.enumerated() {
            for (r, blocks) in copies.enumerated() {
                spans[l * mostReplicas + r] = start..<(start + blocks.count)
                start += blocks.count
            }
        }
        return (table, spans)
    }

    /// Builds the chip and places every layer's fresh devices (faults drawn from `seed`).
    /// `device` replaces the model the spec's device parameters describe.
    public init(spec: ChipSpec, widths: [Int], placements: [[Placement]], seed: UInt64,
                accounting: Bool = true, device: (any DeviceModel)? = nil,
                hidden: HiddenActivation = .relu, hiddenScalePerAmp: Double = 0) throws {
        precondition(widths.count >= 2 && placements.count == widths.count - 1)
        self.spec = spec
        self.widths = widths
        self.placements = placements
        let model = device ?? spec.device.model
        deviceModel = model
        let replicas = placements.map { blocks in (blocks.map(\.replica).max() ?? 0) + 1 }
        self.replicas = replicas
        let byReplica = placements.enumerated().map { l, blocks in (0..<replicas[l]).map { r in blocks.filter { $0.replica == r } } }
        replicaBlocks = byReplica
        let mostReplicas = replicas.max() ?? 1
        self.mostReplicas = mostReplicas
        (blockTable, blockSpans) = Self.blockTable(byReplica, mostReplicas: mostReplicas)
        precondition(placements.joined().allSatisfy { $0.rowsPerInput == spec.cell.rowsPerInput }, "blocks placed for the chip's unit cell")
        rowJobs = Self.rowJobs(byReplica, widths: widths, rowsPerInput: spec.cell.rowsPerInput)
        var jobsOfRow = widths.dropLast().map { [[Int]](repeating: [], count: spec.cell.rowsPerInput * $0) }
        for (index, job) in rowJobs.enumerated() { jobsOfRow[job.layer][job.row].append(index) }
        self.jobsOfRow = jobsOfRow
        let jobs = rowJobs
        rowJobsByWidth = jobs.indices.sorted { (jobs[$0].columns.count, $0) < (jobs[$1].columns.count, $1) }
        lastLayer = widths.count - 2
        analogInterlayer = spec.interlayer == .analog
        rowSplit = placements.enumerated().map { l, blocks in blocks.contains { $0.inputs < widths[l] } }
        planes = spec.dac.planes
        self.hidden = hidden
        self.hiddenScalePerAmp = hiddenScalePerAmp
        // A sigmoid is applied to the converted (and joined) sum on the digital unit.
        // Sliced weights are joined by shift-and-add, so their sums are digital too.
        digitalSums = rowSplit.enumerated().map { l, split in
            split || spec.dac.inputCoding == .bitSerial || spec.cell.isSliced || (hidden == .sigmoid && l < widths.count - 2)
        }
        readDuration = try spec.arraySettling.adding(spec.tia.settling)
        driveFactor = spec.cell.driveFactor
        chargeFactor = spec.cell.chargeFactor
        rail = spec.dac.railVolts
        rowsPerInput = spec.cell.rowsPerInput
        inputGroups = Self.inputGroups(of: rowJobs, rowsPerInput: rowsPerInput)
        let cell = spec.cell
        sliceWeights = (0..<cell.columnsPerWeight).map { Float(cell.isSliced ? cell.sliceWeight($0) : 1) }
        sliceBiasPerVolt = cell.isSliced ? cell.slicedBiasPerVolt(floorSiemens: model.windowMinSiemens, ceilingSiemens: model.windowMaxSiemens) : 0
        sliceADC = Quantizer(bits: spec.adc.bits, fullScale: spec.adc.fullScaleVolts, signed: false)
        sliceRangePerRow = Float(spec.adc.fullScaleVolts / (spec.dac.rangeVolts * model.windowMaxSiemens))
        stageCount = spec.stages.count
        stageLatencies = spec.stages.map(\.stage.latency)
        stageActions = spec.stages.map { $0.stage.model(columns: spec.tile.columns).actions[0] }
        self.accounting = accounting
        var faultRNG = RandomStream(seed: seed, stream: "faults")
        var built: [CrossbarLayer] = [], index = byReplica.map { _ in [Int]() }
        // The first copies of the layers, then the further copies: a chip without replicas draws as it always has.
        for r in 0..<(replicas.max() ?? 1) {
            for l in 0..<(widths.count - 1) where r < replicas[l] {
                let mine = byReplica[l][r]
                let shape = { (blocks: [Placement]) in
                    blocks.map { [$0.firstInput, $0.inputs, $0.firstOutput, $0.outputs] }.sorted { $0.lexicographicallyPrecedes($1) }
                }
                precondition(r == 0 || shape(mine) == shape(byReplica[l][0]), "every replica of a layer is split into the same blocks")
                let blocks = Array(Set(mine.map { $0.firstOutput..<($0.firstOutput + $0.outputs) })).sorted { $0.lowerBound < $1.lowerBound }
                index[l].append(built.count)
                let columns = spec.cell.deviceColumns(widths[l + 1])
                built.append(CrossbarLayer(inputs: widths[l], outputs: columns, device: model, cell: spec.cell, columnBlocks: blocks,
                                           wireOhms: Self.wireOhms(spec.tile, mine, inputs: widths[l], outputs: columns,
                                                                   rowsPerInput: spec.cell.rowsPerInput),
                                           wires: spec.tile.loadsWires ? Self.wireGrid(spec.tile, mine) : nil,
                                           rng: &faultRNG))
            }
        }
        crossbars = built
        crossbarRefs = built.map { Unmanaged.passUnretained($0) }
        copyIndex = index
        var owner = [Int](repeating: 0, count: built.count)
        for (l, copies) in index.enumerated() { for k in copies { owner[k] = l } }
        layerOfCrossbar = owner
        rangeCounts = RangeCounts(layers: widths.count - 1)
        layers = index.map { built[$0[0]] }
        controller = UpdateController(spec: spec.controller, device: model)
        let registry = ComponentRegistry(ledger: ledger)
        components = registry
        let tileCount = (placements.flatMap { $0.map(\.tile) }.max() ?? 0) + 1
        let readSeconds = readDuration.seconds
        let tileList = (0..<tileCount).map { TileComponents(index: $0, spec: spec, readSeconds: readSeconds, device: model, registry: registry) }
        tiles = tileList
        tileRefs = tileList.map { Unmanaged.passUnretained($0) }
        digitalModel = DigitalUnitModel(spec: spec.digital)
        digital = registry.register("digital", model: digitalModel, servers: 1)
        buffer = registry.register("buffer", model: BufferModel(spec: spec.buffer), servers: 1)
        controllerUnit = registry.register("controller", model: ControllerModel(spec: spec.controller), servers: spec.controller.writeDrivers)
        bus = registry.register("interconnect", model: InterconnectModel(spec: spec.interconnect), servers: 1)
        busClock = try ClockDomain(name: "interconnect", hertz: spec.interconnect.clockHertz)
        router = spec.router.map { registry.register("router", model: InterconnectModel(spec: $0, kind: "router"), servers: 1) }
        resultRegister = spec.resultRegister.map { registry.register("result-register", model: RegisterModel(spec: $0, kind: "result-register"), servers: 1) }
        routerClock = try spec.router.map { try ClockDomain(name: "router", hertz: $0.clockHertz) }
        digitalClock = try ClockDomain(name: "digital", hertz: spec.digital.clockHertz)
        bufferClock = try ClockDomain(name: "buffer", hertz: spec.buffer.clockHertz)
        measured = built.map { $0.devices.conductance }
        dacQuantizer = Quantizer(bits: spec.dac.bits, fullScale: spec.dac.rangeVolts, signed: false)
        adcQuantizer = Quantizer(bits: spec.adc.bits, fullScale: spec.adc.fullScaleVolts, signed: true)
        let word = spec.buffer.wordBits
        inputWord = word < spec.dac.bits ? Quantizer(bits: word, fullScale: spec.dac.rangeVolts, signed: false) : nil
        codeWord = word < spec.adc.bits ? Quantizer(bits: word, fullScale: spec.adc.fullScaleVolts, signed: true) : nil
        programRNG = RandomStream(seed: seed, stream: "programming")
        readRNG = RandomStream(seed: seed, stream: "reads")
        ledger.isEnabled = accounting
        flow = simulator.add(ImageFlow(chip: self))
        rowWork = simulator.add(RowWork(chip: self))
    }

    public var layerCount: Int { layers.count }
    public var cell: UnitCell { spec.cell }
    /// Columns a block reads beside its outputs: the reference column of a cell that has one.
    var referenceColumns: Int { spec.cell.hasReference ? 1 : 0 }

    /// Whether hidden layer l's TIAs drive layer l + 1's rows directly (analog interlayer,
    /// and the layer whole on its columns' tile, so the TIA sees the whole sum).
    func drivesNextAnalog(_ l: Int) -> Bool { l < lastLayer && analogInterlayer && !rowSplit[l] }
    public var simulatedTime: SimTime { cursor }
    public var telemetry: Telemetry { simulator.telemetry }
    public var isCosted: Bool { accounting }
    /// The states every copy of a layer was programmed to (copies share their targets).
    public var states: [[Float]] { layers.map(\.states) }
    /// The weights as last read back; a replicated layer's are the mean of its copies'.
    public var backpropWeights: [[Float]] {
        copyIndex.enumerated().map { l, copies in
            guard copies.count > 1 else { return layers[l].readback }
            var mean = [Float](repeating: 0, count: layers[l].readback.count)
            for k in copies { for (i, w) in crossbars[k].readback.enumerated() { mean[i] += w } }
            let n = Float(copies.count)
            return mean.map { $0 / n }
        }
    }
    public var ranges: RangeCounts? { rangeCounts }
    public var census: DeviceCensus? {
        DeviceCensus(devices: placements.joined().reduce(0) { $0 + $1.devices },
                     stuck: crossbars.reduce(0) { $0 + $1.devices.stuckCount }, model: deviceModel.reportEntry)
    }

    /// Each device's wire resistance to its TIA from where its block sits on its tile, or nil
    /// when the tile's wires have no resistance.
    /// The wires of a layer's blocks, for products that load them.
    static func wireGrid(_ tile: TileSpec, _ blocks: [Placement]) -> WireGrid {
        WireGrid(rowOhmsPerCell: tile.rowWireOhmsPerCell, columnOhmsPerCell: tile.columnWireOhmsPerCell, tileRows: tile.rows,
                 blocks: blocks.map { .init(firstInput: $0.firstInput, inputs: $0.inputs, firstOutput: $0.firstOutput, outputs: $0.outputs,
                                            rowOffset: $0.rowOffset, columnOffset: $0.columnOffset) })
    }

    static func wireOhms(_ tile: TileSpec, _ blocks: [Placement], inputs: Int, outputs: Int, rowsPerInput n: Int) -> [Float]? {
        guard tile.hasWireResistance else { return nil }
        var r = [Float](repeating: 0, count: n * inputs * outputs)
        for b in blocks {
            for i in b.firstInput..<(b.firstInput + b.inputs) {
                for k in 0..<n {
                    let row = b.rowOffset + n * (i - b.firstInput) + k
                    for j in b.firstOutput..<(b.firstOutput + b.outputs) {
                        r[(n * i + k) * outputs + j] = Float(tile.wireOhms(row: row, column: b.columnOffset + j - b.firstOutput))
                    }
                }
            }
        }
        return r
    }

    /// One row operation: device row `row` of copy `replica` of layer `layer`, the part of it
    /// on one tile (rows R i ..< R (i + 1) belong to input i; a row split over tiles has one job per tile).
    struct RowJob {
        var layer: Int
        var replica: Int
        var row: Int
        var tile: Int
        var columns: Range<Int>
    }

    /// Every row job, round-robin over the layers (row 0 of every layer and copy, then row
    /// 1, ...), so that layers on different tiles can be programmed or read at the same time
    /// where there are write drivers for it.
    static func rowJobs(_ blocks: [[[Placement]]], widths: [Int], rowsPerInput n: Int) -> [RowJob] {
        let rows = n * (widths.dropLast().max() ?? 0)
        var jobs: [RowJob] = []
        for r in 0..<rows {
            for (l, copies) in blocks.enumerated() where r < n * widths[l] {
                for (replica, copy) in copies.enumerated() {
                    for b in copy where b.holds(input: r / n) {
                        jobs.append(RowJob(layer: l, replica: replica, row: r, tile: b.tile, columns: b.firstOutput..<(b.firstOutput + b.outputs)))
                    }
                }
            }
        }
        return jobs
    }

    /// Which copy of layer l image slot s uses: images take a replicated layer's copies in turn.
    @inline(__always) func replica(_ l: Int, slot s: Int) -> Int {
        let n = replicas[l]
        return n == 1 ? 0 : s % n
    }
    /// The devices of layer l that image slot s reads.
    @inline(__always) func crossbar(_ l: Int, slot s: Int) -> CrossbarLayer {
        replicas[l] == 1 ? layers[l] : crossbars[copyIndex[l][replica(l, slot: s)]]
    }
    /// `body` on the devices of layer l that image slot s reads, without taking a reference to
    /// them: both threads of an overlapped run read the same layers, and each reference taken
    /// and dropped writes the layer's count, which the other core then has to fetch again.
    @inline(__always) func withCrossbar<R>(_ l: Int, slot s: Int, _ body: (CrossbarLayer) throws -> R) rethrows -> R {
        try (replicas[l] == 1 ? crossbarRefs[copyIndex[l][0]] : crossbarRefs[copyIndex[l][replica(l, slot: s)]])._withUnsafeGuaranteedRef(body)
    }
    /// The blocks of layer l that image slot s uses (a layer with one copy: all its blocks).
    @inline(__always) func blocks(_ l: Int, slot s: Int) -> UnsafeBufferPointer<Placement> {
        UnsafeBufferPointer(rebasing: blockTable[blockSpans[l * mostReplicas + replica(l, slot: s)]])
    }

    /// Runs one segment of work: `work` does the functional part and `start` schedules the
    /// first events at the cursor; the segment ends when the queue has drained and every
    /// component is idle; leakage of every component over the segment is charged to `phase`.
    /// A segment with a `replay` key that has run before performs its recorded hops instead
    /// of events (see `SegmentReplay`). `meanwhile` (work above the chip that touches none of
    /// it) runs beside the events, `prepare` (what only the events need) before them and `help`
    /// (which takes some of `meanwhile`'s work, `SharedItems`) after them, both beside `meanwhile` too.
    /// A programming's events left pending run first: beside `meanwhile` in a segment that does
    /// no work of its own (`besidePending`, a read-back), else before anything.
    func segment(_ phase: Phase, replay key: SegmentReplay.Key? = nil, work: () throws -> Void, start: () throws -> Void,
                 meanwhile: (() -> Void)? = nil, prepare: (() -> Void)? = nil, help: (() -> Void)? = nil,
                 besidePending: Bool = false) throws {
        var pending: (() throws -> Void)?
        if besidePending && accounting && meanwhile != nil {
            (pending, pendingEvents) = (pendingEvents, nil)
        } else {
            try runPendingEvents()
        }
        // A programming changes what a prepared batch's images read; another pass, the slots.
        if phase != .readout { prepared = nil }
        self.phase = phase
        try work()
        guard accounting else { return meanwhile?() ?? () }
        func events() throws {
            prepare?()
            if let key, replayEnabled {
                try runEvents(key, start: start)
            } else {
                try start()
                try simulator.run()
            }
        }
        if let meanwhile {
            try Overlap.run(meanwhile, while: {
                if let pending {
                    try pending()
                    self.phase = phase
                }
                try events()
                help?()
            })
        } else {
            try events()
        }
        endSegment(phase)
    }

    /// Ends the segment that started at the cursor: every component's leakage over it charged
    /// to `phase`, the cursor moved to where every component is idle.
    func endSegment(_ phase: Phase) {
        rowSums = []
        let end = components.drainedAt(max(simulator.now, cursor))
        components.chargeLeakage(phase, from: cursor, to: end, trace: trace)
        phasePicoseconds[phase.rawValue] += end.picoseconds - cursor.picoseconds
        cursor = end
    }

}

/// The components of one tile: row drivers, the array, its TIAs, its stages and its ADC bank.
final class TileComponents {
    let dacs: Component
    let array: Component
    let tias: Component
    let adcs: Component
    /// Shift-and-add units, on a chip with bit-serial inputs.
    let shiftAdds: Component?
    /// One component per `ChipSpec.stages` entry, in signal order.
    let stages: [Component]
    /// The stochastic pulse generators, on a chip that updates by coincident pulse trains.
    let pulseGenerators: Component?
    /// The input and output registers, on a chip that has them.
    let inputRegister: Component?
    let outputRegister: Component?

    init(index: Int, spec: ChipSpec, readSeconds: Double, device: any DeviceModel, registry: ComponentRegistry) {
        let name = "tile\(index)"
        dacs = registry.register(name + ".dac", model: DACModel(spec: spec.dac, rowCapacitanceFarads: spec.tile.rowLineFarads,
                                                                count: spec.tile.rows), servers: 1)
        array = registry.register(name + ".array", model: CrossbarModel(spec: spec.tile, readSeconds: readSeconds, device: device,
                                                                      pumpEfficiency: spec.controller.chargePumpEfficiency),
                                  servers: 1)
        tias = registry.register(name + ".tia", model: TIAModel(spec: spec.tia, rowCapacitanceFarads: spec.tile.rowLineFarads,
                                                                count: spec.tile.columns), servers: 1)
        adcs = registry.register(name + ".adc", model: ADCModel(spec: spec.adc), servers: spec.adc.perTile)
        shiftAdds = spec.dac.inputCoding == .bitSerial
            ? registry.register(name + ".shift-add", model: ShiftAddModel(spec: spec.shiftAdd), servers: spec.shiftAdd.perTile) : nil
        stages = spec.stages.enumerated().map { k, s in
            let kind = s.stage.kind
            let repeated = spec.stages.filter { $0.stage.kind == kind }.count > 1
            return registry.register(name + "." + kind + (repeated ? "\(k)" : ""), model: s.stage.model(columns: spec.tile.columns), servers: 1)
        }
        inputRegister = spec.inputRegister.map { registry.register(name + ".input-register", model: RegisterModel(spec: $0, kind: "input-register"), servers: 1) }
        outputRegister = spec.outputRegister.map { registry.register(name + ".output-register", model: RegisterModel(spec: $0, kind: "output-register"), servers: 1) }
        pulseGenerators = spec.pulseGenerators.map { registry.register(name + ".pulse-gen", model: PulseGeneratorModel(spec: $0, count: spec.tile.rows / spec.cell.rowsPerInput + spec.tile.columns),
                                                                      servers: 1) }
    }
}

/// `DigitalWork.counted` of the last work list asked for, as the chip places it, kept while the
/// same placed list comes again (the training loop hands the same work every batch).
struct CountedWork {
    private var placed: [DigitalWork] = []
    private var counted: [DigitalWork] = []

    mutating func of(_ work: [DigitalWork], placing place: ([DigitalWork]) -> [DigitalWork] = { $0 }) -> [DigitalWork] {
        let now = place(work)
        if now != placed {
            placed = now
            counted = DigitalWork.counted(now)
        }
        return counted
    }
}

/// Backpropagation's errors and gradient sums as the digital unit computes and the buffer
/// stores them: in the unit's formats (in units of `errorUnit`), then in the buffer's words
/// when those are narrower than the format (`NumberFormat.roundToWord`).
extension Chip: TensorRounding {
    public func roundErrors(_ values: UnsafeMutableBufferPointer<Float>) {
        let format = spec.digital.format ?? .fp32
        format.round(values, unit: errorUnit)
        format.roundToWord(values, bits: spec.buffer.wordBits)
    }

    public func roundGradients(_ values: UnsafeMutableBufferPointer<Float>) {
        let format = spec.digital.accumulatorFormat ?? .fp32
        format.round(values, unit: errorUnit)
        format.roundToWord(values, bits: spec.buffer.wordBits)
    }

    public var roundsGradientsApart: Bool {
        let format = spec.digital.accumulatorFormat ?? .fp32
        return !format.isInteger && spec.buffer.wordBits >= format.bits
    }

    /// fp16 sums in words that hold them, where the processor has F16C (InsituKernels): the
    /// product's multiply and add, then the rounding, in one pass over each changed row.
    public func addRoundingChanged(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                                   errors: UnsafeBufferPointer<Float>) -> Bool {
        guard roundsGradientsApart, spec.digital.accumulatorFormat == .fp16,
              let g = values.baseAddress, let a = inputs.baseAddress, let d = errors.baseAddress,
              values.count >= inputs.count * errors.count else { return false }
        return insitu_add_round_fp16_changed(g, a, inputs.count, d, errors.count, errorUnit) != 0
    }

    /// Element by element when the accumulator is a float format its words hold whole.
    public func roundChangedGradients(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                                      errors: UnsafeBufferPointer<Float>) -> Bool {
        let format = spec.digital.accumulatorFormat ?? .fp32
        guard roundsGradientsApart else { return false }
        // fp32 in words that hold it: `roundGradients` leaves every sum as it is.
        if format == .fp32 { return true }
        let unit = errorUnit, m = errors.count
        guard m > 0, !inputs.isEmpty else { return true }
        // fp16 with x86's conversions where the processor has them (InsituKernels).
        if format == .fp16,
           insitu_round_fp16_changed(values.baseAddress!, inputs.baseAddress!, inputs.count, errors.baseAddress!, m, unit) != 0 {
            return true
        }
        /// Rounds every element of a driven input's row and a nonzero error's column by `round`
        /// (selected branch-free, so that a row's loop vectorises).
        @inline(__always) func each(_ round: (Float) -> Float) {
            for i in 0..<inputs.count where inputs[i] != 0 {
                let row = values.baseAddress! + i * m
                for j in 0..<m { row[j] = errors[j] != 0 ? round(row[j]) : row[j] }
            }
        }
        // As `NumberFormat.round(_:unit:)` rounds one element; fp16 (the common accumulator) unswitched.
        switch (format, unit == 1) {
        case (.fp16, true): each { NumberFormat.binary16($0) }
        case (.fp16, false): each { NumberFormat.binary16($0 / unit) * unit }
        case (_, true): each { format.roundFloat($0) }
        case (_, false): each { format.roundFloat($0 / unit) * unit }
        }
        return true
    }
}
