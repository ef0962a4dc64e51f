import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// A training method that keeps two arrays per layer, after Tiki-Taka (Gokmen and Haensch,
/// Front. Neurosci. 2020), defined outside the library: each weight is w = gamma (A+ - A-) +
/// (C+ - C-), four device rows per input driven at +gamma v, -gamma v, +v and -v. Gradient
/// steps go to the A pair, as in-situ training steps its pair; every `transferInterval`
/// updates the controller moves A into C, open loop from the states it remembers (C's pair
/// stepped by +/- gamma (sA+ - sA-) / 2) and returns A to its symmetric point.
struct TwoArrayTraining: TrainingMethod {
    var gamma = 0.5
    var transferInterval = 4

    var name: TrainingSpec.Method { "two-array" }
    var summary: String { "two arrays per layer: gradient steps on A, periodic transfer of A into C (Tiki-Taka)" }
    var cell: UnitCell { UnitCell(rowFactors: [gamma, -gamma, 1, -1], plusRow: 0, minusRow: 1) }

    func run(_ job: TrainingJob) throws -> TrainingRun {
        let wallStart = Date()
        var spec = job.chip
        spec.cell = cell
        let chip = try ChipBuilder.chip(spec, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        let t = job.training
        try chip.program(targets: InSituTraining.initialStates(chip, mean: t.initialGateVolts, spread: t.initialGateSpreadVolts, seed: t.seed),
                         phase: .program)
        try chip.readBack()
        var outcome = TrainingOutcome(method: name)
        let rule = TransferRule(steps: StateUpdate(learningRates: t.learningRatesVoltsSquared), gamma: gamma, interval: transferInterval)
        try TrainingLoop(accelerator: chip, training: t, activation: job.activation, rule: rule, afterUpdate: chip.readBack)
            .run(on: job.data, into: &outcome, progress: job.progress)
        try outcome.finish(testing: chip, on: job.data, since: wallStart)
        return TrainingRun(chipSpec: spec, network: job.network, training: t, outcome: outcome, accelerator: chip)
    }
}

/// Gradient steps on A, and every `interval` updates the transfer of A into C.
final class TransferRule: UpdateRule {
    let steps: StateUpdate
    let gamma: Double
    let interval: Int
    private(set) var updates = 0

    init(steps: StateUpdate, gamma: Double, interval: Int) {
        self.steps = steps
        self.gamma = gamma
        self.interval = interval
    }

    func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        guard let chip = accelerator as? any ProgrammableCrossbar, chip.cell.rowsPerInput == 4 else {
            throw UpdateRuleMismatch(description: "two-array training needs a crossbar of four-row cells")
        }
        var targets = steps.targets(gradients, batchSize: batchSize, states: chip.states, widths: chip.widths, device: chip.deviceModel,
                                    cell: chip.cell)
        updates += 1
        var work = steps.work(weights: gradients.reduce(0) { $0 + $1.count })
        if updates % interval == 0 {
            targets = Self.transfer(targets, gamma: gamma, widths: chip.widths, range: chip.deviceModel.stateRange)
            // The transfer's arithmetic: per weight, read four states, two MACs, four compares, write four.
            let weights = gradients.reduce(0) { $0 + $1.count }
            work += [DigitalWork(.read, 4 * weights, phase: .update), DigitalWork(.mac, 2 * weights, phase: .update),
                     DigitalWork(.compare, 4 * weights, phase: .update), DigitalWork(.write, 4 * weights, phase: .update)]
        }
        try chip.program(targets: targets, phase: .update, after: work)
    }

    /// Moves each cell's A difference into C (+/- gamma (sA+ - sA-) / 2 on C+ and C-, clipped)
    /// and returns A+ and A- to their mean.
    static func transfer(_ states: [[Float]], gamma: Double, widths: [Int], range: ClosedRange<Double>) -> [[Float]] {
        let lo = Float(range.lowerBound), hi = Float(range.upperBound)
        return states.enumerated().map { l, layer in
            var t = layer
            let m = widths[l + 1]
            for i in 0..<widths[l] {
                for j in 0..<m {
                    let ap = (4 * i) * m + j, am = (4 * i + 1) * m + j, cp = (4 * i + 2) * m + j, cm = (4 * i + 3) * m + j
                    let half = Float(gamma) * (t[ap] - t[am]) / 2
                    t[cp] = min(max(t[cp] + half, lo), hi)
                    t[cm] = min(max(t[cm] - half, lo), hi)
                    let mid = (t[ap] + t[am]) / 2
                    t[ap] = mid
                    t[am] = mid
                }
            }
            return t
        }
    }
}
