import Foundation
import Testing
import InsituArchFile
@testable import InsituCLI
import InsituData
import InsituEngine
import InsituHardware
import InsituTraining

/// The MAC chip of `MACChip.swift`, added with one registration line: read from its own
/// section, trained and costed by hand, and accepted by `compare` and `sweep`.
@Suite(.serialized) struct MACChipTests {
    static var li2018: String { EndToEnd.li2018 }

    /// A folder holding the MAC design (the li2018 workload on the MAC chip), removed after `body`.
    static func withDesign<T>(_ body: (_ dir: URL, _ arch: String) throws -> T) throws -> T {
        AcceleratorKinds.register(MACChipSpec.entry)
        return try EndToEnd.scratch { dir in
            let arch = dir.appendingPathComponent("mac.yaml").path
            try """
            extends: \(EndToEnd.li2018)
            name: mac
            mac_chip:
              mac_energy: 2 pJ
              op_energy: 0.5 pJ
              cycle: 1 ns
              leakage: 1 mW
              area: 0.01 mm^2
            """.write(toFile: arch, atomically: true, encoding: .utf8)
            return try body(dir, arch)
        }
    }

    /// Every MAC at 2 pJ, every other operation at 0.5 pJ, one a nanosecond, and 1 mW over that time.
    @Test func trainsWithCostsByHand() throws {
        try Self.withDesign { _, arch in
            var d = try ArchDesign.load(path: arch)
            #expect(d.training.method == "mac-sgd" && d.accelerator?.spec is MACChipSpec)
            d.training.images = 200
            d.training.evaluationInterval = 100
            let data = TrainingData(split: try EmbeddedMNIST.load(input: d.input), maxVolts: d.input.maxVolts, testImages: 30)
            let run = try TrainingRun.execute(chip: d.chip, accelerator: d.accelerator, network: d.network, training: d.training, data: data)
            // 64 x 54 + 54 x 10 weights: that many MACs a forward pass, and per update one MAC and two reads a weight.
            let w = 64 * 54 + 54 * 10
            let backward = Backprop.work(widths: [64, 54, 10])
            let backwardMACs = backward.filter { $0.operation == .mac }.reduce(0) { $0 + $1.count }
            let backwardOps = backward.filter { $0.operation != .mac }.reduce(0) { $0 + $1.count }
            let updates = 200 / 50, tests = 2 * 30
            let macs = 200 * (w + backwardMACs) + updates * w + tests * w
            let ops = 200 * backwardOps + updates * 2 * w
            let seconds = Double(macs + ops) * 1e-9
            let joules = Double(macs) * 2e-12 + Double(ops) * 0.5e-12 + 1e-3 * seconds
            #expect(run.accelerator.simulatedTime.picoseconds == UInt64(1_000 * (macs + ops)))
            #expect(abs(run.ledger.totalEnergyQuanta.doubleValue * 1e-24 - joules) < 1e-12 * joules)
            #expect(run.outcome.finalAccuracy > 0.2)
        }
    }

    /// `insitu compare` runs the crossbar design against it, and `insitu sweep` varies its keys:
    /// doubling the MAC energy adds exactly 2 pJ per MAC of the run.
    @Test func compareAndSweepAcceptIt() throws {
        try Self.withDesign { dir, arch in
            let compared = dir.appendingPathComponent("compared").path
            var compare = try InsituCommand.parseAsRoot(["compare", Self.li2018, arch, "--images", "100", "--out", compared])
            try compare.run()
            let json = try String(contentsOfFile: compared + "/compare.json", encoding: .utf8)
            #expect(json.contains("\"mac\""))
            let swept = dir.appendingPathComponent("swept").path
            var sweep = try InsituCommand.parseAsRoot(["sweep", arch, "--vary", "mac_chip.mac_energy=2 pJ,4 pJ", "--images", "100",
                                                       "--out", swept, "--threads", "2", "--quiet"])
            try sweep.run()
            let rows = try String(contentsOfFile: swept + "/sweep.csv", encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(rows.count == 3)
            let header = rows[0].split(separator: ",").map(String.init)
            let column = try #require(header.firstIndex(of: "training_energy_per_image_J"))
            let energies = rows.dropFirst().map { Double($0.split(separator: ",")[column])! }
            let w = 64 * 54 + 54 * 10
            let backwardMACs: Int = Backprop.work(widths: [64, 54, 10]).filter { $0.operation == .mac }.reduce(0) { $0 + $1.count }
            let macsPerImage = Double(w + backwardMACs) + Double(w) / 50
            #expect(abs((energies[1] - energies[0]) - 2e-12 * macsPerImage) < 1e-9 * energies[1])
        }
    }
}
