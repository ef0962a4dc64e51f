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
    private var freeAt: [UInt64]
    public private(set) var requests: UInt64 = 0
    public private(set) var totalWaitPicoseconds: UInt64 = 0
    public private(set) var maxWaitPicoseconds: UInt64 = 0
    public private(set) var busyPicoseconds: UInt64 = 0

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

    /// Queues a request made at `time` for `duration` of service; FIFO across servers
    /// (the earliest-free server, lowest index on ties).
    public mutating func acquire(at time: SimTime, for duration: SimTime) throws -> Grant {
        var best = 0
        for i in 1..<capacity where freeAt[i] < freeAt[best] { best = i }
        let start = max(time.picoseconds, freeAt[best])
        let end = try SimTime(picoseconds: start).adding(duration)
        freeAt[best] = end.picoseconds
        requests &+= 1
        let wait = start - time.picoseconds
        totalWaitPicoseconds &+= wait
        maxWaitPicoseconds = max(maxWaitPicoseconds, wait)
        busyPicoseconds &+= duration.picoseconds
        return Grant(start: SimTime(picoseconds: start), end: end, server: best, requested: time)
    }

    /// The time at which every server is idle.
    public var drainedAt: SimTime { SimTime(picoseconds: freeAt.max() ?? 0) }

    /// Fraction of `span` × capacity the servers were busy.
    public func utilisation(over span: SimTime) -> Double {
        span.picoseconds == 0 ? 0 : Double(busyPicoseconds) / (Double(span.picoseconds) * Double(capacity))
    }
}
