/// Receives spans of hardware activity for timelines (Perfetto JSON, VCD) with their energies.
///
/// Entities report what they did, when and what it cost; a sink decides what to keep and how
/// to write it. The engine only defines the protocol, so that lower layers need no knowledge
/// of file formats.
public protocol TraceSink: AnyObject {
    /// False while the sink keeps nothing (outside its window): accelerators then build no
    /// spans and may replay recorded segments.
    var isRecording: Bool { get }
    /// One span of activity; spans on one track never overlap.
    func record(_ span: TraceSpan)
    /// The next forward batch holds images `first ..< first + count` of the training set
    /// (`training`) or of the test set; a span's `slot` counts from `first`.
    func beginImages(first: Int, count: Int, training: Bool)
    /// A segment of `phase` has ended: every span before `end` has been reported, and
    /// `leakage` lists each component's static energy over `start ..< end` (ledger quanta).
    func endSegment(phase: String, start: SimTime, end: SimTime, leakage: [(component: String, energy: EnergyQuanta)])
}

/// One span of activity on one track (a component, or one server of a bank): `[start, end)`,
/// requested at `requested` (it queued until `start`), with the exact energy charged for it.
public struct TraceSpan: Sendable {
    /// The component's name.
    public var component: String
    /// The server of a multi-server component (an ADC of a bank), or nil.
    public var server: Int?
    /// The action, e.g. "convert".
    public var action: String
    public var phase: String
    /// Network layer from 1; 0 when the work serves no single layer.
    public var layer: Int
    /// Image within the batch in flight, or nil for work of no single image.
    public var slot: Int?
    public var requested: SimTime
    public var start: SimTime
    public var end: SimTime
    /// The energy the ledger was charged for this span, in quanta.
    public var energy: EnergyQuanta
    /// Further integers a span carries, in order (a programmed row: its row and the devices it set and reset).
    public var details: [(name: String, value: Int)] = []

    public init(component: String, server: Int? = nil, action: String, phase: String, layer: Int = 0, slot: Int? = nil,
                requested: SimTime, start: SimTime, end: SimTime, energy: EnergyQuanta = EnergyQuanta()) {
        self.component = component
        self.server = server
        self.action = action
        self.phase = phase
        self.layer = layer
        self.slot = slot
        self.requested = requested
        self.start = start
        self.end = end
        self.energy = energy
    }

    /// The track: the component, with its server in brackets for a bank, e.g. "tile0.adc[3]".
    public var track: String { server.map { "\(component)[\($0)]" } ?? component }
}

extension TraceSink {
    public func beginImages(first: Int, count: Int, training: Bool) {}
    public func endSegment(phase: String, start: SimTime, end: SimTime, leakage: [(component: String, energy: EnergyQuanta)]) {}
}
