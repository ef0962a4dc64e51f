import Foundation
import Testing
import InsituArchFile
import InsituData
import InsituEngine
import InsituHardware
import InsituReport
import InsituTraining

/// The method of `TwoArrayTraining.swift`, added with one registration line: its four-row
/// cells in the forward product and the drivers by hand, steps on A only, the transfer, and
/// a run from an arch file through reports and a trace.
@Suite struct TwoArrayTrainingTests {
    static let root = EndToEnd.root

    /// A 64-10 network on one 256 x 64 tile (four rows per input), no update variation.
    static func design() throws -> ArchDesign {
        TrainingMethods.register(TwoArrayTraining())
        return try ArchDesign.load(path: root.appendingPathComponent("arch/li2018.yaml").path, overrides: [
            "chip.tile.rows=256", "network.layers=[64, 10]", "training.learning_rate=0.04 V^2", "training.method=two-array",
            "chip.device.update_variation=0", "chip.device.stuck_low.fraction=0",
        ])
    }

    static func chip(_ d: ArchDesign) throws -> Chip {
        var spec = d.chip
        spec.cell = TwoArrayTraining().cell
        let chip = try ChipBuilder.chip(spec, network: d.network, seed: 1)
        try chip.program(targets: InSituTraining.initialStates(chip, mean: 1.0, spread: 0.2, seed: 2), phase: .program)
        try chip.readBack()
        return chip
    }

    /// w = 0.5 (A+ - A-) + (C+ - C-) from the devices; one image's drivers draw the charge of
    /// (2 x 0.5 + 2) sum v per farad of line from the preset's rail, 0.25 V made at 75%, four
    /// rows per input (ideal drivers: (2 x 0.5^2 + 2) sum v^2).
    @Test func cellsAndDriversByHand() throws {
        let d = try Self.design()
        #expect(d.training.method == "two-array")
        let chip = try Self.chip(d)
        let g = chip.layers[0].devices.conductance, w = chip.layers[0].weights
        for (i, j) in [(0, 0), (17, 3), (63, 9)] {
            let row = { (k: Int) in Double(g[(4 * i + k) * 10 + j]) }
            #expect(abs(Double(w[i * 10 + j]) - (0.5 * (row(0) - row(1)) + row(2) - row(3))) < 1e-9)
        }
        let volts = (0..<64).map { Float($0 % 5) * Float(0.2 / 255 * 51) }     // on the DAC's grid
        _ = try chip.forward(InputBatch(volts: volts, labels: [0]), phase: .test, perImage: [])
        let drive = try #require(chip.ledger.entries.first { $0.key.component == "tile0.dac" && $0.key.phase == "test" })
        let line = volts.reduce(0.0) { $0 + 3 * (0.25 / 0.75) * Double($1) }     // each Float voltage
        #expect(drive.count == 4 * 64 && abs(drive.magnitude - line) < 1e-12, "\(drive.magnitude) \(line)")
        var ideal = d
        ideal.chip.dac.supplyVolts = 0
        let idealChip = try Self.chip(ideal)
        _ = try idealChip.forward(InputBatch(volts: volts, labels: [0]), phase: .test, perImage: [])
        let idealDrive = try #require(idealChip.ledger.entries.first { $0.key.component == "tile0.dac" && $0.key.phase == "test" })
        #expect(abs(idealDrive.magnitude - volts.reduce(0.0) { $0 + 2.5 * Double($1 * $1) }) < 1e-12)
    }

    /// A step moves only A's states; the transfer moves A's difference into C and centres A.
    @Test func stepsOnAThenTransferIntoC() throws {
        let d = try Self.design()
        let chip = try Self.chip(d)
        let rule = TransferRule(steps: StateUpdate(learningRates: [0.04]), gamma: 0.5, interval: 2)
        let before = chip.states[0]
        var gradient = [Float](repeating: 0, count: 640)
        gradient[3] = -2_000                  // input 0, output 3: dState = 0.04 x 950 uS/V x 2000 / 1 = 0.076 V
        let sets = { chip.ledger.entries.filter { $0.key.action == "set" && $0.key.phase == "update" }.reduce(0) { $0 + $1.count } }
        try rule.apply([gradient], batchSize: 1, to: chip)
        let after = chip.states[0]
        let changed = (0..<after.count).filter { after[$0] != before[$0] }
        #expect(changed == [3, 13])           // A+ and A- of (0, 3): rows 0 and 1
        #expect(abs(Double(after[3] - before[3]) - 0.04 * 950e-6 * 2_000) < 1e-6 && abs(Double(before[13] - after[13]) - 0.076) < 1e-6)
        #expect(sets() == 2)                  // A+ rises (one SET), A- falls (RESET then SET)
        try rule.apply([[Float](repeating: 0, count: 640)], batchSize: 1, to: chip)
        let moved = chip.states[0]
        let half = 0.5 * (after[3] - after[13]) / 2
        #expect(moved[3] == moved[13] && moved[3] == (after[3] + after[13]) / 2)
        #expect(abs(moved[23] - (after[23] + half)) < 1e-6 && abs(moved[33] - (after[33] - half)) < 1e-6)
    }

    @Test func trainsFromTheArchFileEndToEnd() throws {
        var d = try Self.design()
        d.training.images = 1_000
        d.training.evaluationInterval = 1_000
        let data = TrainingData(split: try EmbeddedMNIST.load(input: d.input), maxVolts: d.input.maxVolts, testImages: 500)
        try EndToEnd.train(d, on: data, traced: 0..<10) { run, dir, _ in
            // It learns (chance is 0.1), about as well as in-situ training of the pair on the same chip.
            var pair = d.training
            pair.method = .inSitu
            let inSitu = try TrainingRun.execute(chip: d.chip, network: d.network, training: pair, data: data, accounting: false)
            #expect(run.outcome.finalAccuracy > 0.25, "two-array training reached \(run.outcome.finalAccuracy)")
            #expect(run.outcome.finalAccuracy > inSitu.outcome.finalAccuracy - 0.1, "\(run.outcome.finalAccuracy) against \(inSitu.outcome.finalAccuracy)")
            #expect(run.accelerator.census?.devices == 4 * 640)
            let report = try String(contentsOf: dir.appendingPathComponent("report.json"), encoding: .utf8)
            #expect(report.contains("\"method\" : \"two-array\""))
            let spans = try String(contentsOf: dir.appendingPathComponent("trace.json"), encoding: .utf8)
            #expect(spans.contains("\"program\""))
        }
    }
}
