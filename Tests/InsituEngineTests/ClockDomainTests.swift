import Testing
@testable import InsituEngine

@Suite struct ClockDomainTests {
    /// 1.28 GHz has period 781.25 ps: cycle n starts at floor(781.25 n) ps.
    @Test func exactOverABillionCycles() throws {
        let clock = try ClockDomain(name: "core", hertz: 1.28e9)
        #expect(try clock.time(ofCycle: 4) == SimTime(picoseconds: 3125))
        #expect(try clock.time(ofCycle: 1) == SimTime(picoseconds: 781))
        #expect(try clock.time(ofCycle: 1_000_000_000) == SimTime(picoseconds: 781_250_000_000))
        #expect(try clock.time(ofCycle: 1_000_000_003) == SimTime(picoseconds: 781_250_002_343))
        // Summing the per-cycle increments of 10^9 cycles lands on the same edge (no drift).
        var edge = try clock.time(ofCycle: 999_999_000)
        for n in UInt64(999_999_000)..<1_000_000_000 {
            let next = try clock.time(ofCycle: n + 1)
            let step = next.picoseconds - edge.picoseconds
            #expect(step == 781 || step == 782)
            edge = next
        }
        #expect(edge == SimTime(picoseconds: 781_250_000_000))
    }

    @Test func cycleLookupInvertsTime() throws {
        let clock = try ClockDomain(name: "core", hertz: 1.28e9)
        #expect(try clock.cycle(atOrAfter: SimTime(picoseconds: 3125)) == 4)
        #expect(try clock.cycle(atOrAfter: SimTime(picoseconds: 3126)) == 5)
        #expect(try clock.cycle(atOrAfter: SimTime(picoseconds: 782)) == 2)
        #expect(try clock.time(after: SimTime(picoseconds: 100), cycles: 3) == SimTime(picoseconds: 3125))
    }

    @Test func overflowAndBadFrequency() throws {
        let slow = try ClockDomain(name: "slow", hertz: 1)
        #expect(throws: SimulationError.self) { try slow.time(ofCycle: 20_000_000) }
        #expect(throws: SimulationError.self) { try ClockDomain(name: "zero", hertz: 0) }
    }
}
