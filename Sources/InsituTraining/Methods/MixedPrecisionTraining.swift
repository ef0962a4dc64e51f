/// Mixed-precision in-situ training (Nandakumar et al. 2020): the paper's chip and schedule,
/// with each weight's steps gathered in a digital accumulator until they reach a device step
/// (`MixedPrecisionUpdate`). Its accumulators are not part of a checkpoint, so it keeps none.
struct MixedPrecisionMethod: TrainingMethod {
    var name: TrainingSpec.Method { .mixedPrecision }
    var summary: String { "in-situ, with steps gathered in digital accumulators until they reach a device step (Nandakumar 2020)" }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        try InSituTraining.run(job, spec: job.chip, method: name) { chip in
            let step = try DeviceStep.required(by: name, chip.deviceModel, given: job.training.deviceStep)
            return (MixedPrecisionUpdate(learningRates: job.training.learningRatesVoltsSquared, upThreshold: step.up,
                                         downThreshold: step.down, widths: job.network.layers), nil)
        }
    }
}
