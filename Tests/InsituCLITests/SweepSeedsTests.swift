import Foundation
import Testing

/// `insitu sweep --seeds` and the constrained front: each point's row is the mean of its seeds'
/// runs, the seed is never a design axis, and constraints and objectives mark what they say.
@Suite(.serialized) struct SweepSeedsTests {
    typealias CLI = CommandLineTests

    static func rows(_ folder: String) throws -> [[String: Any]] {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/sweep.json"))) as! [String: Any]
        return doc["rows"] as! [[String: Any]]
    }

    static func seedRow(_ folder: String, point: Int, seed: Int) throws -> [String: Any] {
        let url = URL(fileURLWithPath: folder + String(format: "/points/%05d/seed-%d/point.json", point, seed))
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test func rowsAreMeansOverSeedsAndTheFrontIsConstrained() throws {
        let out = SweepCommandTests.folder()
        let base = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--images", "300", "--seeds", "1,2", "--quiet", "--out", out]
        let r = try CLI.run(base + ["--min-accuracy", "0.5", "--minimize", "training_energy"])
        #expect(r.status == 0, "\(r.err)")
        let rows = try Self.rows(out)
        #expect(rows.count == 2)
        for (p, row) in rows.enumerated() {
            let a = try Self.seedRow(out, point: p, seed: 1), b = try Self.seedRow(out, point: p, seed: 2)
            for key in ["test_accuracy", "training_energy_per_image_J", "test_energy_per_image_J"] {
                let x = a[key] as! Double, y = b[key] as! Double
                #expect(abs(row[key] as! Double - (x + y) / 2) <= 1e-12 * max(abs(x), 1e-30), "\(key)")
                let spread = (row["spread"] as! [String: [String: Double]])[key]!
                #expect(abs(spread["sd"]! - abs(x - y) / 2.0.squareRoot()) <= 1e-12 * max(abs(x), 1e-30))
                #expect(spread["min"]! == min(x, y) && spread["max"]! == max(x, y))
            }
            #expect(row["seeds"] as! [Int] == [1, 2])
            // Feasible exactly when the mean accuracy reaches 50%; an infeasible point is never on the front.
            let feasible = (row["test_accuracy"] as! Double) >= 0.5
            #expect(row["feasible"] as! Bool == feasible)
            if !feasible { #expect(row["pareto"] as! Bool == false && row["best"] as! Bool == false) }
        }
        // The best point is the feasible one with the least mean training energy.
        let feasible = rows.filter { $0["feasible"] as! Bool }
        let cheapest = feasible.min { ($0["training_energy_per_image_J"] as! Double) < ($1["training_energy_per_image_J"] as! Double) }
        #expect(rows.filter { $0["best"] as! Bool }.map { $0["point"] as! Int } == cheapest.map { [$0["point"] as! Int] } ?? [])
        let csv = try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n")[0].hasSuffix(",pareto,seeds,test_accuracy_sd,test_accuracy_min,test_accuracy_max,training_energy_per_image_J_sd,training_energy_per_image_J_min,training_energy_per_image_J_max,training_latency_per_image_s_sd,training_latency_per_image_s_min,training_latency_per_image_s_max,test_energy_per_image_J_sd,test_energy_per_image_J_min,test_energy_per_image_J_max,test_latency_per_image_s_sd,test_latency_per_image_s_min,test_latency_per_image_s_max,training_TOPS_per_W_sd,training_TOPS_per_W_min,training_TOPS_per_W_max,inference_TOPS_per_W_sd,inference_TOPS_per_W_min,inference_TOPS_per_W_max,feasible,best"))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("class=\"error-bar\"") && html.contains("minimize training_energy_per_image_J"))
        // A constraint no point meets: nothing feasible, nothing on the front, no best point.
        let none = try CLI.run(["sweep", "--merge", out, "--min-accuracy", "100%", "--minimize", "area_m2"])
        #expect(none.status == 0 && none.out.contains("no point meets test_accuracy >= 1.0"))
        #expect(try Self.rows(out).allSatisfy { !($0["feasible"] as! Bool) && !($0["pareto"] as! Bool) })
        // Resumed: every seed of every point is done.
        let again = try CLI.run(base)
        #expect(again.status == 0)
        #expect(try Self.rows(out).allSatisfy { $0["feasible"] == nil })
    }

    @Test(arguments: [
        (["--vary", "training.seed=1,2"], "the seed a design axis"),
        (["--vary", "chip.adc.bits=4,8", "--seeds", "2", "--set", "training.seed=3"], "the seed is not a design axis"),
        (["--vary", "chip.adc.bits=4,8", "--minimize", "energy"], "no sweep figure is called so"),
        (["--vary", "chip.adc.bits=4,8", "--minimize", "test"], "several figures start so"),
        (["--vary", "chip.adc.bits=4,8", "--constrain", "area_m2<1"], "expects KEY<=VALUE or KEY>=VALUE"),
        (["--vary", "chip.adc.bits=4,8", "--min-accuracy", "120%"], "--min-accuracy takes a fraction"),
    ])
    func badSeedsAndConstraintsExitTwo(_ options: [String], _ message: String) throws {
        let r = try CLI.run(["sweep", "arch/li2018.yaml", "--images", "50", "--out", SweepCommandTests.folder()] + options)
        #expect(r.status == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }
}
