import Foundation
import Testing
@testable import InsituReport
import InsituEngine

/// The streaming trace writer on spans written by hand: its JSON, counters and VCD.
@Suite struct TraceWriterTests {
    static func ps(_ t: UInt64) -> SimTime { SimTime(picoseconds: t) }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-tw-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Two ADC servers and a back-to-back pair on the array in one segment of 40 ps with
    /// 4e-12 J of leakage: every event, counter and value change worked out by hand.
    @Test func oneSegmentByHand() throws {
        let dir = try Self.folder()
        let w = try TraceWriter(folder: dir)
        w.beginImages(first: 7, count: 2, training: true)
        // 1 pJ over 10 ps on ADC 0 of the bank (0.1 W); 2 pJ over 10 ps on ADC 1, queued 5 ps.
        w.record(TraceSpan(component: "tile0.adc", server: 0, action: "convert", phase: "forward", layer: 1, slot: 0,
                           requested: Self.ps(0), start: Self.ps(0), end: Self.ps(10), energy: EnergyQuanta(joules: 1e-12)))
        w.record(TraceSpan(component: "tile0.adc", server: 1, action: "convert", phase: "forward", layer: 1, slot: 1,
                           requested: Self.ps(0), start: Self.ps(5), end: Self.ps(15), energy: EnergyQuanta(joules: 2e-12)))
        w.record(TraceSpan(component: "tile0.array", action: "read", phase: "forward", layer: 2, slot: 1,
                           requested: Self.ps(10), start: Self.ps(10), end: Self.ps(20), energy: EnergyQuanta(joules: 3e-12)))
        w.record(TraceSpan(component: "tile0.array", action: "read", phase: "forward", layer: 2, slot: 1,
                           requested: Self.ps(20), start: Self.ps(20), end: Self.ps(30), energy: EnergyQuanta(joules: 3e-12)))
        w.endSegment(phase: "forward", start: Self.ps(0), end: Self.ps(40),
                     leakage: [("tile0.array", EnergyQuanta(joules: 4e-12))])
        #expect(try w.finish() == ["trace.json", "trace.vcd"])
        // 1 + 2 + 3 + 3 + 4 pJ = 13 pJ = 1.3e13 quanta, exactly.
        #expect(w.energy.exact == ExactInteger(Int64(13_000_000_000_000)))
        #expect(w.spansWritten == 5)

        let json = try String(contentsOfFile: dir + "/trace.json", encoding: .utf8)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let events = parsed["traceEvents"] as! [[String: Any]]
        let names = events.filter { $0["ph"] as? String == "M" && $0["name"] as? String == "thread_name" }
            .map { ($0["args"] as! [String: Any])["name"] as! String }
        #expect(names == ["tile0.adc[0]", "tile0.adc[1]", "tile0.array", "leakage"])
        let second = events.filter { $0["ph"] as? String == "X" }[1]["args"] as! [String: Any]
        #expect(second["image"] as? Int == 8 && second["layer"] as? Int == 1 && second["phase"] as? String == "forward")
        #expect(second["energy_yJ"] as? String == "2000000000000" && second["queued_us"] as? Double == 0.000005)
        // Power of the ADC bank: 0.1 W from 0, 0.3 W from 5 ps, 0.2 W from 10 ps, 0 from 15 ps.
        let adcPower = events.filter { $0["name"] as? String == "power tile0.adc" }
            .map { (($0["ts"] as! Double) * 1e6, ($0["args"] as! [String: Any])["W"] as! Double) }
        #expect(adcPower.count == 4)
        for (got, want) in zip(adcPower, [(0.0, 0.1), (5, 0.3), (10, 0.2), (15, 0)]) {
            #expect(abs(got.0 - want.0) < 1e-9 && abs(got.1 - want.1) < 1e-12)
        }
        // The array: 0.1 W leakage (4 pJ / 40 ps) all along, 0.3 W more while reading (10 to 30 ps);
        // its leakage goes on past the segment's end, so no 0 W sample there.
        let arrayPower = events.filter { $0["name"] as? String == "power tile0.array" }
            .map { ($0["args"] as! [String: Any])["W"] as! Double }
        #expect(arrayPower.count == 4)
        for (got, want) in zip(arrayPower, [0.1, 0.4, 0.4, 0.1]) { #expect(abs(got - want) < 1e-12) }
        // The leakage is a mark at the segment's end (40 ps) naming the segment it covers, not a busy span.
        let leak = events.filter { $0["ph"] as? String == "X" }.last!
        let leakArgs = leak["args"] as! [String: Any]
        #expect(leak["dur"] as? Double == 0 && abs((leak["ts"] as! Double) * 1e6 - 40) < 1e-9)
        #expect(leakArgs["segment_start_ps"] as? Int == 0 && leakArgs["segment_ps"] as? Int == 40 && leakArgs["energy_yJ"] as? String == "4000000000000")
        // One request waited on the bank from 0 to 5 ps.
        let queue = events.filter { $0["name"] as? String == "queue tile0.adc" }
            .map { ($0["args"] as! [String: Any])["requests"] as! Int }
        #expect(queue == [1, 0])
        let other = parsed["otherData"] as! [String: Any]
        #expect(other["energy_J"] as? String == "0.000000000013")

        let vcd = try String(contentsOfFile: dir + "/trace.vcd", encoding: .utf8)
        #expect(vcd.contains("$var integer 32 ! tile0_adc_0_ $end\n$var integer 32 \" tile0_adc_1_ $end\n$var integer 32 # tile0_array $end\n$upscope"))
        let body = vcd.components(separatedBy: "$end\n").last!
        // #0 adc0 up; #5 adc1 up; #10 adc0 down, array up; #15 adc1 down; (#20 back to back); #30 array down.
        #expect(body == "b1 !\n#5\nb1 \"\n#10\nb0 !\nb1 #\n#15\nb0 \"\n#30\nb0 #\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == ["trace.json", "trace.vcd"])
    }

    /// A window of images opens at the batch that reaches it and closes after the batch that
    /// leaves it; spans outside are not kept.
    @Test func imageWindowGatesRecording() throws {
        let dir = try Self.folder()
        let w = try TraceWriter(folder: dir, gzip: true, window: .init(images: 60..<110))
        #expect(!w.isRecording)
        for (first, open) in [(0, false), (50, true), (100, true), (150, false)] {
            w.beginImages(first: first, count: 50, training: true)
            #expect(w.isRecording == open, "batch from \(first)")
            w.beginImages(first: 0, count: 500, training: false)
            #expect(w.isRecording == open, "test pass after the batch from \(first)")
        }
        try w.finish()
        #expect(FileManager.default.fileExists(atPath: dir + "/trace.json.gz"))
    }

    /// Exact shares of an energy: they add up to it, and follow the weights.
    @Test func energySplitsExactly() {
        let e = EnergyQuanta(joules: 1e-12)
        let shares = e.split([3, 3, 2])
        #expect(shares.map { $0.int64! } == [375_000_000_000, 375_000_000_000, 250_000_000_000].map { Int64($0) })
        var big = EnergyQuanta(joules: 1e-3)
        big.add(joules: 1e-3)
        #expect(big.int64 == nil && big.exact == ExactInteger(decimal: "2000000000000000000000"))
        let parts = big.split([1, 2])
        var sum = ExactInteger()
        for p in parts { sum += p.exact }
        #expect(sum == big.exact && parts[1].exact == ExactInteger(decimal: "1333333333333333333333"))
    }
}
