import ArgumentParser
import Foundation
import InsituArchFile
import InsituMapping
import InsituReport
import InsituTraining

extension Train {
    /// Most seeds one --seeds may give.
    static let maximumSeeds = 1000

    /// `--seeds N` (seeds 1 to N) or a comma-separated list of distinct seeds.
    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if items.count == 1 {
            guard let n = Int(items[0]), n >= 1, n <= maximumSeeds else {
                throw usageError("--seeds takes a count from 1 to \(maximumSeeds) (seeds 1 to N) or a list of seeds such as 1,5,9; found '\(text)'")
            }
            return (1...UInt64(n)).map { $0 }
        }
        let seeds = try items.map { item -> UInt64 in
            guard let s = UInt64(item) else { throw usageError("--seeds: '\(item)' is not a seed (a whole number from 0)") }
            return s
        }
        guard seeds.count <= maximumSeeds else { throw usageError("--seeds lists \(seeds.count) seeds; give at most \(maximumSeeds)") }
        guard Set(seeds).count == seeds.count else { throw usageError("--seeds lists a seed twice: \(text)") }
        return seeds
    }

    /// Trains the design once per seed on up to `threads` threads and reports every figure's
    /// mean, sd, min and max; with --out, each seed's run in seed-N/ beside seeds.json, seeds.csv and report.html.
    func runSeeds(_ seeds: [UInt64], design: ArchDesign, resolved: Data, data trainingData: TrainingData, out: String?) throws -> [TrainingRun] {
        let folder = try out.map { try takeRunFolder($0, force: force) }
        let progress = quiet ? nil : ProgressLine(label: "seeds", total: seeds.count, unit: "runs")
        let runs: [TrainingRun]
        do {
            // One thread per seed by default: the operating system shares the cores, so N seeds on
            // fewer cores end together instead of the last ones running alone.
            runs = try parallelMap(seeds.count, threads: threads ?? min(seeds.count, 64), finished: { done, _ in progress?.update(done.count) }) { i in
                var t = design.training
                t.seed = seeds[i]
                return try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network, training: t,
                                               data: trainingData.unshared)
            }
        } catch let failure as LayerMapping.Failure {
            throw usageError("\(arch.arch): \(failure)")
        }
        progress?.finish()
        let table = SeedTable(runs, seeds: seeds, design: design.name, inference: design.training.method == .exSitu)
        print(table.text())
        guard let out, let folder else { return runs }
        try writingOutputs(to: out) {
            var files: [String] = []
            for (seed, run) in zip(seeds, runs) {
                let name = "seed-\(seed)"
                let sub = URL(fileURLWithPath: out).appendingPathComponent(name).path
                try makeSubfolder(sub)
                var written = try RunWriter.write(run, design: design.name, to: sub, resolved: resolved, overrides: arch.overrides)
                try AtomicFile.write(ReportPages.train(run, design: design.name), to: sub + "/report.html")
                written.append("report.html")
                files += written.map { name + "/" + $0 }
            }
            files += try table.write(to: out)
            try AtomicFile.write(ReportPages.seeds(table), to: URL(fileURLWithPath: out).appendingPathComponent("report.html").path)
            files.append("report.html")
            try folder.finish(files: files, fingerprint: Fingerprint.of([resolved], ["seeds \(seeds)", "\(design.training.images)",
                                                                                     design.training.method.rawValue, data.fingerprint]))
        }
        return runs
    }
}
