import Foundation
import InsituEngine

/// A trace sink that streams what a window of the run did to trace.json (or trace.json.gz)
/// and trace.vcd, in memory that does not grow with the run: spans are held only until their
/// segment ends, then written with their counters and forgotten.
///
/// The window is a range of training images (from the start of the batch holding the first
/// to the end of the update and read-back after the batch holding the last, with any test
/// pass run in between; the initial programming belongs to image 0 and the final test to the
/// last image), a range of simulated time (spans that overlap it, whole), or both.
public final class TraceWriter: TraceSink {
    /// What to keep.
    public struct Window: Sendable, Equatable {
        /// Training images, counted from 0; nil keeps every image.
        public var images: Range<Int>?
        /// Simulated time, picoseconds; nil keeps every time.
        public var time: Range<UInt64>?
        /// Most spans written; nil for no limit.
        public var spanLimit: Int?

        public init(images: Range<Int>? = nil, time: Range<UInt64>? = nil, spanLimit: Int? = nil) {
            self.images = images
            self.time = time
            self.spanLimit = spanLimit
        }

        /// The window in words, for the trace's summary.
        public var description: String {
            var parts: [String] = []
            if let images { parts.append("images \(images.lowerBound)..\(images.upperBound)") }
            if let time { parts.append("time \(SimTime.format(time.lowerBound))..\(SimTime.format(time.upperBound))") }
            if let spanLimit { parts.append("at most \(spanLimit) spans") }
            return parts.isEmpty ? "whole run" : parts.joined(separator: ", ")
        }
    }

    public let window: Window
    /// The track of each segment's leakage (one span per segment, every component's static energy).
    public static let leakageTrack = "leakage"
    /// Names of the files written, once finished.
    public let fileNames: [String]
    public private(set) var isRecording: Bool
    /// Spans written, and the spans of the segment in which `spanLimit` was reached that it
    /// left out (recording stops there).
    public private(set) var spansWritten = 0
    public private(set) var dropped = 0
    /// The energy of every span written (leakage included): the ledger's energy for the window.
    public private(set) var energy = EnergyQuanta()

    private let json: StreamedFile
    private let vcdBody: StreamedFile
    private let vcdPath: String
    private var segment: [TraceSpan] = []
    private var tracks: [String: Int] = [:]
    private var trackNames: [String] = []
    private var level: [Int] = []
    private var lastChange: UInt64?
    private var firstImage = 0
    private var testImages = false

    /// Opens the trace files in `folder`; `gzip` writes trace.json.gz.
    public init(folder: String, gzip: Bool = false, window: Window = Window()) throws {
        self.window = window
        let dir = URL(fileURLWithPath: folder)
        let name = gzip ? "trace.json.gz" : "trace.json"
        fileNames = [name, "trace.vcd"]
        json = try StreamedFile(path: dir.appendingPathComponent(name).path, gzip: gzip)
        vcdPath = dir.appendingPathComponent("trace.vcd").path
        // The VCD's body, read back behind its header at the end; never published.
        vcdBody = try StreamedFile(path: dir.appendingPathComponent("trace.vcd.body").path)
        isRecording = (window.images.map { $0.lowerBound == 0 } ?? true) && window.spanLimit != 0
        try json.write(PerfettoTrace.header)
    }

    public func beginImages(first: Int, count: Int, training: Bool) {
        firstImage = first
        testImages = !training
        guard training, let images = window.images else { return }
        isRecording = first < images.upperBound && first + count > images.lowerBound && !limitReached && !timePassed
    }

    public func record(_ span: TraceSpan) {
        guard isRecording else { return }
        if let time = window.time, span.end.picoseconds <= time.lowerBound || span.start.picoseconds >= time.upperBound,
           !(span.start == span.end && time.contains(span.start.picoseconds)) { return }
        segment.append(span)
    }

    public func endSegment(phase: String, start: SimTime, end: SimTime, leakage: [(component: String, energy: EnergyQuanta)]) {
        guard isRecording else { return }
        var total = EnergyQuanta()
        for l in leakage { total.add(l.energy) }
        let inTime = window.time.map { end.picoseconds > $0.lowerBound && start.picoseconds < $0.upperBound } ?? true
        if inTime && (end > start || !total.isZero) {
            // A mark, not a span over the segment (static energy is not activity): at the segment's
            // end, moved into the time window when the segment only overlaps it.
            var at = end.picoseconds
            if let time = window.time { at = min(max(at, time.lowerBound), time.upperBound) }
            let t = SimTime(picoseconds: at)
            var mark = TraceSpan(component: Self.leakageTrack, action: "leakage", phase: phase, requested: t, start: t, end: t, energy: total)
            mark.details = [("segment_start_ps", Int(start.picoseconds)), ("segment_ps", Int(end.picoseconds - start.picoseconds))]
            segment.append(mark)
        }
        flushSegment(leakage: inTime ? leakage : [], from: start, to: end)
        if let time = window.time, end.picoseconds >= time.upperBound { timePassed = true }
        if timePassed || limitReached { isRecording = false }
    }

    private var limitReached: Bool { window.spanLimit.map { spansWritten >= $0 } ?? false }
    /// Set once a segment has ended after the time window.
    private var timePassed = false

