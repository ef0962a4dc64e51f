import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituData
@testable import InsituHardware
@testable import InsituTraining
import InsituDevices
import InsituEngine

/// `arch/li2018-agsi.yaml` trained end to end: the same bytes for the same seed, every
/// controller state a window position its device holds, and each SET and RESET charged
/// V^2 G t / eta at a conductance inside the window.
@Suite struct PulsedRunTests {
    /// A preset trained on the embedded data for `images` images, tested on 200.
    static func run(_ preset: String = "li2018-agsi", overrides: [String] = [], images: Int = 300, evaluationInterval: Int = 100) throws -> TrainingRun {
        var design = try ArchDesign.load(path: DeterminismTests.root.appendingPathComponent("arch/\(preset).yaml").path, overrides: overrides)
        design.training.images = images
        design.training.evaluationInterval = evaluationInterval
        design.training.testImages = 200
        let split = try EmbeddedMNIST.load(input: design.input)
        let data = TrainingData(split: split, maxVolts: design.input.maxVolts, testImages: 200)
        return try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
    }

    @Test func trainsDeterministicallyAndChargesEachPulse() throws {
        let a = try Self.run(), b = try Self.run()
        #expect(try a.ledger.jsonData() == b.ledger.jsonData())
        let chip = try #require(a.accelerator as? Chip)
        let device = try #require(chip.deviceModel as? PulsedDevice)
        for (l, layer) in chip.layers.enumerated() {
            for k in layer.states.indices {
                let g = Double(layer.devices.conductance[k])
                #expect(g >= Double(Float(device.minSiemens)) && g <= Double(Float(device.maxSiemens)))
                #expect(abs(Double(layer.states[k]) - device.state(forConductance: g)) < 1e-6, "layer \(l) device \(k)")
            }
        }
        let pump = chip.spec.controller.chargePumpEfficiency
        for (action, joulesPerSiemens) in [("set", device.setJoulesPerSiemens), ("reset", device.resetJoulesPerSiemens)] {
            let entries = a.ledger.entries.filter { $0.key.action == action && $0.key.phase == "update" }
            let pulses = entries.reduce(0) { $0 + $1.count }
            let joules = entries.reduce(0.0) { $0 + $1.energyQuanta.doubleValue * Ledger.quantumJoules }
            #expect(pulses > 0, "\(action) pulses in the updates")
            #expect(joules >= Double(pulses) * joulesPerSiemens * device.minSiemens / pump * 0.999)
            #expect(joules <= Double(pulses) * joulesPerSiemens * device.maxSiemens / pump * 1.001)
        }
    }

    /// The NeuroSim workload scaled to the embedded 8 x 8 data: sigmoid neurons, one device
    /// against a reference, batch 1 and no read-back.
    static func neuroSim() throws -> TrainingRun {
        try run("neurosim-mlp", overrides: ["input.side=8", "network.layers=[64, 20, 10]"], images: 200, evaluationInterval: 200)
    }

    @Test func neuroSimWorkloadTakesWeightsFromTheStates() throws {
        let a = try Self.neuroSim(), b = try Self.neuroSim()
        #expect(try a.ledger.jsonData() == b.ledger.jsonData())
        let chip = try #require(a.accelerator as? Chip)
        let device = try #require(chip.deviceModel as? PulsedDevice)
        #expect(a.outcome.updates == 200, "batch 1: an update per image")
        #expect(chip.phasePicoseconds[Phase.readout.rawValue] == 0, "no read-back")
        #expect(!a.ledger.entries.contains { $0.key.phase == Phase.readout.name })
        // Backpropagation's weights are each device's conductance less the reference's.
        let reference = Float((device.minSiemens + device.maxSiemens) / 2)
        for (l, layer) in chip.layers.enumerated() {
            for k in layer.states.indices {
                let g = Float(device.minSiemens + Double(layer.states[k]) * (device.maxSiemens - device.minSiemens))
                #expect(abs(chip.backpropWeights[l][k] - (g - reference)) < 1e-13, "layer \(l) weight \(k)")
                #expect(abs(layer.devices.conductance[k] - g) < 1e-13)
            }
        }
        // Each read of a block converts its columns and its reference column: (20 + 1) + (10 + 1) per test image.
        let conversions = a.ledger.entries.filter { $0.key.action == "convert" && $0.key.phase == "test" }.reduce(0) { $0 + $1.count }
        #expect(conversions == 200 * (21 + 11))
        // The hidden sigmoids are computed on the digital unit: an exponential per hidden unit per image.
        let exps = a.ledger.entries.filter { $0.key.component == "digital" && $0.key.action == "exp" && $0.key.phase == "forward" }
        #expect(exps.reduce(0) { $0 + $1.count } >= UInt64(200 * 20))
    }
}
