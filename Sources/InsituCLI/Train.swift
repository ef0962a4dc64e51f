import ArgumentParser
import Foundation
import InsituArchFile
import InsituEngine
import InsituHardware
import InsituMapping
import InsituReport
import InsituTraining

/// `insitu train ARCH`: trains the design's network and reports accuracy, time and energy.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the network of an architecture file and report accuracy, latency and energy.",
        discussion: """
        Examples:
          insitu train arch/li2018.yaml
          insitu train arch/li2018.yaml --dataset mnist --data ../shared/data/mnist --seed 2 --out runs/a
          insitu train arch/li2018.yaml --method ex-situ --set chip.device.stuck_low.fraction=10%
          insitu train arch/li2018.yaml --seeds 3 --out runs/seeds
        """)

    @OptionGroup var arch: ArchOptions
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training images (default: the arch file's training.images).") var images: Int?
    @Option(parsing: .unconditional, help: "Seed for faults, variation, initial gates and minibatches (default: the arch file's).") var seed: UInt64?
    @Option(help: "in-situ, ex-situ or float (default: the arch file's training.method).") var method: TrainingSpec.Method?
    @Option(help: "Folder for report.json, ledger.json and CSV tables.") var out: String?
    @OptionGroup var tracing: TraceOptions
    @Flag(help: "Do not print progress.") var quiet = false
    @Flag(help: "Replace the outputs of an earlier run in --out.") var force = false
    @Flag(help: "List every tile's components (more than 4 tiles are shown as totals per kind).") var perTile = false
    @Option(parsing: .unconditional, help: "Save the run's state into --out every N updates (in-situ), to continue it with --resume.")
    var checkpointEvery: Int?
    @Option(help: "Continue the run interrupted in this folder (the same arch file and options; its checkpoint.json).")
    var resume: String?
    @Option(help: "Train once per seed, in parallel: N (seeds 1 to N) or a list such as 1,5,9; reports every figure's mean, sd, min and max.")
    var seeds: String?
    @Option(parsing: .unconditional, help: "Worker threads for --seeds (default: one per seed, at most 64; results do not depend on it).")
    var threads: Int?

    func run() throws { try execute() }

    /// Trains as the options say and returns the runs (one, or one per seed).
    @discardableResult
    func execute() throws -> [TrainingRun] {
        var (design, resolvedJSON) = try arch.loadResolved()
        if let images {
            guard images > 0 else { throw usageError("--images must be at least 1") }
            design.training.images = images
        }
        if let seed { design.training.seed = seed }
        let seedList = try seeds.map(Self.parseSeeds)
        if seedList != nil {
            if seed != nil { throw usageError("--seed and --seeds both choose seeds; give one of them") }
            if resume != nil || checkpointEvery != nil { throw usageError("--seeds runs are not checkpointed; drop --resume and --checkpoint-every") }
            if tracing.trace { throw usageError("--trace records one run; drop --seeds, or trace one seed with --seed") }
        }
        if let threads, threads < 1 || threads > 1024 { throw usageError("--threads must be from 1 to 1024") }
        if let method {
            if let problem = TrainingMethods.mismatch(method, own: design.accelerator, sections: AcceleratorKinds.sections) {
                throw usageError("--method \(method.rawValue): \(arch.arch): \(problem)")
            }
            design.training.method = method
            // The settings the arch file checks against its own method, against this one.
            if let problem = ArchDesign.methodProblem(design) {
                throw usageError("--method \(method.rawValue): \(arch.arch): \(problem.message) (\(problem.hint), with --set training.\(problem.key)=...)")
            }
        }
        var out = self.out
        if let resume {
            if let out, out != resume { throw usageError("--resume \(resume) and --out \(out) name different folders; --resume alone names it") }
            out = resume
        }
        if let n = checkpointEvery {
            guard n >= 1 else { throw usageError("--checkpoint-every must be at least 1") }
            guard out != nil else { throw usageError("--checkpoint-every needs --out DIR for checkpoint.json") }
        }
        if (checkpointEvery != nil || resume != nil) && (tracing.trace || design.training.method != .inSitu) {
            throw usageError("checkpoints are kept for in-situ training without --trace")
        }
        if tracing.trace && out == nil { throw usageError("--trace needs --out DIR for trace.json") }
        let window = try tracing.window()
        if design.accelerator == nil { warnOperatingPoint(design.chip, file: arch.arch) }
        let trainingData = try data.load(for: design)
        if let seedList { return try runSeeds(seedList, design: design, resolved: resolvedJSON, data: trainingData, out: out) }
        // The folder is taken only once every input has been checked.
        let folder = try out.map { try takeRunFolder($0, force: force, resuming: resume != nil) }
        let checkpointPath = out.map { URL(fileURLWithPath: $0).appendingPathComponent("checkpoint.json").path }
        // The design as run (extends merged, overrides applied): recorded in report.json and fingerprinted for checkpoints.
        let resolved = out == nil ? nil : resolvedJSON
        let fingerprint = out == nil ? "" : runFingerprint(design, resolved: resolved ?? Data())
        var resumeFrom: RunCheckpoint?
        if let resume { try checkResumable(resume, fingerprint: fingerprint) }
        if let out, checkpointEvery != nil {
            try writingOutputs(to: out) { try AtomicFile.write(fingerprint, to: URL(fileURLWithPath: out).appendingPathComponent(RunFolder.fingerprintName).path) }
        }
        if let resume, let checkpointPath, FileManager.default.fileExists(atPath: checkpointPath) {
            guard let data = FileManager.default.contents(atPath: checkpointPath), let saved = CheckpointFile.decode(data) else {
                throw usageError("--resume \(resume): checkpoint.json is damaged or not a checkpoint (it cannot be read, or its checksum does not match); remove it to start the run afresh")
            }
            guard saved.fingerprint == fingerprint else {
                throw usageError("--resume \(resume): the checkpoint belongs to another design or other options; give the same arch file and options")
            }
            resumeFrom = saved
        }
        let saver: (interval: Int, fingerprint: String, save: (RunCheckpoint) throws -> Void)? = checkpointEvery.flatMap { n in
            checkpointPath.map { path in
                (n, fingerprint, { (c: RunCheckpoint) in try AtomicFile.write(CheckpointFile.encode(c), to: path) })
            }
        }
        let sink = try out.flatMap { try tracing.writer(window, in: $0) }
        let progress = quiet ? nil : ProgressLine(label: "training", total: design.training.images, unit: "images")
        // The float line beside the report's accuracy curve (cost-free, the same workload), on a
        // thread of its own while the chip trains: it shares nothing with the run.
        let floatLine = out != nil && (design.training.method == .inSitu || design.accelerator != nil)
            ? FloatLine(design: design, data: trainingData.unshared) : nil
        var curvePoints = 0
        let run: TrainingRun
        do {
            run = try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network, training: design.training,
                                          data: trainingData, trace: sink, checkpoint: saver, resume: resumeFrom) { seen, outcome in
                progress?.update(seen)
                // Keep the accuracy curve on disk as it grows, so an interrupted run keeps it.
                if let out, outcome.curve.count > curvePoints {
                    curvePoints = outcome.curve.count
                    try? RunWriter.writeCurve(outcome, to: out)
                }
            }
        } catch let failure as LayerMapping.Failure {
            throw usageError("\(arch.arch): \(failure)")
        } catch let mismatch as CheckpointMismatch {
            throw usageError("--resume \(resume ?? ""): checkpoint.json is not this run's: \(mismatch); remove it to start the run afresh")
        }
        progress?.finish()
        print(RunSummary.text(run, design: design.name, perTile: perTile))
        if let out, let folder {
            try writingOutputs(to: out) {
                var files = try RunWriter.write(run, design: design.name, to: out, resolved: resolved, overrides: arch.overrides)
                try AtomicFile.write(ReportPages.train(run, design: design.name, floatCurve: floatLine?.curve()),
                                     to: URL(fileURLWithPath: out).appendingPathComponent("report.html").path)
                files.append("report.html")
                if let sink { files += try sink.finish() }
                if let checkpointPath { try? FileManager.default.removeItem(atPath: checkpointPath) }
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: out).appendingPathComponent(RunFolder.fingerprintName).path)
                try folder.finish(files: files, fingerprint: fingerprint)
            }
            if let sink { print(TraceOptions.summary(sink, folder: out)) }
        }
        return [run]
    }
}

