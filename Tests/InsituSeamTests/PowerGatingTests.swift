import Testing
import InsituEngine
import InsituHardware

/// Static power of a gated component, worked out by hand.
@Suite struct PowerGatingTests {
    static func ns(_ x: UInt64) -> SimTime { SimTime(picoseconds: x * 1_000) }

    /// Two ADCs of 0.4 mW, off at 8 uW, waking for 4 pJ in 20 ns: break-even 4 pJ / 392 uW =
    /// 10.2 ns, so each gates after 20 ns idle. Both convert over [0, 10) and [50, 60) ns in a
    /// 100 ns segment: per ADC 20 ns busy, 40 ns idle and powered (10-30, 60-80), 40 ns off
    /// (30-50, 80-100) and one wake-up. Static energy: 2 x (0.4 mW x 60 ns + 8 uW x 40 ns + 4 pJ)
    /// = 56.64 pJ, against 0.8 mW x 100 ns = 80 pJ always on; the saving is the idle leakage
    /// while off, 2 x 392 uW x 40 ns = 31.36 pJ, less the two wake-ups, 8 pJ.
    @Test func gatingSavesIdleLeakageLessWakeUps() throws {
        func run(_ policy: PowerStates.Policy) throws -> [String: Double] {
            var spec = ADCSpec()
            spec.perTile = 2
            spec.leakageWatts = 0.4e-3
            spec.power.policy = policy
            spec.power.offLeakageWatts = 8e-6
            spec.power.wakeJoules = 4e-12
            spec.power.wakeLatency = Self.ns(20)
            let registry = ComponentRegistry(ledger: Ledger())
            let adc = registry.register("adc", model: ADCModel(spec: spec), servers: 2)
            for t in [0, 50] as [UInt64] { _ = try adc.resource!.acquire(count: 2, at: Self.ns(t), for: Self.ns(10)) }
            registry.chargeLeakage(.forward, from: .zero, to: Self.ns(100))
            var joules: [String: Double] = [:]
            for e in registry.ledger.entriesInOrder { joules[e.key.action, default: 0] += e.energyQuanta.doubleValue * Ledger.quantumJoules }
            return joules
        }
        let on = try run(.alwaysOn), gated = try run(.gated)
        #expect(abs(on["leakage"]! - 80e-12) < 1e-24 && on["off-leakage"] == nil && on["wake"] == nil)
        #expect(abs(gated["leakage"]! - 48e-12) < 1e-24)
        #expect(abs(gated["off-leakage"]! - 0.64e-12) < 1e-24)
        #expect(abs(gated["wake"]! - 8e-12) < 1e-24)
        let saved = on.values.reduce(0, +) - gated.values.reduce(0, +)
        #expect(abs(saved - (2 * (0.4e-3 - 8e-6) * 40e-9 - 8e-12)) < 1e-22)
    }

    /// Gating never pays when the off state leaks as much as the on state: the unit stays on.
    @Test func noGatingWithoutASaving() {
        var p = PowerStates()
        p.policy = .gated
        p.offLeakageWatts = 1e-3
        #expect(p.gateAfter(leakageWatts: 1e-3) == nil)
        p.offLeakageWatts = 0
        p.wakeJoules = 1e-12
        #expect(p.gateAfter(leakageWatts: 1e-3) == SimTime(picoseconds: 1_000))
        p.wakeLatency = SimTime(picoseconds: 5_000)
        #expect(p.gateAfter(leakageWatts: 1e-3) == SimTime(picoseconds: 5_000))
    }
}
