import Foundation
import Testing
import InsituArchFile
@testable import InsituCLI
import InsituData
import InsituEngine
import InsituHardware
import InsituMapping
import InsituReport
import InsituTraining

/// The sample-and-hold of `SampleHold.swift`, added with one registration line, in the
/// li2018 chip's signal path: its samples, energy, latency, leakage and area by hand, and
/// its component in reports, CSVs, traces and `describe`.
@Suite struct SampleHoldTests {
    static let root = EndToEnd.root

    static func design(stages: Bool) throws -> ArchDesign {
        PeripheralStages.register(SampleHold.entry)
        let set = stages ? ["chip.stages=[{kind: sample-hold, hold_capacitance: 50 fF, swing: 0.2 V, acquisition: 2 ns, leakage: 1 uW, area: 20 um^2}]"] : []
        return try ArchDesign.load(path: root.appendingPathComponent("arch/li2018.yaml").path, overrides: set)
    }

    /// One image forward: one sample per converted column (54 hidden + 10 outputs) at
    /// 50 fF x (0.2 V)^2 = 2 fJ, 2 ns more
    /// on the image's path (the output layer's conversion waits for its sample; the hidden
    /// layer's conversion is off the critical path), and 64 columns x 1 uW of leakage over it.
    @Test func oneImageByHand() throws {
        func pass(_ stages: Bool) throws -> Chip {
            let d = try Self.design(stages: stages)
            let chip = try ChipBuilder.chip(d.chip, network: d.network, seed: 1)
            _ = try chip.forward(InputBatch(volts: (0..<64).map { Float($0 % 7) * 0.02 }, labels: [3]), phase: .test, perImage: [])
            return chip
        }
        let with = try pass(true), without = try pass(false)
        #expect(with.simulatedTime.picoseconds == without.simulatedTime.picoseconds + 2_000)
        let entries = with.ledger.entries.filter { $0.key.component == "tile0.sample-hold" }
        // Per layer: 54 samples of layer 1, 10 of layer 2, one pass of 2 ns each.
        let samples = entries.filter { $0.key.action == "sample" }
        let counts: [UInt64] = [54, 10]
        #expect(samples.map(\.key.layer) == [1, 2] && samples.map(\.count) == counts)
        #expect(samples.allSatisfy { $0.busyPicoseconds == 2_000 })
        let joules = samples.reduce(0.0) { $0 + $1.energyQuanta.doubleValue * 1e-24 }
        #expect(abs(joules - 64 * 50e-15 * 0.2 * 0.2) < 1e-24 * 2)
        let leak = try #require(entries.first { $0.key.action == "leakage" })
        let leakJoules = 64 * 1e-6 * Double(with.simulatedTime.picoseconds) * 1e-12
        #expect(abs(leak.energyQuanta.doubleValue * 1e-24 - leakJoules) < 1e-6 * leakJoules)
        // Everything else is charged as without the stage.
        let others = { (c: Chip) in c.ledger.entries.filter { $0.key.component != "tile0.sample-hold" && !["leakage", "off-leakage", "wake"].contains($0.key.action) } }
        #expect(others(with) == others(without))
    }

    /// A read-back samples every device once; the area is 64 units of 20 um^2 in `describe` and reports.
    @Test func readBackAreaReportsAndTrace() throws {
        let d = try Self.design(stages: true)
        let chip = try ChipBuilder.chip(d.chip, network: d.network, seed: 1)
        try chip.readBack()
        let samples = chip.ledger.entries.filter { $0.key.component == "tile0.sample-hold" && $0.key.action == "sample" }
        let expected: [UInt64] = [6_912, 1_080]    // 64 x 54 x 2 and 54 x 10 x 2 devices
        #expect(samples.map(\.count) == expected)
        let text = DesignDescription.text(d, mapping: try MappingStrategies.placements(chip: d.chip, widths: d.network.layers).0)
        #expect(text.contains("sample-hold 0.00128 mm^2") && text.contains("sample-hold: 2 ns a pass"))

        var small = d
        small.training.images = 100
        small.training.evaluationInterval = 100
        let data = TrainingData(split: try EmbeddedMNIST.load(input: d.input), maxVolts: d.input.maxVolts, testImages: 20)
        try EndToEnd.train(small, on: data, traced: 0..<10) { run, dir, _ in
            let components = try String(contentsOf: dir.appendingPathComponent("components.csv"), encoding: .utf8)
            #expect(components.contains("tile0.sample-hold,sample-hold,"))
            #expect(abs(CostBreakdown(run: run).area["tile0.sample-hold"]! - 64 * 20e-12) < 1e-18)
            let spans = try String(contentsOf: dir.appendingPathComponent("trace.json"), encoding: .utf8)
            #expect(spans.contains("\"tile0.sample-hold\""))
        }
    }
}
