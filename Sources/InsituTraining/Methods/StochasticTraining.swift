import InsituHardware

/// In-situ training by the stochastic pulse update (Gokmen and Vlasov 2016): the paper's
/// chip with pulse generators on every tile, one image per update, the array updated at once
/// (`StochasticUpdate`). Its random stream is not part of a checkpoint, so it keeps none.
struct StochasticMethod: TrainingMethod {
    var name: TrainingSpec.Method { .stochasticUpdate }
    var summary: String { "in-situ, each image's outer product formed by coincident stochastic pulse trains, the array updated at once (Gokmen 2016)" }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        guard job.training.batchSize == 1 else {
            throw UpdateRuleMismatch(description: "the stochastic update takes one image at a time (training.batch: 1)")
        }
        var spec = job.chip
        spec.pulseGenerators = spec.pulseGenerators ?? PulseGeneratorSpec()
        return try InSituTraining.run(job, spec: spec, method: name) { chip in
            let step = try DeviceStep.required(by: name, chip.deviceModel, given: job.training.deviceStep)
            return (StochasticUpdate(learningRates: job.training.learningRatesVoltsSquared,
                                     trainLength: job.training.pulseTrainLength ?? StochasticUpdate.defaultTrainLength,
                                     upStep: step.up, downStep: step.down, widths: job.network.layers, seed: job.training.seed), nil)
        }
    }
}
