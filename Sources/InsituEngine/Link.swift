/// A one-way connection with a fixed latency from one entity to another (SST's link).
///
/// Sending over a link schedules the event `latency` after now; a link's latency is what
/// would later let partitions of a chip run in parallel.
public struct Link: Sendable, Hashable {
    public let target: EntityID
    public let latency: SimTime

    public init(to target: EntityID, latency: SimTime) {
        self.target = target
        self.latency = latency
    }
}
