import Testing
@testable import InsituEngine

/// A power manager's split of idle time, worked out by hand on one server gated after 10 ns.
@Suite struct IdleTimeTests {
    static func ns(_ x: UInt64) -> SimTime { SimTime(picoseconds: x * 1_000) }

    /// Uses [0, 5), [8, 13), [50, 55) ns, settled at 60 ns: gaps 5-8 (3 ns powered),
    /// 13-50 (10 ns powered, 27 ns gated, one wake-up), 55-60 (5 ns powered, still open).
    @Test func gapsSplitAtTheTimeout() throws {
        var r = Resource(name: "adc", capacity: 1)
        r.gate(after: Self.ns(10))
        for start in [0, 8, 50] as [UInt64] { _ = try r.acquire(at: Self.ns(start), for: Self.ns(5)) }
        r.settleIdle(until: Self.ns(60))
        #expect(r.idle?.poweredPicoseconds == 18_000 && r.idle?.gatedPicoseconds == 27_000 && r.idle?.wakes == 1)
        #expect(r.busyPicoseconds + r.idle!.poweredPicoseconds + r.idle!.gatedPicoseconds == 60_000)
    }

    /// A segment ending in the middle of a gap splits it where the timeout falls, and the
    /// rest is split when the gap closes: the same totals as without the segment end.
    @Test func aSegmentEndInsideAGap() throws {
        var r = Resource(name: "adc", capacity: 1)
        r.gate(after: Self.ns(10))
        _ = try r.acquire(at: Self.ns(8), for: Self.ns(5))
        r.settleIdle(until: Self.ns(30))
        // 0-8 ns: 8 powered; 13-30: 10 powered, 7 gated.
        #expect(r.idle?.poweredPicoseconds == 18_000 && r.idle?.gatedPicoseconds == 7_000 && r.idle?.wakes == 0)
        _ = try r.acquire(at: Self.ns(50), for: Self.ns(5))
        #expect(r.idle?.poweredPicoseconds == 18_000 && r.idle?.gatedPicoseconds == 27_000 && r.idle?.wakes == 1)
    }

    /// A bank of servers all asked at once closes every server's gap; the grouped request
    /// leaves the same split as one request at a time.
    @Test func groupedRequestsSplitLikeSingleOnes() throws {
        for count in [3, 8, 20] {
            var a = Resource(name: "a", capacity: 4), b = Resource(name: "b", capacity: 4)
            a.gate(after: Self.ns(2))
            b.gate(after: Self.ns(2))
            for t in [5, 9, 40] as [UInt64] {
                _ = try a.acquire(count: count, at: Self.ns(t), for: Self.ns(1))
                for _ in 0..<count { _ = try b.acquire(at: Self.ns(t), for: Self.ns(1)) }
            }
            a.settleIdle(until: Self.ns(100))
            b.settleIdle(until: Self.ns(100))
            #expect(a.idle == b.idle && a.drainedAt == b.drainedAt)
            #expect(a.busyPicoseconds + a.idle!.poweredPicoseconds + a.idle!.gatedPicoseconds == 4 * 100_000)
        }
    }

