import Foundation
import Testing

/// A trace's spans carry the ledger's energy: over a window of images they add up exactly to
/// what the ledger charged for those images, and spans on one track never overlap.
@Suite struct TraceEnergyTests {
    typealias CLI = CommandLineTests

    static func folder(_ tag: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("insitu-te-\(tag)-\(UUID().uuidString)").path
    }

    /// Quanta (1e-24 J) of an exact decimal number of joules.
    static func quanta(_ joules: String) -> Decimal { Decimal(string: joules)! * Decimal(sign: .plus, exponent: 24, significand: 1) }

    /// The ledger's total and its test-phase part, in quanta.
    static func ledger(_ dir: String) throws -> (total: Decimal, test: Decimal) {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/ledger.json"))) as! [String: Any]
        var total = Decimal(), test = Decimal()
        for e in json["entries"] as! [[String: Any]] {
            let q = quanta(e["energy_J"] as! String)
            total += q
            if e["phase"] as? String == "test" { test += q }
        }
        return (total, test)
    }

    struct Span { var tid: Int; var start: Int64; var end: Int64; var energy: Decimal; var args: [String: Any] }

    static func spans(_ path: String) throws -> [Span] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (json["traceEvents"] as! [[String: Any]]).filter { $0["ph"] as? String == "X" }.map { e in
            let ts = Int64(((e["ts"] as! Double) * 1e6).rounded()), dur = Int64(((e["dur"] as! Double) * 1e6).rounded())
            let args = e["args"] as! [String: Any]
            return Span(tid: e["tid"] as! Int, start: ts, end: ts + dur, energy: Decimal(string: args["energy_yJ"] as! String)!, args: args)
        }
    }

    static func expectNoOverlap(_ spans: [Span]) {
        for track in Set(spans.map(\.tid)) {
            let sorted = spans.filter { $0.tid == track }.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                #expect(a.end <= b.start || a.start == a.end || b.start == b.end, "track \(track): \(a.start)-\(a.end) overlaps \(b.start)-\(b.end) ps")
            }
        }
    }

    /// Images 100..200 of a 200-image run: the ledger of the run less the ledger of the first
    /// 100 images (without that run's final test, which the longer run does only at its end).
    @Test func windowEnergyIsTheLedgersDifference() throws {
        let traced = Self.folder("traced"), prefix = Self.folder("prefix")
        defer { try? FileManager.default.removeItem(atPath: traced); try? FileManager.default.removeItem(atPath: prefix) }
        let run = try CLI.run(["train", "arch/li2018.yaml", "--images", "200", "--quiet", "--out", traced, "--trace", "--trace-images", "100..200"])
        #expect(run.status == 0, "\(run.err)")
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", prefix]).status == 0)
        let whole = try Self.ledger(traced), first = try Self.ledger(prefix)
        let spans = try Self.spans(traced + "/trace.json")
        let traceEnergy = spans.reduce(Decimal()) { $0 + $1.energy }
        #expect(traceEnergy == whole.total - (first.total - first.test))
        #expect(traceEnergy > 0)
        Self.expectNoOverlap(spans)
        // Training spans name images of the window; test spans name test images.
        let images = Set(spans.compactMap { $0.args["image"] as? Int })
        #expect(images.min() == 100 && images.max() == 199)
        #expect(spans.contains { $0.args["test_image"] != nil })
        #expect(Set(spans.compactMap { $0.args["layer"] as? Int }) == [1, 2])
        // The same run traced again gives the same bytes; untraced, the same ledger and reports.
        let again = Self.folder("again"), untraced = Self.folder("untraced")
        defer { try? FileManager.default.removeItem(atPath: again); try? FileManager.default.removeItem(atPath: untraced) }
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "200", "--quiet", "--out", again, "--trace", "--trace-images", "100..200"]).status == 0)
        for file in ["trace.json", "trace.vcd"] {
            #expect(FileManager.default.contents(atPath: traced + "/" + file) == FileManager.default.contents(atPath: again + "/" + file), "\(file)")
        }
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "200", "--quiet", "--out", untraced]).status == 0)
        for file in ["ledger.json", "layers.csv", "report.html"] {
            #expect(FileManager.default.contents(atPath: traced + "/" + file) == FileManager.default.contents(atPath: untraced + "/" + file), "\(file)")
        }
    }

    /// The digital baseline traced whole: its spans hold the whole ledger.
    @Test func digitalChipTracedWholeHoldsTheLedger() throws {
        let dir = Self.folder("digital")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try CLI.run(["train", "arch/digital-32nm.yaml", "--images", "100", "--quiet", "--out", dir, "--trace", "--trace-images", "all",
                               "--trace-gzip"])
        #expect(run.status == 0, "\(run.err)")
        let unzipped = dir + "/trace.json"
        #expect(try CLI.run(["/bin/sh", "-c", "gzip -dc \(dir)/trace.json.gz > \(unzipped)"], shell: true).status == 0)
        let spans = try Self.spans(unzipped)
        #expect(spans.reduce(Decimal()) { $0 + $1.energy } == (try Self.ledger(dir)).total)
        Self.expectNoOverlap(spans)
    }

    /// ISAAC's tile traced whole: its router, registers (charged in no time) and sliced weights' spans hold the whole ledger.
    @Test func isaacTileTracedWholeHoldsTheLedger() throws {
        let dir = Self.folder("isaac")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try CLI.run(["train", "arch/isaac-tile.yaml", "--images", "100", "--set", "training.test_images=20", "--quiet", "--out", dir,
                               "--trace", "--trace-images", "all"])
        #expect(run.status == 0, "\(run.err)")
        let spans = try Self.spans(dir + "/trace.json")
        #expect(try String(contentsOfFile: dir + "/trace.json", encoding: .utf8).contains("input-register"))
        #expect(spans.reduce(Decimal()) { $0 + $1.energy } == (try Self.ledger(dir)).total)
        Self.expectNoOverlap(spans)
    }

    @Test func badImageWindowsAreRefused() throws {
        let dir = Self.folder("bad")
        for (window, message) in [("5..5", "--trace-images expects A..B"), ("7..2", "--trace-images expects A..B"), ("a..b", "--trace-images expects A..B")] {
            let r = try CLI.run(["train", "arch/li2018.yaml", "--images", "10", "--out", dir, "--trace", "--trace-images", window])
            #expect(r.status == 2 && r.err.contains(message), "\(window): \(r.err)")
        }
        let r = try CLI.run(["train", "arch/li2018.yaml", "--images", "10", "--out", dir, "--trace-images", "0..5"])
        #expect(r.status == 2 && r.err.contains("go with --trace"))
        #expect(!FileManager.default.fileExists(atPath: dir))
    }
}

