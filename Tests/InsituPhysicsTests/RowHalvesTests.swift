import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

/// A chip of three 300 x 80 tiles: a 120-150 layer split by columns over tiles 0 and 1 (two jobs a
/// row) and a 150-10 layer on tile 2, whose every-row programming splits from `splitFrom` devices.
func halvesChip(stuck: Double, variation: Double, readNoise: Double = 0, splitFrom: Int, device: (any DeviceModel)? = nil,
                accounting: Bool = true) throws -> Chip {
    var d = handDevice(model: .gateControlled)
    d.stuckLowFraction = stuck
    d.updateVariation = variation
    d.readNoise = readNoise
    var spec = ChipSpec()
    spec.tile.rows = 300
    spec.tile.columns = 80
    spec.tile.count = 3
    spec.device = device.map { AnyDeviceModel($0) } ?? d.spec
    let chip = try Chip(spec: spec, widths: [120, 150, 10],
                        placements: [[Placement(layer: 0, tile: 0, firstInput: 0, inputs: 120, firstOutput: 0, outputs: 80),
                                      Placement(layer: 0, tile: 1, firstInput: 0, inputs: 120, firstOutput: 80, outputs: 70)],
                                     [Placement(layer: 1, tile: 2, firstInput: 0, inputs: 150, firstOutput: 0, outputs: 10)]],
                        seed: 7, accounting: accounting)
    chip.splitProgrammingFrom = splitFrom
    chip.splitChangesFrom = splitFrom
    return chip
}

/// Every layer copy's conductances, states, weights and row sums, the row results and the
/// programming stream of `split` and `whole` are the same.
func expectSameProgramming(_ split: Chip, _ whole: Chip) {
    for (a, b) in zip(split.crossbars, whole.crossbars) {
        #expect(a.devices.conductance == b.devices.conductance)
        #expect(a.states == b.states)
        #expect(a.weights == b.weights)
        #expect(a.rowPairSums == b.rowPairSums)
    }
    #expect(split.rowResults == whole.rowResults)
    #expect(split.programRNG == whole.programRNG)
}

@Suite struct RowHalvesTests {
    /// Rows programmed and read back on two threads, the second half's noise streams skipped to
    /// where the first half leaves them, give every device, state, weight, row sum, row result,
    /// measured conductance, range count, both streams and the ledger of one thread: a first
    /// programming and updates that leave a third of the devices, with and without stuck devices,
    /// cycle-to-cycle variation and read noise. With costs charged the split chip reads its rows
    /// on the side thread beside the read-back's events; without, in two halves.
    @Test(arguments: [(0.0, 0.0, 0.0, true), (0.1, 0.05, 0.0, true), (0.3, 0.02, 0.03, true), (0.3, 0.02, 0.03, false)])
    func splitRowsGiveTheBytesOfOneThread(stuck: Double, variation: Double, readNoise: Double, accounting: Bool) throws {
        let split = try halvesChip(stuck: stuck, variation: variation, readNoise: readNoise, splitFrom: 1 << 12, accounting: accounting)
        let whole = try halvesChip(stuck: stuck, variation: variation, readNoise: readNoise, splitFrom: .max, accounting: accounting)
        // 39,000 devices: the split chip splits, at an input's first row.
        let half = try #require(split.halfOfRows())
        #expect(whole.halfOfRows() == nil)
        #expect(split.rowJobs[half].row % 2 == 0 && split.rowJobs[half - 1].row < split.rowJobs[half].row)
        // The first input boundary with half the devices behind it: rows 0-239 hold 150 + 10
        // devices (three jobs), rows 240-299 10, 39,000 in all; row r has 160 r behind it, so
        // row 122 (19,520) is the first boundary past 19,500, and row 136 (21,760) past 55%.
        let devices = { (jobs: ArraySlice<Chip.RowJob>) in jobs.reduce(0) { $0 + $1.columns.count } }
        #expect(devices(split.rowJobs[...]) == 39_000)
        #expect(split.rowJobs[half].row == 122 && devices(split.rowJobs[..<half]) == 19_520)
        let programmed = try #require(split.halfOfRows(firstShare: 0.55))
        #expect(split.rowJobs[programmed].row == 136 && devices(split.rowJobs[..<programmed]) == 21_760)
        var rng = RandomStream(seed: 3, stream: "targets")
        for round in 0..<4 {
            let targets = split.layers.map { layer in
                (0..<layer.states.count).map { k in round > 0 && k % 3 == 0 ? layer.states[k] : Float(0.6 + 1.1 * rng.uniform()) }
            }
            for chip in [split, whole] {
                try chip.program(targets: targets, phase: round == 0 ? .program : .update)
                try chip.readBack()
            }
            expectSameProgramming(split, whole)
            #expect(split.layers[0].states == targets[0])
            #expect(split.measured == whole.measured)
            #expect(split.readRNG == whole.readRNG)
            #expect(split.rangeCounts == whole.rangeCounts)
            #expect(split.crossbars.map(\.readback) == whole.crossbars.map(\.readback))
        }
        #expect(try split.ledger.jsonData() == whole.ledger.jsonData())
    }

