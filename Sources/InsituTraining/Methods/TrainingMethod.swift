import InsituEngine
import InsituHardware

/// Everything one run needs: the design's parts, the data, and what to do on the side
/// (accounting, trace, checkpoints, progress).
public struct TrainingJob {
    /// The crossbar chip, or the chip whose float line a design with its own accelerator trains.
    public var chip: ChipSpec
    /// The design's own accelerator (a `digital_chip` section, say), or nil for a crossbar design.
    public var accelerator: AnyAcceleratorSpec?
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var data: TrainingData
    public var accounting = true
    public var trace: TraceSink?
    public var checkpoint: (interval: Int, fingerprint: String, save: (RunCheckpoint) throws -> Void)?
    public var resume: RunCheckpoint?
    public var progress: ((Int, TrainingOutcome) -> Void)?

    public init(chip: ChipSpec, accelerator: AnyAcceleratorSpec? = nil, network: NetworkSpec, training: TrainingSpec, data: TrainingData) {
        self.chip = chip
        self.accelerator = accelerator
        self.network = network
        self.training = training
        self.data = data
    }

    /// The chip's TIAs' activation with the network's softmax scale.
    public var activation: Activation { Activation(chip: chip, network: network) }
    /// What any accelerator needs to hold the workload's float line.
    public var workload: Workload {
        Workload(widths: network.layers, training: training, activation: activation,
                 slopeSiemensPerState: chip.device.model.slopeSiemensPerState)
    }
}

/// A way to train, named in `training.method`: one type and one `TrainingMethods.register`.
public protocol TrainingMethod: Sendable {
    var name: TrainingSpec.Method { get }
    /// One line for help texts and the docs.
    var summary: String { get }
    /// Whether it can save and resume its state (`--checkpoint-every`).
    var keepsCheckpoints: Bool { get }
    /// Whether it trains on a design's own accelerator section (only such designs may use it, and they only it).
    var needsOwnAccelerator: Bool { get }
    func run(_ job: TrainingJob) throws -> TrainingRun
}

extension TrainingMethod {
    public var keepsCheckpoints: Bool { false }
    public var needsOwnAccelerator: Bool { false }
}

/// The training methods arch files and `--method` may name.
public enum TrainingMethods {
    static let builtIn: [any TrainingMethod] = [InSituMethod(), MixedPrecisionMethod(), StochasticMethod(), TikiTakaMethod(version: 1), TikiTakaMethod(version: 2), ExSituMethod(), FloatMethod(), AcceleratorTraining(name: .digital)]
    static let registry = Registry<any TrainingMethod>(builtIn.map { ($0.name.rawValue, $0) })

    /// Makes `method` a name arch files and `--method` may give.
    public static func register(_ method: any TrainingMethod) { registry.register(method.name.rawValue, method) }
    public static var names: [String] { registry.names }
    public static func named(_ name: TrainingSpec.Method) -> (any TrainingMethod)? { registry.entry(name.rawValue) }

    /// Why `method` cannot train a design whose own accelerator is `own` (nil for a crossbar
    /// design), or nil when it can: it must be registered, a design with its own accelerator
    /// trains only by that accelerator's method, and a method that needs one needs one of the
    /// accelerator `sections` (named in the message when given).
    public static func mismatch(_ method: TrainingSpec.Method, own: AnyAcceleratorSpec?, sections: [String] = []) -> String? {
        guard let known = named(method) else {
            return "unknown training method '\(method.rawValue)'; expected one of \(names.joined(separator: ", "))"
        }
        if let own, own.spec.method != method {
            return "a \(own.spec.kind) accelerator trains only by its own method (\(own.spec.method.rawValue)), not \(method.rawValue)"
        }
        if own == nil && known.needsOwnAccelerator {
            return "the \(method.rawValue) method needs a design with its own accelerator section"
                + (sections.isEmpty ? "" : " (\(sections.joined(separator: ", ")))")
        }
        return nil
    }
}

/// In-situ training on the crossbar chip (`InSituTraining`), with checkpoints.
struct InSituMethod: TrainingMethod {
    var name: TrainingSpec.Method { .inSitu }
    var summary: String { "train on the chip: forward on the crossbars, update by pulses, read back (Li 2018)" }
    var keepsCheckpoints: Bool { true }
    func run(_ job: TrainingJob) throws -> TrainingRun {
        let chip = try ChipBuilder.chip(job.chip, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        if let resume = job.resume { try chip.restore(resume.chip) }
        let checkpoints = job.checkpoint.map { c in
            InSituTraining.Checkpoints(interval: c.interval) { state in
                try c.save(RunCheckpoint(fingerprint: c.fingerprint, loop: state, chip: chip.checkpoint()))
            }
        }
        let outcome = try InSituTraining.run(on: chip, training: job.training, activation: job.activation, data: job.data,
                                             checkpoints: checkpoints, resume: job.resume?.loop, progress: job.progress)
        return TrainingRun(chipSpec: job.chip, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }
}

/// Ex-situ training: a float copy, then one programming of the chip (`ExSituTraining`).
struct ExSituMethod: TrainingMethod {
    var name: TrainingSpec.Method { .exSitu }
    var summary: String { "train a floating-point copy, then program the weights once" }
    func run(_ job: TrainingJob) throws -> TrainingRun {
        let chip = try ChipBuilder.chip(job.chip, network: job.network, seed: job.training.seed, accounting: job.accounting)
        chip.trace = job.trace
        let outcome = try ExSituTraining.run(on: chip, training: job.training, activation: job.activation, data: job.data)
        return TrainingRun(chipSpec: job.chip, network: job.network, training: job.training, outcome: outcome, accelerator: chip)
    }
}

/// The float line in software, at no cost (`FloatTraining`).
struct FloatMethod: TrainingMethod {
    var name: TrainingSpec.Method { .float }
    var summary: String { "floating-point training only (the paper's TensorFlow line)" }
    func run(_ job: TrainingJob) throws -> TrainingRun {
        let (net, outcome) = try FloatTraining.run(widths: job.network.layers, training: job.training, activation: job.activation,
                                                   slopeSiemensPerState: job.workload.slopeSiemensPerState, data: job.data,
                                                   devicesPerStep: job.chip.cell.minusRow == nil ? 1 : 2)
        return TrainingRun(chipSpec: job.chip, network: job.network, training: job.training, outcome: outcome, accelerator: net)
    }
}
