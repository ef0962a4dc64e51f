import Foundation
import Testing

/// Each kind of report.html opened in headless Chromium: its script runs (it marks the
/// body with the number of charts) and a screenshot is not blank.
@Suite(.serialized) struct BrowserReportTests {
    typealias CLI = CommandLineTests

    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-html-\(UUID().uuidString)").path }

    /// Runs Chromium headless on `page` with `arguments`; its standard output. A browser that
    /// dies without output on a loaded machine is tried again, up to three times.
    static func browse(_ page: String, _ arguments: [String], until done: () -> Bool = { true }) throws -> String {
        var out = ""
        for _ in 0..<3 {
            out = try CLI.run([chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,2000"]
                              + arguments + ["file://" + page], shell: true).out
            if !out.isEmpty || (arguments.contains { $0.hasPrefix("--screenshot") } && done()) { break }
        }
        return out
    }

    @Test(.enabled(if: BrowserReportTests.chromium != nil, "Chromium is not installed (.ci/run installs Debian's chromium)"),
          arguments: ["train", "compare", "sweep", "experiment", "seeds", "constrained-sweep"])
    func reportRendersInABrowser(_ kind: String) throws {
        let out = Self.folder()
        let command: [String] = switch kind {
        case "train": ["train", "arch/li2018.yaml", "--images", "400", "--set", "training.evaluation_interval=100", "--quiet", "--out", out]
        case "compare": ["compare", "arch/li2018.yaml", "arch/digital-32nm.yaml", "--images", "200", "--out", out]
        case "sweep": ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--images", "100", "--quiet", "--out", out]
        case "seeds": ["train", "arch/li2018.yaml", "--images", "300", "--set", "training.evaluation_interval=100", "--seeds", "2", "--quiet", "--out", out]
        case "constrained-sweep": ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--images", "200", "--seeds", "2", "--min-accuracy", "0.3",
                                   "--minimize", "training_energy", "--quiet", "--out", out]
        default: ["experiment", "stuck-devices", "--fractions", "0,10%", "--seeds", "1", "--images", "200", "--out", out]
        }
        #expect(try CLI.run(command).status == 0)
        let page = out + "/report.html"
        let expected = ["train": 7, "compare": 2, "sweep": 2, "experiment": 1, "seeds": 1, "constrained-sweep": 2][kind]!
        let dom = try Self.browse(page, ["--dump-dom"])
        #expect(dom.contains("data-rendered=\"\(expected) charts\""), "the page's script did not run to the end")
        // Seeds draw their spread as error bars; a constrained sweep names its constraints and draws its front.
        if kind == "seeds" || kind == "constrained-sweep" { #expect(dom.contains("class=\"error-bar\"")) }
        if kind == "constrained-sweep" { #expect(dom.contains("test_accuracy &gt;= 0.3") && dom.contains("class=\"front\"")) }
        let shot = out + "/shot.png"
        _ = try Self.browse(page, ["--screenshot=\(shot)"]) { FileManager.default.fileExists(atPath: shot) }
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // A blank page of this size compresses to a few kilobytes; charts and tables take far more.
        #expect(png.count > 30_000, "screenshot of \(png.count) bytes looks blank")
    }
}
