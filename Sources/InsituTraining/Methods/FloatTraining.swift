import Foundation
import InsituEngine
import InsituHardware

/// Floating-point training of the same network (the paper's TensorFlow line): weights in
/// siemens, the same activation and softmax scale, plain minibatch SGD with the step the
/// ideal chip would take (dW = -2 eta slope^2 mean dL/dW), on the same training loop.
public enum FloatTraining {
    /// Trains a software copy; `weightLimit` bounds |w| (ex-situ uses the device window).
    /// `devicesPerStep`: the devices an in-situ step moves per weight (2 for a pair, 1 for one
    /// device against a reference), so that the float line takes the ideal chip's step.
    public static func run(widths: [Int], training: TrainingSpec, activation: Activation, slopeSiemensPerState slope: Double,
                           data: TrainingData, weightLimit: Double? = nil, devicesPerStep: Int = 2) throws -> (network: SoftwareNetwork, outcome: TrainingOutcome) {
        let wallStart = Date()
        let network = SoftwareNetwork(widths: widths, activation: activation,
                                      weights: initialWeights(widths: widths, training: training, slopeSiemensPerState: slope))
        var outcome = TrainingOutcome(method: .float)
        let rule = SGDUpdate(steps: steps(training: training, slopeSiemensPerState: slope).map { $0 * Double(devicesPerStep) / 2 },
                             limit: weightLimit.map(Float.init))
        try TrainingLoop(accelerator: network, training: training, activation: activation, rule: rule).run(on: data, into: &outcome)
        try outcome.finish(testing: network, on: data, since: wallStart)
        return (network, outcome)
    }

    /// The weights the chip's initial gates give (slope x (g+ - g-)), drawn from the run's seed.
    public static func initialWeights(widths: [Int], training: TrainingSpec, slopeSiemensPerState slope: Double) -> [[Float]] {
        var rng = RandomStream(seed: training.seed, stream: "initial-gates")
        return (0..<(widths.count - 1)).map { l in
            (0..<(widths[l] * widths[l + 1])).map { _ in
                Float(slope * training.initialGateSpreadVolts * (rng.gaussian() - rng.gaussian()))
            }
        }
    }

    /// Per-layer SGD steps on the batch-mean gradient: 2 eta slope^2.
    public static func steps(training: TrainingSpec, slopeSiemensPerState slope: Double) -> [Double] {
        training.learningRatesVoltsSquared.map { 2 * $0 * slope * slope }
    }
}
