import InsituEngine

/// Collects activity spans from a chip for the trace writers (Perfetto JSON, VCD).
///
/// Keeps the first `limit` spans that overlap `window` (a whole training run has millions)
/// and counts the rest.
public final class TraceRecorder: TraceSink {
    public struct Span: Sendable {
        public var track: Int
        public var name: String
        public var start: UInt64
        public var end: UInt64
    }

    public let limit: Int
    public private(set) var trackNames: [String] = []
    public private(set) var spans: [Span] = []
    public private(set) var dropped = 0
    private var tracks: [String: Int] = [:]

    /// Simulated time kept, picoseconds (`[start, end)`); nil keeps every time.
    public let window: Range<UInt64>?

    public init(limit: Int = 200_000, window: Range<UInt64>? = nil) {
        self.limit = limit
        self.window = window
    }

    public func span(track: String, name: String, start: SimTime, end: SimTime) {
        if let window, end.picoseconds <= window.lowerBound || start.picoseconds >= window.upperBound,
           !(start == end && window.contains(start.picoseconds)) { return }
        guard spans.count < limit else { dropped += 1; return }
        let id: Int
        if let t = tracks[track] {
            id = t
        } else {
            id = trackNames.count
            tracks[track] = id
            trackNames.append(track)
        }
        spans.append(Span(track: id, name: name, start: start.picoseconds, end: end.picoseconds))
    }

    public var count: Int { spans.count }
}
