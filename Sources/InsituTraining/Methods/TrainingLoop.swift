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
        let work = accelerator.isCosted ? Backprop.work(widths: widths) : []
        var sampler = TrainingData.Sampler(count: data.trainCount, seed: training.seed)
        var seen = 0
        var nextEvaluation = training.evaluationInterval > 0 ? training.evaluationInterval : Int.max
        while seen < training.images {
            let size = min(training.batchSize, training.images - seen)
            let (volts, labels) = data.batch(sampler.next(size))
            let pass = try accelerator.forward(InputBatch(volts: volts, labels: labels), phase: .forward, perImage: work)
            outcome.batchAccuracy.append(Double(pass.correct(labels)) / Double(size))
            backprop.accumulate(pass, labels: labels, weights: accelerator.backpropWeights)
            try rule.apply(backprop.gradients, batchSize: size, to: accelerator)
            backprop.clear()
            try afterUpdate?()
            seen += size
            outcome.updates += 1
            if seen >= nextEvaluation && seen < training.images {
                outcome.curve.append(.init(images: seen, accuracy: try Evaluation.accuracy(of: accelerator, on: data)))
                nextEvaluation += training.evaluationInterval
            }
            progress?(seen, outcome)
        }
        outcome.imagesTrained = seen
    }
}

/// Test-set accuracy through an accelerator's forward path (charged to the test phase).
public enum Evaluation {
    static let chunk = 500

    public static func accuracy(of accelerator: any Accelerator, on data: TrainingData) throws -> Double {
        var correct = 0
        var start = 0
        while start < data.testCount {
            let end = min(start + chunk, data.testCount)
            let volts = Array(data.testVolts[(start * data.inputCount)..<(end * data.inputCount)])
            let labels = Array(data.testLabels[start..<end])
            correct += try accelerator.forward(InputBatch(volts: volts, labels: labels), phase: .test, perImage: []).correct(labels)
            start = end
        }
        return data.testCount == 0 ? 0 : Double(correct) / Double(data.testCount)
    }
}
