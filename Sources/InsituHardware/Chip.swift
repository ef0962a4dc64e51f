import InsituDevices
import InsituEngine

/// A chip training a network: crossbar layers on tiles, converters, TIAs, the update
/// controller, the digital unit and the buffer, driven by a discrete-event simulator.
///
/// Every operation does its work on the simulated state and, when `accounting` is on,
/// is scheduled on the resources that perform it and charges its energy and busy time to
/// the exact ledger. Work proceeds in segments (a batch's forward and backward passes, an
/// update, a read-back, a test pass); each starts when the previous one has drained.
public final class Chip {
    public let spec: ChipSpec
    /// Layer widths, inputs first.
    public let widths: [Int]
    /// k of the softmax (1/A).
    public let outputScalePerAmp: Double
    public let placements: [[Placement]]
    /// Every row operation, in the order rows are programmed and read.
    let rowJobs: [RowJob]
    /// Index of the output layer.
    let lastLayer: Int
    let analogInterlayer: Bool
    /// Array settling plus TIA settling: how long a read occupies the array.
    let readDuration: SimTime
    /// Energy of one ADC conversion.
    let adcJoules: Double
    public let layers: [CrossbarLayer]
    public let controller: UpdateController
    public let simulator = Simulator()
    public let ledger = Ledger()
    /// When false, only the functional model runs: no events, no ledger (for measuring what accounting costs).
    public let accounting: Bool
    /// Optional receiver of activity spans for timelines.
    public var trace: TraceSink?

