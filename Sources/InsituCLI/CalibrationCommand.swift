import ArgumentParser
import Foundation
import InsituReport
import InsituTraining

/// `insitu experiment calibration`: a design at full rate beside a published table of power and area.
struct CalibrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "Run a full-rate inference workload and compare each component's power and area with a published design's table.",
        discussion: """
        The workload is one layer on random programmed states, random inputs streamed back to back, its
        outputs activated on the digital unit (docs/calibration.md). replicated: a tile's worth of inputs and
        outputs copied onto every tile, vectors taking the copies in turn, every tile's sums leaving the chip
        (ISAAC's pipeline). split: one layer split by rows over every tile, its partial sums joined on the chip.
        Examples:
          insitu experiment calibration --arch arch/isaac-tile.yaml
          insitu experiment calibration --arch arch/isaac-tile.yaml --set chip.tile.count=8 --reference isaac-ima
          insitu experiment calibration --arch arch/isaac-tile.yaml --workload split
        """)

    @Option(help: "Architecture file.") var arch = "arch/isaac-tile.yaml"
    @Option(name: .customLong("set"), help: "Arch override KEY=VALUE (repeatable).") var overrides: [String] = []
    @Option(help: "Published table: isaac-tile (96 crossbars) or isaac-ima (8 crossbars).") var reference = "isaac-tile"
    @Option(help: "How the layer sits on the tiles: replicated or split.") var workload = "replicated"
    @Option(parsing: .unconditional, help: "Input vectors to stream (default: 50 a tile replicated, 200 split).") var images: Int?
    @Option(parsing: .unconditional, help: "Seed of the random states and inputs.") var seed = 1
    @Option(help: "Folder for calibration.csv.") var out: String?
    @Flag(help: "Replace the outputs of an earlier run in --out.") var force = false

    static let tables = ["isaac-tile": PublishedTable.isaacTile, "isaac-ima": PublishedTable.isaacIMA]

    func run() throws {
        guard let table = Self.tables[reference] else {
            throw usageError("--reference takes \(Self.tables.keys.sorted().joined(separator: " or ")), found '\(reference)'")
        }
        guard let kind = Calibration.Workload(rawValue: workload) else {
            throw usageError("--workload takes \(Calibration.Workload.allCases.map(\.rawValue).joined(separator: " or ")), found '\(workload)'")
        }
        if let images, !(1...100_000).contains(images) { throw usageError("--images must be from 1 to 100,000") }
        guard seed >= 0 else { throw usageError("--seed must be at least 0") }
        let (design, resolved) = try loadResolvedDesign(path: arch, overrides: overrides)
        if let own = design.accelerator {
            throw usageError("--arch \(arch) describes a \(own.spec.kind) accelerator; give a crossbar design such as arch/isaac-tile.yaml")
        }
        let folder = try out.map { try takeRunFolder($0, force: force) }
        let vectors = images ?? (kind == .replicated ? min(50 * design.chip.tile.count, 100_000) : 200)
        let measured = try Calibration.run(chip: design.chip, workload: kind, images: vectors, seed: UInt64(seed))
        let text = CalibrationTable(published: table, measured: measured)
        let layout = kind == .replicated ? "a copy a tile of a" : "a"
        print("\(design.name) against \(table.name) (\(table.source)): \(vectors) vectors through \(layout) \(measured.widths[0])x\(measured.widths[1]) layer in \(String(format: "%.3f", measured.seconds * 1e6)) us")
        print(text.text())
        if let out, let folder {
            try writingOutputs(to: out) {
                try AtomicFile.write(text.csv(), to: URL(fileURLWithPath: out).appendingPathComponent("calibration.csv").path)
                try folder.finish(files: ["calibration.csv"], fingerprint: Fingerprint.of([resolved], [reference, workload, "\(vectors)", "\(seed)"]))
            }
        }
    }
}
