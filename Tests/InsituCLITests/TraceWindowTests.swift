import Foundation
import Testing

/// Traces of a window of simulated time, plain or gzip.
@Suite struct TraceWindowTests {
    typealias CLI = CommandLineTests

    struct Trace: Decodable {
        struct Event: Decodable { var ph: String; var ts: Double?; var dur: Double? }
        var traceEvents: [Event]
    }

    @Test func windowKeepsOverlappingSpansAndGzipIsTheSameTrace() throws {
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-tw-\(UUID().uuidString)").path
        let zipped = plain + "-gz"
        let args = ["train", "arch/li2018.yaml", "--images", "400", "--quiet", "--trace", "--trace-time", "40 us..45 us"]
        #expect(try CLI.run(args + ["--out", plain]).status == 0)
        #expect(try CLI.run(args + ["--out", zipped, "--trace-gzip"]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: plain + "/trace.json"))
        let spans = try JSONDecoder().decode(Trace.self, from: data).traceEvents.filter { $0.ph == "X" }
        #expect(!spans.isEmpty)
        for s in spans {
            let start = s.ts!, end = s.ts! + s.dur!
            #expect(end >= 40 && start <= 45, "span \(start)-\(end) us outside the window")
        }
        let unzipped = try CLI.run(["/bin/sh", "-c", "gzip -dc \(zipped)/trace.json.gz"], shell: true)
        #expect(unzipped.out == String(decoding: data, as: UTF8.self))
        let bad = try CLI.run(["train", "arch/li2018.yaml", "--images", "10", "--trace", "--out", plain + "-bad", "--trace-time", "45 us"])
        #expect(bad.status == 2 && bad.err.contains("--trace-time expects T0..T1"))
        #expect(!FileManager.default.fileExists(atPath: plain + "-bad"))
    }
}
