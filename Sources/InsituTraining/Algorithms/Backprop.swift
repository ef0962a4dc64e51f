import InsituHardware

/// Backpropagation over what a forward pass left on the digital side: softmax, output error,
/// hidden errors from the weights the digital side holds, and weight gradients summed over
/// the batch in image order (so results never depend on the schedule).
public struct Backprop {
    public let widths: [Int]
    public let activation: Activation
    /// Weight gradients summed over the batch, per layer (inputs x outputs).
    public private(set) var gradients: [[Float]]
    /// The last image's errors at each layer's outputs (widths[l + 1] values): layer l's
    /// gradient for that image is its input times these.
    public private(set) var deltas: [[Float]]
    var probabilities: [Float]
    /// The machine's number formats for errors and gradients, if it rounds them.
    public var rounding: (any TensorRounding)?

    public init(widths: [Int], activation: Activation) {
        self.widths = widths
        self.activation = activation
        gradients = zip(widths, widths.dropFirst()).map { [Float](repeating: 0, count: $0 * $1) }
        deltas = widths.dropFirst().map { [Float](repeating: 0, count: $0) }
        probabilities = [Float](repeating: 0, count: widths.last!)
    }

    /// Sets every gradient to zero (after an update).
    public mutating func clear() {
        for l in gradients.indices { gradients[l].withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }

    /// Adds the gradients of every image of `pass` with labels `labels`, using `weights` for the errors.
    public mutating func accumulate(_ pass: ForwardPass, labels: [Int], weights: [[Float]]) {
        let L = widths.count - 1
        let k = activation.outputScalePerAmp
        for s in 0..<pass.count {
            let label = labels[s]
            let m = widths[L]
            pass.outputs.withUnsafeBufferPointer { all in
                let out = UnsafeBufferPointer(rebasing: all[(s * m)..<((s + 1) * m)])
                probabilities.withUnsafeMutableBufferPointer { p in
                    switch activation.output {
                    case .softmax: DigitalMath.softmax(out, k: k, label: label, into: p)
                    case .sigmoid: DigitalMath.sigmoid(out, k: k, label: label, into: p)
                    }
                }
            }
            probabilities.withUnsafeBufferPointer { p in
                deltas[L - 1].withUnsafeMutableBufferPointer { d in
                    switch activation.output {
                    case .softmax: DigitalMath.outputDelta(p, k: k, label: label, into: d)
                    case .sigmoid: DigitalMath.sigmoidOutputDelta(p, k: k, label: label, into: d)
                    }
                    rounding?.roundErrors(d)
                }
            }
            var l = L - 2
            while l >= 0 {
                let n = widths[l + 1]
                weights[l + 1].withUnsafeBufferPointer { w in
                    deltas[l + 1].withUnsafeBufferPointer { next in
                        pass.activations[l + 1].withUnsafeBufferPointer { all in
                            let h = UnsafeBufferPointer(rebasing: all[(s * n)..<((s + 1) * n)])
                            deltas[l].withUnsafeMutableBufferPointer { d in
                                switch activation.hidden {
                                case .relu:
                                    DigitalMath.hiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                            gain: activation.gain, clip: activation.clip, into: d)
                                case .sigmoid:
                                    DigitalMath.sigmoidHiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                                   scale: activation.hiddenScalePerAmp, volts: activation.hiddenVolts, into: d)
                                }
                                rounding?.roundErrors(d)
                            }
                        }
                    }
                }
                l -= 1
            }
            for l in 0..<L {
                let n = widths[l]
                pass.activations[l].withUnsafeBufferPointer { all in
                    let a = UnsafeBufferPointer(rebasing: all[(s * n)..<((s + 1) * n)])
                    deltas[l].withUnsafeBufferPointer { d in
                        gradients[l].withUnsafeMutableBufferPointer { g in
                            DigitalMath.accumulate(a, d, into: g)
                            if let rounding, !rounding.roundChangedGradients(g, inputs: a, errors: d) { rounding.roundGradients(g) }
                        }
                    }
                }
            }
        }
    }

    /// What one image's backward pass and gradient do on the digital side: softmax (m
    /// exponentials, m divisions as MACs) and output error (m MACs) from the outputs to the
    /// output errors; per hidden layer, from the last, W^T delta (a product with the weights
    /// stationary, read from the buffer) and the mask (two comparisons per unit); then per
    /// layer the outer product a delta^T into the gradient accumulators, read and written.
    /// A counting machine sums these (`DigitalWork.counted`); a tiling one runs them.
    /// A sigmoid output takes m exponentials, m divisions and three multiplies per output for
    /// its error (4 m MACs); a sigmoid hidden layer's derivative a (1 - a) k_h V times the
    /// product, three multiplies per unit, in place of the ReLU's two comparisons.
    public static func work(widths: [Int], hidden: HiddenActivation = .relu, output: OutputActivation = .softmax) -> [DigitalWork] {
        let L = widths.count - 1, m = widths[L]
        typealias T = DigitalWork.Tensor
        var work = [DigitalWork(.exp, m, phase: .backward, layer: L, reads: [T(.activations, layer: L, elements: m)]),
                    DigitalWork(.mac, (output == .softmax ? 2 : 4) * m, phase: .backward, layer: L, writes: [T(.errors, layer: L, elements: m)])]
        for l in stride(from: L - 1, through: 1, by: -1) {
            let n = widths[l], k = widths[l + 1]
            work.append(DigitalWork(.read, n * k, phase: .backward, layer: l + 1))
            work.append(.product(.init(m: 1, k: k, n: n, batched: .m, stationary: (.weights, l), streamed: (.errors, l + 1),
                                       output: (.errors, l)), phase: .backward, layer: l + 1))
            work.append(hidden == .relu ? DigitalWork(.compare, 2 * n, phase: .backward, layer: l) : DigitalWork(.mac, 3 * n, phase: .backward, layer: l))
        }
        for l in 0..<L {
            let n = widths[l], k = widths[l + 1]
            work.append(DigitalWork(.read, n * k, phase: .gradient, layer: l + 1))
            work.append(.product(.init(m: n, k: 1, n: k, batched: .k, stationary: (.errors, l + 1), streamed: (.activations, l),
                                       output: (.gradients, l)), phase: .gradient, layer: l + 1))
            work.append(DigitalWork(.write, n * k, phase: .gradient, layer: l + 1))
        }
        return work
    }
}
