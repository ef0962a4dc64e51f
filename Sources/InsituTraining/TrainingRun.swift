import InsituEngine
import InsituHardware

/// One complete run: the method chosen by the training spec, on a fresh accelerator.
public struct TrainingRun {
    /// The crossbar chip of the design, or of the workload a design with its own accelerator
    /// trains (its TIAs and devices define the network's activation, initial weights and SGD step).
    public var chipSpec: ChipSpec
    /// The design's own accelerator, when it has one (a `digital_chip` section, say).
    public var acceleratorSpec: AnyAcceleratorSpec?
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var outcome: TrainingOutcome
    /// The accelerator after training (the software network for floating-point training).
    public var accelerator: any Accelerator

    public init(chipSpec: ChipSpec, acceleratorSpec: AnyAcceleratorSpec? = nil, network: NetworkSpec, training: TrainingSpec,
                outcome: TrainingOutcome, accelerator: any Accelerator) {
        self.chipSpec = chipSpec
        self.acceleratorSpec = acceleratorSpec
        self.network = network
        self.training = training
        self.outcome = outcome
        self.accelerator = accelerator
    }

    /// The exact ledger of the run (empty for floating-point training).
    public var ledger: Ledger { accelerator.ledger }

    /// Trains by the job's method on a fresh accelerator, after checking that the method
    /// fits the design: a design with its own accelerator trains only by that accelerator's
    /// method, and checkpoints only where the method keeps them.
    public static func execute(_ job: TrainingJob) throws -> TrainingRun {
        let name = job.training.method
        if let problem = TrainingMethods.mismatch(name, own: job.accelerator) { throw MethodMismatch(description: problem) }
        let method = TrainingMethods.named(name)!
        if (job.checkpoint != nil || job.resume != nil) && !method.keepsCheckpoints {
            throw MethodMismatch(description: "checkpoints are kept for in-situ training, not \(name.rawValue)")
        }
        return try method.run(job)
    }

    /// Builds the accelerator and trains (see `execute(_:)`). `accounting: false` runs only the functional model.
    public static func execute(chip spec: ChipSpec, accelerator: AnyAcceleratorSpec? = nil, network: NetworkSpec, training: TrainingSpec,
                               data: TrainingData, accounting: Bool = true, trace: TraceSink? = nil,
                               checkpoint: (interval: Int, fingerprint: String, save: (RunCheckpoint) throws -> Void)? = nil,
                               resume: RunCheckpoint? = nil,
                               progress: ((Int, TrainingOutcome) -> Void)? = nil) throws -> TrainingRun {
        var job = TrainingJob(chip: spec, accelerator: accelerator, network: network, training: training, data: data)
        job.accounting = accounting
        job.trace = trace
        job.checkpoint = checkpoint
        job.resume = resume
        job.progress = progress
        return try execute(job)
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