    /// Grouped requests on a bank some of whose servers are still busy (on a gated bank, free
    /// servers take the first requests in index order; the rest queue): the same grants, waits
    /// and idle split as one request at a time, over random histories, gated and always on.
    @Test func groupedRequestsOnPartlyBusyBanksSplitLikeSingleOnes() throws {
        var rng = RandomStream(seed: 5, stream: "grouped-requests")
        for trial in 0..<600 {
            let capacity = Int.random(in: 1...9, using: &rng)
            var a = Resource(name: "a", capacity: capacity)
            // Every other bank always on: grouped requests there take the queueing shortcuts only.
            if trial % 2 == 0 { a.gate(after: Self.ns(UInt64.random(in: 0...6, using: &rng))) }
            var b = a
            var t: UInt64 = 0
            for _ in 0..<6 {
                // Often soon after the last request, while the servers are still busy.
                t += UInt64.random(in: 0...(Bool.random(using: &rng) ? 500 : 12_000), using: &rng)
                // Service times from 1 ps, so that servers often end within one service time of each other.
                let d = SimTime(picoseconds: UInt64.random(in: 1...4_000, using: &rng))
                if Bool.random(using: &rng) {
                    // A single request on one server, leaving the bank partly busy.
                    #expect(try a.acquire(at: SimTime(picoseconds: t), for: d) == b.acquire(at: SimTime(picoseconds: t), for: d))
                    continue
                }
                let count = Int.random(in: 1...(3 * capacity), using: &rng)
                let now = SimTime(picoseconds: t)
                let end = try a.acquire(count: count, at: now, for: d)
                var last = now
                for _ in 0..<count { last = max(last, try b.acquire(at: now, for: d).end) }
                #expect(end == last)
                #expect(a.totalWaitPicoseconds == b.totalWaitPicoseconds && a.maxWaitPicoseconds == b.maxWaitPicoseconds)
                #expect(a.requests == b.requests && a.busyPicoseconds == b.busyPicoseconds)
                #expect(a.idleState == b.idleState && a.idle == b.idle && a.drainedAt == b.drainedAt)
            }
            a.settleIdle(until: SimTime(picoseconds: t + 50_000))
            b.settleIdle(until: SimTime(picoseconds: t + 50_000))
            #expect(a.idle == b.idle && a.drainedAt == b.drainedAt)
        }
    }

    /// Two servers gated after 10 ns, one used for 5 ns from `start`, settled at `end` (ns).
    static func usedOnce(at start: UInt64, settledAt end: UInt64) throws -> Resource {
        var r = Resource(name: "adc", capacity: 2)
        r.gate(after: ns(10))
        _ = try r.acquire(at: ns(start), for: ns(5))
        r.settleIdle(until: ns(end))
        return r
    }

    /// A fresh resource like `usedOnce`'s, given `r`'s saved state, and whether it took it.
    static func restoring(_ r: Resource) -> (Resource, Bool) {
        var fresh = Resource(name: "adc", capacity: 2)
        fresh.gate(after: ns(10))
        let restored = fresh.restoreIdle(r.idleState)
        return (fresh, restored)
    }

    /// A saved split continues in a fresh resource exactly as in the one it came from.
    @Test func restoredAccountingContinues() throws {
        var r = try Self.usedOnce(at: 3, settledAt: 20)
        var (fresh, restored) = Self.restoring(r)
        #expect(restored)
        let before = r.idle!
        _ = try r.acquire(at: Self.ns(40), for: Self.ns(5))
        _ = try fresh.acquire(at: Self.ns(40), for: Self.ns(5))
        #expect(fresh.idle!.gatedPicoseconds == r.idle!.gatedPicoseconds - before.gatedPicoseconds)
        #expect(fresh.idle!.wakes == r.idle!.wakes - before.wakes)
        var ungated = Resource(name: "x", capacity: 2)
        let refused = !ungated.restoreIdle(r.idleState)
        #expect(refused)
    }

    /// A gated bank serves a lone request on its lowest free server, so the rest stay off:
    /// requests at 0, 100 and 200 ns all land on server 0 (two wake-ups), and servers 1-3
    /// are off from 10 ns to the end.
    @Test func aGatedBankKeepsItsSpareServersOff() throws {
        var r = Resource(name: "adc", capacity: 4)
        r.recording = true
        r.gate(after: Self.ns(10))
        for t in [0, 100, 200] as [UInt64] { _ = try r.acquire(at: Self.ns(t), for: Self.ns(5)) }
        r.settleIdle(until: Self.ns(300))
        #expect(r.grants.map(\.server) == [0, 0, 0])
        #expect(r.idle?.wakes == 2)
        // Server 0: 10 ns powered after each use, the rest of its gaps off; servers 1-3: 10 ns, then 290 off.
        #expect(r.idle?.poweredPicoseconds == 3 * 10_000 + 3 * 10_000)
        #expect(r.idle?.gatedPicoseconds == (300_000 - 15_000 - 30_000) + 3 * 290_000)
    }

    /// A server busy up to the very end of a segment still leaves a state a fresh resource takes.
    @Test func aServerBusyToTheSegmentsEndRestores() throws {
        let (_, restored) = Self.restoring(try Self.usedOnce(at: 30, settledAt: 35))
        #expect(restored)
    }
}