    var tiles: [TileUnits]
    var digital: Resource
    var buffer: Resource
    var writeDrivers: Resource
    var bus: Resource
    let busMeter: Meter
    let busClock: ClockDomain
    let digitalMeter: Meter
    let bufferMeter: Meter
    let controllerMeter: Meter
    let digitalClock: ClockDomain
    let bufferClock: ClockDomain
    let dacQuantizer: Quantizer
    let adcQuantizer: Quantizer
    var programRNG: RandomStream
    var readRNG: RandomStream
    /// Weight gradients summed over the batch, per layer (inputs x outputs).
    var gradients: [[Float]]
    /// Conductances measured by the last read-back, per layer (device layout).
    var measured: [[Float]]
    var slots: [ImageSlot] = []
    /// Gate voltages waiting to be programmed, per layer (device layout).
    var pendingTargets: [[Float]] = []
    var flow: EntityID!
    var rowWork: EntityID!
    /// Where the next segment starts.
    public internal(set) var cursor: SimTime = .zero
    var phase: Phase = .forward
    /// Simulated time spent in segments of each phase (indexed by `Phase.rawValue`), picoseconds.
    public private(set) var phasePicoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)
    var training = false

    /// Builds the chip and places every layer's fresh devices (faults drawn from `seed`).
    public init(spec: ChipSpec, widths: [Int], outputScalePerAmp: Double, placements: [[Placement]],
                seed: UInt64, accounting: Bool = true) throws {
        precondition(widths.count >= 2 && placements.count == widths.count - 1)
        self.spec = spec
        self.widths = widths
        self.outputScalePerAmp = outputScalePerAmp
        self.placements = placements
        rowJobs = Self.rowJobs(placements, widths: widths)
        lastLayer = widths.count - 2
        analogInterlayer = spec.interlayer == .analog
        readDuration = try spec.arraySettling.adding(spec.tia.settling)
        adcJoules = spec.adcConversionJoules
        self.accounting = accounting
        var faultRNG = RandomStream(seed: seed, stream: "faults")
        var built: [CrossbarLayer] = []
        for l in 0..<(widths.count - 1) {
            built.append(CrossbarLayer(inputs: widths[l], outputs: widths[l + 1], device: spec.device, rng: &faultRNG))
        }
        layers = built
        controller = UpdateController(spec: spec.controller, device: spec.device)
        let tileCount = (placements.flatMap { $0.map(\.tile) }.max() ?? 0) + 1
        let ledger = self.ledger
        tiles = (0..<tileCount).map { TileUnits(index: $0, spec: spec, ledger: ledger) }
        digital = Resource(name: "digital", capacity: 1)
        buffer = Resource(name: "buffer", capacity: 1)
        writeDrivers = Resource(name: "controller", capacity: spec.controller.writeDrivers)
        bus = Resource(name: "interconnect", capacity: 1)
        busMeter = Meter(component: "interconnect", ledger: ledger)
        busClock = try ClockDomain(name: "interconnect", hertz: spec.interconnect.clockHertz)
        digitalMeter = Meter(component: "digital", ledger: ledger)
        gradients = built.map { Array(repeating: 0, count: $0.inputs * $0.outputs) }
        measured = built.map { $0.devices.conductance }
        bufferMeter = Meter(component: "buffer", ledger: ledger)
        controllerMeter = Meter(component: "controller", ledger: ledger)
        digitalClock = try ClockDomain(name: "digital", hertz: spec.digital.clockHertz)
        bufferClock = try ClockDomain(name: "buffer", hertz: spec.buffer.clockHertz)
        dacQuantizer = Quantizer(bits: spec.dac.bits, fullScale: spec.dac.rangeVolts, signed: false)
        adcQuantizer = Quantizer(bits: spec.adc.bits, fullScale: spec.adc.fullScaleVolts, signed: true)
        programRNG = RandomStream(seed: seed, stream: "programming")
        readRNG = RandomStream(seed: seed, stream: "reads")
        ledger.isEnabled = accounting
        flow = simulator.add(ImageFlow(chip: self))
        rowWork = simulator.add(RowWork(chip: self))
    }

    public var layerCount: Int { layers.count }
    public var simulatedTime: SimTime { cursor }

    /// One row operation: device row `row` of layer `layer`, the part of it on one tile
    /// (rows 2i and 2i+1 belong to input i; a row split over tiles has one job per tile).
    struct RowJob {
        var layer: Int
        var row: Int
        var tile: Int
        var columns: Range<Int>
    }

    /// Every row job, round-robin over the layers (row 0 of every layer, then row 1, ...),
    /// so that layers on different tiles can be programmed or read at the same time where
    /// there are write drivers for it.
    static func rowJobs(_ placements: [[Placement]], widths: [Int]) -> [RowJob] {
        let rows = 2 * (widths.dropLast().max() ?? 0)
        var jobs: [RowJob] = []
        for r in 0..<rows {
            for (l, blocks) in placements.enumerated() where r < 2 * widths[l] {
                for b in blocks where b.holds(input: r / 2) {
                    jobs.append(RowJob(layer: l, row: r, tile: b.tile, columns: b.firstOutput..<(b.firstOutput + b.outputs)))
                }
            }
        }
        return jobs
    }

    /// Digital-unit time for `ops` operations spread over its lanes, `cycles` cycles each.
    func digitalTime(ops: Int, cycles: Int = 1) throws -> SimTime {
        let rounds = (ops + spec.digital.lanes - 1) / spec.digital.lanes
        return try digitalClock.time(ofCycle: UInt64(rounds * cycles))
    }

    /// Buffer time for moving `bits`.
    func bufferTime(bits: Int) throws -> SimTime {
        try bufferClock.time(ofCycle: UInt64((bits + spec.buffer.bitsPerCycle - 1) / spec.buffer.bitsPerCycle))
    }

    /// Runs one segment of work: `start` schedules its first events at the cursor; the
    /// segment ends when the queue has drained and every resource is idle; leakage of
    /// every component over the segment is charged to `phase`.
    func segment(_ phase: Phase, _ start: () throws -> Void) throws {
        self.phase = phase
        guard accounting else { try start(); return }
        try start()
        try simulator.run()
        var end = max(simulator.now, cursor)
        for t in tiles { end = max(end, t.dacs.drainedAt, t.array.drainedAt, t.adcs.drainedAt) }
        end = max(end, digital.drainedAt, buffer.drainedAt, writeDrivers.drainedAt, bus.drainedAt)
        chargeLeakage(phase, from: cursor, to: end)
        phasePicoseconds[phase.rawValue] += end.picoseconds - cursor.picoseconds
        cursor = end
    }

    func chargeLeakage(_ phase: Phase, from: SimTime, to: SimTime) {
        let seconds = Double(to.picoseconds - from.picoseconds) * 1e-12
        guard seconds > 0 else { return }
        for t in tiles {
            t.arrayMeter.charge(.leakage, phase, joules: spec.tile.leakageWatts * seconds, count: 0)
            t.dacMeter.charge(.leakage, phase, joules: spec.dac.leakageWatts * seconds, count: 0)
            t.tiaMeter.charge(.leakage, phase, joules: spec.tia.leakageWatts * seconds, count: 0)
            t.adcMeter.charge(.leakage, phase, joules: spec.adc.leakageWatts * seconds, count: 0)
        }
        controllerMeter.charge(.leakage, phase, joules: spec.controller.leakageWatts * seconds, count: 0)
        digitalMeter.charge(.leakage, phase, joules: spec.digital.leakageWatts * seconds, count: 0)
        bufferMeter.charge(.leakage, phase, joules: spec.buffer.leakageWatts * seconds, count: 0)
        busMeter.charge(.leakage, phase, joules: spec.interconnect.leakageWatts * seconds, count: 0)
    }

    /// Reports a span to the trace sink, if any; names are built only when a sink listens.
    @inline(__always)
    func span(_ track: @autoclosure () -> String, _ name: @autoclosure () -> String, _ start: SimTime, _ end: SimTime) {
        guard let trace else { return }
        trace.span(track: track(), name: name(), start: start, end: end)
    }
}
