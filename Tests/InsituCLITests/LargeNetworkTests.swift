import Foundation
import Testing

/// `insitu experiment large-network` (Fig. 4d): each seed's run as `train --seed S` gives it,
/// the mean of their final accuracies, the paper beside. (Run on the embedded set and a small
/// network, as the debug build trains the 22 x 22 MNIST network slowly; the command's path is
/// the same.)
@Suite struct LargeNetworkTests {
    typealias CLI = CommandLineTests

    @Test func seedsAndTheirMeanBesideThePaper() throws {
        let sets = ["--set", "input.crop=20", "--set", "input.side=8", "--set", "network.layers=[64, 16, 10]",
                    "--set", "training.test_images=300", "--set", "training.evaluation_interval=200"]
        let r = try CLI.run(["experiment", "large-network", "--dataset", "embedded", "--images", "400", "--seeds", "1,2"] + sets)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Fig. 4d, the paper: 97.3 +/- 0.4% after 1.2 M images"))
        var finals: [Double] = []
        for seed in [1, 2] {
            let line = r.out.split(separator: "\n").first { $0.hasPrefix("seed \(seed): ") }.map(String.init) ?? ""
            let value = Double(line.dropFirst("seed \(seed): ".count).prefix { $0 != "%" }) ?? -1
            finals.append(value)
            let alone = try CLI.run(["train", "arch/li2018-large.yaml", "--images", "400", "--seed", "\(seed)", "--quiet"] + sets)
            #expect(alone.out.contains(String(format: "test accuracy: %.2f%%", value)), "\(line) / \(alone.out.prefix(200))")
        }
        // The mean of the seeds' accuracies (printed to 0.01, so within 0.01 of the printed ones' mean).
        let meanLine = r.out.split(separator: "\n").first { $0.hasPrefix("mean over 2 seed(s): ") }.map(String.init) ?? ""
        let mean = Double(meanLine.dropFirst("mean over 2 seed(s): ".count).prefix { $0 != " " }) ?? -1
        #expect(abs(mean - (finals[0] + finals[1]) / 2) <= 0.01, "\(finals) \(meanLine)")
    }

    @Test func needsTheMNISTFolder() throws {
        let r = try CLI.run(["experiment", "large-network"])
        #expect(r.status == 2 && r.err.contains("--data DIR is required"), "\(r.err)")
    }
}
