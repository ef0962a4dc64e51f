import Foundation
import InsituEngine
import InsituHardware

/// In-situ training (Li et al. 2018, section 3 of docs/model.md): forward passes on the
/// crossbars, errors from read-back weights, gate-voltage updates by RESET and SET pulses,
/// read-back after every update.
public struct InSituTrainer {
    public let chip: Chip
    public let network: NetworkSpec
    public let training: TrainingSpec

    public init(chip: Chip, network: NetworkSpec, training: TrainingSpec) {
        self.chip = chip
        self.network = network
        self.training = training
    }

    /// Trains on `data`; `progress` is called after each update with the images so far.
    public func run(on data: TrainingData, progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingOutcome {
        let wallStart = Date()
        var outcome = TrainingOutcome(method: .inSitu)
        try chip.programInitial(gateMeanVolts: training.initialGateVolts, spreadVolts: training.initialGateSpreadVolts,
                                seed: training.seed)
        try chip.readBack()
        var sampler = TrainingData.Sampler(count: data.trainCount, seed: training.seed)
        var seen = 0
        var nextEvaluation = training.evaluationInterval > 0 ? training.evaluationInterval : Int.max
        while seen < training.images {
            let size = min(training.batchSize, training.images - seen)
            let (volts, labels) = data.batch(sampler.next(size))
            let result = try chip.runBatch(volts: volts, labels: labels, train: true)
            outcome.batchAccuracy.append(Double(result.correct) / Double(size))
            try chip.update(learningRatesVoltsSquared: training.learningRatesVoltsSquared, batchSize: size)
            try chip.readBack()
            seen += size
            outcome.updates += 1
            if seen >= nextEvaluation && seen < training.images {
                outcome.curve.append(.init(images: seen, accuracy: try Evaluation.accuracy(of: chip, on: data)))
                nextEvaluation += training.evaluationInterval
            }
            progress?(seen, outcome)
        }
        outcome.imagesTrained = seen
        try outcome.finish(testing: chip, network: network, on: data, since: wallStart)
        return outcome
    }
}
