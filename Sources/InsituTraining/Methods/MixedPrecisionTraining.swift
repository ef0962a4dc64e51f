/// Mixed-precision in-situ training (Nandakumar et al. 2020): the paper's chip and schedule,
/// with each weight's steps gathered in a digital accumulator until they reach a device step
/// (`MixedPrecisionUpdate`). Its accumulators are not part of a checkpoint, so it keeps none.
struct MixedPrecisionMethod: TrainingMethod {
    var name: TrainingSpec.Method { .mixedPrecision }
    var summary: String { "in-situ, with steps gathered in digital accumulators until they reach a device step (Nandakumar 2020)" }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        let chip = try ChipBuilder.chip(job.chip, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        guard let thresholds = DeviceStep.of(chip.deviceModel, given: job.training.deviceStep) else {
            throw UpdateRuleMismatch(description: "the mixed-precision method needs training.device_step for a \(chip.deviceModel.kind) device (its steps are not whole pulses)")
        }
        let rule = MixedPrecisionUpdate(learningRates: job.training.learningRatesVoltsSquared, upThreshold: thresholds.up,
                                        downThreshold: thresholds.down, widths: job.network.layers)
        let outcome = try InSituTraining.run(on: chip, training: job.training, activation: job.activation, data: job.data,
                                             rule: rule, method: name, progress: job.progress)
        return TrainingRun(chipSpec: job.chip, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }
}
