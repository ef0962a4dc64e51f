import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// Two runs of the same workload side by side: accuracy, energy per training and test image
/// (in total and per phase), time per image, throughput, TOPS/W and area, with A/B ratios.
public struct ComparisonTable {
    /// One measure of both runs: `key` is its name in every report file (report.json,
    /// sweep.csv), `measure` its label for people, `unit` its unit ("fraction" for
    /// accuracy); `ratio` is A/B, or for an accuracy `difference` is A - B.
    public struct Row: Codable, Equatable {
        public var key: String
        public var measure: String
        public var unit: String
        public var a: Double
        public var b: Double
        public var difference: Double?
        /// a / b (for accuracy: a - b in percentage points); nil when b is 0.
        public var ratio: Double?
        /// With several seeds: `a` and `b` are means, these their sample standard deviations.
        public var sd_a: Double?
        public var sd_b: Double?
    }

    public var nameA: String
    public var nameB: String
    public var inference: Bool
    public private(set) var rows: [Row] = []
    /// Components without an area in each design's arch file (their area counts as 0).
    public private(set) var withoutArea: (a: [String], b: [String]) = ([], [])
    /// The seeds behind each figure (nil: one run per design).
    public private(set) var seeds: [UInt64]?

    /// Builds the rows; `inference` keeps only the test passes of the trained networks.
    public init(_ a: TrainingRun, _ b: TrainingRun, nameA: String, nameB: String, inference: Bool) {
        self.init([a], [b], seeds: nil, nameA: nameA, nameB: nameB, inference: inference)
    }

    /// Each design trained once per seed (`a[k]` and `b[k]` with `seeds[k]`): every figure is
    /// the mean over the seeds, with its sd, and the ratios are of the means.
    public init(_ a: [TrainingRun], _ b: [TrainingRun], seeds: [UInt64]?, nameA: String, nameB: String, inference: Bool) {
        precondition(!a.isEmpty && a.count == b.count)
        self.nameA = nameA
        self.nameB = nameB
        self.inference = inference
        self.seeds = seeds
        func figures(_ runs: [TrainingRun]) -> [(figure: RunFigure, stats: SampleStatistics)] {
            let each = runs.map { RunFigures.of($0, inference: inference) }
            return each[0].indices.map { i in (each[0][i], SampleStatistics(each.map { $0[i].value })) }
        }
        let seeded = seeds != nil
        func row(_ key: String, _ measure: String, _ unit: String, _ x: SampleStatistics, _ y: SampleStatistics) -> Row {
            var r = unit == "fraction"
                ? Row(key: key, measure: measure, unit: unit, a: x.mean, b: y.mean, difference: x.mean - y.mean)
                : Row(key: key, measure: measure, unit: unit, a: x.mean, b: y.mean, ratio: y.mean != 0 ? x.mean / y.mean : nil)
            if seeded { (r.sd_a, r.sd_b) = (x.sd, y.sd) }
            return r
        }
        for (x, y) in zip(figures(a), figures(b)) { rows.append(row(x.figure.key, x.figure.measure, x.figure.unit, x.stats, y.stats)) }
        // Energy per image by component kind, side by side (training phases per training image, or the test pass).
        let ka = a.map { Self.kindEnergyPerImage($0, inference: inference) }, kb = b.map { Self.kindEnergyPerImage($0, inference: inference) }
        let at = rows.firstIndex { $0.key == (inference ? "test_energy_per_image_J" : "training_latency_per_image_s") } ?? rows.count
        let kinds = Set(ka.flatMap(\.keys)).union(kb.flatMap(\.keys)).sorted()
        let kindRows = kinds.map { kind in
            row("\(kind)_energy_per_image_J", "  kind \(kind)", "J", SampleStatistics(ka.map { $0[kind] ?? 0 }), SampleStatistics(kb.map { $0[kind] ?? 0 }))
        }
        rows.insert(contentsOf: kindRows, at: inference ? at + 1 : at)
        let (a, b) = (a[0], b[0])
        let ca = CostBreakdown(run: a), cb = CostBreakdown(run: b)
        withoutArea = (ca.area.filter { $0.value == 0 }.map(\.key).sorted(), cb.area.filter { $0.value == 0 }.map(\.key).sorted())
    }

