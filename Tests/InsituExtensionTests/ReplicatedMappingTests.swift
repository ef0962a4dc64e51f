import Foundation
import Testing
import InsituArchFile
import InsituData
import InsituEngine
import InsituHardware
import InsituMapping
import InsituReport
import InsituTraining

/// The strategy of `ReplicatedMapping.swift`, added with one registration line: images
/// alternate between the first layer's two copies, both copies are programmed and read back,
/// and a run goes end to end through reports and traces.
@Suite struct ReplicatedMappingTests {
    static let root = EndToEnd.root

    /// The li2018 chip on three tiles, with no update variation (so that programming is exact).
    static func design(replicated: Bool) throws -> ArchDesign {
        MappingStrategies.register(ReplicateFirstLayer())
        let sets = ["chip.tile.count=3", "chip.device.update_variation=0"] + (replicated ? ["chip.mapping=replicate-first"] : [])
        return try ArchDesign.load(path: root.appendingPathComponent("arch/li2018.yaml").path, overrides: sets)
    }

    static func programmed(_ d: ArchDesign) throws -> Chip {
        let chip = try ChipBuilder.chip(d.chip, network: d.network, seed: 7)
        try chip.program(targets: InSituTraining.initialStates(chip, mean: 1.0, spread: 0.2, seed: 3), phase: .program)
        try chip.readBack()
        return chip
    }

    @Test func imagesAlternateBetweenTheCopies() throws {
        let replicated = try Self.programmed(Self.design(replicated: true)), single = try Self.programmed(Self.design(replicated: false))
        // Layer 1's devices twice (each copy with its own stuck devices), layer 2's once.
        #expect(replicated.census?.devices == 2 * 64 * 54 * 2 + 54 * 10 * 2)
        #expect(replicated.crossbars.count == 3 && replicated.crossbars[2].devices.faults != replicated.layers[0].devices.faults)
        // Every copy took the same SETs: one per device of layer 1 on each of tiles 0 and 1.
        let sets = replicated.ledger.entries.filter { $0.key.action == "set" && $0.key.layer == 1 }
        #expect(sets.map(\.key.component).sorted() == ["tile0.array", "tile1.array"] && sets.allSatisfy { $0.count == 6_912 })

        let volts = (0..<(4 * 64)).map { Float(($0 * 37) % 11) * 0.018 }
        let batch = InputBatch(volts: volts, labels: [0, 1, 2, 3])
        let before = replicated.ledger.entries
        let a = try replicated.forward(batch, phase: .test, perImage: [])
        let b = try single.forward(batch, phase: .test, perImage: [])
        // Images 0 and 2 on the first copy (the single chip's devices, drawn first), 1 and 3 on the second.
        func outputs(_ pass: ForwardPass, _ image: Int) -> ArraySlice<Float> { pass.outputs[(image * 10)..<((image + 1) * 10)] }
        for image in [0, 2] { #expect(outputs(a, image) == outputs(b, image)) }
        #expect(outputs(a, 1) != outputs(b, 1))
        let reads = replicated.ledger.entries.filter { $0.key.action == "read" && $0.key.phase == "test" && $0.key.layer == 1 && $0.key.component.hasSuffix(".array") }
        #expect(reads.map { "\($0.key.component) \($0.count)" }.sorted() == ["tile0.array 2", "tile1.array 2"])
        #expect(before.count < replicated.ledger.entries.count)
        // Backpropagation reads the mean of the two copies.
        let mean = zip(replicated.crossbars[0].readback, replicated.crossbars[2].readback).map { ($0 + $1) / 2 }
        let same = replicated.backpropWeights[0] == mean
        #expect(same)
    }

    @Test func trainsEndToEnd() throws {
        var d = try Self.design(replicated: true)
        d.training.images = 500
        d.training.evaluationInterval = 500
        let data = TrainingData(split: try EmbeddedMNIST.load(input: d.input), maxVolts: d.input.maxVolts, testImages: 200)
        try EndToEnd.train(d, on: data, traced: 0..<4) { run, dir, _ in
            #expect(run.outcome.finalAccuracy > 0.3)
            let layers = try String(contentsOf: dir.appendingPathComponent("components.csv"), encoding: .utf8)
            #expect(layers.contains("tile1.array,crossbar,") && layers.contains("tile2.adc,adc,"))
            let spans = try String(contentsOf: dir.appendingPathComponent("trace.json"), encoding: .utf8)
            #expect(spans.contains("\"tile1.array\"") && spans.contains("\"tile0.array\""))
        }
    }
}
