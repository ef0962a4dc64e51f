import Foundation
import InsituArchFile
import InsituData
import InsituFuzzSupport
import InsituReport
import InsituTraining

/// Fuzz target: arbitrary bytes as the files a run leaves to be read again. The first byte
/// chooses the file: "c" a checkpoint's content (past its seal) restored into a small in-situ
/// run that then continues; "s" a sweep's plan (sweep-spec.json's), expanded point by point;
/// "r" sweep rows (point.json's), checked as a sweep checks them and joined into a table and
/// a page with a constraint and an objective.
/// Anything may be refused with an error; nothing may crash, hang or blow up.
enum FuzzRunFiles {
    /// The run checkpoints are restored into: li2018 with 4 hidden units, 20 images in batches of 5, 10 test images.
    static let design: ArchDesign = {
        try! ArchDesign.load(path: "arch/li2018.yaml", overrides: ["network.layers=[64, 4, 10]", "training.images=20", "training.batch=5", "training.test_images=10",
                                                                   "training.evaluation_interval=10"])
    }()
    /// The first 40 training images of the embedded set (a sampler's order stays short).
    static let data: TrainingData = {
        var split = try! EmbeddedMNIST.load(input: design.input)
        split.train = split.train.prefix(40)
        return TrainingData(split: split, maxVolts: design.input.maxVolts, testImages: design.training.testImages)
    }()

    static func run(_ bytes: Data) {
        guard let kind = bytes.first else { return }
        let body = bytes.dropFirst()
        switch kind {
        case UInt8(ascii: "c"): checkpoint(Data(body))
        case UInt8(ascii: "s"): plan(Data(body))
        case UInt8(ascii: "r"): rows(Data(body))
        default: return
        }
    }

    static func checkpoint(_ body: Data) {
        guard let saved = try? JSONDecoder().decode(RunCheckpoint.self, from: body) else { return }
        _ = try? TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data, resume: saved)
    }

    static func plan(_ body: Data) {
        guard let plan = try? JSONDecoder().decode(SweepPlan.self, from: body) else { return }
        precondition(plan.count >= 1 && plan.count <= SweepPlan.maximumPoints, "a decoded plan passed its checks")
        for p in Set([0, plan.count / 2, plan.count - 1]) { _ = plan.overrides(at: p) }
    }

    static func rows(_ body: Data) {
        guard let decoded = try? JSONDecoder().decode([SweepRow].self, from: body), decoded.count <= 1000 else { return }
        // The table and the page take the rows a sweep takes from its points: plausible ones.
        for row in decoded { _ = row.isPlausible }
        let rows = decoded.filter(\.isPlausible)
        guard !rows.isEmpty else { return }
        let constraints = [SweepConstraint(key: "test_accuracy", atMost: false, value: 0.5)]
        let objectives = [SweepObjective(key: "training_energy_per_image_J", minimize: true)]
        let results = SweepResults(keys: (0..<(rows.map(\.values.count).max() ?? 0)).map { "k\($0)" }, rows: rows, constraints: constraints, objectives: objectives)
        _ = results.text()
        _ = results.csv()
        _ = try? results.json()
        _ = ReportPages.sweep(results)
    }

    /// Writes seed inputs into `folder`: a real checkpoint of the fuzzed run, a plan, rows.
    static func writeSeeds(_ folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var first: Data?
        _ = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data,
                                    checkpoint: (2, "fuzz", { c in if first == nil { first = try JSONEncoder().encode(c) } }))
        try (Data("c".utf8) + first!).write(to: URL(fileURLWithPath: folder).appendingPathComponent("checkpoint"))
        let plan = try SweepPlan(vary: ["chip.adc.bits=4..8", "chip.tile.rows+chip.tile.columns=16..128*2"], zipped: false)
        try (Data("s".utf8) + JSONEncoder().encode(plan)).write(to: URL(fileURLWithPath: folder).appendingPathComponent("plan"))
        let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
        let rows = (0..<3).map { SweepRow(point: $0, values: ["\($0)"], run: run) }
        try (Data("r".utf8) + JSONEncoder().encode(rows)).write(to: URL(fileURLWithPath: folder).appendingPathComponent("rows"))
    }
}

/// libFuzzer's entry: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunFiles(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzRunFiles.run(FuzzDriver.data(bytes, count))
    return 0
}

@main
struct FuzzRunFilesMain {
    static func main() throws {
        if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--write-seeds" {
            try FuzzRunFiles.writeSeeds(CommandLine.arguments[2])
            return
        }
        FuzzDriver.main(testOneInput: fuzzRunFiles, run: FuzzRunFiles.run)
    }
}
