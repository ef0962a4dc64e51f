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
    static func run(seed: UInt64 = 1) throws -> TrainingRun {
        var design = try ArchDesign.load(path: DeterminismTests.root.appendingPathComponent("arch/li2018-agsi.yaml").path)
        design.training.images = 300
        design.training.evaluationInterval = 100
        design.training.testImages = 200
        design.training.seed = seed
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
}
