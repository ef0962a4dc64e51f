import Foundation
import InsituEngine

/// Writes recorded spans as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and
/// chrome://tracing open: one track per hardware resource, one slice per operation.
///
/// Times are in microseconds with six decimals, so picosecond spans keep their exact values.
public enum PerfettoTrace {
    /// Picoseconds as microseconds with six decimals, exactly.
    static func micros(_ ps: UInt64) -> String {
        let whole = ps / 1_000_000, frac = ps % 1_000_000
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: 6 - f.count) + f
    }

    public static func json(_ trace: TraceRecorder) -> Data {
        var out = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"insitu\",\"spans_dropped\":\(trace.dropped)},\"traceEvents\":[\n"
        var first = true
        func add(_ line: String) {
            out += (first ? "" : ",\n") + line
            first = false
        }
        for (i, name) in trace.trackNames.enumerated() {
            add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":\(i),\"args\":{\"name\":\"\(name)\"}}")
            add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":\(i),\"args\":{\"sort_index\":\(i)}}")
        }
        for s in trace.spans {
            add("{\"ph\":\"X\",\"name\":\"\(s.name)\",\"pid\":1,\"tid\":\(s.track),\"ts\":\(micros(s.start)),\"dur\":\(micros(s.end - s.start))}")
        }
        out += "\n]}\n"
        return Data(out.utf8)
    }
}
