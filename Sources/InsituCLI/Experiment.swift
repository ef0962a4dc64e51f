import ArgumentParser
import Foundation
import InsituArchFile
import InsituEngine
import InsituMapping
import InsituReport
import InsituTraining

/// `insitu experiment NAME`: reproductions of the paper's experiments.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one of the paper's experiments.",
        subcommands: [StuckDevices.self, CalibrationCommand.self, LargeNetworkCommand.self, AlgorithmsCommand.self])
}

/// Fig. 4b (two layers, in-situ vs ex-situ) and Fig. 4c (--layers 1) of Li et al. 2018.
struct StuckDevices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stuck-devices",
        abstract: "Accuracy against the fraction of devices stuck low, in-situ vs ex-situ, over several seeds (Fig. 4b-c).",
        discussion: """
        With --layers 1 the network keeps only its input and output widths (64-10), and unless --set says
        otherwise uses the single-layer settings of docs/reproduction.md: chip.tia.output_gain=500 V/A
        (its output currents are ten times larger) and training.learning_rate=0.005 V^2.
        Examples:
          insitu experiment stuck-devices --arch arch/li2018.yaml --seeds 3
          insitu experiment stuck-devices --arch arch/li2018.yaml --layers 1 --methods in-situ --out runs/fig4c
        """)

    @Option(help: "Architecture file.") var arch = "arch/li2018.yaml"
    @Option(name: .customLong("set"), help: "Arch override KEY=VALUE (repeatable).") var overrides: [String] = []
    @OptionGroup var data: DataOptions
    @Option(help: "Stuck-low fractions, comma separated (percent or fraction).")
    var fractions = "0,1%,2%,3%,5%,10%,15%,20%,30%,40%,50%"
    @Option(parsing: .unconditional, help: "Seeds per point (1...N).") var seeds = 3
    @Option(help: "Methods, comma separated: in-situ, ex-situ.") var methods = "in-situ,ex-situ"
    @Option(help: "1 for the single-layer network of Fig. 4c, 2 for the design's network.") var layers = 2
    @Option(parsing: .unconditional, help: "Training images per run (default: the arch file's).") var images: Int?
    @Option(parsing: .unconditional, help: "Worker threads (results do not depend on it).") var threads = UsableCores.count
    @Option(help: "Folder for sweep.json, sweep.csv and report.html.") var out: String?
    @Flag(help: "Replace the outputs of an earlier run in --out.") var force = false

    /// Most runs one experiment may plan (fractions x methods x seeds).
    static let maximumRuns = 100_000

    static let singleLayerDefaults = ["chip.tia.output_gain=500 V/A", "training.learning_rate=0.005 V^2"]

    func run() throws {
        guard seeds >= 1 && seeds <= 10_000 else { throw usageError("--seeds must be from 1 to 10,000") }
        guard threads >= 1 && threads <= 1024 else { throw usageError("--threads must be from 1 to 1024") }
        guard layers == 1 || layers == 2 else { throw usageError("--layers must be 1 or 2") }
        var sets = overrides
        if layers == 1 {
            let given = Set(overrides.compactMap { $0.split(separator: "=").first.map(String.init) })
            sets = Self.singleLayerDefaults.filter { !given.contains(String($0.split(separator: "=")[0])) } + overrides
        }
        var (design, resolved) = try loadResolvedDesign(path: arch, overrides: sets)
        if let own = design.accelerator {
            throw usageError("--arch \(arch) describes a \(own.spec.kind) accelerator, which has no devices to make stuck; give a crossbar design such as arch/li2018.yaml")
        }
        if design.chip.device.model.withStuckLow(fraction: 0) == nil {
            throw usageError("--arch \(arch): the device model '\(design.chip.device.model.kind)' has no stuck devices to vary; give a model that has them, such as gate-controlled")
        }
        if layers == 1 { design.network.layers = [design.network.layers.first!, design.network.layers.last!] }
        if let images {
            guard images > 0 else { throw usageError("--images must be at least 1") }
            design.training.images = images
        }
        if design.training.learningRatesVoltsSquared.count != design.network.layers.count - 1 {
            design.training.learningRatesVoltsSquared = Array(repeating: design.training.learningRatesVoltsSquared[0],
                                                              count: design.network.layers.count - 1)
        }
        let fractionList = try parseFractions(fractions)
        let methodList = try methods.split(separator: ",", omittingEmptySubsequences: false).map { name -> TrainingSpec.Method in
            let m = TrainingSpec.Method(rawValue: String(name))
            guard m == .inSitu || m == .exSitu else {
                throw usageError("--methods takes in-situ and ex-situ, found '\(name)'")
            }
            return m
        }
        guard !fractionList.isEmpty else { throw usageError("--fractions needs at least one fraction, e.g. 0,5%,10%") }
        guard !methodList.isEmpty else { throw usageError("--methods needs in-situ, ex-situ or both") }
        let (runs, overflow) = fractionList.count.multipliedReportingOverflow(by: methodList.count * seeds)
        guard !overflow && runs <= Self.maximumRuns else {
            throw usageError("--fractions x --methods x --seeds: \(fractionList.count) x \(methodList.count) x \(seeds) runs is more than \(Self.maximumRuns); give fewer")
        }
        let trainingData = try data.load(for: design)
        let sweep = StuckDeviceSweep(chip: design.chip, network: design.network, training: design.training,
                                     fractions: fractionList, methods: methodList, seeds: (1...seeds).map(UInt64.init))
        do {
            _ = try ChipBuilder.placements(chip: design.chip, network: design.network)
        } catch let failure as LayerMapping.Failure {
            throw usageError("\(arch): \(failure)")
        }
        // The folder is taken once every input has been checked.
        let runFolder = try out.map { try takeRunFolder($0, force: force) }
        let layers = design.network.layers, name = design.name, folder = out
        // Each finished run is written at once, so an interrupted sweep keeps what it finished.
        let progress = ProgressLine(label: "stuck-devices", total: sweep.jobs.count, unit: "runs")
        let results = try sweep.run(on: trainingData, threads: threads) { finished, total in
            progress.update(finished.count)
            if let folder { try? SweepTable(results: finished, layers: layers, design: name).write(to: folder) }
        }
        progress.finish()
        let table = SweepTable(results: results, layers: layers, design: name)
        print(table.text())
        if let out, let runFolder {
            try writingOutputs(to: out) {
                try table.write(to: out)
                try runFolder.finish(files: ["sweep.json", "sweep.csv", "report.html"], fingerprint: Fingerprint.of([resolved], [
                    "\(fractionList)", "\(methodList.map(\.rawValue))", "seeds \(seeds)", "layers \(layers)", "\(design.training.images)", data.fingerprint,
                ]))
            }
        }
    }

    func parseFractions(_ text: String) throws -> [Double] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= 1000 else { throw usageError("--fractions lists \(items.count) fractions; give at most 1000") }
        return try items.map { item in
            let t = item.trimmingCharacters(in: .whitespaces)
            let v = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
            guard let v, v >= 0, v <= 1 else { throw usageError("--fractions: '\(t)' is not a fraction from 0 to 1 (or 0% to 100%)") }
            return v
        }
    }
}
