import Foundation
import Testing
@testable import InsituArchFile
import InsituDevices

/// User-level device keys: `conductance_range` for conductance_at_gate_min and slope,
/// `write_noise` (a fraction of the window, or siemens) for update_variation and its reference.
@Suite struct DeviceKeysArchTests {
    static func load(_ overrides: [String]) throws -> ArchDesign { try ArchDesign.load(path: Fixtures.li2018, overrides: overrides) }
    static func parameters(_ d: ArchDesign) -> DeviceParameters { (d.chip.device.model as! GateControlledDevice).parameters }

    @Test func conductanceRangeSetsTheWindowsEnds() throws {
        let d = Self.parameters(try Self.load(["chip.device.conductance_range=[100 uS, 1200 uS]", "chip.device.slope=~",
                                               "chip.device.conductance_at_gate_min=~"]))
        // Gate 0.6-1.7 V: slope = (1200 - 100) uS / 1.1 V = 1000 uS/V.
        #expect(abs(d.conductanceAtGateMinSiemens - 100e-6) < 1e-18)
        #expect(abs(d.slopeSiemensPerVolt - 1000e-6) < 1e-15)
        #expect(abs(d.windowMaxSiemens - 1200e-6) < 1e-15)
    }

    @Test func writeNoiseAsAFractionOrInSiemens() throws {
        let base = Self.parameters(try Self.load([]))
        let fraction = Self.parameters(try Self.load(["chip.device.write_noise=2%", "chip.device.update_variation=~", "chip.device.variation_reference=~"]))
        #expect(fraction.updateVariation == base.updateVariation && fraction.variationReference == .range)
        // 20.9 uS over the 100-1145 uS window (1045 uS wide) is 2% of it.
        let siemens = Self.parameters(try Self.load(["chip.device.write_noise=20.9 uS", "chip.device.update_variation=~", "chip.device.variation_reference=~"]))
        #expect(abs(siemens.updateVariation - 0.02) < 1e-12)
    }

    @Test func bothFormsOrNeitherAreRefused() throws {
        func message(_ sets: [String]) -> String {
            do { _ = try Self.load(sets); return "" } catch { return "\(error)" }
        }
        #expect(message(["chip.device.conductance_range=[100 uS, 1200 uS]"]).contains("both set the same thing"))
        #expect(message(["chip.device.slope=~"]).contains("missing key 'chip.device.slope'") )
        #expect(message(["chip.device.write_noise=2%"]).contains("both set the same thing"))
        #expect(message(["chip.device.conductance_range=[1200 uS, 100 uS]", "chip.device.slope=~", "chip.device.conductance_at_gate_min=~"])
            .contains("G_max above G_min"))
        #expect(message(["chip.device.write_noise=2 mS", "chip.device.update_variation=~", "chip.device.variation_reference=~"])
            .contains("wider than the conductance window"))
    }
}
