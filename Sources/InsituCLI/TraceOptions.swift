import ArgumentParser
import Foundation
import InsituArchFile
import InsituEngine
import InsituReport

/// The trace options of `train` and `compare`: whether to trace, which window, gzip.
struct TraceOptions: ParsableArguments {
    /// Training images traced when neither --trace-images nor --trace-time is given.
    static let defaultImages = 0..<100

    @Flag(help: "Write trace.json (Perfetto / chrome://tracing) and trace.vcd (waveform viewers) of the hardware activity into --out (by default of the first 100 training images; see --trace-images).")
    var trace = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Trace training images A..B (A included, B not; from 0), or 'all' for the whole run.", valueName: "A..B"))
    var traceImages: String?
    @Option(help: ArgumentHelp("Trace only simulated time T0..T1, e.g. 10 ms..12 ms.", valueName: "T0..T1"))
    var traceTime: String?
    @Option(parsing: .unconditional, help: "Most spans written to the trace (default: no limit beyond the window).")
    var traceLimit: Int?
    @Flag(help: "Write the Perfetto trace as trace.json.gz (gzip) instead of trace.json.")
    var traceGzip = false

    /// The window asked for; a bad option ends the command with exit code 2.
    func window() throws -> TraceWriter.Window? {
        if !trace {
            if traceImages != nil || traceTime != nil || traceLimit != nil || traceGzip {
                throw usageError("--trace-images, --trace-time, --trace-limit and --trace-gzip go with --trace")
            }
            return nil
        }
        if let traceLimit, traceLimit < 1 { throw usageError("--trace-limit must be at least 1") }
        let time = try traceTime.map(Self.timeWindow)
        var images: Range<Int>? = traceTime == nil ? Self.defaultImages : nil
        if let traceImages { images = try Self.imageWindow(traceImages) }
        return TraceWriter.Window(images: images, time: time, spanLimit: traceLimit)
    }

    /// Opens the trace files in `folder` when tracing.
    func writer(_ window: TraceWriter.Window?, in folder: String) throws -> TraceWriter? {
        guard let window else { return nil }
        do {
            return try TraceWriter(folder: folder, gzip: traceGzip, window: window)
        } catch {
            printError("error: cannot write the trace in \(folder): \(error.localizedDescription)")
            throw ExitCode.failure
        }
    }

    /// Images A..B (0 <= A < B), or nil for 'all'.
    static func imageWindow(_ text: String) throws -> Range<Int>? {
        if text == "all" { return nil }
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let a = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let b = Int(parts[1].trimmingCharacters(in: .whitespaces)), a >= 0, b > a else {
            throw usageError("--trace-images expects A..B with whole numbers 0 <= A < B (images A up to B, B not included), or 'all'; found '\(text)'")
        }
        return a..<b
    }

    /// A window of simulated time written T0..T1 with units (e.g. "10 ms..12 ms"), in picoseconds.
    static func timeWindow(_ text: String) throws -> Range<UInt64> {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let a = PhysicalUnit.second.value(parts[0]), let b = PhysicalUnit.second.value(parts[1]),
              a >= 0, b > a, b < 1.8e7 else {
            throw usageError("--trace-time expects T0..T1 with units and T0 < T1, e.g. 10 ms..12 ms; found '\(text)'")
        }
        return UInt64((a * 1e12).rounded())..<UInt64((b * 1e12).rounded())
    }

    /// One line on what the trace holds.
    static func summary(_ writer: TraceWriter, folder: String) -> String {
        "trace: \(writer.spansWritten) spans (\(writer.window.description), \(Ledger.humanEnergy(joules: writer.energy.joules))) in \(folder)/"
            + writer.fileNames.joined(separator: " and ")
            + (writer.spansWritten == 0 ? " (the window holds none of this run's activity)" : "") + (writer.dropped > 0 ? " (stopped by --trace-limit, \(writer.dropped) spans of its last segment left out)" : "")
    }
}
