import Foundation
import Testing

/// `insitu experiment algorithms`: each row is the mean of the runs `train` gives for that
/// algorithm, device and seed, its pulses per image and per device from those runs' reports.
@Suite struct AlgorithmsCommandTests {
    typealias CLI = CommandLineTests

    @Test func rowsAreTheRunsTrainGives() throws {
        let out = try CLI.scratch([:]).appendingPathComponent("algs").path
        let r = try CLI.run(["experiment", "algorithms", "--algorithms", "in-situ,mixed-precision", "--devices", "agsi", "--seeds", "1,2",
                             "--images", "300", "--baseline", "none", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/algorithms.json"))) as? [[String: Any]])
        #expect(rows.count == 2 && FileManager.default.fileExists(atPath: out + "/report.html") && FileManager.default.fileExists(atPath: out + "/algorithms.csv"))
        for row in rows {
            let method = row["algorithm"] as? String ?? ""
            var accuracies: [Double] = [], pulses: [Double] = [], wear: [Double] = [], energy: [Double] = []
            for seed in [1, 2] {
                let dir = try CLI.scratch([:]).appendingPathComponent("run").path
                let alone = try CLI.run(["train", "arch/li2018-agsi.yaml", "--images", "300", "--seed", "\(seed)", "--quiet",
                                         "--set", "training.method=\(method)", "--out", dir])
                #expect(alone.status == 0, "\(alone.err)")
                let report = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))) as? [String: Any])
                let costs = try #require(report["costs"] as? [String: Any]), devices = try #require(report["devices"] as? Int)
                let n = Double((costs["set_pulses"] as? Int ?? 0) + (costs["reset_pulses"] as? Int ?? 0))
                accuracies.append(report["test_accuracy"] as? Double ?? -1)
                pulses.append(n / 300)
                wear.append(n / Double(devices))
                energy.append(costs["training_energy_per_image_J"] as? Double ?? -1)
            }
            let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
            #expect(row["accuracies"] as? [Double] == accuracies, "\(method)")
            #expect(abs((row["pulses_per_image"] as? Double ?? -1) - mean(pulses)) <= 1e-9 * mean(pulses), "\(method)")
            #expect(abs((row["pulses_per_device"] as? Double ?? -1) - mean(wear)) <= 1e-9 * mean(wear), "\(method)")
            #expect(abs((row["training_energy_per_image_J"] as? Double ?? -1) - mean(energy)) <= 1e-9 * mean(energy), "\(method)")
        }
    }

    @Test func unknownNamesAreRefusedNamingTheOption() throws {
        let cases: [([String], String)] = [
            (["--devices", "pcmo"], "--devices: 'pcmo' is not one of"),
            (["--algorithms", "digital"], "--algorithms: 'digital' is not one of"),
            (["--algorithms", "in-situ,in-situ"], "--algorithms names one twice"),
            (["--baseline", "arch/li2018.yaml"], "is a crossbar design"),
            (["--seeds", "0"], "--seeds"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(["experiment", "algorithms", "--images", "10"] + args)
            #expect(r.status == 2 && r.err.contains(message), "\(args): \(r.err)")
        }
    }
}
