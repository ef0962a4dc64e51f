/// One action a component performs: its name and its index in the component's price list.
/// Actions are open: each component model declares its own.
public struct ActionID: Hashable, Sendable {
    public let index: Int
    public let name: String
    public init(_ index: Int, _ name: String) {
        self.index = index
        self.name = name
    }
}

/// What one action costs: a fixed energy per event plus an energy per unit of the action's
/// magnitude (bits moved, V^2 S of a read, siemens of a pulse, seconds of leakage).
/// Keeping the price apart from the counts lets a run be priced again without simulating.
public struct ActionPrice: Sendable, Equatable {
    public var joulesPerEvent: Double
    public var joulesPerUnit: Double
    /// What the magnitude measures, for reports ("bit", "V^2 S", "s").
    public var unit: String

    public init(joulesPerEvent: Double = 0, joulesPerUnit: Double = 0, unit: String = "") {
        self.joulesPerEvent = joulesPerEvent
        self.joulesPerUnit = joulesPerUnit
        self.unit = unit
    }

    /// Energy of `count` events with a summed magnitude of `magnitude`.
    @inlinable
    public func joules(count: UInt64, magnitude: Double) -> Double {
        joulesPerEvent * Double(count) + joulesPerUnit * magnitude
    }
}