    /// The 1T1R cell draws one deviate per working device whose state changes (stuck devices and
    /// unchanged ones draw none), as programming them takes from the stream; without variation,
    /// and for ideal devices, none; a pulsed device does not say.
    /// The calling thread's next share: where both halves would end together, each half's time
    /// proportional to its share, approached by half the way, within 0.2-0.8; unchanged without times.
    @Test func sharesMoveTowardHalvesThatEndTogether() {
        // Rates 100 / 0.5 = 200 and 300 / 0.5 = 600 per share: even at 600 / 800 = 0.75.
        #expect(abs(Overlap.balance(share: 0.5, times: (100, 300)) - 0.625) < 1e-12)
        #expect(abs(Overlap.balance(share: 0.5, times: (300, 100)) - 0.375) < 1e-12)
        // Halves that ended together keep their share; equal rates move it toward the middle.
        #expect(abs(Overlap.balance(share: 0.6, times: (500, 500)) - 0.6) < 1e-12)
        #expect(abs(Overlap.balance(share: 0.6, times: (600, 400)) - 0.55) < 1e-12)
        #expect(abs(Overlap.balance(share: 0.5, times: (1, 1_000_000)) - 0.749_999_5) < 1e-9)
        #expect(Overlap.balance(share: 0.75, times: (1, 1_000_000)) == 0.8)
        #expect(Overlap.balance(share: 0.25, times: (1_000_000, 1)) == 0.2)
        #expect(Overlap.balance(share: 0.5, times: (0, 10)) == 0.5)
    }

    @Test func deviatesCountedAsProgrammingDrawsThem() {
        var d = handDevice(model: .gateControlled)
        d.updateVariation = 0.05
        let model = GateControlledDevice(d.parameters)
        let faults: [DeviceArray.Fault] = [.none, .none, .stuckLow, .none, .stuckHigh, .none]
        var states: [Float] = [1, 1, 1, 1, 1, 0.8]
        let targets: [Float] = [1, 1.2, 0.7, 0.9, 1.5, 0.8]
        #expect(model.noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: false) == 2)
        var g = [Float](repeating: 100e-6, count: 6), rng = RandomStream(seed: 5), drawn = rng
        _ = model.program(&g, faults: faults, factors: [Float](repeating: 1, count: 6), states: &states, targets: targets,
                          count: 6, verified: false, rng: &rng)
        _ = drawn.gaussian(); _ = drawn.gaussian()
        #expect(rng == drawn)
        var quiet = d
        quiet.updateVariation = 0
        #expect(GateControlledDevice(quiet.parameters).noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: false) == 0)
        #expect(IdealDevice(d.parameters).noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: true) == 0)
    }

    /// A pulsed device draws one deviate per working device whose step rounds to a pulse, in the
    /// row form and the indexed form alike, as programming takes them; program-and-verify none.
    @Test func pulsedDeviatesCountedAsProgrammingDrawsThem() {
        let pulsed = Self.pulsed
        let faults: [DeviceArray.Fault] = [.none, .none, .stuckLow, .none, .stuckHigh, .none]
        var states = [Float](repeating: 0.5, count: 6)
        // Unchanged; 10 pulses up; stuck; a quarter of a pulse; stuck; 10 pulses down.
        let targets: [Float] = [0.5, 0.7, 0.2, 0.505, 0.9, 0.3]
        #expect(pulsed.noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: false) == 2)
        #expect(pulsed.noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: true) == 0)
        let indices = [1, 3, 5], some: [Float] = [0.7, 0.505, 0.3]
        #expect(pulsed.noiseDraws(faults: faults, states: states, targets: some, count: 3, at: indices, verified: false) == 2)
        var g = [Float](repeating: 5e-6, count: 6), rng = RandomStream(seed: 5), drawn = rng
        _ = pulsed.program(&g, faults: faults, factors: [Float](repeating: 0, count: 6), states: &states, at: indices, targets: some,
                           count: 3, verified: false, rng: &rng)
        _ = drawn.gaussian(); _ = drawn.gaussian()
        #expect(rng == drawn)
    }

    static let pulsed = PulsedDevice(minSiemens: 1e-6, maxSiemens: 1e-5,
                                     potentiation: .init(levels: 50, nonlinearity: 1, volts: 3, pulse: SimTime(picoseconds: 1_000)),
                                     depression: .init(levels: 50, nonlinearity: -1, volts: 3, pulse: SimTime(picoseconds: 1_000)),
                                     cycleVariation: 0.02)

    /// An update that moves some devices of pulsed cells, split over two threads at an input
    /// boundary, leaves every device, state, weight, row result, the stream and the ledger as
    /// one thread does.
    @Test func splitChangesGiveTheBytesOfOneThread() throws {
        let split = try halvesChip(stuck: 0, variation: 0, splitFrom: 64, device: Self.pulsed)
        let whole = try halvesChip(stuck: 0, variation: 0, splitFrom: .max, device: Self.pulsed)
        var rng = RandomStream(seed: 9, stream: "changes")
        for round in 0..<4 {
            let changes = split.layers.map { layer in
                let moved = (0..<layer.states.count).filter { _ in rng.uniform() < 0.2 }
                return StateChanges(indices: moved, targets: moved.map { Float(min(max(Double(layer.states[$0]) + 0.3 * (rng.uniform() - 0.5), 0), 1)) })
            }
            for chip in [split, whole] { try chip.program(changes: changes, phase: round == 0 ? .program : .update, after: []) }
            expectSameProgramming(split, whole)
            #expect(split.devicesChanged == whole.devicesChanged)
        }
        #expect(try split.ledger.jsonData() == whole.ledger.jsonData())
    }
}