/// What a dependent package builds must not carry unsafe flags (SwiftPM refuses them there).
@Suite struct PackageManifestTests {
    @Test func noUnsafeFlags() throws {
        let manifest = try String(contentsOfFile: CommandLineTests.root.appendingPathComponent("Package.swift").path, encoding: .utf8)
        #expect(!manifest.contains(".unsafeFlags("))
        #expect(manifest.contains(".library(name: \"Insitu\""))
    }

    /// Every module of the package (or product of a dependency) a target imports is among the
    /// dependencies the manifest declares for it. CYaml comes only inside the Yams product,
    /// which cannot name it, so it is accepted where Yams is declared.
    @Test func everyImportIsDeclared() throws {
        let root = CommandLineTests.root
        let manifest = try String(contentsOfFile: root.appendingPathComponent("Package.swift").path, encoding: .utf8)
        let targets = ManifestTargets(manifest)
        #expect(targets.dependencies.count >= 20, "the manifest's targets were read")
        var undeclared: [String] = []
        for (target, declared) in targets.dependencies {
            let folder = ["Sources", "Tests"].map { root.appendingPathComponent($0).appendingPathComponent(target) }
                .first { FileManager.default.fileExists(atPath: $0.path) }
            guard let folder, let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for module in ManifestTargets.imports(in: text) where targets.modules.contains(module) || module == "CYaml" {
                    let allowed = declared.contains(module) || module == target || (module == "CYaml" && declared.contains("Yams"))
                    if !allowed { undeclared.append("\(target)/\(file) imports \(module)") }
                }
            }
        }
        #expect(undeclared.isEmpty, "\(undeclared)")
    }
}

/// The targets of Package.swift and the dependencies each declares, read from its text.
struct ManifestTargets {
    var dependencies: [String: Set<String>] = [:]
    /// Modules a target may import from this package or its dependencies' products.
    var modules: Set<String> = []

    init(_ manifest: String) {
        let lines = manifest.components(separatedBy: "\n")
        var current: String?
        for line in lines {
            if let name = Self.capture(line, after: "Target(name: \"") ?? Self.capture(line, after: ".target(name: \"")
                ?? Self.capture(line, after: ".systemLibrary(name: \"") {
                current = name
                dependencies[name] = []
                modules.insert(name)
            }
            guard let target = current else { continue }
            for product in Self.all(line, after: ".product(name: \"") {
                dependencies[target, default: []].insert(product)
                modules.insert(product)
            }
            if let deps = line.range(of: "dependencies: [") {
                dependencies[target, default: []].formUnion(Self.quoted(String(line[deps.upperBound...])))
            } else if line.hasPrefix("            \"") {
                dependencies[target, default: []].formUnion(Self.quoted(line))
            }
        }
    }

    /// Names after `import` (or `@testable import`) at the start of a line.
    static func imports(in text: String) -> [String] {
        text.components(separatedBy: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let k = words.firstIndex(of: "import"), k + 1 < words.count, words[..<k].allSatisfy({ $0.hasPrefix("@") }) else { return nil }
            return String(words[k + 1])
        }
    }

    private static func capture(_ line: String, after marker: String) -> String? { all(line, after: marker).first }

    private static func all(_ line: String, after marker: String) -> [String] {
        line.components(separatedBy: marker).dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }

    /// Quoted names up to the closing bracket, leaving out `.product(...)` entries.
    private static func quoted(_ text: String) -> [String] {
        let list = text.components(separatedBy: "]").first ?? text
        return list.replacingOccurrences(of: #".product\([^)]*\)"#, with: "", options: .regularExpression)
            .components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }
}
