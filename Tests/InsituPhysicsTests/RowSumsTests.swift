import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

@Suite struct RowSumsTests {
    /// A chip programmed to random targets, with stuck devices and variation; with `wires`,
    /// its tiles' wires have resistance.
    static func programmedChip(wires: Bool) throws -> Chip {
        let chip = try halvesChip(stuck: 0.1, variation: 0.05, splitFrom: 1 << 12)
        guard wires else { return try programmed(chip) }
        var spec = chip.spec
        spec.tile.rowWireOhmsPerCell = 2
        spec.tile.columnWireOhmsPerCell = 1
        return try programmed(Chip(spec: spec, widths: chip.widths, placements: chip.placements, seed: 7))
    }

    static func programmed(_ chip: Chip) throws -> Chip {
        var rng = RandomStream(seed: 5, stream: "targets")
        try chip.program(targets: chip.layers.map { $0.states.map { _ in Float(0.6 + 1.1 * rng.uniform()) } }, phase: .program)
        return chip
    }

    /// Row jobs of 80, 70 and 10 columns (240, 240 and 300: the last group of four), summed up to
    /// eight of a width at a time: each the same bits as adding the job's conductances in column
    /// order; with wire resistance, one at a time as its TIAs see them.
    @Test(arguments: [false, true])
    func groupedSumsAreEachRowsSumInColumnOrder(wires: Bool) throws {
        let chip = try Self.programmedChip(wires: wires)
        #expect(Set(chip.rowJobs.map(\.columns.count)) == [80, 70, 10])
        let sums = try Chip.withStorages(chip.crossbars[...]) { chip.rowConductanceSums($0) }
        for (index, job) in chip.rowJobs.enumerated() {
            let layer = chip.crossbars[chip.copyIndex[job.layer][job.replica]]
            var expected = 0.0
            for j in job.columns { expected += Double(layer.effectiveConductance(job.row * layer.outputs + j)) }
            #expect(sums[index].bitPattern == expected.bitPattern, "job \(index)")
        }
    }

    /// Programming refreshes the inputs it reaches four at a time: the weight mirror and row
    /// sums are the bits each input's own refresh gives.
    @Test func groupedRefreshIsEachInputsRefresh() throws {
        let chip = try Self.programmedChip(wires: false)
        for layer in chip.crossbars {
            let weights = layer.weights, sums = layer.rowPairSums
            for i in 0..<layer.inputs { layer.refresh(input: i) }
            #expect(layer.weights == weights)
            #expect(layer.rowPairSums.map(\.bitPattern) == sums.map(\.bitPattern))
        }
    }
}

@Suite struct RestoredSegmentTests {
    /// A chip that has run a read-back and a forward pass (both segments recorded), and its state.
    static func recorded() throws -> (Chip, ChipState, InputBatch) {
        let chip = try RowSumsTests.programmedChip(wires: false)
        let batch = InputBatch(volts: (0..<(4 * 120)).map { Float($0 % 7) * 0.02 }, labels: [0, 1, 2, 3])
        for _ in 0..<2 {
            try chip.readBack()
            _ = try chip.forward(batch, phase: .forward, perImage: [])
        }
        return (chip, chip.checkpoint(), batch)
    }

    /// A restored segment may only name hops of its own kind: a forward segment's steps image
    /// hops, a read-back's row hops. A checkpoint that swaps one for the other (a valid row job
    /// in a forward segment, a valid image hop in a read-back) is refused before it replays.
    @Test func stepsOfTheOtherKindAreRefused() throws {
        let (_, state, batch) = try Self.recorded()
        #expect(state.segments.count == 2)
        for forward in [true, false] {
            var forged = state
            let k = try #require(forged.segments.firstIndex { ($0.images != nil) == forward })
            forged.segments[k].steps.values[0].image = forward ? 0 : 1
            forged.segments[k].steps.values[0].index = 1
            forged.segments[k].steps.values[0].unit = 0
            let chip = try RowSumsTests.programmedChip(wires: false)
            try chip.restore(forged)
            #expect(throws: CheckpointMismatch.self) {
                if forward { _ = try chip.forward(batch, phase: .forward, perImage: []) } else { try chip.readBack() }
            }
        }
        // The checkpoint as it was replays.
        let chip = try RowSumsTests.programmedChip(wires: false)
        try chip.restore(state)
        try chip.readBack()
        _ = try chip.forward(batch, phase: .forward, perImage: [])
    }
}
