import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituTraining

/// Programming only the devices an update moves (`program(changes:)`) against every device's
/// target (`program(targets:)`): the same conductances, states, noise draws and ledger.
@Suite struct StateChangesTests {
    /// A 2-layer chip of NeuroSim's Ag:a-Si devices with cycle-to-cycle variation, two inputs'
    /// rows split over two tiles, programmed to the same start.
    static func chip() throws -> Chip {
        var spec = ChipSpec()
        spec.device = AnyDeviceModel(PulsedDeviceTests.agSi(cycle: 0.035))
        spec.tile.rows = 8
        spec.tile.columns = 4
        spec.tile.count = 3
        spec.adc.bits = 16
        // Layer 1 (4 x 5) in two column blocks on tiles 0 and 1; layer 2 (5 x 2) split by rows on tile 2.
        let blocks = [[Placement(layer: 0, tile: 0, firstInput: 0, inputs: 4, firstOutput: 0, outputs: 3),
                       Placement(layer: 0, tile: 1, firstInput: 0, inputs: 4, firstOutput: 3, outputs: 2)],
                      [Placement(layer: 1, tile: 2, firstInput: 0, inputs: 4, firstOutput: 0, outputs: 2),
                       Placement(layer: 1, tile: 2, firstInput: 4, inputs: 1, firstOutput: 0, outputs: 2, rowOffset: 0, columnOffset: 2)]]
        let chip = try Chip(spec: spec, widths: [4, 5, 2], placements: blocks, seed: 7)
        try chip.program(targets: [[Float](repeating: 0.4, count: 40), [Float](repeating: 0.6, count: 20)], phase: Phase.program)
        return chip
    }

    @Test func changesProgramAsEveryTargetDoes() throws {
        let dense = try Self.chip(), sparse = try Self.chip()
        var rng = RandomStream(seed: 11)
        for _ in 0..<20 {
            // Random steps of 0 to 3 pulses on a random third of the devices, both directions.
            let changes = dense.states.map { states -> StateChanges in
                var indices: [Int] = [], targets: [Float] = []
                for (i, s) in states.enumerated() where rng.uniform() < 0.33 {
                    indices.append(i)
                    targets.append(min(max(s + Float((rng.uniform() * 6 - 3) / 97), 0), 1))
                }
                return StateChanges(indices: indices, targets: targets)
            }
            try dense.program(targets: zip(changes, dense.states).map { $0.applied(to: $1) }, phase: .update, after: [])
            try sparse.program(changes: changes, phase: .update, after: [])
            #expect(dense.states == sparse.states)
            #expect(dense.crossbars.map(\.devices.conductance) == sparse.crossbars.map(\.devices.conductance))
            dense.takeWeightsFromStates()
            sparse.takeWeightsFromStates()
            #expect(dense.backpropWeights == sparse.backpropWeights)
        }
        #expect(dense.ledger.totalEnergyQuanta == sparse.ledger.totalEnergyQuanta)
        #expect(dense.phasePicoseconds == sparse.phasePicoseconds)
        #expect(dense.ranges == sparse.ranges)
    }

    @Test func positionsWithinARowsChanges() {
        let c = StateChanges(indices: [2, 5, 6, 9, 12], targets: [0, 0, 0, 0, 0])
        #expect(c.positions(of: 5..<10, within: 0..<5) == 1..<4)
        #expect(c.positions(of: 7..<9, within: 1..<4) == 3..<3)
        #expect(c.applied(to: [Float](repeating: 1, count: 13)).enumerated().filter { $0.element == 0 }.map(\.offset) == [2, 5, 6, 9, 12])
    }
}
