import InsituEngine
import InsituHardware

/// One complete run: the method chosen by the training spec, on a fresh chip.
public struct TrainingRun {
    public var chipSpec: ChipSpec
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var outcome: TrainingOutcome
    /// The chip after training (nil for floating-point training).
    public var chip: Chip?

    /// The exact ledger of the run (empty for floating-point training).
    public var ledger: Ledger { chip?.ledger ?? Ledger() }

    /// Builds the chip and trains. `accounting: false` runs only the functional model.
    public static func execute(chip spec: ChipSpec, network: NetworkSpec, training: TrainingSpec, data: TrainingData,
                               accounting: Bool = true, trace: TraceSink? = nil,
                               progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingRun {
        switch training.method {
        case .float:
            let outcome = FloatTrainer(network: network, training: training, chip: spec).run(on: data).outcome
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, chip: nil)
        case .inSitu:
            let chip = try ChipBuilder.chip(spec, network: network, seed: training.seed, accounting: accounting)
            chip.trace = trace
            let outcome = try InSituTrainer(chip: chip, network: network, training: training).run(on: data, progress: progress)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, chip: chip)
        case .exSitu:
            let chip = try ChipBuilder.chip(spec, network: network, seed: training.seed, accounting: accounting)
            chip.trace = trace
            let outcome = try ExSituTrainer(chip: chip, network: network, training: training).run(on: data)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, chip: chip)
        }
    }
}
