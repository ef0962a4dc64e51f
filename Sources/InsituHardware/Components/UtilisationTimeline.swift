import InsituEngine

/// Busy time of each queued component over simulated time, in at most `maxBins` bins of equal
/// width, for utilisation-over-time charts. Each segment's busy time is spread evenly over the
/// segment; when the run outgrows the bins, neighbouring bins are merged and the width doubles,
/// so memory stays bounded however long the run.
public final class UtilisationTimeline {
    public let maxBins: Int
    /// Width of a bin, picoseconds.
    public private(set) var binPicoseconds: UInt64
    /// Components sampled, in registry order (those with a queue).
    public private(set) var components: [String] = []
    /// Servers behind each sampled component.
    public private(set) var servers: [Int] = []
    /// Busy picoseconds per bin and component: `busy[bin][component]`.
    public private(set) var busy: [[Double]] = []
    private var lastBusy: [UInt64] = []

    /// Width of a bin before any merge.
    public let initialBinPicoseconds: UInt64

    public init(maxBins: Int = 128, initialBinPicoseconds: UInt64 = 1_000_000) {
        precondition(maxBins >= 2 && initialBinPicoseconds > 0)
        self.maxBins = maxBins
        self.initialBinPicoseconds = initialBinPicoseconds
        binPicoseconds = initialBinPicoseconds
    }

    /// Records the busy time each component gained over the segment `[start, end)`.
    func sample(_ all: [Component], from start: SimTime, to end: SimTime) {
        if components.isEmpty && lastBusy.isEmpty {
            let queued = all.filter { $0.resource != nil }
            components = queued.map(\.name)
            servers = queued.map(\.servers)
            lastBusy = Array(repeating: 0, count: queued.count)
        }
        var gained = [Double](repeating: 0, count: components.count)
        var i = 0
        for c in all {
            guard let r = c.resource, i < gained.count else { continue }
            gained[i] = Double(r.busyPicoseconds &- lastBusy[i])
            lastBusy[i] = r.busyPicoseconds
            i += 1
        }
        let s = start.picoseconds, e = max(end.picoseconds, s)
        // Bins merge until they span the run; a span past 2^64 ps is already covered.
        while case let (span, overflow) = binPicoseconds.multipliedReportingOverflow(by: UInt64(maxBins)), !overflow, e > span {
            mergeBins()
        }
        let first = Int(s / binPicoseconds), last = Int(e == s ? s / binPicoseconds : (e - 1) / binPicoseconds)
        while busy.count <= last { busy.append(Array(repeating: 0, count: components.count)) }
        let span = Double(e - s)
        for b in first...last {
            let lo = max(s, edge(b)), hi = min(e, edge(b + 1))
            let share = span > 0 ? Double(hi - lo) / span : 1
            for k in gained.indices where gained[k] > 0 { busy[b][k] += gained[k] * share }
        }
    }

    /// Where bin b starts, picoseconds (the end of time for a bin past it).
    private func edge(_ b: Int) -> UInt64 {
        let (start, overflow) = UInt64(b).multipliedReportingOverflow(by: binPicoseconds)
        return overflow ? .max : start
    }

    private func mergeBins() {
        var merged: [[Double]] = []
        var b = 0
        while b < busy.count {
            var pair = busy[b]
            if b + 1 < busy.count { for k in pair.indices { pair[k] += busy[b + 1][k] } }
            merged.append(pair)
            b += 2
        }
        busy = merged
        binPicoseconds *= 2
    }

    /// Utilisation of component `k` in each bin (busy over bin width and servers), with the
    /// bin's middle in seconds.
    public func utilisation(of k: Int) -> [(seconds: Double, fraction: Double)] {
        busy.enumerated().map { b, row in
            ((Double(b) + 0.5) * Double(binPicoseconds) * 1e-12, row[k] / (Double(binPicoseconds) * Double(servers[k])))
        }
    }

    /// What a checkpoint keeps: the bins so far (busy counters restart with the resources).
    public struct State: Codable, Equatable {
        var binPicoseconds: UInt64
        var components: [String]
        var servers: [Int]
        var busy: [[Double]]
    }

    public var state: State { State(binPicoseconds: binPicoseconds, components: components, servers: servers, busy: busy) }

    /// Whether a saved state is one this timeline over `all` components can have reached: a bin
    /// width of the initial one doubled, at most `maxBins` bins, the same queued components.
    func isValid(_ s: State, over all: [Component]) -> Bool {
        let queued = all.filter { $0.resource != nil }
        guard s.binPicoseconds >= initialBinPicoseconds, s.binPicoseconds <= SimTime.checkpointLimitPicoseconds,
              s.binPicoseconds % initialBinPicoseconds == 0, (s.binPicoseconds / initialBinPicoseconds).nonzeroBitCount == 1,
              s.components == queued.map(\.name), s.servers == queued.map(\.servers), s.busy.count <= maxBins else { return false }
        return s.busy.allSatisfy { row in row.count == s.components.count && row.allSatisfy { $0.isFinite && $0 >= 0 } }
    }

    /// Continues from a saved state, with resources whose busy counters start again at 0.
    public func restore(_ s: State) {
        binPicoseconds = s.binPicoseconds
        components = s.components
        servers = s.servers
        busy = s.busy
        lastBusy = Array(repeating: 0, count: s.components.count)
    }
}
