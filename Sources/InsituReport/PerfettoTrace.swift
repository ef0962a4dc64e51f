import Foundation
import InsituEngine

/// Collects activity spans and writes them as Chrome trace-event JSON, which Perfetto
/// (ui.perfetto.dev) and chrome://tracing open: one track per hardware resource.
///
/// Times are written in microseconds with six decimals, so picosecond spans keep their
/// exact values. Collection stops at `limit` spans (a whole training run has millions);
/// the file then says so in its metadata.
public final class PerfettoTrace: TraceSink {
    public let limit: Int
    private var tracks: [String: Int] = [:]
    private var trackNames: [String] = []
    private var spans: [(track: Int, name: String, start: UInt64, end: UInt64)] = []
    public private(set) var dropped = 0

    public init(limit: Int = 200_000) { self.limit = limit }

    public func span(track: String, name: String, start: SimTime, end: SimTime) {
        guard spans.count < limit else { dropped += 1; return }
        let id: Int
        if let t = tracks[track] {
            id = t
        } else {
            id = trackNames.count
            tracks[track] = id
            trackNames.append(track)
        }
        spans.append((id, name, start.picoseconds, end.picoseconds))
    }

    public var count: Int { spans.count }

    /// Picoseconds as microseconds with six decimals, exactly.
    static func micros(_ ps: UInt64) -> String {
        let whole = ps / 1_000_000, frac = ps % 1_000_000
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: 6 - f.count) + f
    }

    public func json() -> Data {
        var out = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"insitu\",\"spans_dropped\":\(dropped)},\"traceEvents\":[\n"
        var first = true
        func add(_ line: String) {
            out += (first ? "" : ",\n") + line
            first = false
        }
        for (i, name) in trackNames.enumerated() {
            add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":\(i),\"args\":{\"name\":\"\(name)\"}}")
            add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":\(i),\"args\":{\"sort_index\":\(i)}}")
        }
        for s in spans {
            add("{\"ph\":\"X\",\"name\":\"\(s.name)\",\"pid\":1,\"tid\":\(s.track),\"ts\":\(Self.micros(s.start)),\"dur\":\(Self.micros(s.end - s.start))}")
        }
        out += "\n]}\n"
        return Data(out.utf8)
    }
}
