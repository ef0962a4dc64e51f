import Foundation
import InsituDigital
import InsituHardware

/// The float line's training on a digital accelerator: the same initial weights, minibatches,
/// activation and SGD step as `FloatTraining`, with every tensor in the machine's formats
/// and every operation scheduled and charged on its MAC array, vector unit and memories.
public enum DigitalTraining {
    /// A fresh digital chip holding the float line's initial weights.
    public static func chip(_ spec: DigitalChipSpec, widths: [Int], training: TrainingSpec, activation: Activation,
                            slopeSiemensPerState slope: Double, accounting: Bool = true) throws -> DigitalChip {
        try DigitalChip(spec: spec, widths: widths, hiddenGain: activation.gain, hiddenClip: activation.clip,
                        weightUnit: Float(slope), errorUnit: Float(activation.outputScalePerAmp),
                        weights: FloatTraining.initialWeights(widths: widths, training: training, slopeSiemensPerState: slope),
                        accounting: accounting)
    }

    public static func run(on chip: DigitalChip, training: TrainingSpec, activation: Activation, slopeSiemensPerState slope: Double,
                           data: TrainingData, progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingOutcome {
        let wallStart = Date()
        var outcome = TrainingOutcome(method: .digital)
        let rule = SGDUpdate(steps: FloatTraining.steps(training: training, slopeSiemensPerState: slope))
        try TrainingLoop(accelerator: chip, training: training, activation: activation, rule: rule)
            .run(on: data, into: &outcome, progress: progress)
        try outcome.finish(testing: chip, on: data, since: wallStart)
        return outcome
    }
}
