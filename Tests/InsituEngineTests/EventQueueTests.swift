import Testing
@testable import InsituEngine

/// Records the order in which it receives events.
final class Recorder: Entity {
    let name = "recorder"
    var log: [(UInt64, Int32)] = []
    func handle(_ event: Event, in simulator: Simulator) throws {
        log.append((event.time.picoseconds, event.kind))
    }
}

@Suite struct EventQueueTests {
    @Test func ordersByTimeThenInsertion() throws {
        let sim = Simulator()
        let r = Recorder()
        let id = sim.add(r)
        try sim.schedule(at: SimTime(picoseconds: 30), to: id, kind: 1)
        try sim.schedule(at: SimTime(picoseconds: 10), to: id, kind: 2)
        try sim.schedule(at: SimTime(picoseconds: 30), to: id, kind: 3)
        try sim.schedule(at: SimTime(picoseconds: 10), to: id, kind: 4)
        try sim.schedule(at: SimTime(picoseconds: 20), to: id, kind: 5)
        #expect(try sim.run() == .queueEmpty)
        #expect(r.log.map(\.1) == [2, 4, 5, 1, 3])
        #expect(r.log.map(\.0) == [10, 10, 20, 30, 30])
    }

    @Test func heapMatchesSortOnRandomInput() {
        var q = EventQueue()
        var rng = SplitMix(seed: 7)
        var all: [Event] = []
        for s in 0..<5000 {
            let e = Event(time: SimTime(picoseconds: rng.next() % 100), sequence: UInt64(s),
                          target: EntityID(0), kind: 0, payload: 0)
            all.append(e)
            q.push(e)
            if s % 7 == 0 { #expect(q.checkInvariants()) }
        }
        let expected = all.sorted { ($0.time.picoseconds, $0.sequence) < ($1.time.picoseconds, $1.sequence) }
        var got: [Event] = []
        while let e = q.pop() { got.append(e) }
        #expect(got == expected)
    }

    @Test func stopConditions() throws {
        let sim = Simulator()
        let id = sim.add(Recorder())
        for t in 1...10 { try sim.schedule(at: SimTime(picoseconds: UInt64(t) * 100), to: id, kind: Int32(t)) }
        #expect(try sim.run(until: SimTime(picoseconds: 350)) == .timeLimit)
        #expect(sim.now == SimTime(picoseconds: 350))
        #expect(try sim.run(maxEvents: 2) == .eventLimit)
        #expect(sim.now == SimTime(picoseconds: 500))
        #expect(try sim.run() == .queueEmpty)
        #expect(sim.telemetry.eventsProcessed == 10)
    }

    @Test func overflowIsReported() throws {
        let sim = Simulator()
        let id = sim.add(Recorder())
        try sim.schedule(at: SimTime(picoseconds: .max - 5), to: id, kind: 0)
        try sim.run()
        #expect(throws: SimulationError.self) {
            try sim.schedule(after: SimTime(picoseconds: 10), to: id, kind: 0)
        }
        #expect(throws: SimulationError.self) { try SimTime(picoseconds: 1 << 63).multiplied(by: 2) }
        #expect(throws: SimulationError.self) { try SimTime.seconds(-1) }
    }

    @Test func unknownEntityIsAnError() {
        let sim = Simulator()
        #expect(throws: SimulationError.unknownEntity(3)) {
            try sim.schedule(at: .zero, to: EntityID(3), kind: 0)
        }
    }
}

/// A tiny deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct EventLogTests {
    /// Two runs of the same workload deliver the same events in the same order at the same times.
    @Test func identicalInputsGiveIdenticalEventLogs() throws {
        func log(seed: UInt64) throws -> [Event] {
            let sim = Simulator()
            var events: [Event] = []
            sim.observer = { events.append($0) }
            final class Bouncer: Entity {
                let name = "bouncer"
                var rng: RandomStream
                let id: EntityID
                init(id: EntityID, seed: UInt64) { self.id = id; rng = RandomStream(seed: seed, stream: "b\(id.index)") }
                func handle(_ event: Event, in sim: Simulator) throws {
                    let other = EntityID(Int32(rng.index(below: 4)))
                    try sim.schedule(after: SimTime(picoseconds: rng.next() % 50), to: other, kind: event.kind &+ 1, payload: event.payload)
                }
            }
            for i in 0..<4 { sim.add(Bouncer(id: EntityID(Int32(i)), seed: seed)) }
            for i in 0..<4 { try sim.schedule(at: .zero, to: EntityID(Int32(i)), kind: 0, payload: Int64(i)) }
            try sim.run(maxEvents: 5_000)
            return events
        }
        let a = try log(seed: 11), b = try log(seed: 11), c = try log(seed: 12)
        #expect(a.count == 5_000)
        #expect(a == b)
        #expect(a != c)
    }
}

@Suite struct LinkTests {
    /// An event sent over a 250 ps link arrives 250 ps after it was sent.
    @Test func sendArrivesAfterTheLinkLatency() throws {
        let sim = Simulator()
        let r = Recorder()
        let id = sim.add(r)
        let link = Link(to: id, latency: SimTime(picoseconds: 250))
        try sim.schedule(at: SimTime(picoseconds: 1_000), to: id, kind: 1)
        try sim.run()
        try sim.send(over: link, kind: 2)
        try sim.run()
        #expect(r.log.map(\.0) == [1_000, 1_250])
        #expect(r.log.map(\.1) == [1, 2])
    }
}
