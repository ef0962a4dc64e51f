import Testing
import InsituEngine
import InsituTraining
@testable import InsituHardware

/// A batch told ahead (`expect`) has its images computed beside the read-back's events; the
/// next forward pass takes them only when nothing changed in between, with the same results
/// as computing them then.
@Suite struct ExpectedBatchTests {
    struct Setup {
        let spec: ChipSpec
        let network: NetworkSpec
        let targets: [[[Float]]]
        let batches: [InputBatch]
    }

    /// A chip of some 5,000-9,000 devices (a read-back on two threads), two sets of random
    /// device targets and three random batches.
    static func setup(_ rng: inout RandomStream, interlayer: ChipSpec.Interlayer) throws -> Setup {
        let widths = [48 + rng.index(below: 30), 40 + rng.index(below: 20), 10]
        let (spec, network) = ChargeBesideImagesTests.chip(widths: widths, interlayer: interlayer)
        let shape = try ChipBuilder.chip(spec, network: network, seed: 3).layers.map(\.states.count)
        let targets = (0..<2).map { _ in shape.map { count in (0..<count).map { _ in Float(0.2 + 1.2 * rng.uniform()) } } }
        let n = 20 + rng.index(below: 30)
        let batches = (0..<3).map { _ in
            InputBatch(volts: (0..<(n * widths[0])).map { _ in Float(rng.index(below: 200)) * 0.001 },
                       labels: (0..<n).map { _ in rng.index(below: 10) })
        }
        return Setup(spec: spec, network: network, targets: targets, batches: batches)
    }

    /// Programs, reads back (told `expected` ahead, or not), optionally programs again or runs
    /// another pass, then runs `batches[0]` forward.
    static func run(_ s: Setup, expected: InputBatch?, between: (Chip) throws -> Void = { _ in }) throws -> (Chip, ForwardPass) {
        let chip = try ChipBuilder.chip(s.spec, network: s.network, seed: 5)
        for c in chip.components.components { c.resource?.recording = true }
        try chip.program(targets: s.targets[0], phase: .update)
        if let expected { chip.expect(expected) }
        try chip.readBack()
        try between(chip)
        return (chip, try chip.forward(s.batches[0], phase: .forward, perImage: []))
    }

    static func expectSame(_ a: (Chip, ForwardPass), _ b: (Chip, ForwardPass), _ what: String) {
        #expect(a.1.outputs == b.1.outputs && a.1.predictions == b.1.predictions && a.1.activations == b.1.activations, "\(what)")
        #expect(a.0.rangeCounts == b.0.rangeCounts, "\(what)")
        #expect(a.0.ledger.entries == b.0.ledger.entries, "\(what)")
        #expect(a.0.simulatedTime == b.0.simulatedTime, "\(what)")
        for (x, y) in zip(a.0.components.components, b.0.components.components) {
            #expect(x.resource?.grants == y.resource?.grants, "\(what): \(x.name)")
        }
    }

    @Test func batchToldAheadGivesTheSamePass() throws {
        var rng = RandomStream(seed: 21)
        for interlayer in [ChipSpec.Interlayer.analog, .digital] {
            let s = try Self.setup(&rng, interlayer: interlayer)
            let plain = try Self.run(s, expected: nil)
            #expect(plain.0.rowJobDevices >= plain.0.splitProgrammingFrom, "the read-back runs beside its events")
            #expect(Set(plain.1.predictions).count > 1, "the outputs tell the images apart")
            let ahead = try Self.run(s, expected: s.batches[0])
            #expect(ahead.0.prepared == nil, "the forward pass took the prepared batch")
            Self.expectSame(ahead, plain, "told ahead")
            // Another batch told than the one run: the pass computes its own.
            Self.expectSame(try Self.run(s, expected: s.batches[1]), plain, "another batch told")
        }
    }

    /// A programming, or another pass, between the read-back and the forward pass: the
    /// prepared images are not taken (they were computed on other conductances, or their
    /// slots were overwritten).
    @Test func changesInBetweenAreNotMissed() throws {
        var rng = RandomStream(seed: 22)
        let s = try Self.setup(&rng, interlayer: .analog)
        let reprogram: (Chip) throws -> Void = { try $0.program(targets: s.targets[1], phase: .update) }
        Self.expectSame(try Self.run(s, expected: s.batches[0], between: reprogram), try Self.run(s, expected: nil, between: reprogram),
                        "programmed in between")
        let otherPass: (Chip) throws -> Void = { _ = try $0.forward(s.batches[2], phase: .test, perImage: []) }
        Self.expectSame(try Self.run(s, expected: s.batches[0], between: otherPass), try Self.run(s, expected: nil, between: otherPass),
                        "another pass in between")
        let chunks: (Chip) throws -> Void = { chip in
            try chip.forward(batches: 2, { s.batches[$0 + 1] }, phase: .test, perImage: []) { _, _ in }
        }
        Self.expectSame(try Self.run(s, expected: s.batches[0], between: chunks), try Self.run(s, expected: nil, between: chunks),
                        "chunks in between")
    }
}
