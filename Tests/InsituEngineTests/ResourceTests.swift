import Testing
@testable import InsituEngine

/// A column that asks the shared ADC bank for one conversion when its event arrives.
final class Column: Entity {
    let name: String
    let bank: ADCBank
    init(name: String, bank: ADCBank) { self.name = name; self.bank = bank }
    func handle(_ event: Event, in simulator: Simulator) throws {
        let grant = try bank.resource.acquire(at: simulator.now, for: bank.conversion)
        bank.waits.append(grant.wait.picoseconds)
        bank.ends.append(grant.end.picoseconds)
    }
}

final class ADCBank {
    var resource: Resource
    let conversion: SimTime
    var waits: [UInt64] = []
    var ends: [UInt64] = []
    init(adcs: Int, conversion: SimTime) {
        resource = Resource(name: "adc", capacity: adcs)
        self.conversion = conversion
    }
}

@Suite struct ResourceTests {
    /// 8 columns share 2 ADCs of 10 ns each; all ask at t = 0.
    /// By hand: pairs are served at 0, 10, 20, 30 ns, so waits are 0,0,10,10,20,20,30,30 ns
    /// and the bank drains at 40 ns; mean wait 15 ns.
    @Test func eightColumnsShareTwoADCs() throws {
        let sim = Simulator()
        let bank = ADCBank(adcs: 2, conversion: try .nanoseconds(10))
        for c in 0..<8 {
            let id = sim.add(Column(name: "col\(c)", bank: bank))
            try sim.schedule(at: .zero, to: id, kind: 0)
        }
        try sim.run()
        #expect(bank.waits == [0, 0, 10_000, 10_000, 20_000, 20_000, 30_000, 30_000])
        #expect(bank.resource.drainedAt == SimTime(picoseconds: 40_000))
        #expect(bank.resource.totalWaitPicoseconds == 120_000)
        #expect(bank.resource.utilisation(over: SimTime(picoseconds: 40_000)) == 1.0)
    }

    /// Staggered arrivals: requests at 0, 3, 5, 25 ns on one 10 ns server.
    /// Starts: 0, 10, 20, 30 -> waits 0, 7, 15, 5 ns.
    @Test func staggeredArrivalsOnOneServer() throws {
        var r = Resource(name: "driver", capacity: 1)
        let d = try SimTime.nanoseconds(10)
        let waits = try [0, 3, 5, 25].map { try r.acquire(at: .nanoseconds(UInt64($0)), for: d).wait.picoseconds }
        #expect(waits == [0, 7_000, 15_000, 5_000])
    }

    /// Two resources taken together start when both have a server free: a write driver busy to
    /// 30 ns and an array busy from 2 to 12 ns, asked at 5 ns for 10 ns, both start at 30 ns and
    /// end at 40 ns (the later free of the two); asked again at 45 ns, both start at once.
    @Test func resourcesTakenTogetherStartTogether() throws {
        var driver = Resource(name: "driver", capacity: 1), array = Resource(name: "array", capacity: 1)
        let ns = { (n: UInt64) in SimTime(picoseconds: n * 1_000) }
        _ = try driver.acquire(at: .zero, for: ns(30))
        _ = try array.acquire(at: ns(2), for: ns(10))
        let (a, b) = try Resource.acquireTogether(&driver, &array, at: ns(5), for: ns(10))
        #expect(a.start == ns(30) && b.start == ns(30) && a.end == ns(40) && b.end == ns(40))
        #expect(driver.drainedAt == ns(40) && array.drainedAt == ns(40))
        let (c, d) = try Resource.acquireTogether(&array, &driver, at: ns(45), for: ns(10))
        #expect(c.start == ns(45) && d.start == ns(45) && c.wait == .zero)
    }
}

