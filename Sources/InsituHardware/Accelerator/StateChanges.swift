/// The devices of one layer that an update moves, and the states it moves them to (device
/// layout, indices ascending): an update whose steps round to whole pulses leaves most
/// devices where they are, and a chip need not visit those.
public struct StateChanges: Sendable, Equatable {
    /// Device indices in the layer's device layout, ascending, each once.
    public private(set) var indices: [Int] = []
    /// The new state of each device in `indices`.
    public private(set) var targets: [Float] = []

    public init() {}

    /// The changes to devices `indices` (ascending, each once), to states `targets` (one each).
    public init(indices: [Int], targets: [Float]) {
        precondition(indices.count == targets.count, "one target per device")
        precondition(zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 } && (indices.first ?? 0) >= 0,
                     "state changes in ascending device order")
        self.indices = indices
        self.targets = targets
    }

    public var count: Int { indices.count }

    /// The positions, among `positions`, of the changes to devices in `devices` (indices being ascending).
    public func positions(of devices: Range<Int>, within positions: Range<Int>) -> Range<Int> {
        var lower = positions.lowerBound
        while lower < positions.upperBound && indices[lower] < devices.lowerBound { lower += 1 }
        var upper = lower
        while upper < positions.upperBound && indices[upper] < devices.upperBound { upper += 1 }
        return lower..<upper
    }

    /// `states` with the changes applied.
    public func applied(to states: [Float]) -> [Float] {
        var t = states
        for (k, i) in indices.enumerated() { t[i] = targets[k] }
        return t
    }
}
