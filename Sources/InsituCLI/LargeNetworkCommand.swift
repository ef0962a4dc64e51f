import ArgumentParser
import Foundation
import InsituReport
import InsituTraining

/// `insitu experiment large-network`: Fig. 4d of Li et al. 2018 (484-502-10 on a 1024 x 512
/// array, 22 x 22 MNIST crops, 11% stuck, 1.2 M images) over several seeds, beside the paper's
/// 97.3 +/- 0.4% and its 96% near 50 k images.
struct LargeNetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "large-network",
        abstract: "The paper's large network (Fig. 4d) over several seeds, beside the published accuracy.",
        discussion: """
        Trains arch/li2018-large.yaml on the MNIST files in --data (22 x 22 crops need the full images;
        the embedded 8 x 8 set cannot give them), once per seed in parallel, and prints each seed's
        final and best accuracy, the mean curve, and where the mean first passes 96%.
        Examples:
          insitu experiment large-network --data ../shared/data/mnist --seeds 3 --out runs/fig4d
          insitu experiment large-network --data ../shared/data/mnist --images 200000 --seeds 2
        """)

    @Option(help: "Architecture file.") var arch = "arch/li2018-large.yaml"
    @Option(name: .customLong("set"), help: "Arch override KEY=VALUE (repeatable).") var overrides: [String] = []
    @Option(help: "Data set: mnist (the IDX files in --data), or embedded (8 x 8, for a quick check with --set input.side=8 and a 64-input network).")
    var dataset: DataOptions.Source = .mnist
    @Option(help: "Folder with the MNIST IDX files (plain or .gz).") var data: String?
    @Option(help: "Seeds: N (seeds 1 to N) or a list such as 1,5,9.") var seeds = "3"
    @Option(parsing: .unconditional, help: "Training images per seed (default: the arch file's, 1.2 M).") var images: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: one per seed; results do not depend on it).") var threads: Int?
    @Option(help: "Folder for each seed's run, seeds.json, seeds.csv and report.html.") var out: String?
    @Flag(help: "Replace the outputs of an earlier run in --out.") var force = false

    /// Fig. 4d [P]: mean and sd after 1.2 M images, and the images by which it passes 96%.
    static let paperAccuracy = (mean: 0.973, sd: 0.004), paperPasses96At = 50_000

    func run() throws {
        var args = [arch, "--dataset", dataset.rawValue, "--seeds", seeds, "--quiet"] + overrides.flatMap { ["--set", $0] }
        if let data { args += ["--data", data] } else if dataset == .mnist {
            throw usageError("--data DIR is required: the 22 x 22 crops of Fig. 4d need the MNIST IDX files, e.g. --data ../shared/data/mnist")
        }
        if let images { args += ["--images", String(images)] }
        if let threads { args += ["--threads", String(threads)] }
        if let out { args += ["--out", out] }
        if force { args.append("--force") }
        let train: Train
        do { train = try Train.parse(args) } catch { throw usageError(Train.message(for: error)) }
        let runs = try train.execute()
        print(Self.summary(runs))
    }

    /// Each seed's final and best accuracy, the mean curve and where it passes 96%, beside the paper.
    static func summary(_ runs: [TrainingRun]) -> String {
        var lines = ["Fig. 4d, the paper: \(String(format: "%.1f +/- %.1f%%", 100 * paperAccuracy.mean, 100 * paperAccuracy.sd)) after 1.2 M images, passing 96% near \(paperPasses96At / 1000) k images"]
        for r in runs {
            let best = r.outcome.curve.max { $0.accuracy < $1.accuracy }
            lines.append("seed \(r.training.seed): \(String(format: "%.2f%%", 100 * r.outcome.finalAccuracy)) after \(r.training.images) images"
                         + (best.map { String(format: ", best %.2f%% at %d", 100 * $0.accuracy, $0.images) } ?? ""))
        }
        let finals = SampleStatistics(runs.map(\.outcome.finalAccuracy))
        lines.append("mean over \(runs.count) seed(s): \(String(format: "%.2f +/- %.2f%%", 100 * finals.mean, 100 * finals.sd))")
        let points = runs.map(\.outcome.curve.count).min() ?? 0
        var passes: Int?
        var curve: [String] = []
        for k in 0..<points {
            let images = runs[0].outcome.curve[k].images
            let mean = runs.reduce(0) { $0 + $1.outcome.curve[k].accuracy } / Double(runs.count)
            if passes == nil && mean >= 0.96 { passes = images }
            curve.append("\(images % 1000 == 0 ? "\(images / 1000)k" : "\(images)") \(String(format: "%.2f", 100 * mean))")
        }
        if !curve.isEmpty { lines.append("mean curve (images, %): " + curve.joined(separator: ", ")) }
        lines.append(passes.map { "the mean first passes 96% at \($0) images" } ?? "the mean does not pass 96%")
        return lines.joined(separator: "\n")
    }
}
