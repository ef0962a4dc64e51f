import Foundation
import InsituEngine
import InsituTraining

/// `insitu bench train`: the whole in-situ run timed with full accounting and with the
/// functional model only, in one process, so that their ratio is what accounting costs.
enum TrainBenchmark {
    static func run(arch: String, overrides: [String], data: DataOptions, repeats: Int) throws {
        var design = try loadDesign(path: arch, overrides: overrides)
        // The workload of the performance target: training with read-back after every update,
        // then one test of the whole test set (no intermediate evaluations).
        design.training.evaluationInterval = 0
        let trainingData = try data.load(for: design)
        func timed(_ accounting: Bool) throws -> (Double, TrainingRun) {
            let start = DispatchTime.now().uptimeNanoseconds
            let run = try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network, training: design.training,
                                              data: trainingData, accounting: accounting)
            return (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, run)
        }
        // Alternate the two modes and keep each one's fastest of `repeats`, so that warm-up and
        // noise from the rest of the machine fall on neither side.
        var plain = Double.infinity, full = Double.infinity
        var plainRun: TrainingRun?, fullRun: TrainingRun?
        for _ in 0..<repeats {
            let (p, pr) = try timed(false)
            let (f, fr) = try timed(true)
            if p < plain { plain = p; plainRun = pr }
            if f < full { full = f; fullRun = fr }
        }
        guard let plainRun, let fullRun else { return }
        print("\(design.name): \(design.training.method.rawValue), \(design.training.images) images, read-back after every update, final test on \(trainingData.testCount)")
        print("fastest of \(repeats) runs of each, alternating")
        print(String(format: "functional model only: %.3f s (accuracy %.2f%%)", plain, 100 * plainRun.outcome.finalAccuracy))
        print(String(format: "with timing and energy: %.3f s (accuracy %.2f%%, %llu events, simulated %@)", full,
                     100 * fullRun.outcome.finalAccuracy, fullRun.outcome.telemetry.eventsProcessed, fullRun.outcome.simulatedTime.description))
        print(String(format: "accounting costs %.2fx", full / plain))
    }
}
