/// Work for the digital side given as operation counts, so that the algorithm above the
/// hardware says what it computes and the hardware says what that costs.
public struct DigitalWork: Sendable, Equatable, Codable {
    public enum Operation: String, Sendable, CaseIterable, Codable {
        /// Arithmetic on the digital unit's lanes.
        case mac, add, exp, compare
        /// Words read from or written to the buffer.
        case read, write
    }

    public var operation: Operation
    public var count: Int
    public var phase: Phase

    public init(_ operation: Operation, _ count: Int, phase: Phase) {
        self.operation = operation
        self.count = count
        self.phase = phase
    }
}
