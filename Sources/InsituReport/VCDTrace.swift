import Foundation
import InsituEngine

/// Writes recorded spans as a Value Change Dump (IEEE 1364) for waveform viewers such as
/// GTKWave: one integer signal per hardware resource counting its operations in progress
/// (0 idle, 1 busy, more for banks such as the ADCs), with a 1 ps timescale.
public enum VCDTrace {
    /// The short identifier of signal i: printable ASCII from '!' (33) to '~' (126), base 94.
    static func identifier(_ i: Int) -> String {
        var n = i, id = ""
        repeat {
            id.append(Character(UnicodeScalar(UInt8(33 + n % 94))))
            n /= 94
        } while n > 0
        return id
    }

    public static func text(_ trace: TraceRecorder) -> String {
        var out = "$version insitu $end\n$timescale 1ps $end\n$scope module chip $end\n"
        for (i, name) in trace.trackNames.enumerated() {
            let signal = name.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: " ", with: "_")
            out += "$var integer 32 \(identifier(i)) \(signal) $end\n"
        }
        out += "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n"
        for i in trace.trackNames.indices { out += "b0 \(identifier(i))\n" }
        out += "$end\n"
        // +1 at each start, -1 at each end; ends before starts at the same instant.
        var changes: [(time: UInt64, delta: Int, track: Int)] = []
        changes.reserveCapacity(2 * trace.spans.count)
        for s in trace.spans where s.end > s.start {
            changes.append((s.start, 1, s.track))
            changes.append((s.end, -1, s.track))
        }
        changes.sort { ($0.time, $0.delta, $0.track) < ($1.time, $1.delta, $1.track) }
        var level = [Int](repeating: 0, count: trace.trackNames.count)
        var written = level
        var i = 0
        while i < changes.count {
            let t = changes[i].time
            var touched: [Int] = []
            while i < changes.count && changes[i].time == t {
                level[changes[i].track] += changes[i].delta
                if !touched.contains(changes[i].track) { touched.append(changes[i].track) }
                i += 1
            }
            let changed = touched.sorted().filter { level[$0] != written[$0] }
            if changed.isEmpty { continue }
            if t > 0 { out += "#\(t)\n" }
            for track in changed {
                out += "b\(String(level[track], radix: 2)) \(identifier(track))\n"
                written[track] = level[track]
            }
        }
        return out
    }
}