    /// Writes the held spans, the power and queue counters of their components, and their
    /// value changes; failures to write are kept and reported by `finish`.
    private func flushSegment(leakage: [(component: String, energy: EnergyQuanta)], from start: SimTime, to end: SimTime) {
        guard !segment.isEmpty else { return }
        var text = ""
        var vcd: [(track: Int, start: UInt64, end: UInt64)] = []
        var kept: [TraceSpan] = []
        for s in segment {
            if let limit = window.spanLimit, spansWritten >= limit {
                dropped += 1
                continue
            }
            let track = trackID(s.track, into: &text)
            let image = s.slot.map { (firstImage + $0, testImages) }
            text += separator() + PerfettoTrace.span(s, track: track, image: image)
            if s.component != Self.leakageTrack { vcd.append((track, s.start.picoseconds, s.end.picoseconds)) }
            energy.add(s.energy)
            spansWritten += 1
            kept.append(s)
        }
        if !kept.isEmpty { text += counters(kept, leakage: leakage, from: start, to: end) }
        segment.removeAll(keepingCapacity: true)
        do {
            try json.write(text)
            try vcdBody.write(VCDTrace.changes(vcd, level: &level, lastTime: &lastChange))
        } catch {
            failure = failure ?? error
        }
    }

    private var failure: Error?
    private var anyEvent = false

    /// The comma between events (none before the first).
    private func separator() -> String {
        defer { anyEvent = true }
        return anyEvent ? ",\n" : ""
    }

    /// The track's number, naming it in the JSON the first time it is seen.
    private func trackID(_ name: String, into text: inout String) -> Int {
        if let id = tracks[name] { return id }
        let id = trackNames.count
        tracks[name] = id
        trackNames.append(name)
        text += separator() + PerfettoTrace.track(id, name: name)
        return id
    }

    /// Power per component (watts: each span's energy spread evenly over it, plus the
    /// component's leakage over the segment) and queue length per resource (requests made
    /// and not yet started), sampled at every change within the segment.
    private func counters(_ spans: [TraceSpan], leakage: [(component: String, energy: EnergyQuanta)], from start: SimTime,
                          to end: SimTime) -> String {
        var power: [String: [(time: UInt64, watts: Double, active: Int)]] = [:]
        var queue: [String: [(time: UInt64, delta: Int)]] = [:]
        var order: [String] = []
        func note(_ c: String) { if power[c] == nil && queue[c] == nil { order.append(c) } }
        for s in spans where s.component != Self.leakageTrack {
            note(s.component)
            let d = s.end.picoseconds - s.start.picoseconds
            if d > 0 {
                let watts = s.energy.joules / (Double(d) * 1e-12)
                power[s.component, default: []] += [(s.start.picoseconds, watts, 1), (s.end.picoseconds, -watts, -1)]
            }
            if s.start > s.requested {
                queue[s.component, default: []] += [(s.requested.picoseconds, 1), (s.start.picoseconds, -1)]
            }
        }
        let seconds = Double(end.picoseconds - start.picoseconds) * 1e-12
        let leaks = Set(seconds > 0 ? leakage.map(\.component) : [])
        if seconds > 0 {
            for l in leakage {
                note(l.component)
                let watts = l.energy.joules / seconds
                power[l.component, default: []] += [(start.picoseconds, watts, 1), (end.picoseconds, -watts, -1)]
            }
        }
        var out = ""
        for c in order {
            if var changes = power[c] {
                changes.sort { ($0.time, $0.active) < ($1.time, $1.active) }
                var watts = 0.0, active = 0, i = 0
                while i < changes.count {
                    let t = changes[i].time
                    while i < changes.count && changes[i].time == t {
                        watts += changes[i].watts
                        active += changes[i].active
                        i += 1
                    }
                    if active == 0 { watts = 0 }
                    // A leaking component's power goes on into the next segment: no drop to 0 W at the boundary.
                    if t == end.picoseconds && leaks.contains(c) { continue }
                    out += ",\n" + PerfettoTrace.counter("power " + c, at: t, key: "W", value: "\(max(watts, 0))")
                }
            }
            if var changes = queue[c] {
                changes.sort { ($0.time, $0.delta) < ($1.time, $1.delta) }
                var waiting = 0, i = 0
                while i < changes.count {
                    let t = changes[i].time
                    while i < changes.count && changes[i].time == t {
                        waiting += changes[i].delta
                        i += 1
                    }
                    out += ",\n" + PerfettoTrace.counter("queue " + c, at: t, key: "requests", value: "\(waiting)")
                }
            }
        }
        return out
    }

    /// Writes what is left, closes both files and publishes them; returns their names.
    @discardableResult
    public func finish() throws -> [String] {
        flushSegment(leakage: [], from: .zero, to: .zero)
        if let failure { throw failure }
        try json.write(PerfettoTrace.footer(spans: spansWritten, dropped: dropped, energy: energy, window: window.description))
        try json.finish()
        let vcd = try StreamedFile(path: vcdPath)
        try vcd.write(VCDTrace.header(tracks: trackNames))
        let bodyPath = try vcdBody.closeUnpublished()
        defer { vcdBody.cancel() }
        guard let body = fopen(bodyPath, "rb") else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: bodyPath]) }
        defer { fclose(body) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, body) }
            if n == 0 { break }
            try vcd.write(bytes: buffer[0..<n])
        }
        try vcd.finish()
        return fileNames
    }

    /// Abandons the trace, removing its temporary files.
    public func cancel() {
        json.cancel()
        vcdBody.cancel()
    }
}
