import Foundation
import Testing

/// A trace's program spans name their row and count the devices driven and the pulses given:
/// over a whole run they add up to the ledger's SET and RESET counts.
@Suite struct ProgramSpanTests {
    typealias CLI = CommandLineTests

    @Test func programSpansCarryRowsAndPulsesThatAddUpToTheLedger() throws {
        let out = try CLI.scratch([:]).appendingPathComponent("run").path
        let r = try CLI.run(["train", "arch/li2018.yaml", "--images", "50", "--set", "training.test_images=20", "--set", "training.evaluation_interval=0",
                             "--trace", "--quiet", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/trace.json"))) as! [String: Any]
        let spans = (trace["traceEvents"] as! [[String: Any]]).filter { $0["ph"] as? String == "X" && $0["name"] as? String == "program" }
        let args = spans.compactMap { $0["args"] as? [String: Any] }.filter { $0["row"] != nil }
        #expect(!args.isEmpty)
        var sets = 0, resets = 0
        for a in args {
            let devices = a["devices"] as! Int, s = a["sets"] as! Int, rs = a["resets"] as! Int
            #expect((a["row"] as! Int) >= 0 && devices >= 1 && s <= devices && rs <= devices)
            sets += s
            resets += rs
        }
        let costs = try String(contentsOfFile: out + "/costs.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        func count(_ action: String) -> Int { costs.filter { $0[0] == "tile0.array" && $0[1] == action }.reduce(0) { $0 + Int($1[6])! } }
        #expect(sets == count("set") && resets == count("reset"))
    }
}
