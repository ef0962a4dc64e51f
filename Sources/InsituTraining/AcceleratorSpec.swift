import Foundation
import InsituEngine
import InsituHardware

/// The float line a design's own accelerator trains: widths, the chip's activation, the
/// device slope that turns gate-voltage rates into weight steps, and the initial weights.
public struct Workload: Sendable {
    public var widths: [Int]
    public var training: TrainingSpec
    public var activation: Activation
    public var slopeSiemensPerState: Double

    /// The weights the chip's initial gates give, drawn from the run's seed (as `FloatTraining`).
    public var initialWeights: [[Float]] {
        FloatTraining.initialWeights(widths: widths, training: training, slopeSiemensPerState: slopeSiemensPerState)
    }
    /// Per-layer SGD steps on the batch-mean gradient.
    public var steps: [Double] { FloatTraining.steps(training: training, slopeSiemensPerState: slopeSiemensPerState) }
}

/// A kind of accelerator an arch file describes in a section of its own (`digital_chip:`):
/// it builds itself for a workload, says what it is and how much memory a run needs.
/// A new kind is one file (this conformance and its decoder) and one `AcceleratorKinds.register`.
public protocol AcceleratorSpec: Sendable, Equatable {
    /// Its kind, in messages ("digital").
    var kind: String { get }
    /// The training method its designs train by (SGD of the float line unless it registers another).
    var method: TrainingSpec.Method { get }
    /// A fresh accelerator holding the workload's initial weights.
    func make(_ workload: Workload, accounting: Bool) throws -> any WeightStore
    /// Memory a run needs, bytes, from the sizes alone.
    func estimatedBytes(network: NetworkSpec, training: TrainingSpec) -> Double
    /// Lines for `insitu describe` (after the design's name).
    func describe(network: NetworkSpec, training: TrainingSpec) -> [String]
    /// A few words for `insitu validate` ("a digital 16 x 16 MAC array").
    var oneLine: String { get }
}

/// Any accelerator spec as an equatable value (a design's own accelerator).
public struct AnyAcceleratorSpec: Sendable, Equatable {
    public var spec: any AcceleratorSpec
    public init(_ spec: any AcceleratorSpec) { self.spec = spec }
    public static func == (a: AnyAcceleratorSpec, b: AnyAcceleratorSpec) -> Bool { sameValue(a.spec, b.spec) }
}

extension AcceleratorSpec {
    public var method: TrainingSpec.Method { .digital }
}

/// Training on a design's own accelerator: the float line's initial weights, minibatches,
/// activation and SGD step, with every operation scheduled and charged on that machine.
public struct AcceleratorTraining: TrainingMethod {
    public var name: TrainingSpec.Method
    public init(name: TrainingSpec.Method) { self.name = name }
    public var summary: String { "the float line's SGD on the design's own accelerator" }
    public var needsOwnAccelerator: Bool { true }

    public func run(_ job: TrainingJob) throws -> TrainingRun {
        guard let spec = job.accelerator else {
            throw MethodMismatch(description: "the \(name.rawValue) method needs a design with an accelerator section (e.g. digital_chip)")
        }
        let workload = job.workload
        let machine = try spec.spec.make(workload, accounting: job.accounting)
        machine.trace = job.trace
        let wallStart = Date()
        var outcome = TrainingOutcome(method: name)
        try TrainingLoop(accelerator: machine, training: job.training, activation: workload.activation, rule: SGDUpdate(steps: workload.steps))
            .run(on: job.data, into: &outcome, progress: job.progress)
        try outcome.finish(testing: machine, on: job.data, since: wallStart)
        return TrainingRun(chipSpec: job.chip, acceleratorSpec: spec, network: job.network, training: job.training, outcome: outcome,
                           accelerator: machine)
    }
}
