import InsituEngine

/// Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open: one
/// track per hardware resource (per server of a bank), one slice per operation with its
/// phase, layer, image and exact energy in args, and counter tracks of power and queue length.
///
/// Times are in microseconds with six decimals, so picosecond spans keep their exact values.
public enum PerfettoTrace {
    /// Picoseconds as microseconds with six decimals, exactly.
    static func micros(_ ps: UInt64) -> String {
        let whole = ps / 1_000_000, frac = ps % 1_000_000
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: 6 - f.count) + f
    }

    static let header = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"

    /// The closing of the event list and the trace's own summary.
    static func footer(spans: Int, dropped: Int, energy: EnergyQuanta, window: String) -> String {
        "\n],\"otherData\":{\"generator\":\"insitu\",\"window\":\"\(window)\",\"spans\":\(spans),\"spans_dropped\":\(dropped),"
            + "\"energy_J\":\"\(Ledger.joulesDecimal(quanta: energy.exact))\"}}\n"
    }

    /// Names a track (a thread of process 1) and fixes its place in the list.
    static func track(_ id: Int, name: String) -> String {
        "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":\(id),\"args\":{\"name\":\"\(name)\"}},\n"
            + "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":\(id),\"args\":{\"sort_index\":\(id)}}"
    }

    /// One span as a complete ("X") event; `image` is the training or test image it served.
    static func span(_ s: TraceSpan, track: Int, image: (index: Int, test: Bool)?) -> String {
        var args = "\"phase\":\"\(s.phase)\""
        if s.layer > 0 { args += ",\"layer\":\(s.layer)" }
        if let image { args += image.test ? ",\"test_image\":\(image.index)" : ",\"image\":\(image.index)" }
        if s.start > s.requested { args += ",\"queued_us\":" + micros(s.start.picoseconds - s.requested.picoseconds) }
        for d in s.details { args += ",\"\(d.name)\":\(d.value)" }
        args += ",\"energy_J\":\(s.energy.joules),\"energy_yJ\":\"\(s.energy.exact)\""
        return "{\"ph\":\"X\",\"name\":\"\(s.action)\",\"cat\":\"\(s.phase)\",\"pid\":1,\"tid\":\(track),\"ts\":\(micros(s.start.picoseconds)),"
            + "\"dur\":\(micros(s.end.picoseconds - s.start.picoseconds)),\"args\":{\(args)}}"
    }

    /// One sample of a counter track (power in watts, queue length in requests).
    static func counter(_ name: String, at ps: UInt64, key: String, value: String) -> String {
        "{\"ph\":\"C\",\"name\":\"\(name)\",\"pid\":1,\"ts\":\(micros(ps)),\"args\":{\"\(key)\":\(value)}}"
    }
}
