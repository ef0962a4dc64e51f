import Foundation
import InsituTraining

/// Training algorithms on devices, each over several seeds: accuracy, energy and time per
/// training image, programming pulses per image and pulses per device over the run (wear).
public struct AlgorithmTable {
    public struct Row: Codable, Equatable {
        public var algorithm: String
        /// The device's name in the experiment ("-" for an accelerator without devices).
        public var device: String
        public var seeds: [UInt64]
        public var accuracies: [Double]
        public var mean_accuracy: Double
        public var sd_accuracy: Double
        public var training_energy_per_image_J: Double
        public var training_latency_per_image_s: Double
        /// SET and RESET pulses per training image (0 without devices).
        public var pulses_per_image: Double
        /// Pulses per device over the whole run, initial programming included (wear).
        public var pulses_per_device: Double

        /// The means over `runs` (one per seed, same design).
        public init(algorithm: String, device: String, runs: [TrainingRun]) {
            precondition(!runs.isEmpty)
            self.algorithm = algorithm
            self.device = device
            seeds = runs.map(\.training.seed)
            accuracies = runs.map(\.outcome.finalAccuracy)
            let stats = SampleStatistics(accuracies)
            (mean_accuracy, sd_accuracy) = (stats.mean, stats.sd)
            let costs = runs.map { CostBreakdown(run: $0) }
            let n = Double(runs.count)
            training_energy_per_image_J = costs.reduce(0) { $0 + $1.trainingJoulesPerImage } / n
            training_latency_per_image_s = costs.reduce(0) { $0 + $1.trainingSecondsPerImage } / n
            pulses_per_image = zip(costs, runs).reduce(0) { $0 + Double($1.0.setPulses + $1.0.resetPulses) / Double(max($1.1.outcome.imagesTrained, 1)) } / n
            pulses_per_device = zip(costs, runs).reduce(0) { total, pair in
                let devices = pair.1.accelerator.census?.devices ?? 0
                return total + (devices > 0 ? Double(pair.0.setPulses + pair.0.resetPulses) / Double(devices) : 0)
            } / n
        }
    }

    public var rows: [Row]
    public init(rows: [Row]) { self.rows = rows }

    /// The table for the terminal.
    public func text() -> String {
        let header = ["algorithm", "device", "accuracy (sd)", "energy/image", "time/image", "pulses/image", "pulses/device"]
        let body = rows.map { r in
            [r.algorithm, r.device, String(format: "%.2f%% (%.2f)", 100 * r.mean_accuracy, 100 * r.sd_accuracy),
             ComparisonTable.render(r.training_energy_per_image_J, "J"), ComparisonTable.render(r.training_latency_per_image_s, "s"),
             String(format: "%.3g", r.pulses_per_image), String(format: "%.4g", r.pulses_per_device)]
        }
        let widths = header.indices.map { c in ([header] + body).map { $0[c].count }.max()! + 2 }
        return ([header] + body).map { line in
            line.enumerated().map { c, s in c < 2 ? CostTable.pad(s, widths[c]) : CostTable.lpad(s, widths[c]) }.joined()
        }.joined(separator: "\n")
    }

    public func csv() -> String {
        "algorithm,device,mean_accuracy,sd_accuracy,training_energy_per_image_J,training_latency_per_image_s,pulses_per_image,pulses_per_device,seeds,accuracies\n"
            + rows.map { r in
                [r.algorithm, r.device, "\(r.mean_accuracy)", "\(r.sd_accuracy)", "\(r.training_energy_per_image_J)",
                 "\(r.training_latency_per_image_s)", "\(r.pulses_per_image)", "\(r.pulses_per_device)",
                 r.seeds.map(String.init).joined(separator: ";"), r.accuracies.map { String($0) }.joined(separator: ";")].joined(separator: ",")
            }.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try ReportJSON.encode(rows) }

    /// Writes algorithms.json, algorithms.csv and report.html into `folder`, each atomically.
    public func write(to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(try json(), to: dir.appendingPathComponent("algorithms.json").path)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("algorithms.csv").path)
        try AtomicFile.write(ReportPages.algorithms(self), to: dir.appendingPathComponent("report.html").path)
    }
}
