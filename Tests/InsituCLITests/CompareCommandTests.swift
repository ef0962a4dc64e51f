import Foundation
import Testing

/// `insitu compare` and digital designs from the command line.
@Suite struct CompareCommandTests {
    typealias CLI = CommandLineTests

    /// The table, its files, and both designs' reports; B's row values match its own run.
    @Test func compareWritesTableAndReports() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-cmp-\(UUID().uuidString)").path
        let r = try CLI.run(["compare", "arch/li2018.yaml", "arch/digital-32nm.yaml", "--images", "500", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("A: li2018 (in-situ), B: digital-32nm (digital)"))
        for measure in ["test accuracy", "training energy per image", "training time per image", "test energy per image",
                        "inference efficiency", "area"] {
            #expect(r.out.contains(measure), "\(measure)")
        }
        for file in ["compare.json", "compare.csv", "li2018/report.json", "digital-32nm/report.json", "digital-32nm/ledger.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let csv = try String(contentsOfFile: out + "/compare.csv", encoding: .utf8)
        let accuracy = try #require(csv.split(separator: "\n").first { $0.hasPrefix("test_accuracy,test accuracy,fraction,") })
        let fields = accuracy.split(separator: ",", omittingEmptySubsequences: false)
        let single = try CLI.run(["train", "arch/digital-32nm.yaml", "--images", "500", "--quiet"])
        #expect(single.out.contains(String(format: "test accuracy: %.2f%%", 100 * Double(fields[4])!)))
        // An accuracy has a difference (A - B), not a ratio.
        #expect(fields[5].isEmpty && abs(Double(fields[6])! - (Double(fields[3])! - Double(fields[4])!)) < 1e-12)
    }

    @Test func inferenceKeepsTestRowsOnly() throws {
        let r = try CLI.run(["compare", "arch/li2018.yaml", "arch/digital-45nm-fp32.yaml", "--images", "200", "--inference"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("test energy per image"))
        #expect(!r.out.contains("training energy per image"))
    }

    @Test func differentWorkloadsAreRefused() throws {
        let preset = CLI.root.appendingPathComponent("arch/digital-32nm.yaml").path
        let dir = try CLI.scratch(["other.yaml": "extends: \(preset)\ntraining:\n  batch: 10\n"])
        let r = try CLI.run(["compare", "arch/li2018.yaml", dir.appendingPathComponent("other.yaml").path])
        #expect(r.status == 2)
        #expect(r.err.contains("different workloads: training.batch 50 vs 10"))
    }

    @Test func methodsAreCheckedAgainstTheDesign() throws {
        let a = try CLI.run(["train", "arch/digital-32nm.yaml", "--method", "in-situ", "--images", "50"])
        #expect(a.status == 2 && a.err.contains("digital accelerator"))
        let b = try CLI.run(["train", "arch/li2018.yaml", "--method", "digital", "--images", "50"])
        #expect(b.status == 2 && b.err.contains("digital_chip"))
    }

    @Test func describeShowsPlacement() throws {
        let r = try CLI.run(["describe", "arch/digital-32nm.yaml", "--set", "digital_chip.sram.capacity=8 KiB", "--set", "digital_chip.sram.banks=1"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("weights 0: 6912 B in sram"))
        #expect(r.out.contains("master 0: 13824 B in dram"))
    }
}
