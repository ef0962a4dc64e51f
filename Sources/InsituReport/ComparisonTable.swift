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
    }

    public var nameA: String
    public var nameB: String
    public var inference: Bool
    public private(set) var rows: [Row] = []
    /// Components without an area in each design's arch file (their area counts as 0).
    public private(set) var withoutArea: (a: [String], b: [String]) = ([], [])

    /// Builds the rows; `inference` keeps only the test passes of the trained networks.
    public init(_ a: TrainingRun, _ b: TrainingRun, nameA: String, nameB: String, inference: Bool) {
        self.nameA = nameA
        self.nameB = nameB
        self.inference = inference
        for (x, y) in zip(RunFigures.of(a, inference: inference), RunFigures.of(b, inference: inference)) {
            rows.append(x.unit == "fraction"
                ? Row(key: x.key, measure: x.measure, unit: x.unit, a: x.value, b: y.value, difference: x.value - y.value)
                : Row(key: x.key, measure: x.measure, unit: x.unit, a: x.value, b: y.value, ratio: y.value != 0 ? x.value / y.value : nil))
        }
        // Energy per image by component kind, side by side (training phases per training image, or the test pass).
        let ka = Self.kindEnergyPerImage(a, inference: inference), kb = Self.kindEnergyPerImage(b, inference: inference)
        let at = rows.firstIndex { $0.key == (inference ? "test_energy_per_image_J" : "training_latency_per_image_s") } ?? rows.count
        let kindRows = Set(ka.keys).union(kb.keys).sorted().map { kind in
            let x = ka[kind] ?? 0, y = kb[kind] ?? 0
            return Row(key: "\(kind)_energy_per_image_J", measure: "  kind \(kind)", unit: "J", a: x, b: y, ratio: y != 0 ? x / y : nil)
        }
        rows.insert(contentsOf: kindRows, at: inference ? at + 1 : at)
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
        let w0 = 28, wa = max(16, nameA.count + 5), wb = max(18, nameB.count + 5)
        var lines = [CostTable.pad(inference ? "inference" : "measure", w0) + CostTable.lpad("A: " + nameA, wa)
                     + CostTable.lpad("B: " + nameB, wb) + CostTable.lpad("A/B", 12)]
        for r in rows {
            lines.append(CostTable.pad(r.measure, w0) + CostTable.lpad(Self.render(r.a, r.unit), wa)
                         + CostTable.lpad(Self.render(r.b, r.unit), wb) + CostTable.lpad(r.comparison, 12))
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
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(a: nameA, b: nameB, inference: inference, rows: rows,
                                            components_without_area_a: withoutArea.a, components_without_area_b: withoutArea.b))
    }

    public func csv() -> String {
        var out = "key,measure,unit,a,b,ratio,difference\n"
        for r in rows {
            let trimmed = r.measure.trimmingCharacters(in: .whitespaces)
            let measure = r.measure.hasPrefix(" ") ? (inference ? "test energy per image: " : "training energy per image: ") + trimmed : trimmed
            out += "\(r.key),\(measure),\(r.unit),\(r.a),\(r.b),\(r.ratio.map { "\($0)" } ?? ""),\(r.difference.map { "\($0)" } ?? "")\n"
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
