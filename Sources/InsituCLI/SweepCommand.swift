import ArgumentParser
import Dispatch
import Foundation
import InsituArchFile
import InsituEngine
import InsituReport
import InsituTraining

/// `insitu sweep ARCH --vary KEY=V1,V2 ...`: a design-space sweep over any arch keys, its
/// points run in parallel (each single-threaded and deterministic), resumable, shardable
/// over a Slurm job array and merged exactly.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep arch keys (tile size, converters, ...): train every point, one table of accuracy, energy, latency, area.",
        discussion: """
        Values: V1,V2,... (commas inside [] stay in a value); A..B (whole numbers), A..B:S (step S), A..B*F (times F).
        Points are the cartesian product of the --vary axes, or with --zip their values side by side;
        K1+K2=V1,V2 gives both keys each value (square tiles: chip.tile.rows+chip.tile.columns=16..256*2).
        Each point's folder DIR/points/NNNNN holds its report, point.json and design.json (the resolved design).
        A sweep run again into the same folder skips the points already done.
        Examples:
          insitu sweep arch/li2018.yaml --set chip.tile.count=64 --vary chip.tile.rows=32..128*2 --vary chip.adc.bits=4,8 --out runs/s
          insitu sweep arch/li2018.yaml --vary chip.adc.per_tile=1,8,64 --out runs/s --slurm 3
          insitu sweep --merge runs/s
          insitu sweep arch/li2018.yaml --vary chip.adc.bits=5..8 --seeds 3 --min-accuracy 90% --minimize training_energy_per_image_J --out runs/b
        With --seeds each point trains once per seed (points/NNNNN/seed-S) and its row holds the means, with the
        spread of the headline figures; the Pareto front and the best point are taken on the means.
        --min-accuracy and --constrain KEY<=V / KEY>=V mark the feasible points; --minimize and --maximize KEY
        (sweep.csv's columns; a unique prefix will do) set the objectives of the front and of the best point.
        """)

    @Argument(help: "Architecture file (not with --merge).") var arch: String?
    @Option(name: .customLong("vary"), help: ArgumentHelp("A key and its values, KEY=V1,V2,... (repeatable).", valueName: "key=values"))
    var vary: [String] = []
    @Flag(help: "Pair the --vary values side by side instead of taking every combination.") var zip = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value at every point (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training images per point (default: the arch file's).") var images: Int?
    @Option(help: "Folder for the sweep (required).") var out: String?
    @Option(parsing: .unconditional, help: "Points run at once (results do not depend on it).") var threads = UsableCores.count
    @Option(help: "Run only shard I of N (I/N, from 0): the points whose number modulo N is I.") var shard: String?
    @Option(parsing: .unconditional, help: "Write DIR/sweep.sbatch, a Slurm job array of N shards, instead of running.") var slurm: Int?
    @Option(help: "Join the shards in this folder into sweep.csv and sweep.json.") var merge: String?
    @Flag(help: "Also list the Pareto points (on the objectives, or training energy, latency, area, accuracy).") var pareto = false
    @Option(help: "Train every point once per seed: N (seeds 1 to N) or a list such as 1,5,9; rows hold the means.") var seeds: String?
    @Option(help: "Feasible points reach at least this test accuracy (a fraction or a percentage).") var minAccuracy: String?
    @Option(help: ArgumentHelp("A bound on a sweep figure, KEY<=V or KEY>=V (repeatable).", valueName: "key<=value")) var constrain: [String] = []
    @Option(help: ArgumentHelp("A figure to make small, for the front and the best point (repeatable, in priority order).", valueName: "key"))
    var minimize: [String] = []
    @Option(help: ArgumentHelp("A figure to make large (repeatable; after the --minimize ones).", valueName: "key")) var maximize: [String] = []
    @Flag(help: "Do not print progress.") var quiet = false

    func run() throws {
        if let merge { return try mergeShards(merge) }
        guard let arch else { throw usageError("give an architecture file, e.g. insitu sweep arch/li2018.yaml --vary chip.adc.bits=4,8 --out runs/s") }
        guard let out else { throw usageError("--out DIR is required: every point writes its folder there") }
        guard threads >= 1 && threads <= 1024 else { throw usageError("--threads must be from 1 to 1024") }
        if let images, images < 1 { throw usageError("--images must be at least 1") }
        let plan: SweepPlan
        do { plan = try SweepPlan(vary: vary, zipped: zip) } catch let e as ArchError { throw inputError(e.description) }
        let (index, of) = try parseShard()
        let seedList = try seeds.map(Train.parseSeeds)
        if seedList != nil, plan.axes.contains(where: { $0.keys.contains("training.seed") }) || overrides.contains(where: { $0.hasPrefix("training.seed=") }) {
            throw usageError("--seeds gives every point its seeds; the seed is not a design axis: drop training.seed from --vary and --set")
        }
        if plan.axes.contains(where: { $0.keys.contains("training.seed") }) {
            throw usageError("--vary training.seed makes the seed a design axis, and the front would mix seeds; use --seeds N to train every point with N seeds")
        }
        if let seedList, plan.count.multipliedReportingOverflow(by: seedList.count).overflow || plan.count * seedList.count > SweepPlan.maximumPoints {
            throw usageError("--seeds: \(plan.count) points x \(seedList.count) seeds is more than \(SweepPlan.maximumPoints) runs; use fewer points or seeds")
        }
        _ = try analysis()
        let archPath = URL(fileURLWithPath: arch).standardizedFileURL.path
        let base = try loadResolvedDesign(path: archPath, overrides: overrides).resolvedJSON
        let spec = Spec(arch: archPath, plan: plan, overrides: overrides, images: images,
                        dataset: data.dataset.rawValue, data: data.data.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, seeds: seedList,
                        fingerprint: Fingerprint.of([base, Data("\(images.map(String.init) ?? "arch")|\(data.fingerprint)".utf8)]))
        // Every point's design is checked before anything is written.
        let designs = try (0..<plan.count).map { try design(spec, point: $0) }
        if let slurm {
            guard slurm >= 1 && slurm <= plan.count else { throw usageError("--slurm takes 1 to \(plan.count) shards (one per point at most)") }
            try checkScriptable(out)
            let folder = try prepare(out, spec)
            defer { folder.release() }
            return try writeSlurmScript(out, shards: slurm)
        }
        let trainingData = try data.load(for: designs[0])
        // The data depend on the input section and on how many test images a point scores on.
        let perPointData = plan.axes.contains { $0.keys.contains { $0.hasPrefix("input.") || $0 == "training.test_images" } }
        let folder = try prepare(out, spec)
        defer { folder.release() }
        // Jobs: a point, or with --seeds a point and one of its seeds, not yet done.
        let seedSlots: [UInt64?] = seedList.map { $0.map { Optional($0) } } ?? [nil]
        let mine = (0..<plan.count).filter { $0 % of == index }
        let todo = mine.flatMap { p in seedSlots.filter { Self.seedRow(out, p, $0, spec.fingerprint) == nil }.map { (point: p, seed: $0) } }
        let pointsLeft = Set(todo.map(\.point)).count
        if !quiet { printError("sweep: \(plan.count) points\(seedList.map { " x \($0.count) seeds" } ?? ""), \(mine.count - pointsLeft) already done\(of > 1 ? " (shard \(index)/\(of))" : ""), \(min(threads, max(todo.count, 1))) at once") }
        let progress = quiet ? nil : ProgressLine(label: "sweep", total: todo.count, unit: seedList == nil ? "points" : "runs")
        let tally = Tally()
        let next = WorkCounter()
        let workers = max(1, min(threads, todo.count))
        // Points side by side fill the cores: none overlaps its own pieces of work.
        Overlap.whileCoresAreFull(workers > 1) { DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let k = next.take(below: todo.count) {
                let (point, seed) = todo[k]
                do {
                    let d = designs[point]
                    let pointData = perPointData ? try data.load(for: d) : trainingData
                    var training = d.training
                    if let seed { training.seed = seed }
                    let run = try TrainingRun.execute(chip: d.chip, accelerator: d.accelerator, network: d.network, training: training,
                                                      data: pointData)
                    try Self.write(run, design: d.name, spec: spec, plan: plan, point: point, seed: seed, to: out)
                } catch {
                    tally.fail(point, "\(error)")
                }
                tally.finishOne { progress?.update($0) }
            }
        } }
        progress?.finish()
        let failures = tally.failures
        if !failures.isEmpty {
            for (p, e) in failures.sorted(by: { $0.0 < $1.0 }) { printError("error: point \(p) (\(plan.overrides(at: p).joined(separator: " "))): \(e)") }
            throw ExitCode(1)
        }
        if of > 1 {
            print("shard \(index)/\(of) done: \(todo.count) point(s) written to \(out)/points; join the shards with: insitu sweep --merge \(out)")
            return
        }
        try finish(out, spec)
    }

    /// The constraints (--min-accuracy, --constrain) and objectives (--minimize, --maximize) asked for.
    func analysis() throws -> (constraints: [SweepConstraint], objectives: [SweepObjective]) {
        func figure(_ name: String, _ option: String) throws -> String {
            let known = SweepRow.fixedFigures
            if known.contains(name) || ["_static_energy_per_image_J", "_energy_per_image_J", "_utilisation"].contains(where: { name.hasSuffix($0) && name.count > $0.count }) {
                return name
            }
            let matches = known.filter { $0.hasPrefix(name) }
            guard matches.count == 1 else {
                throw usageError("\(option) \(name): \(matches.isEmpty ? "no sweep figure is called so" : "several figures start so (\(matches.joined(separator: ", ")))"); give one of \(known.joined(separator: ", ")), or K_energy_per_image_J, K_static_energy_per_image_J, K_utilisation for a component kind K")
            }
            return matches[0]
        }
        var constraints: [SweepConstraint] = []
        if let minAccuracy {
            let t = minAccuracy.trimmingCharacters(in: .whitespaces)
            guard let v = t.hasSuffix("%") ? Double(t.dropLast()).map({ $0 / 100 }) : Double(t), v >= 0, v <= 1 else {
                throw usageError("--min-accuracy takes a fraction from 0 to 1 or a percentage, e.g. 0.9 or 90%; found '\(minAccuracy)'")
            }
            constraints.append(.init(key: "test_accuracy", atMost: false, value: v))
        }
        for c in constrain {
            let atMost = c.contains("<="), parts = c.components(separatedBy: atMost ? "<=" : ">=")
            guard parts.count == 2, let v = Double(parts[1].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw usageError("--constrain expects KEY<=VALUE or KEY>=VALUE with a number, e.g. area_m2<=1e-6; found '\(c)'")
            }
            constraints.append(.init(key: try figure(parts[0].trimmingCharacters(in: .whitespaces), "--constrain"), atMost: atMost, value: v))
        }
        let objectives = try minimize.map { SweepObjective(key: try figure($0, "--minimize"), minimize: true) }
            + maximize.map { SweepObjective(key: try figure($0, "--maximize"), minimize: false) }
        return (constraints, objectives)
    }

    /// The design of one point: the arch file with the common overrides, then the point's.
    func design(_ spec: Spec, point: Int) throws -> ArchDesign {
        let sets = spec.overrides + spec.plan.overrides(at: point)
        do {
            var d = try ArchDesign.load(path: spec.arch, overrides: sets)
            if let images = spec.images { d.training.images = images }
            return d
        } catch let e as ArchError {
            throw inputError("point \(point) (\(spec.plan.overrides(at: point).joined(separator: " "))): " + e.description)
        }
    }

    func parseShard() throws -> (Int, Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw usageError("--shard expects I/N with 0 <= I < N, e.g. --shard 0/4; found '\(shard)'")
        }
        return (i, n)
    }

    /// Takes the folder (shared with the sweep's other shards, refused while another command
    /// writes there or when it holds another command's outputs), clears temporaries an
    /// interrupted run left in its points, and records the sweep, or checks that the folder
    /// holds this very sweep. Of two sweeps started into one folder at once, one records its
    /// spec (created exclusively) and the other finds it and is refused.
    func prepare(_ out: String, _ spec: Spec) throws -> RunFolder {
        try prepareOutputFolder(out)
        let folder = try takeRunFolder(out, force: false, shared: true, own: RunFolder.sweepFiles)
        let file = URL(fileURLWithPath: out).appendingPathComponent("sweep-spec.json")
        Self.clearPointTemporaries(out)
        if !FileManager.default.fileExists(atPath: file.path) {
            let held = RunFolder.sweepFiles.filter { FileManager.default.fileExists(atPath: URL(fileURLWithPath: out).appendingPathComponent($0).path) }
            if !held.isEmpty {
                throw usageError("--out \(out) holds \(held.sorted().joined(separator: ", ")) but no sweep-spec.json (another command's outputs, or a damaged sweep); give a new folder")
            }
            try writingOutputs(to: out) { _ = try AtomicFile.create(spec.sealed(), at: file.path) }
        }
        guard let existing = try? Data(contentsOf: file), let old = try? Spec(sealed: existing), old == spec else {
            throw usageError("--out \(out) holds another sweep (its sweep-spec.json differs: other keys, values, options, or the arch file or data changed since); give a new folder, or run the same sweep to resume it")
        }
        return folder
    }

    /// Removes temporary files an interrupted run left in the points' folders (not those of a
    /// shard still writing).
    static func clearPointTemporaries(_ out: String) {
        let points = URL(fileURLWithPath: out).appendingPathComponent("points")
        guard let walk = FileManager.default.enumerator(atPath: points.path) else { return }
        while let name = walk.nextObject() as? String {
            if RunFolder.isLeftBehind((name as NSString).lastPathComponent, shared: true) {
                try? FileManager.default.removeItem(atPath: points.appendingPathComponent(name).path)
            }
        }
    }

    static func pointFolder(_ out: String, _ point: Int) -> URL {
        URL(fileURLWithPath: out).appendingPathComponent("points").appendingPathComponent(String(format: "%05d", point))
    }

    /// The folder of one run of a point: the point's, or with a seed its seed-S subfolder.
    static func runFolder(_ out: String, _ point: Int, _ seed: UInt64?) -> URL {
        seed.map { pointFolder(out, point).appendingPathComponent("seed-\($0)") } ?? pointFolder(out, point)
    }

    /// A finished run's row (its point.json, written last), or nil when it is not done or its
    /// row cannot be read (written in an older report vocabulary, say): such a run runs again.
    /// A row of another sweep (another fingerprint, point or seed) is not this run's either.
    static func seedRow(_ out: String, _ point: Int, _ seed: UInt64?, _ fingerprint: String) -> SweepRow? {
        let folder = runFolder(out, point, seed)
        guard RunFolder.isComplete(folder.path, requiring: ["point.json"]),
              let bytes = try? Data(contentsOf: folder.appendingPathComponent("point.json")),
              let row = try? JSONDecoder().decode(SweepRow.self, from: bytes),
              row.fingerprint == fingerprint, row.point == point, row.isPlausible else { return nil }
        return row
    }

    /// A point's row: its run's, or the mean over its seeds once every seed is done.
    static func row(_ out: String, _ point: Int, _ spec: Spec) -> SweepRow? {
        guard let seeds = spec.seeds else { return seedRow(out, point, nil, spec.fingerprint) }
        let rows = seeds.compactMap { seedRow(out, point, $0, spec.fingerprint) }
        return rows.count == seeds.count ? SweepRow.mean(of: rows, seeds: seeds) : nil
    }

    /// A run's folder: the run's report files, design.json, point.json, then manifest.json last (it marks the run done).
    static func write(_ run: TrainingRun, design: String, spec: Spec, plan: SweepPlan, point: Int, seed: UInt64?, to out: String) throws {
        let folder = runFolder(out, point, seed)
        // Never through a symbolic link planted in the sweep's folder.
        try RunFolder.subfolder(URL(fileURLWithPath: out).appendingPathComponent("points").path)
        try RunFolder.subfolder(pointFolder(out, point).path)
        if seed != nil { try RunFolder.subfolder(folder.path) }
        let files = try RunWriter.write(run, design: design, to: folder.path)
        try AtomicFile.write(ArchDesign.resolvedJSON(path: spec.arch, overrides: spec.overrides + plan.overrides(at: point)),
                             to: folder.appendingPathComponent("design.json").path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var row = SweepRow(point: point, values: plan.values(at: point), run: run)
        row.fingerprint = spec.fingerprint
        try AtomicFile.write(encoder.encode(row),
                             to: folder.appendingPathComponent("point.json").path)
        // The manifest, last, marks the run done: a point whose files do not match it runs again.
        try RunFolder.writeManifest(in: folder.path, files: files + ["design.json", "point.json"],
                                    fingerprint: Fingerprint.of([spec.fingerprint, "point \(point)", "seed \(seed.map(String.init) ?? "arch")"]))
    }

    /// Gathers every point into sweep.csv and sweep.json and prints the table.
    func finish(_ out: String, _ spec: Spec) throws {
        let plan = spec.plan
        var rows: [SweepRow] = []
        var missing: [Int] = []
        for p in 0..<plan.count {
            if let r = Self.row(out, p, spec) { rows.append(r) } else { missing.append(p) }
        }
        guard missing.isEmpty else {
            printError("error: \(missing.count) point(s) not done in \(out): \(missing.prefix(20).map(String.init).joined(separator: ", "))\(missing.count > 20 ? ", ..." : ""); run the missing shards, then merge again")
            throw ExitCode(1)
        }
        let (constraints, objectives) = try analysis()
        for key in Set((constraints.map(\.key) + objectives.map(\.key))) where !rows.contains(where: { $0.figure(key) != nil }) {
            throw usageError("no point of the sweep has the figure '\(key)'; the component kinds here are \(Set(rows.flatMap { $0.kind_energy_per_image_J.keys }).sorted().joined(separator: ", "))")
        }
        let results = SweepResults(keys: plan.axes.map(\.key), rows: rows, constraints: constraints, objectives: objectives)
        try writingOutputs(to: out) {
            try results.write(to: out)
            try AtomicFile.write(ReportPages.sweep(results), to: URL(fileURLWithPath: out).appendingPathComponent("report.html").path)
        }
        print(results.text())
        if pareto {
            print("Pareto points: " + results.rows.filter(\.pareto).map { "\($0.point) (\(Swift.zip(plan.axes, $0.values).map { "\($0.key)=\($1)" }.joined(separator: " ")))" }.joined(separator: "; "))
        }
        print("written: \(out)/sweep.csv, sweep.json, report.html, points/")
    }

    func mergeShards(_ folder: String) throws {
        guard arch == nil, vary.isEmpty else { throw usageError("--merge takes only the sweep folder: insitu sweep --merge DIR") }
        let file = URL(fileURLWithPath: folder).appendingPathComponent("sweep-spec.json")
        guard let bytes = try? Data(contentsOf: file) else {
            throw usageError("--merge \(folder): no sweep-spec.json there (is it a sweep's --out folder?)")
        }
        let spec: Spec
        do { spec = try Spec(sealed: bytes) } catch {
            throw usageError("--merge \(folder): sweep-spec.json is damaged or not a sweep's (\(Self.reason(error))); run the sweep again into a new folder")
        }
        if let seeds = spec.seeds, seeds.isEmpty || seeds.count > Train.maximumSeeds || spec.plan.count.multipliedReportingOverflow(by: seeds.count).overflow {
            throw usageError("--merge \(folder): sweep-spec.json lists \(seeds.count) seeds; a sweep has 1 to \(Train.maximumSeeds)")
        }
        let folderLock = try takeRunFolder(folder, force: false, shared: true, own: RunFolder.sweepFiles)
        defer { folderLock.release() }
        try finish(folder, spec)
    }

    /// What a decoder found wrong, in a line.
    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): c.debugDescription
        case DecodingError.keyNotFound(let k, _): "no '\(k.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' is not what a sweep records"
        case let damaged as SpecDamaged: damaged.description
        default: "not JSON"
        }
    }

    /// The script names its paths on #SBATCH and comment lines, where a quote cannot help: a
    /// line break or other control character in one would start a line of its own. Refused
    /// before anything is written.
    func checkScriptable(_ out: String) throws {
        let here = FileManager.default.currentDirectoryPath
        let named = [("--out", out), ("the working folder", here), ("the executable", CommandLine.arguments[0]), ("the arch file", arch ?? ""),
                     ("--data", data.data ?? "")] + overrides.map { ("--set", $0) } + vary.map { ("--vary", $0) }
        if let (what, text) = named.first(where: { $0.1.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw usageError("\(what) \(text.debugDescription) holds a control character (a line break, say), which a Slurm script cannot carry safely; give it without one")
        }
    }

    /// An sbatch script whose array tasks each run one shard of this sweep.
    func writeSlurmScript(_ out: String, shards: Int) throws {
        let here = FileManager.default.currentDirectoryPath
        let exe = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: here)).standardizedFileURL.path
        let outPath = URL(fileURLWithPath: out).standardizedFileURL.path
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

        var args = ["sweep", URL(fileURLWithPath: arch!).standardizedFileURL.path] + vary.flatMap { ["--vary", $0] } + overrides.flatMap { ["--set", $0] }
        if zip { args.append("--zip") }
        if let images { args += ["--images", String(images)] }
        if let seeds { args += ["--seeds", seeds] }
        args += ["--dataset", data.dataset.rawValue]
        if let d = data.data { args += ["--data", URL(fileURLWithPath: d).standardizedFileURL.path] }
        args += ["--out", outPath, "--threads", "1", "--quiet", "--shard"]
        let script = """
        #!/bin/bash
        # A Slurm job array for this sweep: task i runs shard i of \(shards). Submit, then join the shards:
        #   sbatch \(outPath)/sweep.sbatch
        #   insitu sweep --merge \(outPath)
        #SBATCH --job-name=insitu-sweep
        #SBATCH --array=0-\(shards - 1)
        #SBATCH --ntasks=1
        #SBATCH --cpus-per-task=1
        #SBATCH --output=\(outPath)/slurm-%A_%a.out
        set -euo pipefail
        cd \(q(here))
        exec \(q(exe)) \(args.map(q).joined(separator: " ")) "${SLURM_ARRAY_TASK_ID}/\(shards)"

        """
        let path = URL(fileURLWithPath: out).appendingPathComponent("sweep.sbatch").path
        try writingOutputs(to: out) { try AtomicFile.write(script, to: path) }
        print("written: \(path) (\(shards) array tasks); submit with: sbatch \(path); then: insitu sweep --merge \(outPath)")
    }

    /// Points finished and failed, counted under a lock by the worker threads.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var failures: [(Int, String)] = []
        private var finished = 0
        func fail(_ point: Int, _ message: String) { lock.lock(); failures.append((point, message)); lock.unlock() }
        func finishOne(_ report: (Int) -> Void) { lock.lock(); finished += 1; report(finished); lock.unlock() }
    }
}
