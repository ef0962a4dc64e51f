import ArgumentParser
import Foundation
import InsituArchFile
import InsituMapping
import InsituReport
import InsituTraining

/// `insitu compare A B`: trains the same workload on two designs (a crossbar chip and a
/// digital baseline, or any two) and prints their costs side by side with the ratios A/B.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the same training on two designs and compare accuracy, energy, latency, TOPS/W and area.",
        discussion: """
        Both designs must describe the same workload (network, training schedule, seed and inputs);
        each trains by its own method (in-situ on a crossbar chip, digital SGD on a digital baseline).
        Examples:
          insitu compare arch/li2018.yaml arch/digital-32nm.yaml
          insitu compare arch/li2018.yaml arch/digital-45nm-fp32.yaml --inference --out runs/cmp
          insitu compare arch/li2018.yaml arch/digital-32nm.yaml --seeds 3
        With --seeds both designs train once per seed (in parallel); each figure is the mean over the
        seeds with its sd, and the ratios are of the means.
        """)

    @Argument(help: "Design A, e.g. arch/li2018.yaml.") var archA: String
    @Argument(help: "Design B, e.g. arch/digital-32nm.yaml.") var archB: String
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training images for both (default: the arch files').") var images: Int?
    @Option(parsing: .unconditional, help: "Seed for both (default: the arch files').") var seed: UInt64?
    @Flag(help: "Compare the trained networks' test passes alone (inference), not training.") var inference = false
    @Option(help: "Folder for compare.json, compare.csv and each design's report in a subfolder.") var out: String?
    @OptionGroup var tracing: TraceOptions
    @Flag(help: "Replace the outputs of an earlier comparison in --out.") var force = false
    @Option(help: "Train both designs once per seed: N (seeds 1 to N) or a list such as 1,5,9; figures are means.") var seeds: String?
    @Option(parsing: .unconditional, help: "Worker threads for --seeds (default: one per run, at most 64).") var threads: Int?

    func run() throws {
        var (a, resolvedA) = try loadResolvedDesign(path: archA, overrides: [])
        var (b, resolvedB) = try loadResolvedDesign(path: archB, overrides: [])
        if let images {
            guard images > 0 else { throw usageError("--images must be at least 1") }
            a.training.images = images
            b.training.images = images
        }
        if let seed { a.training.seed = seed; b.training.seed = seed }
        if let difference = Self.workloadDifference(a, b) {
            throw usageError("\(archA) and \(archB) describe different workloads: \(difference); compare needs the same network, training schedule, seed and inputs (a digital design can 'extends:' the crossbar design it is compared with)")
        }
        if tracing.trace && out == nil { throw usageError("--trace needs --out DIR") }
        let seedList = try seeds.map(Train.parseSeeds)
        if seedList != nil {
            if seed != nil { throw usageError("--seed and --seeds both choose seeds; give one of them") }
            if tracing.trace { throw usageError("--trace records one run; drop --seeds, or trace one seed with --seed") }
        }
        if let threads, threads < 1 || threads > 1024 { throw usageError("--threads must be from 1 to 1024") }
        let window = try tracing.window()
        let trainingData = try data.load(for: a)
        if let seedList { return try runSeeds(seedList, a, b, resolved: [resolvedA, resolvedB], data: trainingData) }
        let folder = try out.map { try takeRunFolder($0, force: force) }
        var files: [String] = []
        let folders = Self.folderNames(a.name, b.name)
        let designs = [a, b], paths = [archA, archB], resolved = [resolvedA, resolvedB]
        let sinks = try folders.map { name in
            try out.flatMap { out in
                let sub = URL(fileURLWithPath: out).appendingPathComponent(name).path
                try makeSubfolder(sub)
                return try tracing.writer(window, in: sub)
            }
        }
        // The two runs share nothing (each its own trace writer): side by side, each on a thread of its own.
        let tracers = OwnedByOneRun(sinks)
        let runs = try parallelMap(2, threads: threads ?? 2) { k in
            let design = designs[k]
            do {
                return try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network,
                                               training: design.training, data: trainingData.unshared, trace: tracers.value[k])
            } catch let failure as LayerMapping.Failure {
                throw usageError("\(paths[k]): \(failure)")
            }
        }
        if let out {
            for (k, name) in folders.enumerated() {
                let sub = URL(fileURLWithPath: out).appendingPathComponent(name).path
                try writingOutputs(to: sub) {
                    files += try RunWriter.write(runs[k], design: designs[k].name, to: sub, resolved: resolved[k], overrides: [])
                        .map { name + "/" + $0 }
                    if let sink = sinks[k] { files += try sink.finish().map { name + "/" + $0 } }
                }
            }
        }
        let table = ComparisonTable(runs[0], runs[1], nameA: a.name, nameB: b.name, inference: inference)
        print("A: \(a.name) (\(runs[0].outcome.method.rawValue)), B: \(b.name) (\(runs[1].outcome.method.rawValue)); \(a.network.layers.map(String.init).joined(separator: "-")) on \(trainingData.source), \(a.training.images) training images, seed \(a.training.seed)")
        print(table.text())
        if let out, let folder {
            try writingOutputs(to: out) {
                try table.write(to: out)
                try AtomicFile.write(ReportPages.compare(table, runs[0], runs[1]), to: URL(fileURLWithPath: out).appendingPathComponent("report.html").path)
                try folder.finish(files: files + ["compare.json", "compare.csv", "report.html"],
                                  fingerprint: fingerprint([resolvedA, resolvedB], a, seeds: [a.training.seed]))
            }
            print("written: \(out)/compare.json, compare.csv, \(folders[0])/, \(folders[1])/")
        }
    }

    /// What the comparison depended on: both resolved designs, the seeds, images, data and mode.
    func fingerprint(_ resolved: [Data], _ a: ArchDesign, seeds: [UInt64]) -> String {
        Fingerprint.of(resolved, ["seeds \(seeds)", "\(a.training.images)", inference ? "inference" : "training", data.fingerprint])
    }

    /// Both designs once per seed, in parallel; the table of means, and with --out each run in NAME/seed-S/.
    func runSeeds(_ seeds: [UInt64], _ a: ArchDesign, _ b: ArchDesign, resolved: [Data], data trainingData: TrainingData) throws {
        let folder = try out.map { try takeRunFolder($0, force: force) }
        let designs = [a, b], paths = [archA, archB]
        let n = seeds.count
        let runs = try parallelMap(2 * n, threads: threads ?? min(2 * n, 64)) { k in
            let d = designs[k / n]
            var t = d.training
            t.seed = seeds[k % n]
            do {
                return try TrainingRun.execute(chip: d.chip, accelerator: d.accelerator, network: d.network, training: t, data: trainingData.unshared)
            } catch let failure as LayerMapping.Failure {
                throw usageError("\(paths[k / n]): \(failure)")
            }
        }
        let table = ComparisonTable(Array(runs[0..<n]), Array(runs[n...]), seeds: seeds, nameA: a.name, nameB: b.name, inference: inference)
        print("A: \(a.name) (\(runs[0].outcome.method.rawValue)), B: \(b.name) (\(runs[n].outcome.method.rawValue)); \(a.network.layers.map(String.init).joined(separator: "-")) on \(trainingData.source), \(a.training.images) training images, means over seeds \(seeds.map(String.init).joined(separator: ", ")) (+/- sd)")
        print(table.text())
        guard let out, let folder else { return }
        let folders = Self.folderNames(a.name, b.name)
        try writingOutputs(to: out) {
            var files: [String] = []
            for (k, run) in runs.enumerated() {
                let name = folders[k / n] + "/seed-\(seeds[k % n])"
                let sub = URL(fileURLWithPath: out).appendingPathComponent(name).path
                try makeSubfolder(URL(fileURLWithPath: out).appendingPathComponent(folders[k / n]).path)
                try makeSubfolder(sub)
                files += try RunWriter.write(run, design: designs[k / n].name, to: sub, resolved: resolved[k / n], overrides: []).map { name + "/" + $0 }
            }
            try table.write(to: out)
            try AtomicFile.write(ReportPages.compare(table, runs[0], runs[n]), to: URL(fileURLWithPath: out).appendingPathComponent("report.html").path)
            try folder.finish(files: files + ["compare.json", "compare.csv", "report.html"], fingerprint: fingerprint(resolved, a, seeds: seeds))
        }
        print("written: \(out)/compare.json, compare.csv, \(folders[0])/seed-*/, \(folders[1])/seed-*/")
    }

    /// The first way two designs' workloads differ, or nil when they train the same thing.
    static func workloadDifference(_ a: ArchDesign, _ b: ArchDesign) -> String? {
        if a.network.layers != b.network.layers {
            return "network.layers \(a.network.layers) vs \(b.network.layers)"
        }
        if a.network.hidden != b.network.hidden { return "network.hidden \(a.network.hidden.rawValue) vs \(b.network.hidden.rawValue)" }
        if a.network.output != b.network.output { return "network.output \(a.network.output.rawValue) vs \(b.network.output.rawValue)" }
        if a.network.hiddenScalePerAmp != b.network.hiddenScalePerAmp {
            return "network.hidden_scale \(a.network.hiddenScalePerAmp) vs \(b.network.hiddenScalePerAmp)"
        }
        if a.network != b.network { return "network.output_scale \(a.network.outputScalePerAmp) vs \(b.network.outputScalePerAmp)" }
        if a.input != b.input { return "input section (crop, side or max_voltage)" }
        var ta = a.training, tb = b.training
        ta.method = .float
        tb.method = .float
        if ta.images != tb.images { return "training.images \(ta.images) vs \(tb.images)" }
        if ta.batchSize != tb.batchSize { return "training.batch \(ta.batchSize) vs \(tb.batchSize)" }
        if ta.seed != tb.seed { return "training.seed \(ta.seed) vs \(tb.seed)" }
        if ta != tb { return "training section (learning rates, evaluation interval, test images or initial gates)" }
        return nil
    }

    /// Subfolders for the two runs: the design names as one safe path component each (letters,
    /// digits, '.', '-' and '_' kept, anything else '_'; never '.' or '..'), told apart when equal,
    /// so that no name can write outside --out or into the other design's folder.
    static func folderNames(_ a: String, _ b: String) -> [String] {
        func safe(_ name: String) -> String {
            let kept = String(name.unicodeScalars.map { c in
                CharacterSet.alphanumerics.contains(c) && c.isASCII || "._-".unicodeScalars.contains(c) ? Character(c) : "_"
            })
            return kept.isEmpty || kept.allSatisfy({ $0 == "." }) ? "design" + kept.replacingOccurrences(of: ".", with: "_") : kept
        }
        var (x, y) = (safe(a), safe(b))
        // A name that is one of the folder's own files (report.html, manifest.json, the lock, ...)
        // or a hidden name gets the design's letter in front, as equal names do.
        let reserved = Set(RunFolder.runFiles + [RunFolder.lockName])
        if reserved.contains(x) || x.hasPrefix(".") { x = "a-" + x }
        if reserved.contains(y) || y.hasPrefix(".") { y = "b-" + y }
        return x == y ? ["a-" + x, "b-" + y] : [x, y]
    }
}

/// Values each used by one run of several running side by side (a run's trace writer): no two
/// threads touch the same one.
struct OwnedByOneRun<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
