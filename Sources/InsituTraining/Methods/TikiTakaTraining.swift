import InsituHardware

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
        let chip = try ChipBuilder.chip(spec, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        var lowPass: (up: Double, down: Double)?
        if version == 2 {
            guard let step = DeviceStep.of(chip.deviceModel, given: job.training.deviceStep) else {
                throw UpdateRuleMismatch(description: "Tiki-Taka 2 needs training.device_step for a \(chip.deviceModel.kind) device (its steps are not whole pulses)")
            }
            lowPass = step
        }
        let rule = TikiTakaUpdate(learningRates: job.training.learningRatesVoltsSquared, gamma: transfer.gamma, interval: transfer.interval,
                                  rate: transfer.rate, rowsPerTransfer: transfer.rows, lowPass: lowPass, widths: job.network.layers)
        let outcome = try InSituTraining.run(on: chip, training: job.training, activation: job.activation, data: job.data,
                                             rule: rule, method: name,
                                             initial: { rule.initialStates($0, state: Float(job.training.initialGateVolts)) }, progress: job.progress)
        return TrainingRun(chipSpec: spec, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }
}
