/// Where each tensor of a training step lives: in SRAM if it fits in what is left, else in
/// DRAM. Tensors are placed whole, in order of reuse: weights, activations, errors,
/// gradients, then the optimizer's master weights, each by layer.
public struct TensorPlacement: Sendable, Equatable {
    public enum Level: String, Sendable { case sram, dram }
    public enum Kind: String, Sendable, CaseIterable { case weights, activations, errors, gradients, master }

    public struct Tensor: Sendable, Equatable {
        public var kind: Kind
        /// Layer index: weights/gradients/master of layer l; activations and errors of widths[l].
        public var layer: Int
        public var bits: Int
        public var level: Level
    }

    public private(set) var tensors: [Tensor] = []

    /// Places the tensors of one step on a `batch` of images for a network of `widths`.
    public init(widths: [Int], batch: Int, formats: TensorFormats, sramBits: Int) {
        let layers = widths.count - 1
        var free = sramBits
        func place(_ kind: Kind, _ layer: Int, _ bits: Int) {
            let level: Level = bits <= free ? .sram : .dram
            if level == .sram { free -= bits }
            tensors.append(Tensor(kind: kind, layer: layer, bits: bits, level: level))
        }
        for l in 0..<layers { place(.weights, l, widths[l] * widths[l + 1] * formats.weights.bits) }
        for l in 0...layers { place(.activations, l, batch * widths[l] * formats.activations.bits) }
        for l in 1...layers { place(.errors, l, batch * widths[l] * formats.errors.bits) }
        for l in 0..<layers { place(.gradients, l, widths[l] * widths[l + 1] * formats.gradients.bits) }
        for l in 0..<layers { place(.master, l, widths[l] * widths[l + 1] * formats.master.bits) }
    }

    /// The level holding tensor `kind` of `layer`.
    public func level(_ kind: Kind, _ layer: Int) -> Level {
        tensors.first { $0.kind == kind && $0.layer == layer }?.level ?? .dram
    }

    /// Bits placed in SRAM.
    public var sramBits: Int { tensors.filter { $0.level == .sram }.reduce(0) { $0 + $1.bits } }
}
