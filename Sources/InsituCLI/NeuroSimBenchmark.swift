import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// `insitu bench neurosim`: MLP+NeuroSim V3.0's own job (arch/neurosim-mlp.yaml: epochs of
/// 8,000 random training images, each followed by the 10,000 test images) timed epoch by
/// epoch, with its figures under NeuroSim's names beside insitu's own breakdown.
enum NeuroSimBenchmark {
    /// Images per epoch in NeuroSim (Param.cpp numTrainImagesPerEpoch).
    static let imagesPerEpoch = 8_000

    static func run(arch: String, overrides: [String], data: DataOptions, epochs: Int) throws {
        var design = try loadDesign(path: arch, overrides: overrides)
        design.training.images = epochs * imagesPerEpoch
        design.training.evaluationInterval = imagesPerEpoch
        design.training.testImages = 0
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let trainingData = try data.load(for: design)
        let loadSeconds = seconds(since: loadStart)
        var marks: [UInt64] = []
        var evaluations = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var job = TrainingJob(chip: design.chip, accelerator: design.accelerator, network: design.network, training: design.training, data: trainingData)
        job.progress = { _, outcome in
            if outcome.curve.count > evaluations {
                evaluations = outcome.curve.count
                marks.append(DispatchTime.now().uptimeNanoseconds)
            }
        }
        let run = try TrainingRun.execute(job)
        marks.append(DispatchTime.now().uptimeNanoseconds)
        let wall = zip(marks, [start] + marks).map { Double($0 - $1) * 1e-9 }
        let accuracies = run.outcome.curve.map(\.accuracy) + [run.outcome.finalAccuracy]

        print("\(design.name): \(design.network.layers.map(String.init).joined(separator: "-")), \(epochs) epoch(s) of \(imagesPerEpoch) training images (batch \(design.training.batchSize)) and the \(trainingData.testCount) test images")
        print(String(format: "data loaded in %.3f s", loadSeconds))
        print("epoch  wall s  accuracy")
        for (e, (w, a)) in zip(wall, accuracies).enumerated() { print(String(format: "%5d  %6.3f  %7.2f%%", e + 1, w, 100 * a)) }
        print(String(format: "mean wall time per epoch: %.3f s", wall.reduce(0, +) / Double(max(wall.count, 1))))
        print(String(format: "peak memory of the process: %.1f MiB", peakResidentMebibytes()))
        print(figures(run, epochs: epochs))
    }

    /// Per-epoch means under NeuroSim's names (read: the forward passes of training and the
    /// test set; write: the weight updates), then insitu's phases, which add what NeuroSim
    /// leaves out (backpropagation on the digital unit, the initial programming, queueing).
    static func figures(_ run: TrainingRun, epochs: Int) -> String {
        let n = Double(epochs)
        var joules = [Phase: Double]()
        let phases = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.name, $0) })
        for e in run.ledger.entries {
            guard let p = phases[e.key.phase] else { continue }
            joules[p, default: 0] += e.energyQuanta.doubleValue * Ledger.quantumJoules
        }
        let time = { (p: Phase) in Double(run.accelerator.phasePicoseconds[p.rawValue]) * 1e-12 }
        var lines = ["per epoch, NeuroSim's figures:"]
        lines.append(String(format: "  read latency  %.4e s", (time(.forward) + time(.test)) / n))
        lines.append(String(format: "  write latency %.4e s", time(.update) / n))
        lines.append(String(format: "  read energy   %.4e J", ((joules[.forward] ?? 0) + (joules[.test] ?? 0)) / n))
        lines.append(String(format: "  write energy  %.4e J", (joules[.update] ?? 0) / n))
        lines.append("per epoch, every phase insitu charges:")
        for p in Phase.allCases {
            lines.append("  " + p.name.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: " %.4e s  %.4e J", time(p) / n, (joules[p] ?? 0) / n))
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }

    /// The process's peak resident memory so far in MiB (`/usr/bin/time -f %M` reports the same
    /// in KiB): NeuroSim's job is judged on memory as well as time.
    static func peakResidentMebibytes() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        return Double(usage.ru_maxrss) / 1024
    }
}
