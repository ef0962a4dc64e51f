import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

/// What row drivers and programming draw from the chip's supply, worked out by hand.
@Suite struct DriverSupplyTests {
    static func chip(rail: Double, efficiency: Double, pump: Double) throws -> Chip {
        let chip = try handTwoByTwoChip {
            $0.dac.supplyVolts = rail
            $0.dac.supplyEfficiency = efficiency
            $0.controller.chargePumpEfficiency = pump
        }
        _ = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        return chip
    }

    static func joules(_ chip: Chip, _ component: String, _ action: String, _ phase: String) -> Double {
        chip.ledger.entries.filter { $0.key.component == component && $0.key.action == action && $0.key.phase == phase }
            .reduce(0) { $0 + $1.energyQuanta.doubleValue * Ledger.quantumJoules }
    }

    /// G+ = [500, 300] / [100, 100] uS and G- = [200, 700] / [100, 100] uS: input 0's rows hold
    /// 1700 uS, input 1's 400 uS. From a 0.25 V rail made at 80%, a read at v = (0.04, 0.08) V for
    /// 15 ns draws (0.25 / 0.8) v sum G per row beyond the cells' v^2 sum G:
    /// 15 ns x [(0.3125 x 0.04 - 0.0016) x 1700 uS + (0.3125 x 0.08 - 0.0064) x 400 uS]; its row
    /// lines draw C_row x 0.3125 V x 2 (0.04 + 0.08) V in place of C_row x 2 (0.04^2 + 0.08^2).
    @Test func readFromARailByHand() throws {
        let ideal = try Self.chip(rail: 0, efficiency: 1, pump: 1), railed = try Self.chip(rail: 0.25, efficiency: 0.8, pump: 1)
        let v0 = Double(Float(0.04)), v1 = Double(Float(0.08)), r = 0.25 / 0.8
        let supply = 15e-9 * ((r * v0 - v0 * v0) * 1700e-6 + (r * v1 - v1 * v1) * 400e-6)
        #expect(abs(Self.joules(railed, "tile0.array", "supply", "test") - supply) < 1e-6 * supply)
        #expect(Self.joules(ideal, "tile0.array", "supply", "test") == 0)
        #expect(Self.joules(railed, "tile0.array", "read", "test") == Self.joules(ideal, "tile0.array", "read", "test"))
        let c = railed.spec.tile.rowLineFarads
        let lineRail = c * r * 2 * (v0 + v1), lineIdeal = c * 2 * (Double(Float(0.04) * Float(0.04)) + Double(Float(0.08) * Float(0.08)))
        let conversions = 4 * railed.spec.dac.energyJoules
        #expect(abs(Self.joules(railed, "tile0.dac", "drive", "test") - (conversions + lineRail)) < 1e-24 * 1e3)
        #expect(abs(Self.joules(ideal, "tile0.dac", "drive", "test") - (conversions + lineIdeal)) < 1e-24 * 1e3)
    }

    /// Programming through charge pumps of efficiency 40% draws 2.5x the pulses' energy.
    @Test func pulsesThroughChargePumps() throws {
        let ideal = try Self.chip(rail: 0, efficiency: 1, pump: 1), pumped = try Self.chip(rail: 0, efficiency: 1, pump: 0.4)
        for action in ["set", "reset"] {
            let a = Self.joules(ideal, "tile0.array", action, "program"), b = Self.joules(pumped, "tile0.array", action, "program")
            #expect(a > 0 || action == "reset")
            #expect(abs(b - a / 0.4) <= 1e-9 * b)
        }
    }
}
