import Foundation
import Testing
@testable import InsituArchFile
import InsituDevices

/// `model: pulsed` in arch files: NeuroSim's Ag:a-Si preset decodes to its values, and
/// each bad key is refused naming it.
@Suite struct PulsedArchTests {
    @Test func agSiPresetHoldsNeuroSimsDevice() throws {
        let d = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/li2018-agsi.yaml").path)
        let device = try #require(d.chip.device.model as? PulsedDevice)
        #expect(device.minSiemens == 3.0769e-9 && device.maxSiemens == 3.8462e-8)
        #expect(device.potentiation.levels == 97 && device.depression.levels == 100)
        #expect(device.potentiation.nonlinearity == 2.4 && device.depression.nonlinearity == -4.88)
        #expect(device.potentiation.volts == 3.2 && device.depression.volts == 2.8)
        #expect(device.setPulse.seconds == 300e-6 && device.resetPulse.seconds == 300e-6)
        #expect(abs(device.cycleVariation - 0.035) < 1e-15 && device.deviceVariation == 0)
        #expect(d.training.learningRatesVoltsSquared == [0.02, 0.04])
        #expect(d.chip.operatingPointWarnings.isEmpty, "the read-back covers the window: \(d.chip.operatingPointWarnings)")
    }

    @Test func badKeysAreRefusedByName() throws {
        let base = Fixtures.root.appendingPathComponent("arch/li2018-agsi.yaml").path
        let dir = try Fixtures.folder(["p.yaml": "extends: \(base)\n"])
        let cases: [(String, String)] = [
            ("chip.device.set_levels=0", "chip.device.set_levels"),
            ("chip.device.reset_nonlinearity=12", "chip.device.reset_nonlinearity"),
            ("chip.device.conductance_max=2nS", "conductance_max"),
            ("chip.device.set_pulse=0s", "chip.device.set_pulse"),
            ("chip.device.cycle_variation=150%", "chip.device.cycle_variation"),
            ("chip.device.gate_min=0.6V", "gate_min"),
            ("training.learning_rate=[0.02 V^2, 0.04 V^2]", "window^2"),
        ]
        for (override, named) in cases {
            let e = Fixtures.error(loading: "p.yaml", in: dir, overrides: [override])
            #expect(e?.message.contains(named) == true, "\(override): \(e?.message ?? "accepted")")
        }
        // Without the set-direction's required keys the section is incomplete.
        #expect(Fixtures.error(loading: "p.yaml", in: dir, overrides: ["chip.device.set_levels=~"])?.message.contains("set_levels") == true)
    }
}
