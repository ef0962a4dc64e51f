import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// Two runs of the same workload side by side: accuracy, energy per training and test image
/// (in total and per phase), time per image, throughput, TOPS/W and area, with A/B ratios.
public struct ComparisonTable {
    /// One measure of both runs; `unit` names how values are rendered.
    public struct Row: Codable, Equatable {
        public var measure: String
        public var unit: String
        public var a: Double
        public var b: Double
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
        let ca = CostBreakdown(run: a), cb = CostBreakdown(run: b)
        func add(_ measure: String, _ unit: String, _ f: (CostBreakdown) -> Double) {
            let x = f(ca), y = f(cb)
            rows.append(Row(measure: measure, unit: unit, a: x, b: y, ratio: y != 0 ? x / y : nil))
        }
        rows.append(Row(measure: "test accuracy", unit: "%", a: 100 * a.outcome.finalAccuracy, b: 100 * b.outcome.finalAccuracy,
                        ratio: 100 * (a.outcome.finalAccuracy - b.outcome.finalAccuracy)))
        if !inference {
            add("training energy per image", "J") { $0.trainingJoulesPerImage }
            for phase in ["forward", "backward", "gradient", "update", "readout"] {
                add("  \(phase)", "J") { $0.trainingImages > 0 ? $0.phase(phase).joules / Double($0.trainingImages) : 0 }
            }
            add("training time per image", "s") { $0.trainingSecondsPerImage }
            add("training throughput", "images/s") { $0.trainingSecondsPerImage > 0 ? 1 / $0.trainingSecondsPerImage : 0 }
            add("training efficiency", "TOPS/W") { $0.trainingTOPSPerWatt }
        }
        add("test energy per image", "J") { $0.testJoulesPerImage }
        add("test time per image", "s") { $0.testSecondsPerImage }
        add("test throughput", "images/s") { $0.testSecondsPerImage > 0 ? 1 / $0.testSecondsPerImage : 0 }
        add("inference efficiency", "TOPS/W") { $0.inferenceTOPSPerWatt }
        add("area", "m^2") { $0.totalAreaSquareMetres }
        withoutArea = (ca.area.filter { $0.value == 0 }.map(\.key).sorted(), cb.area.filter { $0.value == 0 }.map(\.key).sorted())
        if !inference {
            add("simulated time", "s") { $0.simulatedTime.seconds }
            add("total energy", "J") { $0.total.joules }
        }
    }

    static func render(_ v: Double, _ unit: String) -> String {
        switch unit {
        case "J": return Ledger.humanEnergy(joules: v)
        case "s": return SimTime.format(UInt64((v * 1e12).rounded()))
        case "%": return String(format: "%.2f%%", v)
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
            let ratio: String
            if r.unit == "%" { ratio = String(format: "%+.2f pts", r.ratio ?? 0) }
            else if let q = r.ratio { ratio = String(format: "%.3gx", q) }
            else { ratio = "-" }
            lines.append(CostTable.pad(r.measure, w0) + CostTable.lpad(Self.render(r.a, r.unit), wa)
                         + CostTable.lpad(Self.render(r.b, r.unit), wb) + CostTable.lpad(ratio, 12))
        }
        for (name, missing) in [(nameA, withoutArea.a), (nameB, withoutArea.b)] where !missing.isEmpty && rows.contains(where: { $0.unit == "m^2" }) {
            lines.append("area of \(name) leaves out components its arch file gives no area for: \(missing.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        struct Document: Codable {
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
        var out = "measure,unit,a,b,ratio\n"
        for r in rows {
            let trimmed = r.measure.trimmingCharacters(in: .whitespaces)
            let measure = r.measure.hasPrefix(" ") ? "training energy per image: " + trimmed : trimmed
            out += "\(measure),\(r.unit),\(r.a),\(r.b),\(r.ratio.map { "\($0)" } ?? "")\n"
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
