/// A shared server with FIFO queueing: an ADC bank shared by columns, a write driver
/// shared by rows, a bus.
///
/// `capacity` identical servers; a request is granted at the earliest time one is free,
/// in arrival order. Because the simulator delivers events in time order, requests arrive
/// in non-decreasing time and the grant is computed when the request arrives: no
/// extra events, and the waiting time is exact.
public struct Resource: Sendable {
    public let name: String
    public let capacity: Int
    /// Time at which each server becomes free.
    var freeAt: [UInt64]
    public internal(set) var requests: UInt64 = 0
    public internal(set) var totalWaitPicoseconds: UInt64 = 0
    public internal(set) var maxWaitPicoseconds: UInt64 = 0
    public internal(set) var busyPicoseconds: UInt64 = 0
    /// When true, every grant is kept in `grants` (for tests of the queueing discipline).
    public var recording = false
    public private(set) var grants: [Grant] = []
    /// How the servers' idle time splits into powered and gated time, when a power manager
    /// gates them (nil: always on).
    public var idle: IdleTime? { gated ? idleTime : nil }
    /// Whether a power manager gates the servers.
    public var isGated: Bool { gated }
    /// Whether a power manager gates the servers, and their idle split (kept apart from an
    /// optional so that the request path updates it in place).
    var gated = false
    var idleTime = IdleTime(servers: 0, gateAfterPicoseconds: 0)
    /// Every request made while non-nil, in order (`Request`), to be made again by `replay`.
    public var log: [Request]?

    /// A request as `log` keeps it: made at `time`, for `duration` each; `count` of them for an
    /// `acquire(count:at:for:)`, -1 for an `acquire(at:for:)`.
    public struct Request: Equatable, Sendable {
        public var time: UInt64
        public var duration: UInt64
        public var count: Int
        public init(time: UInt64, duration: UInt64, count: Int) {
            self.time = time
            self.duration = duration
            self.count = count
        }
    }

    public init(name: String, capacity: Int) {
        precondition(capacity > 0, "a resource needs at least one server")
        self.name = name
        self.capacity = capacity
        freeAt = Array(repeating: 0, count: capacity)
    }

    /// A granted request: when service starts and ends.
    public struct Grant: Equatable, Sendable {
        public let start: SimTime
        public let end: SimTime
        public let server: Int
        public var wait: SimTime { SimTime(picoseconds: start.picoseconds - requested.picoseconds) }
        public let requested: SimTime
    }

    /// Lets a power manager gate each server once it has been idle for `gateAfter`: from
    /// then on until its next use the server counts as off (see `IdleTime`).
    public mutating func gate(after gateAfter: SimTime) {
        gated = true
        idleTime = IdleTime(servers: capacity, gateAfterPicoseconds: gateAfter.picoseconds)
    }

    /// Splits every server's idle time up to `time` (the end of a segment, with every server
    /// drained) into powered and gated time.
    public mutating func settleIdle(until time: SimTime) {
        guard gated else { return }
        for s in 0..<capacity { idleTime.account(server: s, lastBusy: freeAt[s], until: time.picoseconds) }
    }

    /// Where each server's idle accounting stands, for checkpoints: its last busy end and how
    /// far its idle time has been split.
    public var idleState: [UInt64] { gated ? freeAt + idleTime.accounted : [] }

    /// Continues the idle accounting of a saved `idleState` (a fresh resource between segments).
    public mutating func restoreIdle(_ state: [UInt64]) -> Bool {
        guard gated, state.count == 2 * capacity, zip(state[capacity...], state[..<capacity]).allSatisfy({ $0 >= $1 }) else {
            return state.isEmpty && !gated
        }
        freeAt = Array(state[..<capacity])
        idleTime.accounted = Array(state[capacity...])
        return true
    }

    /// The lowest-index server free at `time`, if any.
    @inline(__always)
    private func firstFree(at time: UInt64) -> Int? {
        freeAt.withUnsafeBufferPointer { f in
            for i in 0..<f.count where f[i] <= time { return i }
            return nil
        }
    }

    /// A request made at `time` lands on server `s`: an idle gap ending now is split and closed.
    @inline(__always)
    mutating func wake(_ s: Int, at time: UInt64) {
        if gated, time > freeAt[s] { idleTime.close(server: s, lastBusy: freeAt[s], at: time) }
    }

