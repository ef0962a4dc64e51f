import Foundation
import InsituEngine
import InsituHardware

/// In-situ training (Li et al. 2018, section 3 of docs/model.md): every device programmed to
/// an initial state N(mean, spread), then forward passes on the crossbars, errors from
/// read-back weights, state updates by pulses, and a read-back after every update (or, with
/// `training.readback: never`, the weights the controller's states imply).
public enum InSituTraining {
    /// Trains `chip`; with `checkpoints`, its state is handed out every so many updates, and a
    /// run given `resume` (a state saved that way, already put into `chip`) continues from it.
    /// `rule` replaces the paper's state update (another in-situ method, reported as `method`),
    /// and `initial` adjusts the drawn initial states (device layout) before they are programmed.
    public static func run(on chip: any ProgrammableCrossbar, training: TrainingSpec, activation: Activation,
                           data: TrainingData, checkpoints: Checkpoints? = nil, resume: TrainingLoop.State? = nil,
                           rule: (any UpdateRule)? = nil, method: TrainingSpec.Method = .inSitu,
                           initial: (([[Float]]) -> [[Float]])? = nil,
                           progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingOutcome {
        let wallStart = Date()
        var outcome = TrainingOutcome(method: method)
        if resume == nil {
            let drawn = initialStates(chip, mean: training.initialGateVolts, spread: training.initialGateSpreadVolts, seed: training.seed)
            try chip.program(targets: initial?(drawn) ?? drawn, phase: .program, after: [])
            if training.readback == .never { chip.takeWeightsFromStates() } else { try chip.readBack() }
        }
        let afterUpdate: () throws -> Void = training.readback == .never ? { chip.takeWeightsFromStates() } : chip.readBack
        var loop = TrainingLoop(accelerator: chip, training: training, activation: activation,
                                rule: rule ?? StateUpdate(learningRates: training.learningRatesVoltsSquared), afterUpdate: afterUpdate)
        loop.resume = resume
        if let checkpoints {
            loop.checkpointInterval = checkpoints.interval
            loop.checkpoint = checkpoints.save
        }
        if training.readback == .never {
            try loop.run(on: data, into: &outcome, progress: progress)
        } else {
            // Each update's programming is followed by a read-back: its costs may be charged beside the reads.
            try chip.readingBackAfterEachUpdate { try loop.run(on: data, into: &outcome, progress: progress) }
        }
        try outcome.finish(testing: chip, on: data, since: wallStart)
        return outcome
    }

    /// A run of an in-situ method other than the paper's: the chip of `spec` (the job's, as the
    /// method changes it), the update rule `make` builds for that chip and what it does to the
    /// drawn initial states; no checkpoints (such a rule's own state is not saved).
    static func run(_ job: TrainingJob, spec: ChipSpec, method: TrainingSpec.Method,
                    rule make: (Chip) throws -> (rule: any UpdateRule, initial: (([[Float]]) -> [[Float]])?)) throws -> TrainingRun {
        let chip = try ChipBuilder.chip(spec, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        let (rule, initial) = try make(chip)
        let outcome = try run(on: chip, training: job.training, activation: job.activation, data: job.data, rule: rule, method: method,
                              initial: initial, progress: job.progress)
        return TrainingRun(chipSpec: spec, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }

    /// How often to save a run's state, and where it goes.
    public struct Checkpoints {
        public var interval: Int
        public var save: (TrainingLoop.State) throws -> Void
        public init(interval: Int, save: @escaping (TrainingLoop.State) throws -> Void) {
            self.interval = interval
            self.save = save
        }
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
