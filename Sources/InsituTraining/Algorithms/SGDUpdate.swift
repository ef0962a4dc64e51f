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
            for k in w[l].indices {
                var x = w[l][k] - step * gradients[l][k]
                if let limit { x = min(max(x, -limit), limit) }
                w[l][k] = x
            }
        }
        let weights = gradients.reduce(0) { $0 + $1.count }
        try store.store(w, phase: .update, after: [
            DigitalWork(.read, 2 * weights, phase: .update), DigitalWork(.mac, weights, phase: .update),
        ])
    }
}
