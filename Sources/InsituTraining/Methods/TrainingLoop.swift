import Foundation
import InsituHardware

/// The one training loop every method runs: minibatches drawn as the paper draws them, a
/// forward pass on the accelerator (which also runs each image's backward work as counts),
/// backpropagation above the hardware, the update rule, and test evaluations.
public struct TrainingLoop {
    public let accelerator: any Accelerator
    public let training: TrainingSpec
    public let activation: Activation
    public let rule: any UpdateRule
    /// Called after every update, to refresh what backpropagation reads (the crossbar's read-back).
    public var afterUpdate: (() throws -> Void)?
    /// Called after every `checkpointInterval` updates (and evaluations due), with the loop's state.
    public var checkpoint: ((State) throws -> Void)?
    public var checkpointInterval = 0
    /// Where to continue from, for a resumed run.
    public var resume: State?

    /// Where the loop stands between updates: all it needs to continue as if never stopped.
    public struct State: Codable, Equatable {
        public var seen: Int
        public var nextEvaluation: Int
        public var sampler: TrainingData.Sampler
        public var curve: [TrainingOutcome.Point]
        public var batchAccuracy: [Double]
        public var updates: Int

        /// Whether every value is one a run of `images` images over `trainCount` training images can reach.
        func isValid(images: Int, trainCount: Int) -> Bool {
            seen >= 0 && seen <= images && nextEvaluation > 0 && updates >= 0 && updates <= seen && batchAccuracy.count == updates
                && batchAccuracy.allSatisfy { $0 >= 0 && $0 <= 1 } && sampler.isValid(count: trainCount)
                && curve.allSatisfy { $0.images >= 0 && $0.images <= images && $0.accuracy >= 0 && $0.accuracy <= 1 }
        }
    }

    public init(accelerator: any Accelerator, training: TrainingSpec, activation: Activation, rule: any UpdateRule,
                afterUpdate: (() throws -> Void)? = nil) {
        self.accelerator = accelerator
        self.training = training
        self.activation = activation
        self.rule = rule
        self.afterUpdate = afterUpdate
    }

