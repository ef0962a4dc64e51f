import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// One point of a design-space sweep: its varied values and what the run measured.
public struct SweepRow: Codable, Equatable, Sendable {
    public var point: Int
    /// The varied values, one per axis, in axis order.
    public var values: [String]
    public var tiles: Int
    public var devices: Int
    public var area_m2: Double
    /// Test accuracy, a fraction.
    public var test_accuracy: Double
    public var training_energy_per_image_J: Double
    public var training_latency_per_image_s: Double
    public var test_energy_per_image_J: Double
    public var test_latency_per_image_s: Double
    public var training_TOPS_per_W: Double
    public var inference_TOPS_per_W: Double
    /// Training energy per image by phase (forward, backward, gradient, update, readout).
    public var phase_energy_per_image_J: [String: Double]
    /// Energy per training image by component kind (all phases), and busy share by kind.
    public var kind_energy_per_image_J: [String: Double]
    /// The part of it that is static: leakage while powered, leakage while gated and wake-ups
    /// (absent in points of older versions).
    public var kind_static_energy_per_image_J: [String: Double]?
    public var kind_utilisation: [String: Double]
    /// Not dominated on (training energy, training latency, area, accuracy) among the sweep's points.
    public var pareto: Bool = false

    public init(point: Int, values: [String], run: TrainingRun) {
        let b = CostBreakdown(run: run)
        self.point = point
        self.values = values
        tiles = CostBreakdown.tileCount(run.accelerator.components.components.map(\.name))
        devices = run.accelerator.census?.devices ?? 0
        area_m2 = b.totalAreaSquareMetres
        test_accuracy = run.outcome.finalAccuracy
        training_energy_per_image_J = b.trainingJoulesPerImage
        training_latency_per_image_s = b.trainingSecondsPerImage
        test_energy_per_image_J = b.testJoulesPerImage
        test_latency_per_image_s = b.testSecondsPerImage
        training_TOPS_per_W = b.trainingTOPSPerWatt
        inference_TOPS_per_W = b.inferenceTOPSPerWatt
        let images = Double(max(b.trainingImages, 1))
        phase_energy_per_image_J = Dictionary(uniqueKeysWithValues: ["forward", "backward", "gradient", "update", "readout"].map {
            ($0, b.phase($0).joules / images)
        })
        var energy: [String: Double] = [:], busy: [String: Double] = [:], servers: [String: Double] = [:]
        for (component, t) in b.byComponent {
            let kind = run.accelerator.components[component]?.model.kind ?? component
            energy[kind, default: 0] += t.joules / images
            busy[kind, default: 0] += Double(t.busyPicoseconds)
            servers[kind, default: 0] += Double(b.servers[component] ?? 1)
        }
        kind_energy_per_image_J = energy
        var statics = energy.mapValues { _ in 0.0 }
        let staticActions: Set<String> = [Component.leakage.name, Component.offLeakage.name, Component.wake.name]
        for e in run.ledger.entries where staticActions.contains(e.key.action) {
            let kind = run.accelerator.components[e.key.component]?.model.kind ?? e.key.component
            statics[kind, default: 0] += e.energyQuanta.doubleValue * Ledger.quantumJoules / images
        }
        kind_static_energy_per_image_J = statics
        let span = Double(b.simulatedTime.picoseconds)
        kind_utilisation = busy.mapValues { _ in 0 }
        for (kind, t) in busy { kind_utilisation[kind] = span > 0 ? t / (span * servers[kind]!) : 0 }
    }
}

/// A sweep's rows: the Pareto marks, sweep.csv and sweep.json.
public struct SweepResults {
    public var keys: [String]
    public var rows: [SweepRow]

    public init(keys: [String], rows: [SweepRow]) {
        self.keys = keys
        self.rows = rows.sorted { $0.point < $1.point }
        markPareto()
    }

    /// A point is on the front when no other is at least as good on training energy and
    /// latency per image, area and accuracy, and better on one.
    mutating func markPareto() {
        func measures(_ r: SweepRow) -> [Double] { [r.training_energy_per_image_J, r.training_latency_per_image_s, r.area_m2, -r.test_accuracy] }
        for i in rows.indices {
            let a = measures(rows[i])
            rows[i].pareto = !rows.contains { other in
                let b = measures(other)
                return zip(b, a).allSatisfy { $0 <= $1 } && zip(b, a).contains { $0 < $1 }
            }
        }
    }

    var phases: [String] { ["forward", "backward", "gradient", "update", "readout"] }
    var kinds: [String] { Array(Set(rows.flatMap { $0.kind_energy_per_image_J.keys })).sorted() }

    public func csv() -> String {
        let kinds = self.kinds
        var header = ["point"] + keys + ["tiles", "devices", "area_m2", "test_accuracy", "training_energy_per_image_J", "training_latency_per_image_s",
                                         "test_energy_per_image_J", "test_latency_per_image_s", "training_TOPS_per_W", "inference_TOPS_per_W"]
        header += phases.map { "\($0)_energy_per_image_J" } + kinds.map { "\($0)_energy_per_image_J" } + kinds.map { "\($0)_static_energy_per_image_J" }
            + kinds.map { "\($0)_utilisation" } + ["pareto"]
        var out = header.joined(separator: ",") + "\n"
        for r in rows {
            var fields = ["\(r.point)"] + r.values.map(Self.quote)
            fields += ["\(r.tiles)", "\(r.devices)", "\(r.area_m2)", "\(r.test_accuracy)", "\(r.training_energy_per_image_J)", "\(r.training_latency_per_image_s)",
                       "\(r.test_energy_per_image_J)", "\(r.test_latency_per_image_s)", "\(r.training_TOPS_per_W)", "\(r.inference_TOPS_per_W)"]
            fields += phases.map { "\(r.phase_energy_per_image_J[$0] ?? 0)" } + kinds.map { "\(r.kind_energy_per_image_J[$0] ?? 0)" }
            fields += kinds.map { "\(r.kind_static_energy_per_image_J?[$0] ?? 0)" }
            fields += kinds.map { "\(r.kind_utilisation[$0] ?? 0)" } + [r.pareto ? "1" : "0"]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }

    public func json() throws -> Data {
        struct Document: Codable { var schema_version = ReportSchema.version; var keys: [String]; var rows: [SweepRow] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(keys: keys, rows: rows))
    }

    /// A short table for the terminal: values, accuracy, energy and latency per training image, area, Pareto mark.
    public func text() -> String {
        var lines = [(["point"] + keys + ["accuracy", "train J/img", "train s/img", "area mm^2", "pareto"]).joined(separator: "  ")]
        for r in rows {
            let cells = ["\(r.point)"] + r.values + [String(format: "%.2f%%", 100 * r.test_accuracy), Ledger.humanEnergy(joules: r.training_energy_per_image_J),
                                                    SimTime.format(UInt64((r.training_latency_per_image_s * 1e12).rounded())),
                                                    String(format: "%.4g", r.area_m2 * 1e6), r.pareto ? "*" : ""]
            lines.append(cells.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    public func write(to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("sweep.csv").path)
        try AtomicFile.write(json(), to: dir.appendingPathComponent("sweep.json").path)
    }
}
