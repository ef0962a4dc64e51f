import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

/// A chip of three 300 x 80 tiles: a 120-150 layer split by columns over tiles 0 and 1 (two jobs a
/// row) and a 150-10 layer on tile 2, whose every-row programming splits from `splitFrom` devices.
func halvesChip(stuck: Double, variation: Double, readNoise: Double = 0, splitFrom: Int) throws -> Chip {
    var d = handDevice(model: .gateControlled)
    d.stuckLowFraction = stuck
    d.updateVariation = variation
    d.readNoise = readNoise
    var spec = ChipSpec()
    spec.tile.rows = 300
    spec.tile.columns = 80
    spec.tile.count = 3
    spec.device = d.spec
    let chip = try Chip(spec: spec, widths: [120, 150, 10],
                        placements: [[Placement(layer: 0, tile: 0, firstInput: 0, inputs: 120, firstOutput: 0, outputs: 80),
                                      Placement(layer: 0, tile: 1, firstInput: 0, inputs: 120, firstOutput: 80, outputs: 70)],
                                     [Placement(layer: 1, tile: 2, firstInput: 0, inputs: 150, firstOutput: 0, outputs: 10)]],
                        seed: 7, accounting: true)
    chip.splitProgrammingFrom = splitFrom
    return chip
}

@Suite struct RowHalvesTests {
    /// Rows programmed and read back on two threads, the second half's noise streams skipped to
    /// where the first half leaves them, give every device, state, weight, row sum, row result,
    /// measured conductance, range count, both streams and the ledger of one thread: a first
    /// programming and updates that leave a third of the devices, with and without stuck devices,
    /// cycle-to-cycle variation and read noise.
    @Test(arguments: [(0.0, 0.0, 0.0), (0.1, 0.05, 0.0), (0.3, 0.02, 0.03)])
    func splitRowsGiveTheBytesOfOneThread(stuck: Double, variation: Double, readNoise: Double) throws {
        let split = try halvesChip(stuck: stuck, variation: variation, readNoise: readNoise, splitFrom: 1 << 12)
        let whole = try halvesChip(stuck: stuck, variation: variation, readNoise: readNoise, splitFrom: .max)
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
            for (a, b) in zip(split.crossbars, whole.crossbars) {
                #expect(a.devices.conductance == b.devices.conductance)
                #expect(a.states == b.states)
                #expect(a.weights == b.weights)
                #expect(a.rowPairSums == b.rowPairSums)
            }
            #expect(split.rowResults == whole.rowResults)
            #expect(split.programRNG == whole.programRNG)
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
        let pulsed = PulsedDevice(minSiemens: 1e-6, maxSiemens: 1e-5,
                                  potentiation: .init(levels: 50, nonlinearity: 1, volts: 3, pulse: SimTime(picoseconds: 1_000)),
                                  depression: .init(levels: 50, nonlinearity: -1, volts: 3, pulse: SimTime(picoseconds: 1_000)),
                                  cycleVariation: 0.02)
        #expect(pulsed.noiseDraws(faults: faults, states: states, targets: targets, count: 6, verified: false) == nil)
    }
}
