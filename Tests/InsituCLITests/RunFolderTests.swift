import Foundation
import Testing

/// Output folders that cannot mix or lose runs.
@Suite struct RunFolderTests {
    typealias CLI = CommandLineTests

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-out-\(UUID().uuidString)").path }

    struct Manifest: Decodable {
        struct Entry: Decodable { var name: String; var bytes: Int; var crc32: String }
        var files: [Entry]
    }

    /// Two runs into one folder at once: the second refuses while the first holds the lock;
    /// the first's files are complete, as its manifest says.
    @Test func concurrentRunsDoNotMix() throws {
        let out = Self.folder()
        let first = try CLI.start(["train", "arch/li2018.yaml", "--images", "30000", "--quiet", "--out", out])
        let lock = out + "/.insitu.lock"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: lock) && Date() < deadline && first.isRunning { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: lock))
        let second = try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out])
        #expect(second.status == 2)
        #expect(second.err.contains("another insitu run (process \(first.processIdentifier))"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: lock))
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")))
        #expect(Set(manifest.files.map(\.name)) == ["report.json", "report.html", "ledger.json", "costs.csv", "phases.csv", "components.csv", "layers.csv", "curve.csv"])
        for f in manifest.files {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + f.name))
            #expect(data.count == f.bytes, "\(f.name)")
        }
        let report = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        #expect(report.contains("\"images_trained\" : 30000"))
    }

    /// A run into a folder holding another is refused; --force replaces it, trace files of the
    /// earlier run included.
    @Test func earlierRunsAreRefusedOrReplaced() throws {
        let out = Self.folder()
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out, "--trace"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/trace.json"))
        let again = try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out])
        #expect(again.status == 2 && again.err.contains("holds the outputs of another run"))
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out, "--force"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: out + "/trace.json"))
    }

    /// Nothing is created before the inputs are checked; temporary files a killed run left are removed.
    @Test func foldersAreTakenLateAndCleaned() throws {
        let out = Self.folder()
        let bad = try CLI.run(["train", "arch/li2018.yaml", "--dataset", "mnist", "--data", "/nonexistent", "--out", out])
        #expect(bad.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let stale = out + "/.report.json.insitu-tmp-99999"
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("half".utf8)))
        try "999999\n".write(toFile: out + "/.insitu.lock", atomically: true, encoding: .utf8)   // a dead process's lock
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(!FileManager.default.fileExists(atPath: out + "/.insitu.lock"))
    }

    /// SIGTERM while a run writes its outputs leaves no temporary files and no lock.
    @Test func interruptedRunsLeaveNoTemporaries() throws {
        let out = Self.folder()
        let run = try CLI.start(["train", "arch/li2018.yaml", "--images", "20000", "--quiet", "--out", out, "--trace"])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: out + "/.insitu.lock") && Date() < deadline && run.isRunning { usleep(10_000) }
        usleep(200_000)
        run.terminate()
        run.waitUntilExit()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(!names.contains { $0.contains(".insitu-tmp-") || $0.hasPrefix(".dat.nosync") }, "\(names)")
        #expect(!names.contains(".insitu.lock") || run.terminationStatus == 0)
    }
}
