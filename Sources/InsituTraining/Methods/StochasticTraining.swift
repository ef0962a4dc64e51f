import InsituHardware

/// In-situ training by the stochastic pulse update (Gokmen and Vlasov 2016): the paper's
/// chip with pulse generators on every tile, one image per update, the array updated at once
/// (`StochasticUpdate`). Its random stream is not part of a checkpoint, so it keeps none.
struct StochasticMethod: TrainingMethod {
    var name: TrainingSpec.Method { .stochasticUpdate }
    var summary: String { "in-situ, each image's outer product formed by coincident stochastic pulse trains, the array updated at once (Gokmen 2016)" }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        var spec = job.chip
        spec.pulseGenerators = spec.pulseGenerators ?? PulseGeneratorSpec()
        let chip = try ChipBuilder.chip(spec, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        guard job.training.batchSize == 1 else {
            throw UpdateRuleMismatch(description: "the stochastic update takes one image at a time (training.batch: 1)")
        }
        guard let step = DeviceStep.of(chip.deviceModel, given: job.training.deviceStep) else {
            throw UpdateRuleMismatch(description: "the stochastic update needs training.device_step for a \(chip.deviceModel.kind) device (its steps are not whole pulses)")
        }
        let rule = StochasticUpdate(learningRates: job.training.learningRatesVoltsSquared,
                                    trainLength: job.training.pulseTrainLength ?? StochasticUpdate.defaultTrainLength,
                                    upStep: step.up, downStep: step.down, widths: job.network.layers, seed: job.training.seed)
        let outcome = try InSituTraining.run(on: chip, training: job.training, activation: job.activation, data: job.data,
                                             rule: rule, method: name, progress: job.progress)
        return TrainingRun(chipSpec: spec, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }
}