    /// Trains on `data` into `outcome`; `progress` is called after each update with the images so far.
    public func run(on data: TrainingData, into outcome: inout TrainingOutcome,
                    progress: ((Int, TrainingOutcome) -> Void)? = nil) throws {
        let widths = accelerator.widths
        var backprop = Backprop(widths: widths, activation: activation)
        backprop.rounding = accelerator as? any TensorRounding
        let work = accelerator.isCosted ? Backprop.work(widths: widths, hidden: activation.hidden, output: activation.output) : []
        var sampler = TrainingData.Sampler(count: data.trainCount, seed: training.seed)
        var seen = 0
        var nextEvaluation = training.evaluationInterval > 0 ? training.evaluationInterval : Int.max
        if let resume {
            guard resume.isValid(images: training.images, trainCount: data.trainCount) else {
                throw CheckpointMismatch(description: "the checkpoint's training position (images seen, evaluations, sampler or curve) is out of range")
            }
            sampler = resume.sampler
            seen = resume.seen
            nextEvaluation = resume.nextEvaluation
            outcome.curve = resume.curve
            outcome.batchAccuracy = resume.batchAccuracy
            outcome.updates = resume.updates
        }
        // The next batch, drawn ahead from a copy of the sampler (a checkpoint keeps the sampler before it).
        var upcoming: (sampler: TrainingData.Sampler, volts: [Float], labels: [Int])?
        while seen < training.images {
            let size = min(training.batchSize, training.images - seen)
            let (volts, labels): ([Float], [Int])
            if let next = upcoming {
                (sampler, volts, labels) = next
                upcoming = nil
            } else {
                (volts, labels) = data.batch(sampler.next(size))
            }
            accelerator.trace?.beginImages(first: seen, count: size, training: true)
            // Backpropagation (above the accelerator, on the weights it read back) beside the pass's
            // costs, when it is large enough and does not spread over the cores by itself.
            let weights = accelerator.backpropWeights, batch = InputBatch(volts: volts, labels: labels)
            let pass: ForwardPass
            if backprop.overlaps(images: size) {
                // The accelerator's thread, once it has charged the pass, takes some of the gradient's rows.
                let items = accelerator.meanwhileItems
                pass = try accelerator.forward(batch, phase: .forward, perImage: work) { pass in
                    backprop.accumulate(pass, labels: labels, weights: weights, sharing: items)
                }
            } else if backprop.splitsGradients(images: size) {
                // The errors beside the pass's costs, then the gradient's rows on both threads.
                pass = try accelerator.forward(batch, phase: .forward, perImage: work) { pass in
                    backprop.computeErrors(pass, labels: labels, weights: weights)
                }
                backprop.addGradients(of: pass)
            } else {
                pass = try accelerator.forward(batch, phase: .forward, perImage: work)
                backprop.accumulate(pass, labels: labels, weights: weights)
            }
            outcome.batchAccuracy.append(Double(pass.correct(labels)) / Double(size))
            // A decayed learning rate scales what the rule steps by (the rule's own scale multiplication takes it).
            let factor = Float(training.learningRateFactor(after: seen))
            let scaled = { (tensors: [[Float]]) in factor == 1 ? tensors : tensors.map { $0.map { $0 * factor } } }
            if let outer = rule as? any OuterProductRule {
                guard size == 1 else { throw UpdateRuleMismatch(description: "an outer-product update takes one image at a time (training.batch: 1)") }
                try outer.apply(inputs: pass.activations, errors: scaled(backprop.deltas), to: accelerator)
            } else {
                try rule.apply(scaled(backprop.gradients), batchSize: size, to: accelerator)
            }
            backprop.clear()
            if seen + size < training.images {
                // Told ahead, the accelerator may compute its images beside the read-back.
                var ahead = sampler
                let next = data.batch(ahead.next(min(training.batchSize, training.images - seen - size)))
                upcoming = (ahead, next.volts, next.labels)
                accelerator.expect(InputBatch(volts: next.volts, labels: next.labels))
            }
            try afterUpdate?()
            seen += size
            outcome.updates += 1
            if seen >= nextEvaluation && seen < training.images {
                let accuracy = try Evaluation.accuracy(of: accelerator, on: data)
                outcome.curve.append(.init(images: seen, accuracy: accuracy, on: accelerator))
                nextEvaluation += training.evaluationInterval
            }
            progress?(seen, outcome)
            if let checkpoint, checkpointInterval > 0, outcome.updates % checkpointInterval == 0, seen < training.images {
                try checkpoint(State(seen: seen, nextEvaluation: nextEvaluation, sampler: sampler, curve: outcome.curve,
                                     batchAccuracy: outcome.batchAccuracy, updates: outcome.updates))
            }
        }
        outcome.imagesTrained = seen
    }
}

/// Test-set accuracy through an accelerator's forward path (charged to the test phase).
public enum Evaluation {
    static let chunk = 500

    public static func accuracy(of accelerator: any Accelerator, on data: TrainingData) throws -> Double {
        var correct = 0
        guard accelerator.trace != nil else {
            // Untraced, the chunks in one call: a chip computes a chunk's images while it charges the one before.
            let chunks = (data.testCount + chunk - 1) / chunk
            func range(_ k: Int) -> Range<Int> { (k * chunk)..<min((k + 1) * chunk, data.testCount) }
            try accelerator.forward(batches: chunks, { k in
                InputBatch(volts: data.testVolts(range(k)), labels: Array(data.testLabels[range(k)]))
            }, phase: .test, perImage: []) { k, pass in
                correct += pass.correct(Array(data.testLabels[range(k)]))
            }
            return data.testCount == 0 ? 0 : Double(correct) / Double(data.testCount)
        }
        var start = 0
        while start < data.testCount {
            let end = min(start + chunk, data.testCount)
            let volts = data.testVolts(start..<end)
            let labels = Array(data.testLabels[start..<end])
            accelerator.trace?.beginImages(first: start, count: end - start, training: false)
            correct += try accelerator.forward(InputBatch(volts: volts, labels: labels), phase: .test, perImage: []).correct(labels)
            start = end
        }
        return data.testCount == 0 ? 0 : Double(correct) / Double(data.testCount)
    }
}
