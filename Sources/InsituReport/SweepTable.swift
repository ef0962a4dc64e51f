import Foundation
import InsituTraining

/// The stuck-device sweep as a table next to the paper's Fig. 4b-c values.
public struct SweepTable {
    public struct Row: Codable {
        public var stuck_fraction: Double
        public var method: String
        public var mean_accuracy: Double
        public var sd_accuracy: Double
        public var accuracies: [Double]
        public var paper_accuracy: Double?
    }

    public var rows: [Row] = []
    public var layers: [Int]
    public var design: String

    /// Fig. 4b (two layers) and 4c (one layer) read off the paper, percent.
    static let paperTwoLayer: [Double: (inSitu: Double?, exSitu: Double)] = [
        0: (93, 93), 0.01: (nil, 86), 0.02: (nil, 76), 0.03: (nil, 66), 0.05: (nil, 51), 0.10: (90, 33),
        0.15: (nil, 23), 0.20: (85, 18), 0.30: (80, 15), 0.40: (74, 13), 0.50: (62, 12),
    ]
    static let paperSingleLayer: [Double: Double] = [0: 90, 0.05: 80, 0.10: 66, 0.20: 52, 0.30: 37, 0.40: 30, 0.50: 26]

    public init(results: [StuckDeviceSweep.Result], layers: [Int], design: String) {
        self.layers = layers
        self.design = design
        var keys: [(Double, String)] = []
        for r in results where !keys.contains(where: { $0 == (r.job.fraction, r.job.method.rawValue) }) {
            keys.append((r.job.fraction, r.job.method.rawValue))
        }
        for (f, m) in keys {
            let accs = results.filter { $0.job.fraction == f && $0.job.method.rawValue == m }.map(\.accuracy)
            let stats = SampleStatistics(accs)
            rows.append(Row(stuck_fraction: f, method: m, mean_accuracy: stats.mean, sd_accuracy: stats.sd, accuracies: accs,
                            paper_accuracy: Self.paper(fraction: f, method: m, layers: layers.count - 1)))
        }
    }

    static func paper(fraction f: Double, method: String, layers: Int) -> Double? {
        let key = (f * 100).rounded() / 100
        if layers == 1 { return method == "in-situ" ? paperSingleLayer[key].map { $0 / 100 } : nil }
        guard let p = paperTwoLayer[key] else { return nil }
        return (method == "in-situ" ? p.inSitu : p.exSitu).map { $0 / 100 }
    }

    public func text() -> String {
        var lines = ["\(design), network \(layers.map(String.init).joined(separator: "-")): test accuracy vs devices stuck low",
                     "stuck    method     mean     sd     paper   seeds"]
        for r in rows {
            let paper = r.paper_accuracy.map { String(format: "%5.1f%%", 100 * $0) } ?? "    - "
            lines.append(String(format: "%5.1f%%   %-8@ %6.2f%%  %5.2f   %@   %d", 100 * r.stuck_fraction, r.method,
                                100 * r.mean_accuracy, 100 * r.sd_accuracy, paper, r.accuracies.count))
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data { try ReportJSON.encode(rows) }

    /// Writes sweep.json and sweep.csv into `folder`, each atomically.
    public func write(to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(try json(), to: dir.appendingPathComponent("sweep.json").path)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("sweep.csv").path)
        try AtomicFile.write(ReportPages.experiment(self), to: dir.appendingPathComponent("report.html").path)
    }

    public func csv() -> String {
        "stuck_fraction,method,mean_accuracy,sd_accuracy,paper_accuracy,accuracies\n" + rows.map {
            "\($0.stuck_fraction),\($0.method),\($0.mean_accuracy),\($0.sd_accuracy),\($0.paper_accuracy.map { String($0) } ?? ""),\($0.accuracies.map { String($0) }.joined(separator: ";"))"
        }.joined(separator: "\n") + "\n"
    }
}
