import Foundation
import InsituEngine
import InsituHardware

/// Floating-point training of the same network (the paper's TensorFlow line): weights in
/// siemens, the same ReLU gain and clip and the same softmax scale, plain minibatch SGD
/// with the step the ideal chip would take (dW = -2 eta slope^2 mean dL/dW).
public struct FloatTrainer {
    public let network: NetworkSpec
    public let training: TrainingSpec
    public let chip: ChipSpec
    /// Largest |w| allowed (siemens); nil for no limit. Ex-situ uses the device window.
    public var weightLimit: Double?

    public init(network: NetworkSpec, training: TrainingSpec, chip: ChipSpec, weightLimit: Double? = nil) {
        self.network = network
        self.training = training
        self.chip = chip
        self.weightLimit = weightLimit
    }

    /// Trains and returns the weights (per layer, inputs x outputs) and the outcome.
    public func run(on data: TrainingData) -> (weights: [[Float]], outcome: TrainingOutcome) {
        let wallStart = Date()
        let widths = network.layers
        let L = widths.count - 1
        let slope = chip.device.slopeSiemensPerVolt
        var rng = RandomStream(seed: training.seed, stream: "initial-gates")
        var w: [[Float]] = (0..<L).map { l in
            (0..<(widths[l] * widths[l + 1])).map { _ in
                Float(slope * training.initialGateSpreadVolts * (rng.gaussian() - rng.gaussian()))
            }
        }
        var outcome = TrainingOutcome(method: .float)
        var sampler = TrainingData.Sampler(count: data.trainCount, seed: training.seed)
        var grads = w.map { [Float](repeating: 0, count: $0.count) }
        var model = FloatModel(widths: widths, gain: Float(chip.tia.gainVoltsPerAmp), clip: Float(chip.tia.clipVolts),
                               k: network.outputScalePerAmp)
        var seen = 0
        let limit = weightLimit.map(Float.init)
        var nextEvaluation = training.evaluationInterval > 0 ? training.evaluationInterval : Int.max
        while seen < training.images {
            let size = min(training.batchSize, training.images - seen)
            let idx = sampler.next(size)
            var correct = 0
            for i in idx {
                let v = Array(data.trainVolts[(i * data.inputCount)..<((i + 1) * data.inputCount)])
                if model.train(v, label: data.trainLabels[i], weights: w, gradients: &grads) { correct += 1 }
            }
            outcome.batchAccuracy.append(Double(correct) / Double(size))
            for l in 0..<L {
                let step = Float(2 * training.learningRatesVoltsSquared[l] * slope * slope / Double(size))
                for k in w[l].indices {
                    var x = w[l][k] - step * grads[l][k]
                    if let limit { x = min(max(x, -limit), limit) }
                    w[l][k] = x
                    grads[l][k] = 0
                }
            }
            seen += size
            outcome.updates += 1
            if seen >= nextEvaluation && seen < training.images {
                outcome.curve.append(.init(images: seen, accuracy: model.accuracy(weights: w, data: data)))
                nextEvaluation += training.evaluationInterval
            }
        }
        outcome.finalAccuracy = model.accuracy(weights: w, data: data)
        outcome.curve.append(.init(images: seen, accuracy: outcome.finalAccuracy))
        outcome.imagesTrained = seen
        outcome.testImages = data.testCount
        outcome.wallSeconds = Date().timeIntervalSince(wallStart)
        outcome.dataSource = data.source
        return (w, outcome)
    }
}

/// Forward and backward passes of the network in floating point.
struct FloatModel {
    let widths: [Int]
    let gain: Float
    let clip: Float
    let k: Double
    var activations: [[Float]]
    var deltas: [[Float]]
    var probabilities: [Float]

    init(widths: [Int], gain: Float, clip: Float, k: Double) {
        self.widths = widths
        self.gain = gain
        self.clip = clip
        self.k = k
        activations = widths.map { [Float](repeating: 0, count: $0) }
        deltas = widths.dropFirst().map { [Float](repeating: 0, count: $0) }
        probabilities = [Float](repeating: 0, count: widths.last!)
    }

    /// Output currents for input voltages `v`; hidden activations kept for backprop.
    mutating func forward(_ v: [Float], weights w: [[Float]]) -> [Float] {
        activations[0] = v
        let L = widths.count - 1
        for l in 0..<L {
            let m = widths[l + 1]
            var out = [Float](repeating: 0, count: m)
            activations[l].withUnsafeBufferPointer { a in
                w[l].withUnsafeBufferPointer { wl in
                    out.withUnsafeMutableBufferPointer { VectorMath.transposedProduct(a, wl, columns: m, into: $0) }
                }
            }
            if l < L - 1 {
                for j in 0..<m { out[j] = min(max(gain * out[j], 0), clip) }
            }
            activations[l + 1] = out
        }
        return activations[L]
    }

    /// One image's forward and backward pass; adds its gradients; returns whether it was classified right.
    mutating func train(_ v: [Float], label: Int, weights w: [[Float]], gradients g: inout [[Float]]) -> Bool {
        let out = forward(v, weights: w)
        let L = widths.count - 1
        out.withUnsafeBufferPointer { o in
            probabilities.withUnsafeMutableBufferPointer { p in _ = DigitalMath.softmax(o, k: k, label: label, into: p) }
        }
        probabilities.withUnsafeBufferPointer { p in
            deltas[L - 1].withUnsafeMutableBufferPointer { d in DigitalMath.outputDelta(p, k: k, label: label, into: d) }
        }
        var l = L - 2
        while l >= 0 {
            w[l + 1].withUnsafeBufferPointer { wn in
                deltas[l + 1].withUnsafeBufferPointer { next in
                    activations[l + 1].withUnsafeBufferPointer { h in
                        deltas[l].withUnsafeMutableBufferPointer { d in
                            DigitalMath.hiddenDelta(weights: wn, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                    gain: gain, clip: clip, into: d)
                        }
                    }
                }
            }
            l -= 1
        }
        for l in 0..<L {
            activations[l].withUnsafeBufferPointer { a in
                deltas[l].withUnsafeBufferPointer { d in
                    g[l].withUnsafeMutableBufferPointer { gl in DigitalMath.accumulate(a, d, into: gl) }
                }
            }
        }
        return out.withUnsafeBufferPointer { DigitalMath.argmax($0) } == label
    }

    mutating func accuracy(weights w: [[Float]], data: TrainingData) -> Double {
        var correct = 0
        for i in 0..<data.testCount {
            let v = Array(data.testVolts[(i * data.inputCount)..<((i + 1) * data.inputCount)])
            let out = forward(v, weights: w)
            if out.withUnsafeBufferPointer({ DigitalMath.argmax($0) }) == data.testLabels[i] { correct += 1 }
        }
        return data.testCount == 0 ? 0 : Double(correct) / Double(data.testCount)
    }
}
