import Foundation
import Testing

/// `train --seeds`: every seed's run as `train --seed` gives it, and each figure's statistics
/// computed from those runs.
@Suite struct SeedsCommandTests {
    typealias CLI = CommandLineTests

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test func seedsReportStatisticsOfRunsThatMatchSingleSeeds() throws {
        let dir = try CLI.scratch([:])
        let many = dir.appendingPathComponent("seeds"), one = dir.appendingPathComponent("one")
        let r = try CLI.run(["train", "arch/li2018.yaml", "--images", "600", "--set", "training.evaluation_interval=300",
                             "--seeds", "2,5", "--threads", "2", "--quiet", "--out", many.path])
        #expect(r.status == 0, "\(r.err)")
        let single = try CLI.run(["train", "arch/li2018.yaml", "--images", "600", "--set", "training.evaluation_interval=300",
                                  "--seed", "5", "--quiet", "--out", one.path])
        #expect(single.status == 0, "\(single.err)")
        // The seed's run is the single run, byte for byte.
        let a = try Data(contentsOf: many.appendingPathComponent("seed-5/ledger.json"))
        let b = try Data(contentsOf: one.appendingPathComponent("ledger.json"))
        #expect(a == b)
        // Mean and sample sd of the two accuracies, from the seeds' own reports.
        let x = try Self.json(many.appendingPathComponent("seed-2/report.json"))["test_accuracy"] as! Double
        let y = try Self.json(many.appendingPathComponent("seed-5/report.json"))["test_accuracy"] as! Double
        let doc = try Self.json(many.appendingPathComponent("seeds.json"))
        #expect(doc["seeds"] as! [Int] == [2, 5])
        let accuracy = (doc["figures"] as! [[String: Any]]).first { $0["key"] as! String == "test_accuracy" }!
        #expect(abs(accuracy["mean"] as! Double - (x + y) / 2) < 1e-12)
        #expect(abs(accuracy["sd"] as! Double - abs(x - y) / 2.0.squareRoot()) < 1e-12)
        #expect(accuracy["min"] as! Double == min(x, y) && accuracy["max"] as! Double == max(x, y))
        #expect((doc["accuracy_curve"] as! [Any]).count == 2)
        let csv = try String(contentsOf: many.appendingPathComponent("seeds.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("key,measure,unit,mean,sd,min,max,seed_2,seed_5\n"))
        let html = try String(contentsOf: many.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("class=\"error-bar\""))
        let names = (try Self.json(many.appendingPathComponent("manifest.json"))["files"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(names.contains("seed-2/report.json") && names.contains("seeds.json") && names.contains("report.html"))
    }

    @Test func compareSeedsAreMeansOfTheSeedsRuns() throws {
        let out = try CLI.scratch([:]).appendingPathComponent("cmp")
        let r = try CLI.run(["compare", "arch/li2018.yaml", "arch/digital-32nm.yaml", "--images", "300", "--seeds", "2", "--out", out.path])
        #expect(r.status == 0, "\(r.err)")
        let doc = try Self.json(out.appendingPathComponent("compare.json"))
        #expect(doc["seeds"] as! [Int] == [1, 2])
        let rows = doc["rows"] as! [[String: Any]]
        for (side, folder) in [("a", "li2018"), ("b", "digital-32nm")] {
            let x = try Self.json(out.appendingPathComponent("\(folder)/seed-1/report.json"))["test_accuracy"] as! Double
            let y = try Self.json(out.appendingPathComponent("\(folder)/seed-2/report.json"))["test_accuracy"] as! Double
            let accuracy = rows.first { $0["key"] as! String == "test_accuracy" }!
            #expect(abs(accuracy[side] as! Double - (x + y) / 2) < 1e-12)
            #expect(abs(accuracy["sd_" + side] as! Double - abs(x - y) / 2.0.squareRoot()) < 1e-12)
        }
        let energy = rows.first { $0["key"] as! String == "training_energy_per_image_J" }!
        #expect(abs(energy["ratio"] as! Double - (energy["a"] as! Double) / (energy["b"] as! Double)) < 1e-12)
    }

    @Test(arguments: [
        (["--seeds", "0"], "--seeds takes a count from 1 to 1000"),
        (["--seeds", "1,1"], "lists a seed twice"),
        (["--seeds", "1,x"], "'x' is not a seed"),
        (["--seeds", "3", "--seed", "2"], "--seed and --seeds both choose seeds"),
        (["--seeds", "3", "--trace", "--out", "/tmp/insitu-seeds-trace"], "--trace records one run"),
        (["--seeds", "3", "--threads", "0"], "--threads must be from 1 to 1024"),
    ])
    func badSeedOptionsExitTwo(_ options: [String], _ message: String) throws {
        let r = try CLI.run(["train", "arch/li2018.yaml", "--images", "50"] + options)
        #expect(r.status == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }
}