    /// Energy per image of each component kind: the training phases' per training image, or
    /// with `inference` the test pass's per test image.
    static func kindEnergyPerImage(_ run: TrainingRun, inference: Bool) -> [String: Double] {
        let c = CostBreakdown(run: run)
        let images = Double(max(inference ? c.testImages : c.trainingImages, 1))
        let phases: Set<String> = inference ? ["test"] : ["forward", "backward", "gradient", "update", "readout"]
        var kinds: [String: String] = [:]
        for comp in run.accelerator.components.components { kinds[comp.name] = comp.model.kind }
        var out: [String: Double] = [:]
        for e in run.ledger.entries where phases.contains(e.key.phase) {
            out[kinds[e.key.component] ?? e.key.component, default: 0] += e.energyQuanta.doubleValue * Ledger.quantumJoules / images
        }
        return out
    }

    /// Whether a larger value of a figure in `unit` is better (accuracy, throughput, TOPS/W),
    /// or a smaller one (energy, time, area).
    public static func higherIsBetter(_ unit: String) -> Bool { ["fraction", "images/s", "TOPS/W"].contains(unit) }

    static func render(_ v: Double, _ unit: String) -> String {
        switch unit {
        case "J": return Ledger.humanEnergy(joules: v)
        case "s": return SimTime.format(UInt64((v * 1e12).rounded()))
        case "fraction": return String(format: "%.2f%%", 100 * v)
        case "m^2": return v > 0 ? String(format: "%.4g mm^2", v * 1e6) : "not given"
        case "images/s": return String(format: "%.4g/s", v)
        default: return String(format: "%.4g \(unit)", v)
        }
    }

    /// The table for the terminal.
    public func text() -> String {
        let extra = seeds == nil ? 0 : 14
        let w0 = 28, wa = max(16, nameA.count + 5) + extra, wb = max(18, nameB.count + 5) + extra
        var lines = [CostTable.pad(inference ? "inference" : "measure", w0) + CostTable.lpad("A: " + nameA, wa)
                     + CostTable.lpad("B: " + nameB, wb) + CostTable.lpad("A/B", 12)]
        for r in rows {
            func cell(_ v: Double, _ sd: Double?) -> String {
                // An sd at the mean's rounding (the digital chip's runs differ by a few ulps at most) reads as 0.
                Self.render(v, r.unit) + (sd.map { $0 <= 1e-9 * abs(v) ? " +/- 0" : " +/- " + (r.unit == "fraction" ? String(format: "%.2f", 100 * $0) : Self.render($0, r.unit)) } ?? "")
            }
            lines.append(CostTable.pad(r.measure, w0) + CostTable.lpad(cell(r.a, r.sd_a), wa)
                         + CostTable.lpad(cell(r.b, r.sd_b), wb) + CostTable.lpad(r.comparison, 12))
        }
        for (name, missing) in [(nameA, withoutArea.a), (nameB, withoutArea.b)] where !missing.isEmpty && rows.contains(where: { $0.unit == "m^2" }) {
            lines.append("area of \(name) leaves out components its arch file gives no area for: \(missing.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        struct Document: Codable {
            var schema_version = ReportSchema.version
            var a: String
            var b: String
            var inference: Bool
            var rows: [Row]
            var components_without_area_a: [String]
            var components_without_area_b: [String]
            var seeds: [UInt64]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(a: nameA, b: nameB, inference: inference, rows: rows,
                                            components_without_area_a: withoutArea.a, components_without_area_b: withoutArea.b, seeds: seeds))
    }

    public func csv() -> String {
        var out = "key,measure,unit,a,b,ratio,difference" + (seeds == nil ? "" : ",sd_a,sd_b") + "\n"
        for r in rows {
            let trimmed = r.measure.trimmingCharacters(in: .whitespaces)
            let measure = r.measure.hasPrefix(" ") ? (inference ? "test energy per image: " : "training energy per image: ") + trimmed : trimmed
            out += "\(r.key),\(measure),\(r.unit),\(r.a),\(r.b),\(r.ratio.map { "\($0)" } ?? ""),\(r.difference.map { "\($0)" } ?? "")"
            if seeds != nil { out += ",\(r.sd_a ?? 0),\(r.sd_b ?? 0)" }
            out += "\n"
        }
        return out
    }

    /// Writes compare.json and compare.csv into `folder`, each atomically.
    public func write(to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(json(), to: dir.appendingPathComponent("compare.json").path)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("compare.csv").path)
    }
}

extension ComparisonTable.Row {
    /// A/B as "3.35x", an accuracy difference as "+1.20 pts", or "-".
    public var comparison: String {
        if let d = difference { return String(format: "%+.2f pts", 100 * d) }
        return ratio.map { String(format: "%.3gx", $0) } ?? "-"
    }
}
