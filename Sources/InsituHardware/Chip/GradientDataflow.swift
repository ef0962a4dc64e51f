/// How the crossbar chip's digital unit forms the weight gradient of a batch from each
/// image's activations a and errors delta (dW = sum over images of a delta^T). The arithmetic
/// is the same in each (the same multiply-adds in image order, so the same weights); what
/// differs is where the accumulators live and how many words cross the buffer's port.
public enum GradientDataflow: String, Sendable, CaseIterable {
    /// Every image read-modifies-writes all of dW's accumulators in the buffer.
    case buffer
    /// dW's accumulators stay in the register file next to the lanes (all of them must fit),
    /// read-modified-written there per image; the update reads them from there.
    case registers
    /// Each image's errors are stored in the buffer beside its activations (already there);
    /// once per batch dW is formed as a product A^T Delta, tiled so that each tile's
    /// accumulators fit the register file, and written to the buffer for the update.
    case batch

    /// The per-image work as this dataflow places it.
    public func perImage(_ work: [DigitalWork], widths: [Int]) -> [DigitalWork] {
        switch self {
        case .buffer: return work
        case .registers:
            return work.map { w in
                guard w.phase == .gradient, w.operation == .read || w.operation == .write else { return w }
                var r = w
                r.operation = .register
                return r
            }
        case .batch:
            // Work that forms no gradient (a test pass) is left as it is.
            guard work.contains(where: { $0.phase == .gradient }) else { return work }
            let errors = widths.dropFirst().reduce(0, +)
            return work.filter { $0.phase != .gradient }
                + [DigitalWork(.write, errors, phase: .gradient, writes: [DigitalWork.Tensor(.errors, layer: 0, elements: errors)])]
        }
    }

    /// The update's work as this dataflow places it, after a batch of `images`: with `batch`,
    /// dW's product comes first; with `registers`, the gradient's words come from the register file.
    public func perUpdate(_ work: [DigitalWork], widths: [Int], images: Int, registers: Int) -> [DigitalWork] {
        // Programming without an update's work (the initial weights) forms no gradient.
        guard !work.isEmpty else { return work }
        switch self {
        case .buffer: return work
        case .registers:
            return work.map { w in
                guard w.operation == .read, !w.reads.isEmpty, w.reads.allSatisfy({ $0.kind == .gradients }) else { return w }
                var r = w
                r.operation = .register
                return r
            }
        case .batch:
            var product: [DigitalWork] = []
            for l in 0..<(widths.count - 1) {
                let n = widths[l], k = widths[l + 1]
                product.append(DigitalWork(.read, Self.productReads(n: n, k: k, images: images, registers: registers), phase: .gradient, layer: l + 1))
                product.append(DigitalWork(.mac, n * k * images, phase: .gradient, layer: l + 1))
                product.append(DigitalWork(.write, n * k, phase: .gradient, layer: l + 1))
            }
            return product + work
        }
    }

    /// Words read to form an n x k gradient over `images`: output tiles of r x c accumulators
    /// (r c <= `registers`), each reading r activations and c errors per image; the tile shape
    /// that reads least.
    public static func productReads(n: Int, k: Int, images: Int, registers: Int) -> Int {
        var best = Int.max
        for r in 1...max(1, min(n, registers)) {
            let c = min(k, max(1, registers / r))
            let tiles = ((n + r - 1) / r) * ((k + c - 1) / c)
            best = min(best, tiles * (r + c) * images)
        }
        return best
    }

    /// Words the buffer holds for training a batch of `images`: each image's inputs and hidden
    /// activations, the read-back weights and the two gate states of every weight, and the
    /// gradient's accumulators (`buffer`), or each image's errors and dW once formed (`batch`).
    public func bufferWords(widths: [Int], images: Int) -> Int {
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        let activations = widths.dropLast().reduce(0, +) * images
        let base = activations + 3 * weights
        switch self {
        case .buffer: return base + weights
        case .registers: return base
        case .batch: return base + widths.dropFirst().reduce(0, +) * images + weights
        }
    }
}
