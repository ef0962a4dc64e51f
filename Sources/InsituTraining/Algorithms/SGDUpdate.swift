import InsituHardware

/// Plain minibatch SGD on an accelerator that stores its weights as numbers:
/// W -= step_l x sum dL/dW / batch, optionally clipped to |W| <= limit.
public struct SGDUpdate: UpdateRule {
    /// Per-layer step on the batch mean of the gradient.
    public var steps: [Double]
    /// Largest |w| allowed; nil for no limit.
    public var limit: Float?

    public init(steps: [Double], limit: Float? = nil) {
        self.steps = steps
        self.limit = limit
    }

    public func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        guard let store = accelerator as? any WeightStore else {
            throw UpdateRuleMismatch(description: "SGD needs an accelerator that stores its weights as numbers")
        }
        var w = store.storedWeights
        for l in w.indices {
            let step = Float(steps[l] / Double(batchSize))
            w[l].withUnsafeMutableBufferPointer { w in
                gradients[l].withUnsafeBufferPointer { g in
                    if let limit {
                        for k in 0..<w.count { w[k] = min(max(w[k] - step * g[k], -limit), limit) }
                    } else {
                        // A zero gradient leaves its weight as it is (w - 0 = w).
                        for k in 0..<w.count where g[k] != 0 { w[k] -= step * g[k] }
                    }
                }
            }
        }
        try store.store(w, phase: .update, after: Self.work(widths: store.widths))
    }

    /// Per layer: read each weight's gradient and master copy, one multiply-add, write the
    /// master copy and the working weight.
    public static func work(widths: [Int]) -> [DigitalWork] {
        typealias T = DigitalWork.Tensor
        return (0..<(widths.count - 1)).flatMap { l -> [DigitalWork] in
            let count = widths[l] * widths[l + 1]
            return [DigitalWork(.read, 2 * count, phase: .update, layer: l + 1),
                    DigitalWork(.mac, count, phase: .update, layer: l + 1,
                                reads: [T(.gradients, layer: l, elements: count), T(.master, layer: l, elements: count)],
                                writes: [T(.master, layer: l, elements: count), T(.weights, layer: l, elements: count)])]
        }
    }
}
