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
        Examples:
          insitu bench engine --entities 1000 --events 20000000
          insitu bench train arch/li2018.yaml
        """)

    enum Workload: String, ExpressibleByArgument, CaseIterable { case engine, train }

    @Argument(help: "engine or train") var workload: Workload
    @Argument(help: "Architecture file (train only).") var arch: String?
    @Option(parsing: .unconditional, help: "Entities in the hold model.") var entities = 1000
    @Option(parsing: .unconditional, help: "Events to deliver in the hold model.") var events: UInt64 = 20_000_000
    @Option(name: .customLong("set"), help: "Arch override KEY=VALUE (train only).") var overrides: [String] = []
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Runs of each mode for train (the fastest counts).") var repeats = 3

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
        }
    }
}