@Suite struct GroupedRequestTests {
    /// The grouped request must leave the same state as one request at a time.
    @Test func groupedEqualsOneByOne() throws {
        let d = try SimTime.nanoseconds(3)
        for count in [1, 5, 8, 17, 54] {
            for start in [0, 2, 40] {
                var a = Resource(name: "a", capacity: 8), b = Resource(name: "b", capacity: 8)
                _ = try a.acquire(at: .zero, for: .nanoseconds(UInt64(start)))   // one server busy until `start` ns
                _ = try b.acquire(at: .zero, for: .nanoseconds(UInt64(start)))
                let t = try SimTime.nanoseconds(10)
                var endA = t
                for _ in 0..<count { endA = max(endA, try a.acquire(at: t, for: d).end) }
                let endB = try b.acquire(count: count, at: t, for: d)
                #expect(endA == endB)
                #expect(a.totalWaitPicoseconds == b.totalWaitPicoseconds)
                #expect(a.maxWaitPicoseconds == b.maxWaitPicoseconds)
                #expect(a.drainedAt == b.drainedAt)
                // A following request sees the same servers.
                #expect(try a.acquire(at: t, for: d) == b.acquire(at: t, for: d))
            }
        }
    }

    /// Banks of 1-9 servers left in random states by earlier requests of random lengths (idle,
    /// trailing far behind, within or exactly one service time apart), gated or not, then a group
    /// of 0-600 requests: the same servers' free times, waits, busy time and idle split as one
    /// request at a time.
    @Test func groupedEqualsOneByOneFromRandomStates() throws {
        var rng = RandomStream(seed: 7)
        for trial in 0..<3_000 {
            let capacity = 1 + rng.index(below: 9), gated = trial % 3 == 0
            var a = Resource(name: "a", capacity: capacity)
            if gated { a.gate(after: .init(picoseconds: UInt64(1 + rng.index(below: 20)))) }
            let d = UInt64([0, 1, 5, 7][rng.index(below: 4)])
            for _ in 0..<rng.index(below: 12) {
                // Earlier requests: single ones and groups, of lengths around d and far longer.
                let at = SimTime(picoseconds: UInt64(rng.index(below: 60)))
                let length = SimTime(picoseconds: UInt64([0, d, d * 3, 40, UInt64(rng.index(below: 9))][rng.index(below: 5)]))
                if rng.index(below: 2) == 0 { _ = try a.acquire(at: at, for: length) } else {
                    _ = try a.acquire(count: rng.index(below: 20), at: at, for: length)
                }
            }
            var b = a
            let t = SimTime(picoseconds: UInt64(rng.index(below: 80)))
            let count = [0, 1, capacity, capacity + 1, rng.index(below: 40), rng.index(below: 600)][rng.index(below: 6)]
            var endA = t
            for _ in 0..<count { endA = max(endA, try a.acquire(at: t, for: .init(picoseconds: d)).end) }
            let endB = try b.acquire(count: count, at: t, for: .init(picoseconds: d))
            #expect(endA == endB, "trial \(trial)")
            #expect(a.freeAt == b.freeAt, "trial \(trial)")
            #expect(a.totalWaitPicoseconds == b.totalWaitPicoseconds && a.maxWaitPicoseconds == b.maxWaitPicoseconds, "trial \(trial)")
            #expect(a.requests == b.requests && a.busyPicoseconds == b.busyPicoseconds, "trial \(trial)")
            #expect(a.idleState == b.idleState, "trial \(trial)")
        }
    }

