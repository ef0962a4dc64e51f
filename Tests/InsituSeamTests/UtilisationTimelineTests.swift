import Testing
import InsituEngine
import InsituHardware

/// Busy time over simulated time, worked out by hand on two components.
@Suite struct UtilisationTimelineTests {
    static func us(_ x: UInt64) -> SimTime { SimTime(picoseconds: x * 1_000_000) }

    @Test func binsAndMergesByHand() throws {
        let registry = ComponentRegistry(ledger: Ledger())
        let a = registry.register("a", model: ToyAccelerator.MACModel(), servers: 1)
        let b = registry.register("b", model: ToyAccelerator.MACModel(), servers: 2)
        registry.register("no-queue", model: ToyAccelerator.MACModel())
        // Segment [0, 1 us): a busy 0.5 us.
        _ = try a.resource!.acquire(at: .zero, for: SimTime(picoseconds: 500_000))
        registry.chargeLeakage(.forward, from: .zero, to: Self.us(1))
        // Segment [1, 2 us): both servers of b busy all along.
        _ = try b.resource!.acquire(at: Self.us(1), for: Self.us(1))
        _ = try b.resource!.acquire(at: Self.us(1), for: Self.us(1))
        registry.chargeLeakage(.update, from: Self.us(1), to: Self.us(2))
        let t = registry.timeline
        #expect(t.components == ["a", "b"] && t.servers == [1, 2] && t.binPicoseconds == 1_000_000)
        #expect(t.utilisation(of: 0).map(\.fraction) == [0.5, 0])
        #expect(t.utilisation(of: 1).map(\.fraction) == [0, 1])
        // Segment [2, 200 us) outgrows 128 bins of 1 us: bins merge to 2 us; a's 99 us spread
        // evenly over 198 us is 1 us in each 2 us bin.
        _ = try a.resource!.acquire(at: Self.us(2), for: Self.us(99))
        registry.chargeLeakage(.forward, from: Self.us(2), to: Self.us(200))
        #expect(t.binPicoseconds == 2_000_000 && t.busy.count == 100)
        let first = t.utilisation(of: 0)[0], later = t.utilisation(of: 0)[50]
        #expect(abs(first.fraction - (0.5 + 0) / 2) < 1e-12 && abs(first.seconds - 1e-6) < 1e-18)
        #expect(abs(later.fraction - 0.5) < 1e-12)
        #expect(abs(t.utilisation(of: 1)[0].fraction - 2.0 / (2 * 2)) < 1e-12)
    }

    /// A run of simulated months (a device of a million levels pulsing for hours an image):
    /// the bins merge up to where their span would pass 2^64 ps and stop there, with the
    /// busy time still counted once.
    @Test func monthsOfSimulatedTimeFitTheBins() throws {
        let registry = ComponentRegistry(ledger: Ledger())
        let a = registry.register("a", model: ToyAccelerator.MACModel(), servers: 1)
        let end = SimTime(picoseconds: UInt64.max - 5)
        _ = try a.resource!.acquire(at: .zero, for: SimTime(picoseconds: 1 << 62))
        registry.chargeLeakage(.update, from: .zero, to: end)
        let t = registry.timeline
        #expect(t.busy.count <= 256 && t.binPicoseconds >= 1 << 56)
        let busy = t.busy.reduce(0) { $0 + $1[0] }
        #expect(abs(busy / Double(UInt64(1) << 62) - 1) < 1e-9)
    }
}
