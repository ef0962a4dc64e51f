import InsituEngine

/// A Value Change Dump (IEEE 1364) for waveform viewers such as GTKWave: one integer signal
/// per track (a resource, or one server of a bank), 1 while it works and 0 while idle, with a
/// 1 ps timescale. The body is written segment by segment; the header, which lists every
/// signal, is written last in front of it.
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

    /// Declarations of the signals and their initial values (all idle).
    static func header(tracks: [String]) -> String {
        var out = "$version insitu $end\n$timescale 1ps $end\n$scope module chip $end\n"
        for (i, name) in tracks.enumerated() where name != TraceWriter.leakageTrack {
            let signal = name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
            out += "$var integer 32 \(identifier(i)) \(String(signal)) $end\n"
        }
        out += "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n"
        for i in tracks.indices where tracks[i] != TraceWriter.leakageTrack { out += "b0 \(identifier(i))\n" }
        return out + "$end\n"
    }

    /// The value changes of one segment's spans (`track`, `[start, end)`), in time order;
    /// `level` holds each signal's value as last written and is updated. Ends come before
    /// starts at the same instant, so back-to-back spans leave a signal at 1.
    static func changes(_ spans: [(track: Int, start: UInt64, end: UInt64)], level: inout [Int], lastTime: inout UInt64?) -> String {
        var edges: [(time: UInt64, delta: Int, track: Int)] = []
        edges.reserveCapacity(2 * spans.count)
        for s in spans where s.end > s.start {
            edges.append((s.start, 1, s.track))
            edges.append((s.end, -1, s.track))
        }
        edges.sort { ($0.time, $0.delta, $0.track) < ($1.time, $1.delta, $1.track) }
        let tracks = (spans.map(\.track).max() ?? -1) + 1
        if level.count < tracks { level += Array(repeating: 0, count: tracks - level.count) }
        var working = level
        var out = ""
        var i = 0
        while i < edges.count {
            let t = edges[i].time
            var touched: [Int] = []
            while i < edges.count && edges[i].time == t {
                working[edges[i].track] += edges[i].delta
                if !touched.contains(edges[i].track) { touched.append(edges[i].track) }
                i += 1
            }
            let changed = touched.sorted().filter { working[$0] != level[$0] }
            if changed.isEmpty { continue }
            if t != lastTime && !(t == 0 && lastTime == nil) { out += "#\(t)\n" }
            lastTime = t
            for track in changed {
                out += "b\(String(working[track], radix: 2)) \(identifier(track))\n"
                level[track] = working[track]
            }
        }
        return out
    }
}