    /// Requests logged on one bank and made again later by `replay` leave another bank, in
    /// another state, exactly as making the same requests one by one, shifted, does: free
    /// times, grants, waits, busy time and idle split, gated or not.
    @Test func replayedLogEqualsRequestsMadeAgain() throws {
        var rng = RandomStream(seed: 19)
        for trial in 0..<1_000 {
            let capacity = 1 + rng.index(below: 6), gated = trial % 2 == 0
            var source = Resource(name: "s", capacity: capacity)
            if gated { source.gate(after: .init(picoseconds: UInt64(1 + rng.index(below: 30)))) }
            var target = source
            // The target has served earlier requests; both start their segment drained.
            for _ in 0..<rng.index(below: 6) {
                _ = try target.acquire(at: .init(picoseconds: UInt64(rng.index(below: 50))), for: .init(picoseconds: UInt64(rng.index(below: 20))))
            }
            let start = UInt64(rng.index(below: 10)), shift = target.drainedAt.picoseconds + UInt64(rng.index(below: 40))
            source.log = []
            var made: [(time: UInt64, duration: UInt64, count: Int)] = []
            for _ in 0..<rng.index(below: 25) {
                let time = start + UInt64(rng.index(below: 60)), duration = UInt64([0, 1, 3, 9, 25][rng.index(below: 5)])
                let count = rng.index(below: 3) == 0 ? rng.index(below: 12) : -1
                if count < 0 { _ = try source.acquire(at: .init(picoseconds: time), for: .init(picoseconds: duration)) } else {
                    _ = try source.acquire(count: count, at: .init(picoseconds: time), for: .init(picoseconds: duration))
                }
                made.append((time, duration, count))
            }
            let log = source.log!
            #expect(log.count == made.count && zip(log, made).allSatisfy { $0.time == $1.time && $0.duration == $1.duration && $0.count == $1.count })
            var oneByOne = target
            target.recording = true
            oneByOne.recording = true
            for m in made {
                let at = SimTime(picoseconds: m.time + shift), d = SimTime(picoseconds: m.duration)
                if m.count < 0 { _ = try oneByOne.acquire(at: at, for: d) } else { _ = try oneByOne.acquire(count: m.count, at: at, for: d) }
            }
            try log.withUnsafeBufferPointer { try target.replay($0, shift: shift) }
            #expect(target.freeAt == oneByOne.freeAt && target.grants == oneByOne.grants, "trial \(trial)")
            #expect(target.totalWaitPicoseconds == oneByOne.totalWaitPicoseconds && target.maxWaitPicoseconds == oneByOne.maxWaitPicoseconds)
            #expect(target.requests == oneByOne.requests && target.busyPicoseconds == oneByOne.busyPicoseconds)
            #expect(target.idleState == oneByOne.idleState && target.idle == oneByOne.idle, "trial \(trial)")
            #expect(target.log == nil)
        }
    }

    /// A segment's effect, taken from its requests on one bank, applied to a bank in another
    /// drained state leaves it as making the requests one by one does (free times, waits, busy
    /// time, idle split and wake-ups), for one server or a gated bank; several always-on
    /// servers, or a recording bank, have none.
    @Test func effectEqualsRequestsMadeAgain() throws {
        var rng = RandomStream(seed: 23)
        var applied = 0
        for trial in 0..<2_000 {
            let capacity = trial % 3 == 0 ? 1 : 1 + rng.index(below: 6), gated = trial % 3 != 1
            var bank = Resource(name: "b", capacity: capacity)
            if gated { bank.gate(after: .init(picoseconds: UInt64(rng.index(below: 30)))) }
            for _ in 0..<rng.index(below: 6) {
                _ = try bank.acquire(at: .init(picoseconds: UInt64(rng.index(below: 50))), for: .init(picoseconds: UInt64(rng.index(below: 20))))
            }
            if rng.index(below: 2) == 0 { bank.settleIdle(until: bank.drainedAt) }
            var requests: [Resource.Request] = []
            for _ in 0..<(1 + rng.index(below: 25)) {
                let count = rng.index(below: 3) == 0 ? rng.index(below: 12) : -1
                requests.append(.init(time: UInt64(rng.index(below: 60)), duration: UInt64([0, 1, 3, 9, 25, 40][rng.index(below: 6)]), count: count))
            }
            requests.sort { $0.time < $1.time }
            guard let effect = try bank.effect(of: requests) else {
                #expect(capacity > 1 && !gated)
                continue
            }
            applied += 1
            // From the bank's last busy end, or exactly at it.
            let shift = bank.drainedAt.picoseconds + UInt64([0, 0, 1, 7, 100][rng.index(below: 5)])
            var oneByOne = bank
            for r in requests {
                let at = SimTime(picoseconds: r.time + shift), d = SimTime(picoseconds: r.duration)
                if r.count < 0 { _ = try oneByOne.acquire(at: at, for: d) } else { _ = try oneByOne.acquire(count: r.count, at: at, for: d) }
            }
            try bank.apply(effect, shift: shift)
            #expect(bank.freeAt == oneByOne.freeAt, "trial \(trial)")
            #expect(bank.totalWaitPicoseconds == oneByOne.totalWaitPicoseconds && bank.maxWaitPicoseconds == oneByOne.maxWaitPicoseconds)
            #expect(bank.requests == oneByOne.requests && bank.busyPicoseconds == oneByOne.busyPicoseconds)
            #expect(bank.idleState == oneByOne.idleState && bank.idle == oneByOne.idle, "trial \(trial)")
        }
        #expect(applied > 1_000)
        var recording = Resource(name: "r", capacity: 1)
        recording.recording = true
        #expect(try recording.effect(of: [.init(time: 0, duration: 1, count: -1)]) == nil)
    }
}
