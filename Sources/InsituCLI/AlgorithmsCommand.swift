import ArgumentParser
import Foundation
import InsituArchFile
import InsituEngine
import InsituReport
import InsituTraining

/// `insitu experiment algorithms`: every training algorithm on every device over several
/// seeds, with the digital chip as the baseline row: accuracy, energy and time per training
/// image, pulses per image and per device (wear).
struct AlgorithmsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "algorithms",
        abstract: "Training algorithms x devices x seeds: accuracy, energy and time per image, pulses and wear, beside the digital chip.",
        discussion: """
        Devices: \(AlgorithmsCommand.devices.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
        Algorithms: any crossbar training method (\(AlgorithmsCommand.crossbarMethods.joined(separator: ", "))); the
        stochastic update runs one image per update, at the arch's learning rates over its batch size, without read-back;
        Tiki-Taka on four times the tiles (its cells hold two pairs), without read-back.
        The baseline row is --baseline trained by its own method (the digital chip's SGD); --baseline none drops it.
        Examples:
          insitu experiment algorithms --seeds 3 --out runs/algorithms
          insitu experiment algorithms --algorithms in-situ,mixed-precision --devices agsi --seeds 1,2
        """)

    /// A device of the experiment: an arch file and the overrides that make the device, and
    /// those the methods that count pulses need on it.
    struct Device {
        var name: String
        var summary: String
        var arch: String
        var overrides: [String]
        /// What the methods that count pulses (`DeviceStep`) need on this device.
        var deviceStep: [String] = []
    }

    /// The devices the issue's comparison names: the paper's 1T1R cell, a symmetric linear
    /// pulsed device, and NeuroSim's asymmetric, nonlinear Ag:a-Si device (docs/model.md).
    static let devices = [
        Device(name: "1t1r", summary: "Li 2018's gate-controlled 1T1R pair, arch/li2018.yaml", arch: "arch/li2018.yaml", overrides: [],
               deviceStep: ["training.device_step=0.01 V"]),
        Device(name: "symmetric", summary: "a linear pulsed device of 1000 levels each way, no variation (Gokmen and Vlasov's RPU)",
               arch: "arch/li2018-agsi.yaml",
               overrides: ["chip.device.set_nonlinearity=0", "chip.device.reset_nonlinearity=0", "chip.device.set_levels=1000",
                           "chip.device.reset_levels=1000", "chip.device.cycle_variation=0"]),
        Device(name: "agsi", summary: "NeuroSim's Ag:a-Si pulsed device, arch/li2018-agsi.yaml", arch: "arch/li2018-agsi.yaml", overrides: []),
    ]

    static var crossbarMethods: [String] {
        TrainingMethods.names.filter { name in
            guard let m = TrainingMethods.named(TrainingSpec.Method(rawValue: name)) else { return false }
            return !m.needsOwnAccelerator && name != TrainingSpec.Method.float.rawValue
        }
    }

    @Option(help: "Training algorithms, comma separated.") var algorithms = "in-situ,mixed-precision,stochastic-update,tiki-taka,tiki-taka-2"
    @Option(help: "Devices, comma separated (see above).") var devices = "1t1r,symmetric,agsi"
    @Option(help: "Seeds: N (seeds 1 to N) or a list such as 1,5,9.") var seeds = "3"
    @Option(help: "The baseline design (a digital chip of the same workload), or none.") var baseline = "arch/digital-32nm.yaml"
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training images per run (default: each arch file's).") var images: Int?
    @Option(parsing: .unconditional, help: "Worker threads (results do not depend on it).") var threads = UsableCores.count
    @Option(help: "Folder for algorithms.json, algorithms.csv and report.html.") var out: String?
    @Flag(help: "Replace the outputs of an earlier run in --out.") var force = false

    /// One planned run: a row of the table and the design and seed it trains.
    struct Job {
        var row: Int
        var design: ArchDesign
        var seed: UInt64
    }

    func run() throws {
        guard threads >= 1 && threads <= 1024 else { throw usageError("--threads must be from 1 to 1024") }
        if let images, images < 1 { throw usageError("--images must be at least 1") }
        let seedList = try Train.parseSeeds(seeds)
        let methods = try Self.list(algorithms, option: "--algorithms", among: Self.crossbarMethods)
        let chosen = try Self.list(devices, option: "--devices", among: Self.devices.map(\.name)).map { name in Self.devices.first { $0.name == name }! }
        var rows: [(algorithm: String, device: String, design: ArchDesign)] = []
        for device in chosen {
            for method in methods {
                let m = TrainingSpec.Method(rawValue: method)
                let extra = DeviceStep.methods.contains(m) ? device.deviceStep : []
                var design = try loadDesign(path: device.arch, overrides: device.overrides + Self.schedule(for: m, device.arch)
                                            + ["training.method=\(method)"] + extra)
                if let images { design.training.images = images }
                rows.append((method, device.name, design))
            }
        }
        if baseline != "none" {
            var design = try loadDesign(path: baseline, overrides: [])
            guard let own = design.accelerator else {
                throw usageError("--baseline \(baseline) is a crossbar design; give a digital chip (e.g. arch/digital-32nm.yaml) or none")
            }
            if let images { design.training.images = images }
            rows.append((own.spec.method.rawValue, "-", design))
        }
        let jobs = rows.indices.flatMap { r in seedList.map { Job(row: r, design: rows[r].design, seed: $0) } }
        let folder = try out.map { try takeRunFolder($0, force: force) }
        // The data, as each row's design crops and scales it.
        let sets = try rows.map { try data.load(for: $0.design) }
        let progress = ProgressLine(label: "algorithms", total: jobs.count, unit: "runs")
        let runs = try parallelMap(jobs.count, threads: threads, finished: { done, _ in progress.update(done.count) }) { i in
            var t = jobs[i].design.training
            t.seed = jobs[i].seed
            let d = jobs[i].design
            return try TrainingRun.execute(chip: d.chip, accelerator: d.accelerator, network: d.network, training: t,
                                           data: sets[jobs[i].row].unshared)
        }
        progress.finish()
        let table = AlgorithmTable(rows: rows.indices.map { r in
            AlgorithmTable.Row(algorithm: rows[r].algorithm, device: rows[r].device,
                               runs: zip(jobs, runs).filter { $0.0.row == r }.map(\.1))
        })
        print(table.text())
        guard let out, let folder else { return }
        try writingOutputs(to: out) {
            try table.write(to: out)
            try folder.finish(files: ["algorithms.json", "algorithms.csv", "report.html"],
                              fingerprint: Fingerprint.of([Data("\(algorithms)|\(devices)|\(seedList)|\(baseline)|\(images ?? 0)|\(data.fingerprint)".utf8)]))
        }
    }

    /// What a method needs of the arch: the stochastic update takes one image at a time with the
    /// weights its states imply (no read-back after each of 80,000 updates), at the batch's
    /// learning rates over the batch size (the same mean step per image); Tiki-Taka needs room
    /// for its four-row cells.
    static func schedule(for method: TrainingSpec.Method, _ arch: String) throws -> [String] {
        let design = try loadDesign(path: arch, overrides: [])
        // Tiki-Taka's four-row cells take twice the rows of a pair: four times the tiles (the packed
        // mapping splits its layers by rows), and backpropagation takes the weights its states imply.
        if method == .tikiTaka || method == .tikiTaka2 {
            return ["chip.tile.count=\(4 * design.chip.tile.count)", "training.readback=never"]
        }
        guard method == .stochasticUpdate else { return [] }
        let batch = Double(design.training.batchSize), unit = design.chip.device.model.stateUnit
        let rates = design.training.learningRatesVoltsSquared.map { "\($0 / batch) \(unit)^2" }.joined(separator: ", ")
        return ["training.batch=1", "training.readback=never", "training.learning_rate=[\(rates)]"]
    }

    /// The comma-separated names of `text`, each one of `known`, none twice.
    static func list(_ text: String, option: String, among known: [String]) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where !known.contains(name) {
            throw usageError("\(option): '\(name)' is not one of \(known.joined(separator: ", "))")
        }
        guard Set(names).count == names.count else { throw usageError("\(option) names one twice: \(text)") }
        return names
    }
}
