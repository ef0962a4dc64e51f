/// Digital work of an algorithm, described once above the hardware: what it computes, as an
/// operation and its count per image (or per update), and, where it matters to a machine that
/// schedules structure, what it is: a matrix product on named tensors, or element-wise work
/// reading and writing named tensors. A machine that counts operations (the crossbar chip's
/// digital unit) runs `counted(_:)`; one that tiles products and places tensors (the digital
/// chip) runs the products and element-wise steps and takes its memory traffic from their
/// tensors, leaving out the `read`/`write` word counts, which describe a one-buffer machine.
public struct DigitalWork: Sendable, Equatable, Codable {
    public enum Operation: String, Sendable, CaseIterable, Codable {
        /// Arithmetic on the digital unit's lanes.
        case mac, add, exp, compare
        /// Words read from or written to the buffer.
        case read, write
        /// Words read from or written to the digital unit's register file (a machine's own
        /// placement of work, never part of an algorithm's description).
        case register
    }

    /// A tensor of the training step: its kind, the layer it belongs to (weights, gradients and
    /// master copy of layer l, from 0; activations and errors of widths[l]) and its elements per image.
    public struct Tensor: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case weights, activations, errors, gradients, master }
        public var kind: Kind
        public var layer: Int
        public var elements: Int
        public init(_ kind: Kind, layer: Int, elements: Int) {
            self.kind = kind
            self.layer = layer
            self.elements = elements
        }
    }

    /// C (m x n) = A (m x k) B (k x n) for one image, B held stationary; over a batch the
    /// `batched` dimension (m or k) grows with the images.
    public struct Product: Sendable, Equatable, Codable {
        public enum Dimension: String, Sendable, Codable { case m, k }
        public var m: Int, k: Int, n: Int
        public var batched: Dimension
        public var stationary: Tensor.Kind, stationaryLayer: Int
        public var streamed: Tensor.Kind, streamedLayer: Int
        public var output: Tensor.Kind, outputLayer: Int
        public init(m: Int, k: Int, n: Int, batched: Dimension, stationary: (Tensor.Kind, Int), streamed: (Tensor.Kind, Int),
                    output: (Tensor.Kind, Int)) {
            self.m = m
            self.k = k
            self.n = n
            self.batched = batched
            (self.stationary, stationaryLayer) = stationary
            (self.streamed, streamedLayer) = streamed
            (self.output, outputLayer) = output
        }
        public var macs: Int { m * k * n }
    }

    public var operation: Operation
    public var count: Int
    public var phase: Phase
    /// The network layer the work serves (from 1; 0 for none), for machines that charge by layer.
    public var layer: Int
    /// The product this work is (its `count` is the product's MACs), when it is one.
    public var product: Product?
    /// Tensors element-wise work reads and writes.
    public var reads: [Tensor]
    public var writes: [Tensor]

    public init(_ operation: Operation, _ count: Int, phase: Phase, layer: Int = 0, product: Product? = nil,
                reads: [Tensor] = [], writes: [Tensor] = []) {
        self.operation = operation
        self.count = count
        self.phase = phase
        self.layer = layer
        self.product = product
        self.reads = reads
        self.writes = writes
    }

    private enum CodingKeys: String, CodingKey { case operation, count, phase, layer, product, reads, writes }

    /// Reads work saved before it had structure (a checkpoint): no layer, product or tensors.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        operation = try c.decode(Operation.self, forKey: .operation)
        count = try c.decode(Int.self, forKey: .count)
        phase = try c.decode(Phase.self, forKey: .phase)
        layer = try c.decodeIfPresent(Int.self, forKey: .layer) ?? 0
        product = try c.decodeIfPresent(Product.self, forKey: .product)
        reads = try c.decodeIfPresent([Tensor].self, forKey: .reads) ?? []
        writes = try c.decodeIfPresent([Tensor].self, forKey: .writes) ?? []
    }

    /// A matrix product as work: its MACs, and what it is.
    public static func product(_ p: Product, phase: Phase, layer: Int) -> DigitalWork {
        DigitalWork(.mac, p.macs, phase: phase, layer: layer, product: p)
    }

    /// The phases `work` serves, in the order they first appear.
    public static func phases(of work: [DigitalWork]) -> [Phase] {
        var phases: [Phase] = []
        for w in work where !phases.contains(w.phase) { phases.append(w.phase) }
        return phases
    }

    /// The order in which a counting machine runs a phase's operations.
    static let countedOrder: [Operation] = [.exp, .read, .register, .mac, .add, .compare, .write]

    /// The work as a counting machine runs it: per phase (in the order phases first appear),
    /// one item per operation (in the order exp, read, register, mac, add, compare, write) with the
    /// counts summed, structure left out.
    public static func counted(_ work: [DigitalWork]) -> [DigitalWork] {
        phases(of: work).flatMap { phase in
            countedOrder.compactMap { op in
                let n = work.reduce(0) { $0 + ($1.phase == phase && $1.operation == op ? $1.count : 0) }
                return n > 0 ? DigitalWork(op, n, phase: phase) : nil
            }
        }
    }
}