extension TrainingSpec.Method: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

extension Train {
    /// `--resume DIR` continues only an interrupted run of this design and these options: a
    /// finished run, a run that kept no checkpoint, or another design's run is refused (a folder
    /// with nothing of a run in it starts one).
    func checkResumable(_ dir: String, fingerprint: String) throws {
        let at = { (name: String) in URL(fileURLWithPath: dir).appendingPathComponent(name).path }
        if FileManager.default.fileExists(atPath: at(RunFolder.manifestName)) {
            throw usageError("--resume \(dir): the folder holds a finished run (its manifest.json); nothing to resume. Run again with --out \(dir) --force to replace it")
        }
        if let recorded = try? String(contentsOfFile: at(RunFolder.fingerprintName), encoding: .utf8) {
            guard recorded == fingerprint else {
                throw usageError("--resume \(dir): the checkpoint belongs to another design or other options; give the same arch file and options")
            }
            return
        }
        let held = RunFolder.runFiles.filter { FileManager.default.fileExists(atPath: at($0)) }
        if !held.isEmpty && !held.contains("checkpoint.json") {
            throw usageError("--resume \(dir): the folder holds a run that kept no checkpoint (\(held.joined(separator: ", "))); nothing to resume. Give a new folder, or --out \(dir) --force to replace it")
        }
    }

    /// What a checkpoint must match to be continued: the resolved design, seed, images, method and data.
    func runFingerprint(_ design: ArchDesign, resolved: Data) -> String {
        Fingerprint.of([resolved], ["\(design.training.seed)", "\(design.training.images)", design.training.method.rawValue, data.fingerprint])
    }
}
