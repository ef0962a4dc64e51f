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

    /// The other devices of NeuroSim's table, each on NeuroSim's workload: its window, levels,
    /// labels, pulses and variation as listed, the gains and sigmoid scales following the window
    /// (1 / (0.5 V x (Gmax - Gmin))) and the reference column at its middle.
    @Test func neuroSimDevicePresetsHoldTheirDevices() throws {
        let cases: [(file: String, gMin: Double, gMax: Double, levels: (Int, Int), labels: (Double, Double), volts: (Double, Double), pulse: Double, c2c: Double)] = [
            ("neurosim-taox-hfox", 1e-6, 10e-6, (128, 128), (0.04, -0.63), (1.6, 1.6), 50e-9, 0.037),
            ("neurosim-alox-hfo2", 13.357e-6, 59.172e-6, (40, 40), (1.94, -0.61), (0.9, 1.0), 100e-6, 0.05),
            ("neurosim-epiram", 0.2459e-6, 12.35e-6, (256, 256), (0.5, -0.5), (5, 3), 5e-6, 0.02),
        ]
        for c in cases {
            let d = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/\(c.file).yaml").path)
            let device = try #require(d.chip.device.model as? PulsedDevice, "\(c.file)")
            #expect(abs(device.minSiemens / c.gMin - 1) < 1e-3 && abs(device.maxSiemens / c.gMax - 1) < 1e-3, "\(c.file)")
            #expect(device.potentiation.levels == c.levels.0 && device.depression.levels == c.levels.1)
            #expect(device.potentiation.nonlinearity == c.labels.0 && device.depression.nonlinearity == c.labels.1)
            #expect(device.potentiation.volts == c.volts.0 && device.depression.volts == c.volts.1)
            #expect(abs(device.potentiation.pulse.seconds - c.pulse) < 1e-15 && abs(device.cycleVariation - c.c2c) < 1e-12)
            let scale = 1 / (0.5 * (device.maxSiemens - device.minSiemens))
            #expect(abs(d.network.hiddenScalePerAmp / scale - 1) < 1e-3 && abs(d.network.outputScalePerAmp / scale - 1) < 1e-3, "\(c.file)")
            #expect(d.chip.cell == .reference(siemens: (device.minSiemens + device.maxSiemens) / 2))
            #expect(d.network.layers == [400, 100, 10] && d.training.batchSize == 1)
        }
    }

    @Test func neuroSimPresetHoldsItsNetworkAndCell() throws {
        let d = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/neurosim-mlp.yaml").path)
        #expect(d.network.layers == [400, 100, 10] && d.network.hidden == .sigmoid && d.network.output == .sigmoid)
        #expect(d.network.hiddenScalePerAmp == 5.652e7 && d.network.outputScalePerAmp == 5.652e7)
        #expect(d.chip.cell == .reference(siemens: (3.0769e-9 + 3.8462e-8) / 2) && d.chip.cell.rowsPerInput == 1)
        #expect(d.training.batchSize == 1 && d.training.readback == .never && d.training.learningRatesVoltsSquared == [0.4, 0.1])
        #expect(d.chip.dac.bits == 1 && d.chip.adc.bits == 8 && d.chip.adc.perTile == 7 && d.input.side == 20)
    }

    @Test func sigmoidSettingsAreCheckedTogether() throws {
        let base = Fixtures.root.appendingPathComponent("arch/neurosim-mlp.yaml").path
        let dir = try Fixtures.folder(["p.yaml": "extends: \(base)\n"])
        let cases: [([String], String)] = [
            (["network.hidden_scale=~"], "needs 'network.hidden_scale'"),
            (["network.hidden=relu"], "hidden_scale' sets the sigmoid"),
            (["chip.interlayer=analog"], "chip.interlayer is analog"),
            (["network.hidden=tanh"], "network.hidden"),
            (["network.output=mse"], "network.output"),
            (["chip.cell=single"], "chip.cell"),
            (["training.readback=sometimes"], "training.readback"),
        ]
        for (overrides, named) in cases {
            let e = Fixtures.error(loading: "p.yaml", in: dir, overrides: overrides)
            #expect(e?.message.contains(named) == true, "\(overrides): \(e?.message ?? "accepted")")
        }
        // The li2018 chip keeps its pair, ReLU and softmax unless told.
        let li = try ArchDesign.load(path: Fixtures.li2018)
        #expect(li.chip.cell == .differentialPair && li.network.hidden == .relu && li.network.output == .softmax && li.training.readback == .everyUpdate)
    }

    /// training.device_step belongs to the mixed-precision method, which needs it unless the
    /// device's steps are whole pulses.
    @Test func mixedPrecisionThresholdIsCheckedWithItsMethod() throws {
        let agsi = Fixtures.root.appendingPathComponent("arch/li2018-agsi.yaml").path
        let dir = try Fixtures.folder(["p.yaml": "extends: \(agsi)\n", "g.yaml": "extends: \(Fixtures.li2018)\n"])
        let cases: [(String, [String], String)] = [
            ("g.yaml", ["training.method=mixed-precision"], "needs training.device_step"),
            ("g.yaml", ["training.device_step=0.1 V"], "but training.method is in-situ"),
            ("g.yaml", ["training.method=mixed-precision", "training.device_step=0 V"], "must be above 0"),
            ("p.yaml", ["training.method=mixed-precision", "training.device_step=0.01"], "state unit, window"),
            ("p.yaml", ["training.method=stochastic-update"], "but training.batch is 50"),
            ("p.yaml", ["training.pulse_train_length=10"], "but training.method is in-situ"),
            ("p.yaml", ["training.method=stochastic-update", "training.batch=1", "training.pulse_train_length=65"], "pulse_train_length"),
            ("g.yaml", ["training.method=stochastic-update", "training.batch=1"], "needs training.device_step"),
            ("p.yaml", ["training.transfer_rows=2"], "training.transfer_rows is a Tiki-Taka transfer setting"),
            ("p.yaml", ["training.method=tiki-taka", "training.transfer_interval=0"], "transfer_interval"),
            ("p.yaml", ["training.method=tiki-taka-2", "training.transfer_rate=-1"], "transfer_rate"),
            ("g.yaml", ["training.method=tiki-taka-2"], "needs training.device_step"),
            ("p.yaml", ["training.method=tiki-taka"], "in Tiki-Taka's four-row cells (two device pairs per weight) does not fit the chip"),
        ]
        for (file, overrides, named) in cases {
            let e = Fixtures.error(loading: file, in: dir, overrides: overrides)
            #expect(e?.message.contains(named) == true, "\(overrides): \(e?.message ?? "accepted")")
        }
        let pulsed = try ArchDesign.load(path: dir.appendingPathComponent("p.yaml").path, overrides: ["training.method=mixed-precision"])
        #expect(pulsed.training.method == .mixedPrecision && pulsed.training.deviceStep == nil)
        let gate = try ArchDesign.load(path: dir.appendingPathComponent("g.yaml").path,
                                       overrides: ["training.method=mixed-precision", "training.device_step=20 mV"])
        #expect(gate.training.deviceStep.map { abs($0 - 0.02) < 1e-12 } == true)
    }
}
