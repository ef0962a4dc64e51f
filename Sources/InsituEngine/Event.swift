/// Identifies an entity inside one simulator (its index in registration order).
public struct EntityID: Hashable, Sendable, CustomStringConvertible {
    public let index: Int32
    public init(_ index: Int32) { self.index = index }
    public var description: String { "#\(index)" }
}

/// One scheduled occurrence: what happens (`kind`, `payload`), to whom and when.
///
/// A plain value, so the queue stores events inline without allocation; entities
/// interpret `kind` and `payload` themselves.
public struct Event: Sendable, Equatable {
    /// Time in the high 64 bits, insertion number in the low 64: one integer comparison orders events.
    @usableFromInline var orderKey: UInt128
    public var time: SimTime { SimTime(picoseconds: UInt64(truncatingIfNeeded: orderKey >> 64)) }
    /// Insertion number: breaks ties between events at the same time, first scheduled first.
    public var sequence: UInt64 { UInt64(truncatingIfNeeded: orderKey) }
    public var target: EntityID
    public var kind: Int32
    public var payload: Int64

    public init(time: SimTime, sequence: UInt64, target: EntityID, kind: Int32, payload: Int64) {
        orderKey = UInt128(time.picoseconds) << 64 | UInt128(sequence)
        self.target = target
        self.kind = kind
        self.payload = payload
    }

    @inline(__always)
    static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.orderKey < b.orderKey
    }
}
