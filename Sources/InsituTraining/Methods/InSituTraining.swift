import Foundation
import InsituEngine
import InsituHardware

/// In-situ training (Li et al. 2018, section 3 of docs/model.md): every device programmed to
/// an initial state N(mean, spread), then forward passes on the crossbars, errors from
/// read-back weights, state updates by pulses, and a read-back after every update.
public enum InSituTraining {
    public static func run(on chip: any ProgrammableCrossbar, training: TrainingSpec, activation: Activation,
                           data: TrainingData, progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingOutcome {
        let wallStart = Date()
        var outcome = TrainingOutcome(method: .inSitu)
        try chip.program(targets: initialStates(chip, mean: training.initialGateVolts, spread: training.initialGateSpreadVolts,
                                                seed: training.seed), phase: .program, after: [])
        try chip.readBack()
        let loop = TrainingLoop(accelerator: chip, training: training, activation: activation,
                                rule: StateUpdate(learningRates: training.learningRatesVoltsSquared), afterUpdate: chip.readBack)
        try loop.run(on: data, into: &outcome, progress: progress)
        try outcome.finish(testing: chip, on: data, since: wallStart)
        return outcome
    }

    /// Every device's initial state drawn from N(mean, spread), clipped to the model's range.
    public static func initialStates(_ chip: any ProgrammableCrossbar, mean: Double, spread: Double, seed: UInt64) -> [[Float]] {
        var rng = RandomStream(seed: seed, stream: "initial-gates")
        let range = chip.deviceModel.stateRange
        return chip.states.map { layer in
            (0..<layer.count).map { _ in Float(min(max(mean + spread * rng.gaussian(), range.lowerBound), range.upperBound)) }
        }
    }
}
