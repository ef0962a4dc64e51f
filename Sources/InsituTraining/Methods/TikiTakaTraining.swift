/// Tiki-Taka (version 1, Gokmen and Haensch 2020) or its version 2 with a digital low-pass
/// buffer (Gokmen 2021): the paper's chip with four-row cells, two arrays per layer
/// (`TikiTakaUpdate`). Its buffers and transfer position are not part of a checkpoint, so it keeps none.
struct TikiTakaMethod: TrainingMethod {
    let version: Int
    var name: TrainingSpec.Method { version == 1 ? .tikiTaka : .tikiTaka2 }
    var summary: String {
        version == 1 ? "two arrays per layer: gradient steps on A, A's rows read and moved into C in turn (Tiki-Taka, Gokmen 2020)"
            : "Tiki-Taka with a digital low-pass buffer: C programmed by whole device steps (Gokmen 2021)"
    }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        let transfer = job.training.transfer ?? TransferSpec()
        var spec = job.chip
        spec.cell = TikiTakaUpdate.cell(gamma: transfer.gamma)
        return try InSituTraining.run(job, spec: spec, method: name) { chip in
            let lowPass = version == 2 ? try DeviceStep.required(by: name, chip.deviceModel, given: job.training.deviceStep) : nil
            let rule = TikiTakaUpdate(learningRates: job.training.learningRatesVoltsSquared, gamma: transfer.gamma, interval: transfer.interval,
                                      rate: transfer.rate, rowsPerTransfer: transfer.rows, lowPass: lowPass, widths: job.network.layers)
            return (rule, { rule.initialStates($0, state: Float(job.training.initialGateVolts)) })
        }
    }
}
