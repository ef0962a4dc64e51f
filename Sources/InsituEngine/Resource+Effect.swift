/// What a segment's requests do to a bank, applied at once where that does not depend on the
/// bank's state before the segment.
///
/// A segment starts with every server free, so a request's start, and so its wait and end,
/// never depend on what came before, and neither does the server it lands on where there is
/// one server or the bank is gated (it takes the lowest-index free server, and every server
/// not yet used in the segment is free). What does depend on the past is each server's first
/// use, which closes the idle gap since its last busy end: `apply` makes that wake-up as a
/// request would, then adds the segment's own counts and idle splits and sets the free times.
extension Resource {
    public struct Effect: Sendable {
        /// Each server the segment uses and when its first request is made (from the segment's start).
        var firstUse: [(server: Int, offset: UInt64)]
        /// Each used server's free time after the segment (from its start).
        var freeAt: [(server: Int, offset: UInt64)]
        /// Each server whose idle time was split past its first use, and up to when.
        var accounted: [(server: Int, offset: UInt64)]
        var requests: UInt64, busyPicoseconds: UInt64, totalWaitPicoseconds: UInt64, maxWaitPicoseconds: UInt64
        /// Idle time split within the segment, after each server's first use.
        var poweredPicoseconds: UInt64, gatedPicoseconds: UInt64, wakes: UInt64
    }

    /// The effect of `requests` (times from the segment's start) on this bank; nil for a bank
    /// of several always-on servers (each request takes the server free longest, which follows
    /// the past) or one that records its grants.
    public func effect(of requests: [Request]) throws -> Effect? {
        guard capacity == 1 || gated, !recording else { return nil }
        // The requests on a bank of the same servers, all free since time 0, from time 1 on.
        let origin: UInt64 = 1
        var scratch = Resource(name: name, capacity: capacity)
        if gated { scratch.gate(after: SimTime(picoseconds: idleTime.gateAfterPicoseconds)) }
        // A server's first use is the first request that leaves it busy past time 0 (it ends
        // after the request's time, from 1 on); grants are not kept (a group of conversions
        // would keep one each).
        var firstUse: [(server: Int, offset: UInt64)] = []
        var used = [Bool](repeating: false, count: capacity)
        try requests.withUnsafeBufferPointer { all in
            for k in all.indices {
                try scratch.replay(UnsafeBufferPointer(rebasing: all[k..<(k + 1)]), shift: origin)
                for s in 0..<capacity where !used[s] && scratch.freeAt[s] != 0 {
                    used[s] = true
                    firstUse.append((s, all[k].time))
                }
            }
        }
        // Take off the first uses' gaps (since time 0), which `apply` closes on the bank as it stands.
        var firstGaps = IdleTime(servers: capacity, gateAfterPicoseconds: idleTime.gateAfterPicoseconds)
        if gated { for (s, offset) in firstUse { firstGaps.close(server: s, lastBusy: 0, at: origin + offset) } }
        let idle = scratch.idleTime
        return Effect(
            firstUse: firstUse,
            freeAt: firstUse.map { ($0.server, scratch.freeAt[$0.server] - origin) },
            accounted: gated ? firstUse.compactMap { s, offset in
                let split = idle.accounted[s] - origin
                return split > offset ? (s, split) : nil
            } : [],
            requests: scratch.requests, busyPicoseconds: scratch.busyPicoseconds,
            totalWaitPicoseconds: scratch.totalWaitPicoseconds, maxWaitPicoseconds: scratch.maxWaitPicoseconds,
            poweredPicoseconds: idle.poweredPicoseconds - firstGaps.poweredPicoseconds,
            gatedPicoseconds: idle.gatedPicoseconds - firstGaps.gatedPicoseconds, wakes: idle.wakes - firstGaps.wakes)
    }

    /// The segment of `effect` starting at `shift`, every server free by then: what making its
    /// requests one by one does.
    public mutating func apply(_ effect: Effect, shift: UInt64) throws {
        for (_, offset) in effect.freeAt where offset > UInt64.max - shift {
            throw SimulationError.timeOverflow("\(name) at \(shift) + \(offset) ps")
        }
        for (s, offset) in effect.firstUse { wake(s, at: shift + offset) }
        for (s, offset) in effect.freeAt { freeAt[s] = shift + offset }
        if gated {
            idleTime.poweredPicoseconds &+= effect.poweredPicoseconds
            idleTime.gatedPicoseconds &+= effect.gatedPicoseconds
            idleTime.wakes &+= effect.wakes
            for (s, offset) in effect.accounted { idleTime.accounted[s] = shift + offset }
        }
        requests &+= effect.requests
        busyPicoseconds &+= effect.busyPicoseconds
        totalWaitPicoseconds &+= effect.totalWaitPicoseconds
        maxWaitPicoseconds = max(maxWaitPicoseconds, effect.maxWaitPicoseconds)
    }
}
