import Testing
@testable import InsituEngine
@testable import InsituHardware

/// A programming's events left to the read-back that follows it (`readingBackAfterEachUpdate`)
/// charge the ledger and move the cursor exactly as a programming that runs its own.
@Suite struct PendingEventsTests {
    /// How a run of three updates ends: each update read back, the last one not, or the run
    /// failing right after its last programming.
    enum Ending: CaseIterable { case readBack, programming, failure }
    struct Failure: Error {}

    /// The chip's whole state but the wall time its simulator took (not a function of the work).
    static func state(_ chip: Chip) -> ChipState {
        var state = chip.checkpoint()
        state.telemetry.wallNanoseconds = 0
        return state
    }

    /// Three updates of the split chip (39,000 devices, rows read beside the read-back's events),
    /// inside the scope and outside it: the same ledger, cursor, phase times, devices, weights and
    /// measured conductances; within the scope each programming's events wait (checked), and the
    /// scope runs those of a last programming when it ends or fails.
    @Test(arguments: Ending.allCases) func eventsLeftToTheReadBackChargeAlike(ending: Ending) throws {
        let deferred = try halvesChip(stuck: 0.1, variation: 0.05, splitFrom: 1 << 12)
        let direct = try halvesChip(stuck: 0.1, variation: 0.05, splitFrom: 1 << 12)
        var rng = RandomStream(seed: 5, stream: "targets")
        let rounds = (0..<3).map { _ in direct.layers.map { layer in (0..<layer.states.count).map { _ in Float(0.6 + 1.1 * rng.uniform()) } } }
        func run(_ chip: Chip, deferring: Bool) throws {
            for (k, targets) in rounds.enumerated() {
                try chip.program(targets: targets, phase: .update)
                #expect((chip.pendingEvents != nil) == deferring)
                if k == rounds.count - 1 && ending == .failure && deferring { throw Failure() }
                if k < rounds.count - 1 || ending == .readBack { try chip.readBack() }
            }
        }
        try run(direct, deferring: false)
        do {
            try deferred.readingBackAfterEachUpdate { try run(deferred, deferring: true) }
            #expect(ending != .failure)
        } catch is Failure {
            #expect(ending == .failure)
        }
        #expect(deferred.pendingEvents == nil && !deferred.defersProgrammingEvents)
        #expect(Self.state(deferred) == Self.state(direct))
        #expect(try deferred.ledger.jsonData() == direct.ledger.jsonData())
        #expect(deferred.cursor == direct.cursor)
        #expect(deferred.phasePicoseconds == direct.phasePicoseconds)
        expectSameProgramming(deferred, direct)
        #expect(deferred.measured == direct.measured)
        #expect(deferred.crossbars.map(\.readback) == direct.crossbars.map(\.readback))
    }

    /// Another segment after a programming (a read of some rows, or an evaluation's chunks, which
    /// are charged outside `segment`) runs the pending events first.
    @Test(arguments: [false, true]) func anotherSegmentRunsThePendingEventsFirst(chunks: Bool) throws {
        let deferred = try halvesChip(stuck: 0, variation: 0, splitFrom: 1 << 12)
        let direct = try halvesChip(stuck: 0, variation: 0, splitFrom: 1 << 12)
        let targets = direct.layers.map { layer in (0..<layer.states.count).map { Float(0.7 + 0.001 * Double($0 % 900)) } }
        let volts = (0..<(8 * 120)).map { Float(($0 * 7) % 5) * 0.05 }
        /// Rows read back, or the outputs of two chunks of eight images.
        func next(_ chip: Chip) throws -> [[Float]] {
            guard chunks else { return try chip.readRows(layer: 0, deviceRows: [0, 1, 7], phase: .readout) }
            var outputs: [[Float]] = []
            try chip.forward(batches: 2, { _ in InputBatch(volts: volts, labels: [0, 1, 2, 3, 4, 5, 6, 7]) }, phase: .test, perImage: []) { _, pass in
                outputs.append(pass.outputs)
            }
            return outputs
        }
        // Chunks charged beside the next one's images once their segment is recorded and checked.
        if chunks {
            for chip in [direct, deferred] { for _ in 0..<3 { _ = try next(chip) } }
            #expect(deferred.chargesBesideImages(8, key: .forward(images: 8, work: [])))
        }
        try direct.program(targets: targets, phase: .update)
        let expected = try next(direct)
        let got = try deferred.readingBackAfterEachUpdate {
            try deferred.program(targets: targets, phase: .update)
            #expect(deferred.pendingEvents != nil)
            return try next(deferred)
        }
        #expect(got == expected)
        // The whole state, the busy time over simulated time with it (which sees the order of segments).
        #expect(Self.state(deferred) == Self.state(direct))
    }
}
