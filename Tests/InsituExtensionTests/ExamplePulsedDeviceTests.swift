import Foundation
import Testing
import InsituArchFile
import InsituData
import InsituDevices
import InsituEngine
import InsituHardware
import InsituReport
import InsituTraining

/// The pulse-programmed device of `ExamplePulsedDevice.swift`, added with one registration line, read
/// from an arch file with its own keys, costed by hand, and trained end to end.
@Suite struct ExamplePulsedDeviceTests {
    static var li2018: String { EndToEnd.li2018 }

    /// The li2018 chip with the pulsed device in place of the 1T1R cell (the `model:` change
    /// replaces the inherited device section whole) and training in pulses.
    static func yaml(network: String, images: Int, rates: String = "[180 pulse^2, 90 pulse^2]") -> String {
        """
        extends: \(li2018)
        name: pulsed
        chip:
          device:
            model: example-pulsed
            conductance_min: 100 uS
            conductance_max: 1 mS
            levels: 64
            potentiation_a: 20
            depression_a: 20
            pulse_voltage: 2 V
            pulse_width: 50 ns
          controller: {row_setup: 10 ns}
        \(network)
        training:
          batch: 50
          images: \(images)
          evaluation_interval: \(images)
          learning_rate: \(rates)
          initial_gate: ~
          initial_gate_spread: ~
          initial_state: 8 pulse
          initial_state_spread: 1 pulse
        """
    }

