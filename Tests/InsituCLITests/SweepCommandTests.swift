import Foundation
import Testing

/// `insitu sweep` from the command line: tables, resume, threads, shards and Slurm.
@Suite(.serialized) struct SweepCommandTests {
    typealias CLI = CommandLineTests

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-sweep-\(UUID().uuidString)").path }
    static let base = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--vary", "chip.adc.per_tile=1,8", "--images", "100", "--quiet"]

    @Test func sweepWritesResumesAndIsTheSameAtAnyThreadCount() throws {
        let a = Self.folder(), b = Self.folder()
        let first = try CLI.run(Self.base + ["--out", a, "--threads", "2", "--pareto"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("Pareto points:"))
        for file in ["sweep.csv", "sweep.json", "sweep-spec.json", "points/00003/point.json", "points/00003/design.json", "points/00003/report.json"] {
            #expect(FileManager.default.fileExists(atPath: a + "/" + file), "\(file)")
        }
        let design = try String(contentsOfFile: a + "/points/00003/design.json", encoding: .utf8)
        #expect(design.contains("\"per_tile\" : \"8\"") && design.contains("\"bits\" : \"8\""))
        let csv = try String(contentsOfFile: a + "/sweep.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 5)
        #expect(csv.hasPrefix("point,chip.adc.bits,chip.adc.per_tile,tiles,devices,area_m2,test_accuracy,"))
        // Run again: every point is done already; the table is rebuilt byte for byte.
        let again = try CLI.run(Self.base + ["--out", a])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: a + "/sweep.csv", encoding: .utf8) == csv)
        // One thread gives the same table.
        #expect(try CLI.run(Self.base + ["--out", b, "--threads", "1"]).status == 0)
        #expect(try String(contentsOfFile: b + "/sweep.csv", encoding: .utf8) == csv)
    }

    /// Devices of the library compared on one design: each point's resolved design holds its
    /// device and the gains rescaled to its window; the design's own device is the design.
    @Test func devicesOfTheLibraryAreASweepAxis() throws {
        let a = Self.folder()
        let small = ["--images", "100", "--set", "training.test_images=50"]
        let run = try CLI.run(["sweep", "arch/li2018-agsi.yaml", "--vary", "device=ag-asi,epiram", "--quiet", "--out", a] + small)
        #expect(run.status == 0, "\(run.err)")
        let csv = try String(contentsOfFile: a + "/sweep.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(csv.count == 3 && csv[0][1] == "device" && csv[1][1] == "ag-asi" && csv[2][1] == "epiram")
        let design = try String(contentsOfFile: a + "/points/00001/design.json", encoding: .utf8)
        #expect(design.contains("\"conductance_max\" : \"12.35 uS\"") && !design.contains("\"device\" : \"epiram\""))
        // The design's own device from the library trains as the design itself.
        let own = try CLI.run(["train", "arch/li2018-agsi.yaml"] + small)
        let column = try #require(csv[0].firstIndex(of: "test_accuracy"))
        let swept = try #require(Double(csv[1][column]))
        #expect(own.status == 0 && own.out.contains(String(format: "test accuracy: %.2f%%", 100 * swept)), "\(own.out)")
    }

    /// A point written in the report vocabulary before schema version 2 cannot be read: a
    /// resumed sweep runs it again, and the table is what a fresh sweep gives.
    @Test func pointsOfAnOlderVocabularyRunAgain() throws {
        let a = Self.folder()
        let args = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "50", "--quiet", "--out", a]
        #expect(try CLI.run(args).status == 0)
        let csv = try String(contentsOfFile: a + "/sweep.csv", encoding: .utf8)
        let point = a + "/points/00001/point.json"
        let old = try String(contentsOfFile: point, encoding: .utf8).replacingOccurrences(of: "\"test_accuracy\"", with: "\"accuracy\"")
        try old.write(toFile: point, atomically: true, encoding: .utf8)
        let again = try CLI.run(args.filter { $0 != "--quiet" })
        #expect(again.status == 0 && again.err.contains("2 points, 1 already done"), "\(again.err)")
        #expect(try String(contentsOfFile: a + "/sweep.csv", encoding: .utf8) == csv)
    }

    @Test func shardsMergeToTheSameTable() throws {
        let local = Self.folder(), sharded = Self.folder()
        #expect(try CLI.run(Self.base + ["--out", local]).status == 0)
        for i in 0..<3 { #expect(try CLI.run(Self.base + ["--out", sharded, "--shard", "\(i)/3"]).status == 0) }
        let merged = try CLI.run(["sweep", "--merge", sharded])
        #expect(merged.status == 0, "\(merged.err)")
        #expect(try String(contentsOfFile: sharded + "/sweep.csv", encoding: .utf8) == String(contentsOfFile: local + "/sweep.csv", encoding: .utf8))
    }

    @Test func badSweepsAreRefused() throws {
        let dir = Self.folder()
        let bad = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,99", "--out", dir])
        #expect(bad.status == 2)
        #expect(bad.err.contains("point 1 (chip.adc.bits=99)"))
        #expect(!FileManager.default.fileExists(atPath: dir))
        #expect(try CLI.run(Self.base + ["--out", dir, "--shard", "0/2"]).status == 0)
        let other = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=5", "--images", "100", "--out", dir])
        #expect(other.status == 2 && other.err.contains("holds another sweep"))
        let incomplete = try CLI.run(["sweep", "--merge", dir])
        #expect(incomplete.status == 1 && incomplete.err.contains("2 point(s) not done"))
        #expect(try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4", "--out", dir, "--shard", "2/2"]).status == 2)
    }

    static var slurmUp: Bool {
        guard let r = try? CLI.run(["/bin/sh", "-c", "sinfo -h -o %T 2>/dev/null"], shell: true) else { return false }
        return r.out.contains("idle") || r.out.contains("mixed")
    }

    /// A sweep over a Slurm job array on the one-node cluster of scripts/slurm-localhost.sh
    /// (.ci/run starts it): the merged table equals the local one.
    @Test(.enabled(if: SweepCommandTests.slurmUp, "no Slurm cluster answers; start one with scripts/slurm-localhost.sh --install"))
    func slurmJobArrayMergesToTheLocalTable() throws {
        let local = Self.folder(), cluster = Self.folder()
        #expect(try CLI.run(Self.base + ["--out", local]).status == 0)
        let script = try CLI.run(Self.base + ["--out", cluster, "--slurm", "2"])
        #expect(script.status == 0, "\(script.err)")
        let submitted = try CLI.run(["/bin/sh", "-c", "sbatch --wait \(cluster)/sweep.sbatch"], shell: true)
        #expect(submitted.status == 0, "\(submitted.err)")
        #expect(try CLI.run(["sweep", "--merge", cluster]).status == 0)
        #expect(try String(contentsOfFile: cluster + "/sweep.csv", encoding: .utf8) == String(contentsOfFile: local + "/sweep.csv", encoding: .utf8))
    }
}
