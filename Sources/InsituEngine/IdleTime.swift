/// A resource's idle time as a power manager with a timeout spends it: a server that has
/// been idle for `gateAfterPicoseconds` is power-gated until its next use, and woken ahead of
/// that use (the schedule is static), so gating changes what idle time costs, never when work
/// runs. Times are server-picoseconds summed over the servers since the resource was made.
public struct IdleTime: Sendable, Equatable {
    public let gateAfterPicoseconds: UInt64
    /// Idle time while powered (clock-gated): each gap's first `gateAfterPicoseconds`.
    public internal(set) var poweredPicoseconds: UInt64 = 0
    /// Idle time while power-gated: the rest of each gap.
    public internal(set) var gatedPicoseconds: UInt64 = 0
    /// Gaps that ended in a wake-up (a use after the server was gated).
    public internal(set) var wakes: UInt64 = 0
    /// Per server: the time up to which its present gap has been split.
    var accounted: [UInt64]

    init(servers: Int, gateAfterPicoseconds: UInt64) {
        self.gateAfterPicoseconds = gateAfterPicoseconds
        accounted = Array(repeating: 0, count: servers)
    }

    /// Splits server `s`'s gap since `lastBusy` up to `time` (a part not split before).
    mutating func account(server s: Int, lastBusy: UInt64, until time: UInt64) {
        let from = max(lastBusy, accounted[s])
        guard time > from else {
            // Busy up to `time` (or split already): split up to there all the same.
            accounted[s] = max(accounted[s], time)
            return
        }
        let (gateAt, overflow) = lastBusy.addingReportingOverflow(gateAfterPicoseconds)
        let powered = overflow ? time - from : min(time, max(from, gateAt)) - from
        poweredPicoseconds &+= powered
        gatedPicoseconds &+= time - from - powered
        accounted[s] = time
    }

    /// Server `s`'s gap since `lastBusy` ends with a use at `time`.
    mutating func close(server s: Int, lastBusy: UInt64, at time: UInt64) {
        account(server: s, lastBusy: lastBusy, until: time)
        if time - lastBusy > gateAfterPicoseconds { wakes &+= 1 }
    }
}
