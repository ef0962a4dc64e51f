import Foundation

/// The classic hold-model benchmark of event-queue performance (Vaucher & Duval 1975):
/// `entities` entities each hold one pending event; on delivery an entity reschedules
/// itself after a pseudo-random delay, so the queue stays at constant size.
public enum HoldModel {
    final class Holder: Entity {
        let name: String
        var rng: RandomStream
        let id: EntityID
        init(index: Int, seed: UInt64) {
            name = "holder\(index)"
            rng = RandomStream(seed: seed &+ UInt64(index))
            id = EntityID(Int32(index))
        }
        func handle(_ event: Event, in simulator: Simulator) throws {
            let delay = SimTime(picoseconds: 1 + rng.next() % 1_000_000)
            try simulator.schedule(after: delay, to: id, kind: 0, payload: event.payload &+ 1)
        }
    }

    /// Result of one benchmark run.
    public struct Result: Sendable {
        public var events: UInt64
        public var wallSeconds: Double
        public var eventsPerSecond: Double
        public var simulatedSecondsPerWallSecond: Double
        public var finalTime: SimTime
    }

    /// Runs `events` deliveries with `entities` self-rescheduling entities.
    public static func run(entities: Int, events: UInt64, seed: UInt64 = 1) throws -> Result {
        let sim = Simulator()
        for i in 0..<entities { sim.add(Holder(index: i, seed: seed)) }
        var rng = RandomStream(seed: seed)
        for i in 0..<entities {
            try sim.schedule(at: SimTime(picoseconds: rng.next() % 1_000_000), to: EntityID(Int32(i)), kind: 0)
        }
        try sim.run(maxEvents: events)
        let t = sim.telemetry
        return Result(events: t.eventsProcessed, wallSeconds: t.wallSeconds, eventsPerSecond: t.eventsPerWallSecond,
                      simulatedSecondsPerWallSecond: t.simulatedSecondsPerWallSecond, finalTime: sim.now)
    }
}