    /// When a request made at `time` could start (the earliest-free server), without queueing it.
    public func earliestStart(at time: SimTime) -> SimTime {
        SimTime(picoseconds: max(time.picoseconds, freeAt.min() ?? 0))
    }

    /// Queues a request on `a` and one on `b` for `duration` that start together, once both have
    /// a server free from `time` (a row's programming holds a write driver and its array at
    /// once). Both in place: reading either's start through a copy would copy its arrays.
    public static func acquireTogether(_ a: inout Resource, _ b: inout Resource, at time: SimTime,
                                       for duration: SimTime) throws -> (Grant, Grant) {
        let start = max(a.earliestStart(at: time), b.earliestStart(at: time))
        return (try a.acquire(at: start, for: duration), try b.acquire(at: start, for: duration))
    }

    /// Queues a request made at `time` for `duration` of service; FIFO across servers
    /// (the earliest-free server, lowest index on ties). A gated bank takes the lowest-index
    /// server already free instead, so that its other servers stay idle long enough to gate
    /// (the start time is the same: any free server starts the request at once).
    public mutating func acquire(at time: SimTime, for duration: SimTime) throws -> Grant {
        if log != nil { log!.append(Request(time: time.picoseconds, duration: duration.picoseconds, count: -1)) }
        return try serve(at: time, for: duration)
    }

    /// Makes logged requests again, each `shift` picoseconds later: the same grants, counts and
    /// idle splits as making them one by one.
    public mutating func replay(_ requests: UnsafeBufferPointer<Request>, shift: UInt64) throws {
        for r in requests {
            let (time, overflow) = r.time.addingReportingOverflow(shift)
            if overflow { throw SimulationError.timeOverflow("\(name) at \(r.time) + \(shift) ps") }
            if r.count < 0 {
                _ = try serve(at: SimTime(picoseconds: time), for: SimTime(picoseconds: r.duration))
            } else {
                _ = try serve(count: r.count, at: SimTime(picoseconds: time), for: SimTime(picoseconds: r.duration))
            }
        }
    }

    /// `acquire(at:for:)` without the log.
    private mutating func serve(at time: SimTime, for duration: SimTime) throws -> Grant {
        var best = 0
        if gated, let free = firstFree(at: time.picoseconds) {
            best = free
        } else {
            for i in 1..<capacity where freeAt[i] < freeAt[best] { best = i }
        }
        wake(best, at: time.picoseconds)
        let start = max(time.picoseconds, freeAt[best])
        let end = try SimTime(picoseconds: start).adding(duration)
        freeAt[best] = end.picoseconds
        requests &+= 1
        let wait = start - time.picoseconds
        totalWaitPicoseconds &+= wait
        maxWaitPicoseconds = max(maxWaitPicoseconds, wait)
        busyPicoseconds &+= duration.picoseconds
        let grant = Grant(start: SimTime(picoseconds: start), end: end, server: best, requested: time)
        if recording { grants.append(grant) }
        return grant
    }

    /// Queues `count` requests of `duration` each, all made at `time` (a group of columns
    /// asking an ADC bank); returns when the last one ends. Same result as `count` calls to
    /// `acquire`, without building the grants.
    public mutating func acquire(count: Int, at time: SimTime, for duration: SimTime) throws -> SimTime {
        if log != nil { log!.append(Request(time: time.picoseconds, duration: duration.picoseconds, count: count)) }
        return try serve(count: count, at: time, for: duration)
    }

