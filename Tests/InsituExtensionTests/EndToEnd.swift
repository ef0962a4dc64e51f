import Foundation
import InsituArchFile
import InsituReport
import InsituTraining

/// What the extension tests share: a scratch folder, and a design trained as `insitu train
/// --out --trace` does it (trace of `images`, report files), checked in `check`.
enum EndToEnd {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var li2018: String { root.appendingPathComponent("arch/li2018.yaml").path }

    /// A new folder for `body`, removed after it.
    static func scratch<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-extension-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    /// Trains `d` on `data` with a trace of the training images `images`, writes the run's
    /// folder, and hands the run, the folder and the files written to `check`.
    static func train(_ d: ArchDesign, on data: TrainingData, traced images: Range<Int>,
                      _ check: (TrainingRun, URL, [String]) throws -> Void) throws {
        try scratch { dir in
            let trace = try TraceWriter(folder: dir.path, window: TraceWriter.Window(images: images))
            let run = try TrainingRun.execute(chip: d.chip, accelerator: d.accelerator, network: d.network, training: d.training,
                                              data: data, trace: trace)
            var files = try RunWriter.write(run, design: d.name, to: dir.path)
            files += try trace.finish()
            try check(run, dir, files)
        }
    }

    /// The text of `name` in `folder`.
    static func text(_ folder: URL, _ name: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
}
