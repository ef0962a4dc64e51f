import InsituHardware

/// Backpropagation over what a forward pass left on the digital side: softmax, output error,
/// hidden errors from the weights the digital side holds, and weight gradients summed over
/// the batch in image order (so results never depend on the schedule).
public struct Backprop {
    public let widths: [Int]
    public let activation: Activation
    /// Weight gradients summed over the batch, per layer (inputs x outputs).
    public private(set) var gradients: [[Float]]
    var deltas: [[Float]]
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
        for l in gradients.indices { for k in gradients[l].indices { gradients[l][k] = 0 } }
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
                probabilities.withUnsafeMutableBufferPointer { p in _ = DigitalMath.softmax(out, k: k, label: label, into: p) }
            }
            probabilities.withUnsafeBufferPointer { p in
                deltas[L - 1].withUnsafeMutableBufferPointer { d in
                    DigitalMath.outputDelta(p, k: k, label: label, into: d)
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
                                DigitalMath.hiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                        gain: activation.gain, clip: activation.clip, into: d)
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
                            rounding?.roundGradients(g)
                        }
                    }
                }
            }
        }
    }

    /// What one image's backward pass and gradient cost on the digital side, as counts:
    /// softmax (m exponentials, m divisions as MACs), output error (m MACs), per hidden layer
    /// W^T delta (inputs x outputs MACs, the weights read from the buffer) and the mask (two
    /// comparisons per unit); then a delta^T for every layer with a read-modify-write of the
    /// accumulators.
    public static func work(widths: [Int]) -> [DigitalWork] {
        let m = widths.last!
        var macs = 2 * m, compares = 0, weightWords = 0
        for l in 1..<(widths.count - 1) {
            macs += widths[l] * widths[l + 1]
            compares += 2 * widths[l]
            weightWords += widths[l] * widths[l + 1]
        }
        var work = [DigitalWork(.exp, m, phase: .backward)]
        if weightWords > 0 { work.append(DigitalWork(.read, weightWords, phase: .backward)) }
        work.append(DigitalWork(.mac, macs, phase: .backward))
        if compares > 0 { work.append(DigitalWork(.compare, compares, phase: .backward)) }
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        work += [DigitalWork(.read, weights, phase: .gradient), DigitalWork(.mac, weights, phase: .gradient),
                 DigitalWork(.write, weights, phase: .gradient)]
        return work
    }
}
