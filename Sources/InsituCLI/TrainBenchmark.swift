import Foundation
import InsituEngine
import InsituTraining

/// `insitu bench train`: the whole in-situ run timed with full accounting and with the
/// functional model only, in one process, so that their ratio is what accounting costs.
enum TrainBenchmark {
    static func run(arch: String, overrides: [String], data: DataOptions) throws {
        let design = try loadDesign(path: arch, overrides: overrides)
        let trainingData = try data.load(for: design)
        func timed(_ accounting: Bool) throws -> (Double, TrainingRun) {
            let start = DispatchTime.now().uptimeNanoseconds
            let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training,
                                              data: trainingData, accounting: accounting)
            return (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, run)
        }
        let (plain, plainRun) = try timed(false)
        let (full, fullRun) = try timed(true)
        print("\(design.name): \(design.training.method.rawValue), \(design.training.images) images, read-back after every update, final test on \(trainingData.testCount)")
        print(String(format: "functional model only: %.3f s (accuracy %.2f%%)", plain, 100 * plainRun.outcome.finalAccuracy))
        print(String(format: "with timing and energy: %.3f s (accuracy %.2f%%, %llu events, simulated %@)", full,
                     100 * fullRun.outcome.finalAccuracy, fullRun.outcome.telemetry.eventsProcessed, fullRun.outcome.simulatedTime.description))
        print(String(format: "accounting costs %.2fx", full / plain))
    }
}