    static func design(_ text: String) throws -> ArchDesign {
        DeviceModels.register(ExamplePulsedDevice.entry)
        return try EndToEnd.scratch { dir in
            let file = dir.appendingPathComponent("pulsed.yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try ArchDesign.load(path: file.path)
        }
    }

    /// NeuroSim's curves written out again here: B = (Gmax - Gmin) / (1 - e^(-P/A)).
    static let gMin = 100e-6, gMax = 1e-3, levels = 64.0, a = 20.0
    static let b = (gMax - gMin) / (1 - exp(-levels / a))
    static func up(_ p: Double) -> Double { gMin + b * (1 - exp(-p / a)) }
    static func down(_ p: Double) -> Double { gMax - b * (1 - exp(-(levels - p) / a)) }
    /// The depression curve's pulse number of conductance g.
    static func depressionPulse(_ g: Double) -> Double { levels + a * log(1 - (gMax - g) / b) }

    @Test func archKeysAreTheModelsOwn() throws {
        let d = try Self.design(Self.yaml(network: "", images: 100))
        let model = try #require(d.chip.device.model as? ExamplePulsedDevice)
        #expect(model.levels == 64 && model.pulseWidth.picoseconds == 50_000 && model.maxSiemens == 1e-3)
        #expect(d.training.initialGateVolts == 8 && d.training.learningRatesVoltsSquared == [180, 90])
        // A gate key under the pulsed model is refused with the model's own keys.
        let bad = Self.yaml(network: "", images: 100).replacingOccurrences(of: "levels: 64", with: "levels: 64\n    gate_min: 0.6 V")
        #expect { try Self.design(bad) } throws: { ($0 as? ArchError)?.message.contains("unknown key 'chip.device.gate_min'") == true }
        // A gate voltage is not a pulse count.
        let volts = Self.yaml(network: "", images: 100).replacingOccurrences(of: "initial_state: 8 pulse", with: "initial_state: 0.8 V")
        #expect { try Self.design(volts) } throws: { ($0 as? ArchError)?.message.contains("state unit, pulse") == true }
    }

    /// Programming one device up 3 pulses, then down 2: pulses, energies (V^2 G t at the
    /// conductance each pulse reaches or leaves) and row times from the formulas.
    @Test func programmingCostsByHand() throws {
        let d = try Self.design(Self.yaml(network: "network: {layers: [64, 1], output_scale: 5e5 1/A}", images: 100, rates: "1 pulse^2"))
        let chip = try ChipBuilder.chip(d.chip, network: d.network, seed: 1)
        var targets = [Float](repeating: 0, count: 2 * 64)
        targets[0] = 3
        try chip.program(targets: [targets], phase: .program)
        let first = chip.ledger.entries
        targets[0] = 1
        try chip.program(targets: [targets], phase: .update)
        let second = chip.ledger.entries
        // Each pulse draws V^2 t G through the charge pumps (the preset's 40%).
        let volts2t = 4.0 * 50e-9 / d.chip.controller.chargePumpEfficiency
        #expect(d.chip.controller.chargePumpEfficiency == 0.4)
        func entry(_ list: [Ledger.Entry], _ action: String, _ phase: String) -> Ledger.Entry? {
            list.first { $0.key.component == "tile0.array" && $0.key.action == action && $0.key.phase == phase }
        }
        let set = try #require(entry(first, "set", "program"))
        #expect(set.count == 3 && set.busyPicoseconds == 3 * 50_000)
        let setJoules = volts2t * (Self.up(1) + Self.up(2) + Self.up(3))
        #expect(abs(set.energyQuanta.doubleValue * 1e-24 - setJoules) < 1e-6 * setJoules)
        let reset = try #require(entry(second, "reset", "update"))
        #expect(reset.count == 2 && reset.busyPicoseconds == 2 * 50_000)
        // Down from G_up(3): one and two pulses down the depression curve from where G_up(3) sits on it.
        let x = Self.depressionPulse(Self.up(3))
        let resetJoules = volts2t * (Self.up(3) + Self.down(x - 1))
        #expect(abs(reset.energyQuanta.doubleValue * 1e-24 - resetJoules) < 1e-6 * resetJoules)
        #expect(abs(Double(chip.layers[0].devices.conductance[0]) - Self.down(x - 2)) < 1e-9)
        // The row program held the controller for its setup and the most pulses of any device.
        let program = try #require(first.first { $0.key.component == "controller" && $0.key.phase == "program" })
        #expect(program.busyPicoseconds == 10_000 + 3 * 50_000)
        let update = try #require(second.first { $0.key.component == "controller" && $0.key.phase == "update" })
        #expect(update.busyPicoseconds == 10_000 + 2 * 50_000)
    }

    /// Trained in situ from the arch file on the embedded data, through report, CSVs and trace.
    @Test func trainsEndToEnd() throws {
        let d = try Self.design(Self.yaml(network: "", images: 2_000))
        let split = try EmbeddedMNIST.load(input: d.input)
        let data = TrainingData(split: split, maxVolts: d.input.maxVolts, testImages: 1_000)
        try EndToEnd.train(d, on: data, traced: 0..<50) { run, dir, files in
            #expect(run.outcome.finalAccuracy > 0.5, "pulsed device reached \(run.outcome.finalAccuracy)")
            let report = try String(contentsOf: dir.appendingPathComponent("report.json"), encoding: .utf8)
            #expect(report.contains("\"pulsed\"") && report.contains("potentiation_A_pulses"))
            let costs = try String(contentsOf: dir.appendingPathComponent("costs.csv"), encoding: .utf8)
            #expect(costs.contains("tile0.array,set,update,1,") && costs.contains("tile0.array,reset,update,2,"))
            let traceJSON = try String(contentsOf: dir.appendingPathComponent("trace.json"), encoding: .utf8)
            #expect(traceJSON.contains("\"program\""))
            #expect(files.contains("trace.json") && files.contains("layers.csv"))
            // The ledger's SET energy is V^2 t times the summed conductances the controller reached.
            let set = run.ledger.entries.filter { $0.key.action == "set" }
            let siemens = set.reduce(0.0) { $0 + $1.magnitude }
            let joules = set.reduce(0.0) { $0 + $1.energyQuanta.doubleValue * 1e-24 }
            #expect(siemens > 0 && abs(joules - 4.0 * 50e-9 / 0.4 * siemens) < 1e-9 * joules)
        }
    }
}
