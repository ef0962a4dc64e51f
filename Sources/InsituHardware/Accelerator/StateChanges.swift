/// The devices of one layer that an update moves, and the states it moves them to (device
/// layout, indices ascending): an update whose steps round to whole pulses leaves most
/// devices where they are, and a chip need not visit those.
public struct StateChanges: Sendable, Equatable {
    /// Device indices in the layer's device layout, ascending, each once.
    public internal(set) var indices: [Int] = []
    /// The new state of each device in `indices`.
    public internal(set) var targets: [Float] = []

    public init() {}

    /// Adds device `index` (above every index added so far) with its new state.
    @inline(__always)
    public mutating func append(_ index: Int, _ target: Float) {
        precondition(indices.last.map { $0 < index } ?? (index >= 0), "state changes in ascending device order")
        indices.append(index)
        targets.append(target)
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