    /// `acquire(count:at:for:)` without the log.
    private mutating func serve(count: Int, at time: SimTime, for duration: SimTime) throws -> SimTime {
        let t = time.picoseconds, d = duration.picoseconds
        // At least a round for every server, all of them idle: whole rounds below.
        let allIdle = count >= capacity && freeAt.allSatisfy { $0 <= t }
        if recording || (gated && d == 0) {
            var end = time
            for _ in 0..<count { end = max(end, try serve(at: time, for: duration).end) }
            return end
        }
        var end = t
        var count = count
        if gated && !allIdle {
            // The servers free at `t` take the first requests in index order (each woken, busy
            // past `t` after it); the rest queue on the earliest-free server, as `acquire` does
            // one by one (a request starting when its server frees closes no idle gap).
            var s = 0
            while count > 0 && s < capacity {
                if freeAt[s] <= t {
                    wake(s, at: t)
                    let (finish, overflow) = t.addingReportingOverflow(d)
                    if overflow { throw SimulationError.timeOverflow("\(name) at \(time)") }
                    freeAt[s] = finish
                    end = finish
                    requests &+= 1
                    busyPicoseconds &+= d
                    count -= 1
                }
                s += 1
            }
        }
        if allIdle {
            // Every server idle (the free servers above took nothing): whole rounds on all servers,
            // the remainder on the lowest indices (what earliest-free, lowest-index-first assigns
            // when all are equal).
            let rounds = UInt64(count / capacity), rest = count % capacity
            let (roundEnd, o1) = d.multipliedReportingOverflow(by: rounds)
            let (full, o2) = t.addingReportingOverflow(roundEnd)
            let (last, o3) = full.addingReportingOverflow(rest > 0 ? d : 0)
            if o1 || o2 || o3 { throw SimulationError.timeOverflow("\(name) at \(time)") }
            if gated { for i in 0..<capacity { wake(i, at: t) } }
            for i in 0..<capacity { freeAt[i] = i < rest ? last : full }
            // Request k waits floor(k / capacity) x d.
            let c = UInt64(capacity)
            totalWaitPicoseconds &+= d &* (c &* rounds &* (rounds &- 1) / 2 &+ UInt64(rest) &* rounds)
            maxWaitPicoseconds = max(maxWaitPicoseconds, d &* (rest > 0 ? rounds : rounds &- 1))
            requests &+= UInt64(count)
            busyPicoseconds &+= UInt64(count) &* d
            return SimTime(picoseconds: last)
        }
        var waitSum: UInt64 = 0, waitMax = maxWaitPicoseconds
        try freeAt.withUnsafeMutableBufferPointer { free in
            var left = count
            while left > 0 {
                // The earliest-free server (lowest index on ties), and how far the others trail it.
                var best = 0, high = free[0]
                for i in 1..<free.count {
                    if free[i] < free[best] { best = i }
                    high = max(high, free[i])
                }
                let low = free[best]
                if low >= t && high - low < d {
                    // Every server busy until at least `t`, all within one service time of each
                    // other: each round of `capacity` requests gives every server one, in (free
                    // time, index) order, and leaves that order as it was; the remainder goes to
                    // the first in it. (One request at a time below brings the servers there once
                    // the ones behind catch up, so a long group costs a sort, not a scan per request.)
                    let order = (0..<free.count).sorted { (free[$0], $0) < (free[$1], $1) }
                    let rounds = left / free.count, rest = left % free.count
                    for (rank, s) in order.enumerated() {
                        let takes = UInt64(rounds + (rank < rest ? 1 : 0))
                        guard takes > 0 else { break }
                        let f = free[s]
                        let (span, o1) = d.multipliedReportingOverflow(by: takes)
                        let (finish, o2) = f.addingReportingOverflow(span)
                        if o1 || o2 { throw SimulationError.timeOverflow("\(name) at \(time)") }
                        // Its requests start at f, f + d, ..., f + (takes - 1) d.
                        waitSum &+= takes &* (f - t) &+ d &* (takes &* (takes - 1) / 2)
                        waitMax = max(waitMax, finish - d - t)
                        free[s] = finish
                        end = max(end, finish)
                    }
                    return
                }
                // One request on the earliest-free server, as `acquire` takes it.
                let start = max(t, low)
                let (finish, overflow) = start.addingReportingOverflow(d)
                if overflow { throw SimulationError.timeOverflow("\(name) at \(time)") }
                free[best] = finish
                waitSum &+= start - t
                waitMax = max(waitMax, start - t)
                end = max(end, finish)
                left -= 1
            }
        }
        totalWaitPicoseconds &+= waitSum
        maxWaitPicoseconds = waitMax
        requests &+= UInt64(count)
        busyPicoseconds &+= UInt64(count) &* d
        return SimTime(picoseconds: end)
    }

    /// The time at which every server is idle.
    public var drainedAt: SimTime { SimTime(picoseconds: freeAt.max() ?? 0) }

    /// Fraction of `span` × capacity the servers were busy.
    public func utilisation(over span: SimTime) -> Double {
        span.picoseconds == 0 ? 0 : Double(busyPicoseconds) / (Double(span.picoseconds) * Double(capacity))
    }
}
