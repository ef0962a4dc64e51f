import InsituDigital
import InsituEngine
import InsituHardware

/// One complete run: the method chosen by the training spec, on a fresh accelerator.
public struct TrainingRun {
    /// The crossbar chip of the design, or of the workload a digital design trains (its
    /// TIAs and devices define the network's activation, initial weights and SGD step).
    public var chipSpec: ChipSpec
    /// The digital accelerator, for a digital design.
    public var digitalSpec: DigitalChipSpec?
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var outcome: TrainingOutcome
    /// The accelerator after training (the software network for floating-point training).
    public var accelerator: any Accelerator

    public init(chipSpec: ChipSpec, digitalSpec: DigitalChipSpec? = nil, network: NetworkSpec, training: TrainingSpec,
                outcome: TrainingOutcome, accelerator: any Accelerator) {
        self.chipSpec = chipSpec
        self.digitalSpec = digitalSpec
        self.network = network
        self.training = training
        self.outcome = outcome
        self.accelerator = accelerator
    }

    /// The exact ledger of the run (empty for floating-point training).
    public var ledger: Ledger { accelerator.ledger }

    /// Builds the accelerator and trains. `accounting: false` runs only the functional model.
    /// `digital` is the digital accelerator of a design whose method is `.digital`.
    public static func execute(chip spec: ChipSpec, digital: DigitalChipSpec? = nil, network: NetworkSpec, training: TrainingSpec,
                               data: TrainingData, accounting: Bool = true, trace: TraceSink? = nil,
                               checkpoint: (interval: Int, fingerprint: String, save: (RunCheckpoint) throws -> Void)? = nil,
                               resume: RunCheckpoint? = nil,
                               progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingRun {
        if (checkpoint != nil || resume != nil) && training.method != .inSitu {
            throw MethodMismatch(description: "checkpoints are kept for in-situ training, not \(training.method.rawValue)")
        }
        let activation = Activation(chip: spec, network: network)
        let slope = spec.device.model.slopeSiemensPerState
        switch training.method {
        case .float:
            let (net, outcome) = try FloatTraining.run(widths: network.layers, training: training, activation: activation,
                                                       slopeSiemensPerState: slope, data: data)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, accelerator: net)
        case .digital:
            guard let digital else { throw MethodMismatch(description: "the digital method needs a design with a digital_chip section") }
            let chip = try DigitalTraining.chip(digital, widths: network.layers, training: training, activation: activation,
                                                slopeSiemensPerState: slope, accounting: accounting)
            chip.trace = trace
            let outcome = try DigitalTraining.run(on: chip, training: training, activation: activation, slopeSiemensPerState: slope,
                                                  data: data, progress: progress)
            return TrainingRun(chipSpec: spec, digitalSpec: digital, network: network, training: training, outcome: outcome,
                               accelerator: chip)
        case .inSitu, .exSitu:
            if digital != nil {
                throw MethodMismatch(description: "a digital design trains only by its own method (digital), not \(training.method.rawValue)")
            }
            let chip = try ChipBuilder.chip(spec, network: network, seed: training.seed, accounting: accounting)
            chip.trace = trace
            if let resume { try chip.restore(resume.chip) }
            let checkpoints = checkpoint.map { c in
                InSituTraining.Checkpoints(interval: c.interval) { state in
                    try c.save(RunCheckpoint(fingerprint: c.fingerprint, loop: state, chip: chip.checkpoint()))
                }
            }
            let outcome = training.method == .inSitu
                ? try InSituTraining.run(on: chip, training: training, activation: activation, data: data, checkpoints: checkpoints,
                                         resume: resume?.loop, progress: progress)
                : try ExSituTraining.run(on: chip, training: training, activation: activation, data: data)
            return TrainingRun(chipSpec: spec, network: network, training: training, outcome: outcome, accelerator: chip)
        }
    }
}

/// A run's state between updates: the loop's and the chip's, with the fingerprint of the
/// design and options it belongs to.
public struct RunCheckpoint: Codable {
    public var fingerprint: String
    public var loop: TrainingLoop.State
    public var chip: ChipState
    public init(fingerprint: String, loop: TrainingLoop.State, chip: ChipState) {
        self.fingerprint = fingerprint
        self.loop = loop
        self.chip = chip
    }
}

/// A method asked of an accelerator that cannot run it.
public struct MethodMismatch: Error, CustomStringConvertible {
    public var description: String
}
