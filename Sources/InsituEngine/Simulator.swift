import Foundation

/// The discrete-event loop: a clock, a queue, the entities, and the stop conditions.
///
/// `schedule` pushes an event; `step` pops the earliest and hands it to its entity;
/// `run` repeats until the queue empties, a stop condition holds or an entity calls
/// `stop()`. Usage:
///
///     let sim = Simulator()
///     let id = sim.add(myEntity)
///     try sim.schedule(after: .zero, to: id, kind: 0)
///     let why = try sim.run(until: SimTime(picoseconds: 1_000_000))
public final class Simulator {
    /// The clock. It lives behind a pointer because entities in other modules read it on
    /// every event, and there a class's stored property would be checked for exclusivity at
    /// run time on each read; a pointer's memory is not.
    @usableFromInline let clock: UnsafeMutablePointer<SimTime>
    @inlinable public var now: SimTime { clock.pointee }
    @exclusivity(unchecked) public private(set) var queue = EventQueue()
    @exclusivity(unchecked) public private(set) var entities: [Entity] = []
    @exclusivity(unchecked) public private(set) var telemetry = Telemetry()
    @exclusivity(unchecked) private var nextSequence: UInt64 = 0
    @exclusivity(unchecked) private var stopRequested = false

    /// Called for every event as it is delivered (event logs, traces); nil costs nothing.
    @exclusivity(unchecked) public var observer: ((Event) -> Void)?

    public init() {
        clock = .allocate(capacity: 1)
        clock.initialize(to: .zero)
    }

    deinit { clock.deallocate() }

    /// Registers an entity and returns its id.
    @discardableResult
    public func add(_ entity: Entity) -> EntityID {
        entities.append(entity)
        return EntityID(Int32(entities.count - 1))
    }

    public func entity(_ id: EntityID) -> Entity { entities[Int(id.index)] }

    /// Schedules an event at an absolute time, which must not lie in the past.
    public func schedule(at time: SimTime, to target: EntityID, kind: Int32, payload: Int64 = 0) throws {
        guard Int(target.index) < entities.count, target.index >= 0 else {
            throw SimulationError.unknownEntity(Int(target.index))
        }
        precondition(time >= now, "event scheduled in the past")
        queue.push(Event(time: time, sequence: nextSequence, target: target, kind: kind, payload: payload))
        nextSequence &+= 1
    }

    /// Schedules an event `delay` after now.
    public func schedule(after delay: SimTime, to target: EntityID, kind: Int32, payload: Int64 = 0) throws {
        try schedule(at: now.adding(delay), to: target, kind: kind, payload: payload)
    }

    /// Sends an event over a link: it arrives after the link's latency.
    public func send(over link: Link, kind: Int32, payload: Int64 = 0) throws {
        try schedule(after: link.latency, to: link.target, kind: kind, payload: payload)
    }

    /// Sets the clock and counters of a simulator restored from a checkpoint (queue empty).
    public func restore(now time: SimTime, telemetry saved: Telemetry) {
        precondition(queue.isEmpty, "a simulator is restored between segments, with no event queued")
        clock.pointee = time
        telemetry = saved
    }

    /// True when an event scheduled now for `time` would be the next one delivered: nothing
    /// else is due at or before it. An entity may then do that event's work at once through
    /// `advance(to:)`, which gives the same results with fewer trips through the queue.
    @inline(__always)
    public func isNext(_ time: SimTime) -> Bool { queue.first.map { $0.time > time } ?? true }

    /// Moves the clock to `time` for work an entity does inline in place of an event it would
    /// otherwise schedule for `time`; counted as a delivered event. Requires `isNext(time)`.
    @inline(__always)
    public func advance(to time: SimTime) {
        precondition(time >= now && isNext(time), "advance past a pending event")
        clock.pointee = time
        telemetry.eventsProcessed &+= 1
    }

    /// Asks the loop to return after the current event.
    public func stop() { stopRequested = true }

    /// Why `run` returned.
    public enum StopReason: Equatable, Sendable {
        case queueEmpty, timeLimit, eventLimit, stopped
    }

    /// Delivers the earliest event; returns false when the queue is empty.
    @discardableResult
    public func step() throws -> Bool {
        guard let event = queue.pop() else { return false }
        clock.pointee = event.time
        telemetry.eventsProcessed &+= 1
        observer?(event)
        try entities[Int(event.target.index)].handle(event, in: self)
        return true
    }

    /// Runs until the queue is empty, the next event lies after `until`, `maxEvents`
    /// have been delivered in this call, or an entity calls `stop()`.
    @discardableResult
    public func run(until limit: SimTime? = nil, maxEvents: UInt64 = .max) throws -> StopReason {
        stopRequested = false
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let simStart = now
        defer {
            telemetry.wallNanoseconds &+= DispatchTime.now().uptimeNanoseconds - wallStart
            telemetry.simulatedPicoseconds &+= now.picoseconds - simStart.picoseconds
        }
        var delivered: UInt64 = 0
        while true {
            guard let next = queue.first else { return .queueEmpty }
            if let limit, next.time > limit {
                clock.pointee = limit
                return .timeLimit
            }
            if delivered == maxEvents { return .eventLimit }
            try step()
            delivered &+= 1
            if stopRequested { return .stopped }
        }
    }
}
