import Foundation
import InsituTraining

/// The same design trained with several seeds: every headline figure per seed, with its
/// mean, sample standard deviation (n - 1; 0 for one seed), minimum and maximum.
public struct SeedTable {
    public struct Row: Codable, Equatable {
        public var key: String
        public var measure: String
        public var unit: String
        /// One value per seed, in the order of `seeds`.
        public var values: [Double]
        public var mean: Double
        public var sd: Double
        public var min: Double
        public var max: Double

        init(_ figure: RunFigure, values: [Double]) {
            key = figure.key
            measure = figure.measure
            unit = figure.unit
            self.values = values
            let stats = SampleStatistics(values)
            (mean, sd, min, max) = (stats.mean, stats.sd, stats.min, stats.max)
        }
    }

    public var design: String
    public var seeds: [UInt64]
    public var rows: [Row]
    /// Per evaluation: images seen and the accuracy of every seed there.
    public var curve: [(images: Int, accuracies: [Double])]

    /// `runs[k]` trained with `seeds[k]`; `inference` keeps only the test pass's figures.
    public init(_ runs: [TrainingRun], seeds: [UInt64], design: String, inference: Bool) {
        precondition(!runs.isEmpty && runs.count == seeds.count)
        self.design = design
        self.seeds = seeds
        let figures = runs.map { RunFigures.of($0, inference: inference) }
        rows = figures[0].indices.map { i in Row(figures[0][i], values: figures.map { $0[i].value }) }
        let points = runs.map(\.outcome.curve)
        let shared = points.map(\.count).min() ?? 0
        curve = (0..<shared).map { k in (points[0][k].images, points.map { $0[k].accuracy }) }
    }

    /// The table for the terminal: mean, sd, min and max of every figure.
    public func text() -> String {
        let w = 28, v = 16
        var lines = ["\(design) over \(seeds.count) seeds (\(seeds.map(String.init).joined(separator: ", ")))",
                     CostTable.pad("measure", w) + ["mean", "sd", "min", "max"].map { CostTable.lpad($0, v) }.joined()]
        for r in rows {
            let sd = r.sd == 0 ? "0" : r.unit == "fraction" ? String(format: "%.2f pts", 100 * r.sd) : ComparisonTable.render(r.sd, r.unit)
            lines.append(CostTable.pad(r.measure, w) + CostTable.lpad(ComparisonTable.render(r.mean, r.unit), v) + CostTable.lpad(sd, v)
                         + CostTable.lpad(ComparisonTable.render(r.min, r.unit), v) + CostTable.lpad(ComparisonTable.render(r.max, r.unit), v))
        }
        return lines.joined(separator: "\n")
    }

    /// seeds.csv: one row per figure, its statistics, then one column per seed.
    public func csv() -> String {
        var out = "key,measure,unit,mean,sd,min,max," + seeds.map { "seed_\($0)" }.joined(separator: ",") + "\n"
        for r in rows {
            let measure = r.measure.hasPrefix(" ") ? "training energy per image: " + r.measure.trimmingCharacters(in: .whitespaces) : r.measure
            out += "\(r.key),\(measure),\(r.unit),\(r.mean),\(r.sd),\(r.min),\(r.max)," + r.values.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return out
    }

    public func json() throws -> Data {
        struct Point: Codable { var images: Int; var mean: Double; var sd: Double; var min: Double; var max: Double; var accuracies: [Double] }
        struct Document: Codable {
            var schema_version = ReportSchema.version
            var design: String
            var seeds: [UInt64]
            var figures: [Row]
            var accuracy_curve: [Point]
        }
        let points = curve.map { p in
            let r = SampleStatistics(p.accuracies)
            return Point(images: p.images, mean: r.mean, sd: r.sd, min: r.min, max: r.max, accuracies: p.accuracies)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(design: design, seeds: seeds, figures: rows, accuracy_curve: points))
    }

    /// Writes seeds.json and seeds.csv into `folder`, each atomically; returns their names.
    public func write(to folder: String) throws -> [String] {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(json(), to: dir.appendingPathComponent("seeds.json").path)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("seeds.csv").path)
        return ["seeds.json", "seeds.csv"]
    }
}
