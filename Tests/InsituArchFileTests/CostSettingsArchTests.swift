import Foundation
import Testing
@testable import InsituArchFile
import InsituEngine
import InsituHardware

/// Cost settings that must change the answer, or be refused with the reason.
@Suite struct CostSettingsArchTests {
    static func load(_ overrides: [String]) throws -> ArchDesign { try ArchDesign.load(path: Fixtures.li2018, overrides: overrides) }

    /// A SAR converts one bit a cycle after a sampling cycle: at 10.8 GHz, 9 cycles (833 ps)
    /// at 8 bits, 5 cycles (463 ps) at 4 bits, 11 (1019 ps) at 10.
    @Test func sarTimeByBits() throws {
        for (bits, cycles) in [(8, 9.0), (4, 5.0), (10, 11.0)] {
            let d = try Self.load(["chip.adc.bits=\(bits)"])
            #expect(d.chip.adc.conversionTime == (try SimTime.seconds(cycles / 10.8e9)))
        }
        #expect(throws: ArchError.self) { try Self.load(["chip.adc.conversion_time=1 ns"]) }
        let direct = try Self.load(["chip.adc.conversion_time=1 ns", "chip.adc.clock=~"])
        #expect(direct.chip.adc.conversionTime == SimTime(picoseconds: 1_000))
    }

    /// Bit-serial inputs: a 1-bit driver by bits (2 C_u V_ref^2, settling tau ln 4), a digital
    /// interlayer and shift-and-add units required; shift_add without them refused.
    @Test func bitSerialInputsAndTheirChecks() throws {
        let serial = "{energy: 0.021 pJ, latency: 0.833 ns, per_tile: 4, leakage: 0 W}"
        let d = try Self.load(["chip.dac.input_coding=bit-serial", "chip.interlayer=digital", "chip.shift_add=" + serial])
        #expect(d.chip.dac.planes == 8 && d.chip.shiftAdd.perTile == 4)
        #expect(abs(d.chip.dac.energyJoules - 2 * 1.1328125e-15) <= 1e-27)
        #expect(d.chip.dac.latency == (try SimTime.seconds(0.1603e-9 * 2 * 0.6931471805599453)))
        func message(_ sets: [String]) -> String {
            do { _ = try Self.load(sets); return "" } catch { return "\(error)" }
        }
        #expect(message(["chip.dac.input_coding=bit-serial", "chip.shift_add=" + serial]).contains("need 'chip.interlayer: digital'"))
        #expect(message(["chip.dac.input_coding=bit-serial", "chip.interlayer=digital"]).contains("need 'chip.shift_add'"))
        #expect(message(["chip.shift_add=" + serial]).contains("input_coding is 'levels'"))
        #expect(message(["chip.dac.input_coding=serial"]).contains("bit-serial"))
    }

    /// One tile programs one row at a time: more write drivers than tiles in use are refused;
    /// as many as the tiles are accepted.
    @Test func writeDriversBeyondTheTilesAreRefused() throws {
        do {
            _ = try Self.load(["chip.controller.write_drivers=8"])
            Issue.record("8 write drivers on one tile were accepted")
        } catch let e as ArchError {
            #expect(e.description.contains("only 1 tile(s)") && e.description.contains("write_drivers"))
        }
        let two = try Self.load(["chip.controller.write_drivers=2", "chip.tile.count=2", "chip.mapping=layer-per-tile"])
        #expect(two.chip.controller.writeDrivers == 2)
    }

    /// A gated unit needs every figure that sets when gating pays.
    @Test func gatedPowerNeedsItsFigures() throws {
        #expect(throws: ArchError.self) { try Self.load(["chip.adc.power={policy: gated, off_leakage: 1 uW}"]) }
        let on = try Self.load(["chip.adc.power.policy=always-on"])
        #expect(on.chip.adc.power.policy == .alwaysOn && on.chip.adc.power.gateAfter(leakageWatts: on.chip.adc.leakageWatts) == nil)
        let li = try Self.load([])
        #expect(li.chip.adc.power.gateAfter(leakageWatts: li.chip.adc.leakageWatts) == SimTime(picoseconds: 20_000))
    }

    /// The survey fit gives ~1.9 pJ for 8 bits at 1.28 GS/s and 32 nm (reference/periphery.md),
    /// grows with the sample rate, and prices an arch file's ADC at 1 / conversion time.
    @Test func adcEnergyFromTheSurvey() throws {
        let e = try #require(ADCSurvey.joules(bits: 8, sampleHertz: 1.28e9, nanometres: 32))
        #expect(abs(e - 1.92e-12) < 0.01e-12)
        #expect(ADCSurvey.joules(bits: 8, sampleHertz: 2.56e9, nanometres: 32)! > e)
        #expect(ADCSurvey.joules(bits: 8, sampleHertz: 1e6, nanometres: 32) == nil)
        let d = try Self.load(["chip.adc.node=32 nm"])
        #expect(d.chip.adc.energyJoules == ADCSurvey.joules(bits: 8, sampleHertz: 1 / d.chip.adc.conversionTime.seconds, nanometres: 32))
        #expect(throws: ArchError.self) { try Self.load(["chip.adc.node=32 nm", "chip.adc.energy=1 pJ"]) }
        #expect(throws: ArchError.self) { try Self.load(["chip.adc.node=32 nm", "chip.adc.clock=~", "chip.adc.conversion_time=1 us"]) }
    }

    /// A capacitive DAC by bits: 2^bits x 1.1328125 fF x (1 V)^2 = 0.29 pJ at 8 bits, 18.1 fJ at 4;
    /// settling tau ln 2^(bits+1): 0.1603 ns x 9 ln 2 = 1 ns at 8 bits, x 5 ln 2 = 556 ps at 4.
    @Test func dacByBits() throws {
        for (bits, joules, picoseconds) in [(8, 0.29e-12, 1_000 as UInt64), (4, 0.29e-12 / 16, 556)] {
            let d = try Self.load(["chip.dac.bits=\(bits)"])
            #expect(abs(d.chip.dac.energyJoules - joules) < 1e-27)
            #expect(d.chip.dac.latency == SimTime(picoseconds: picoseconds))
        }
        #expect(throws: ArchError.self) { try Self.load(["chip.dac.energy=1 pJ"]) }
    }
}
