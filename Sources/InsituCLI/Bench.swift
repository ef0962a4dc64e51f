import ArgumentParser
import Foundation
import InsituEngine

/// `insitu bench WORKLOAD`: performance benchmarks (run them on a release build).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print its figures (build with -c release).",
        discussion: """
        Workloads:
          engine   the hold model: entities rescheduling themselves through one queue
          train    the whole in-situ run on an arch file, with and without cost accounting
          neurosim MLP+NeuroSim V3.0's job (arch/neurosim-mlp.yaml unless an arch file is
                   given): wall time and accuracy per epoch, its read and write figures
        Examples:
          insitu bench engine --entities 1000 --events 20000000
          insitu bench train arch/li2018.yaml
          insitu bench neurosim --epochs 10 --dataset mnist --data DIR
        """)

    enum Workload: String, ExpressibleByArgument, CaseIterable { case engine, train, neurosim }

    @Argument(help: "engine, train or neurosim") var workload: Workload
    @Argument(help: "Architecture file (train; neurosim: arch/neurosim-mlp.yaml by default).") var arch: String?
    @Option(parsing: .unconditional, help: "Entities in the hold model.") var entities = 1000
    @Option(parsing: .unconditional, help: "Events to deliver in the hold model.") var events: UInt64 = 20_000_000
    @Option(name: .customLong("set"), help: "Arch override KEY=VALUE (train only).") var overrides: [String] = []
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Runs of each mode for train (the fastest counts).") var repeats = 3
    @Option(parsing: .unconditional, help: "Epochs of 8,000 training images and the test set (neurosim only).") var epochs = 1

    func run() throws {
        switch workload {
        case .engine:
            guard entities > 0 && entities <= 10_000_000 else { throw usageError("--entities must be from 1 to 10,000,000 (each holds a queued event)") }
            guard events >= 1 && events <= 10_000_000_000 else { throw usageError("--events must be from 1 to 10,000,000,000") }
            let r = try HoldModel.run(entities: entities, events: events)
            print("hold model: \(entities) entities, \(r.events) events in \(String(format: "%.3f", r.wallSeconds)) s")
            print(String(format: "events per second: %.2f million", r.eventsPerSecond / 1e6))
            print(String(format: "simulated time per wall second: %.3g s", r.simulatedSecondsPerWallSecond))
        case .train:
            guard let arch else { throw usageError("bench train needs an architecture file, e.g. arch/li2018.yaml") }
            guard repeats >= 1 && repeats <= 100 else { throw usageError("--repeats must be from 1 to 100") }
            try TrainBenchmark.run(arch: arch, overrides: overrides, data: data, repeats: repeats)
        case .neurosim:
            guard epochs >= 1 && epochs <= 1000 else { throw usageError("--epochs must be from 1 to 1000") }
            try NeuroSimBenchmark.run(arch: arch ?? "arch/neurosim-mlp.yaml", overrides: overrides, data: data, epochs: epochs)
        }
    }
}
