/// Values that fell outside what a converter, the activation or a device can hold, per network
/// layer: ADC inputs beyond full scale in the forward pass (their codes clamped), hidden
/// activations clipped at the TIA's clip, read-back conversions beyond full scale, and updates
/// that leave a device at an end of its state range. Counted by the
/// functional model, so they do not depend on accounting.
public struct RangeCounts: Codable, Equatable, Sendable {
    public struct Layer: Codable, Equatable, Sendable {
        /// Forward conversions, and those whose input was beyond the ADC's full scale.
        public var conversions: UInt64 = 0
        public var saturated: UInt64 = 0
        /// Hidden activations formed, and those clipped at `tia.clip`.
        public var activations: UInt64 = 0
        public var clipped: UInt64 = 0
        /// Read-back conversions of the layer's devices, and those beyond full scale.
        public var readbacks: UInt64 = 0
        public var saturatedReadbacks: UInt64 = 0
        /// Device states an update changed, and of those the ones it left at an end of the
        /// device's state range (the step clipped there: the weight cannot move further).
        public var updates: UInt64 = 0
        public var clippedUpdates: UInt64 = 0
        public init() {}

        /// Adds another set of counts of this layer.
        public mutating func add(_ other: Layer) {
            conversions += other.conversions
            saturated += other.saturated
            activations += other.activations
            clipped += other.clipped
            readbacks += other.readbacks
            saturatedReadbacks += other.saturatedReadbacks
            updates += other.updates
            clippedUpdates += other.clippedUpdates
        }
    }
    public var layers: [Layer]
    public init(layers: Int) { self.layers = Array(repeating: Layer(), count: layers) }

    /// Share of a count in its total (0 when there is none).
    public static func share(_ part: UInt64, of total: UInt64) -> Double { total == 0 ? 0 : Double(part) / Double(total) }
}
