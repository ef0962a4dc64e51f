/// Receives spans of hardware activity for timelines (Perfetto JSON, VCD).
///
/// Entities report what they did and when; a sink decides how to write it. The engine
/// only defines the protocol so that lower layers need no knowledge of file formats.
public protocol TraceSink: AnyObject {
    /// One span of activity on a named track: `[start, end)` with a label.
    func span(track: String, name: String, start: SimTime, end: SimTime)
}
