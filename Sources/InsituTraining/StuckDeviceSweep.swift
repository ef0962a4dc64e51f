import Dispatch
import Foundation
import InsituDevices
import InsituHardware

/// The paper's Fig. 4b-c experiment: accuracy against the fraction of devices stuck low,
/// for several training methods and seeds. Runs are independent and each is a pure
/// function of its inputs, so they run in parallel and give the same numbers at any
/// thread count.
public struct StuckDeviceSweep: Sendable {
    public struct Job: Sendable, Equatable {
        public var fraction: Double
        public var method: TrainingSpec.Method
        public var seed: UInt64
    }

    public struct Result: Sendable {
        public var job: Job
        public var accuracy: Double
    }

    public var chip: ChipSpec
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var fractions: [Double]
    public var methods: [TrainingSpec.Method]
    public var seeds: [UInt64]

    public init(chip: ChipSpec, network: NetworkSpec, training: TrainingSpec, fractions: [Double],
                methods: [TrainingSpec.Method], seeds: [UInt64]) {
        self.chip = chip
        self.network = network
        self.training = training
        self.fractions = fractions
        self.methods = methods
        self.seeds = seeds
    }

    public var jobs: [Job] {
        fractions.flatMap { f in methods.flatMap { m in seeds.map { Job(fraction: f, method: m, seed: $0) } } }
    }

    /// Runs every job on up to `threads` threads; `done` is called, one call at a time, with
    /// the results finished so far (in job order) each time a job finishes.
    public func run(on data: TrainingData, threads: Int, done: (@Sendable ([Result], Int) -> Void)? = nil) throws -> [Result] {
        guard chip.device.model.withStuckLow(fraction: 0) != nil else {
            throw MethodMismatch(description: "the stuck-device experiment needs a device model with stuck devices; '\(chip.device.model.kind)' has none")
        }
        let jobs = self.jobs
        let (chip, network, training) = (self.chip, self.network, self.training)
        return try parallelMap(jobs.count, threads: threads, finished: done) { i in
            let job = jobs[i]
            var c = chip
            c.device = AnyDeviceModel(c.device.model.withStuckLow(fraction: job.fraction)!)
            var t = training
            t.method = job.method
            t.seed = job.seed
            t.evaluationInterval = 0
            let run = try TrainingRun.execute(chip: c, network: network, training: t, data: data, accounting: false)
            return Result(job: job, accuracy: run.outcome.finalAccuracy)
        }
    }
}

/// Hands out job indices in order to worker threads (sweeps of any kind).
public final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) private var value = 0
    public init() {}
    public func take(below n: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < n else { return nil }
        value += 1
        return value - 1
    }
}
