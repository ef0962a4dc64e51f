import InsituEngine
import InsituHardware

/// One complete run: the method chosen by the training spec, on a fresh accelerator.
public struct TrainingRun {
    public var chipSpec: ChipSpec
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var outcome: TrainingOutcome
    /// The accelerator after training (the software network for floating-point training).
    public var accelerator: any Accelerator

    public init(chipSpec: ChipSpec, network: NetworkSpec, training: TrainingSpec, outcome: TrainingOutcome,
                accelerator: any Accelerator) {
        self.chipSpec = chipSpec
        self.network = network
        self.training = training
        self.outcome = outcome
        self.accelerator = accelerator
    }

    /// The exact ledger of the run (empty for floating-point training).
    public var ledger: Ledger { accelerator.ledger }

    /// Builds the chip and trains. `accounting: false` runs only the functional model.
    public static func execute(chip spec: ChipSpec, network: NetworkSpec, training: TrainingSpec, data: TrainingData,
                               accounting: Bool = true, trace: TraceSink? = nil,
                               progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingRun {
        let activation = Activation(chip: spec, network: network)
        switch training.method {
        case .float:
            let (net, outcome) = try FloatTraining.run(widths: network.layers, training: training, activation: activation,
                                                       slopeSiemensPerState: spec.device.deviceModel.slopeSiemensPerState, data: data)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, accelerator: net)
        case .inSitu, .exSitu:
            let chip = try ChipBuilder.chip(spec, network: network, seed: training.seed, accounting: accounting)
            chip.trace = trace
            let outcome = training.method == .inSitu
                ? try InSituTraining.run(on: chip, training: training, activation: activation, data: data, progress: progress)
                : try ExSituTraining.run(on: chip, training: training, activation: activation, data: data)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, accelerator: chip)
        }
    }
}
