import Testing
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituTraining

/// A segment replayed through its compiled program (`ReplayProgram`) leaves the chip as
/// performing its hops one by one does, and as running its events does.
@Suite struct ReplayProgramTests {
    /// Random small chips (split layers, shared ADCs, both interlayers, with and without a
    /// supply rail, always-on or power-gated converters), six rounds of programming, a training
    /// batch, a read-back and a test batch, with data that changes every round: the same
    /// ledger, simulated time, grants, waits and idle splits in all three ways (the grants
    /// recorded, a compiled replay makes every request again; not recorded, it applies their
    /// effect where it can).
    @Test func compiledReplaysEqualHopsAndEvents() throws {
        var rng = RandomStream(seed: 11)
        for k in 0..<16 {
            var (spec, network) = ScheduleTests.randomSmallChip(&rng, varyWriteDrivers: false)
            if k % 2 == 1 { spec.dac.supplyVolts = 1.2 }
            if k % 4 >= 2 {
                for power in [\ChipSpec.adc.power, \ChipSpec.dac.power] {
                    spec[keyPath: power].policy = .gated
                    spec[keyPath: power].wakeJoules = 1e-16
                }
                spec.adc.leakageWatts = 1e-4
                spec.dac.leakageWatts = 1e-5
            }
            let widths = network.layers
            let n = 1 + rng.index(below: 5)
            let batches = (0..<6).map { _ in (0..<(n * widths[0])).map { _ in Float(rng.index(below: 200)) * 0.001 } }
            func run(replay: Bool, compile: Bool, recording: Bool = true) throws -> Chip {
                let chip = try ChipBuilder.chip(spec, network: network, seed: 1)
                chip.replayEnabled = replay
                chip.compilesReplays = compile
                for c in chip.components.components { c.resource?.recording = recording }
                for (round, volts) in batches.enumerated() {
                    let batch = InputBatch(volts: volts, labels: [Int](repeating: 0, count: n))
                    try chip.program(targets: chip.layers.map { [Float](repeating: 0.8 + 0.1 * Float(round % 3), count: $0.states.count) },
                                     phase: .update)
                    _ = try chip.forward(batch, phase: .forward, perImage: Backprop.work(widths: widths))
                    try chip.readBack()
                    _ = try chip.forward(batch, phase: .test, perImage: [])
                }
                return chip
            }
            let events = try run(replay: false, compile: false)
            let hops = try run(replay: true, compile: false), programs = try run(replay: true, compile: true)
            let effects = try run(replay: true, compile: true, recording: false)
            #expect(hops.replay.programs.isEmpty)
            // Forward and test batches and read-backs: three programs, each run from the third replay.
            #expect(programs.replay.programs.count == 3, "widths \(widths)")
            #expect(effects.replay.programs.values.contains { $0.requests.contains { $0.effect != nil } })
            for chip in [hops, programs, effects] {
                #expect(chip.ledger.entries == events.ledger.entries, "widths \(widths), chip \(k)")
                #expect(chip.simulatedTime == events.simulatedTime)
                for (a, b) in zip(chip.components.components, events.components.components) {
                    guard let r = a.resource, let e = b.resource else { continue }
                    #expect(r.grants == e.grants || chip === effects, "\(a.name)")
                    #expect(r.freeAt == e.freeAt && r.requests == e.requests && r.busyPicoseconds == e.busyPicoseconds, "\(a.name)")
                    #expect(r.totalWaitPicoseconds == e.totalWaitPicoseconds && r.maxWaitPicoseconds == e.maxWaitPicoseconds)
                    #expect(r.idle == e.idle && r.idleState == e.idleState, "\(a.name)")
                }
            }
        }
    }
}
