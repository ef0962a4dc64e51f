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
        #expect(try deferred.ledger.jsonData() == direct.ledger.jsonData())
        #expect(deferred.cursor == direct.cursor)
        #expect(deferred.phasePicoseconds == direct.phasePicoseconds)
        expectSameProgramming(deferred, direct)
        #expect(deferred.measured == direct.measured)
        #expect(deferred.crossbars.map(\.readback) == direct.crossbars.map(\.readback))
    }

    /// Another segment after a programming (a read of some rows) runs the pending events first.
    @Test func anotherSegmentRunsThePendingEventsFirst() throws {
        let deferred = try halvesChip(stuck: 0, variation: 0, splitFrom: 1 << 12)
        let direct = try halvesChip(stuck: 0, variation: 0, splitFrom: 1 << 12)
        let targets = direct.layers.map { layer in (0..<layer.states.count).map { Float(0.7 + 0.001 * Double($0 % 900)) } }
        try direct.program(targets: targets, phase: .update)
        let expected = try direct.readRows(layer: 0, deviceRows: [0, 1, 7], phase: .readout)
        let read = try deferred.readingBackAfterEachUpdate {
            try deferred.program(targets: targets, phase: .update)
            return try deferred.readRows(layer: 0, deviceRows: [0, 1, 7], phase: .readout)
        }
        #expect(read == expected)
        #expect(try deferred.ledger.jsonData() == direct.ledger.jsonData())
        #expect(deferred.cursor == direct.cursor)
    }
}
