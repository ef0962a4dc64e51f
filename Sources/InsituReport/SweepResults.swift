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
    /// Not dominated among the sweep's points (the feasible ones, under constraints) on the
    /// objectives, or on (training energy, training latency, area, accuracy) when none are given.
    public var pareto: Bool = false
    /// With `--seeds`: the seeds the figures are means over, and each headline figure's spread.
    public var seeds: [UInt64]?
    public var spread: [String: Spread]?
    /// With constraints: whether the point meets them; with objectives: the best feasible point.
    public var feasible: Bool?
    /// The fingerprint of the sweep (design, data, options) the run belongs to; a resume or a
    /// merge takes only rows that carry the sweep's own.
    public var fingerprint: String?
    public var best: Bool?

    /// Sample standard deviation (n - 1), minimum and maximum of a figure over the seeds.
    public struct Spread: Codable, Equatable, Sendable {
        public var sd: Double
        public var min: Double
        public var max: Double
    }

    /// The figures a constraint, an objective or a spread can name: sweep.csv's columns.
    public static let fixedFigures = ["tiles", "devices", "area_m2", "test_accuracy", "training_energy_per_image_J", "training_latency_per_image_s",
                                      "test_energy_per_image_J", "test_latency_per_image_s", "training_TOPS_per_W", "inference_TOPS_per_W"]
        + ["forward", "backward", "gradient", "update", "readout"].map { "\($0)_energy_per_image_J" }
    /// The headline figures whose spread over seeds is reported.
    public static let spreadFigures = ["test_accuracy", "training_energy_per_image_J", "training_latency_per_image_s", "test_energy_per_image_J",
                                       "test_latency_per_image_s", "training_TOPS_per_W", "inference_TOPS_per_W"]

    /// Whether every figure is one a run can report: finite, not negative, below 1e30, an
    /// accuracy within 0-1, a latency a simulated time can hold. A row read back from disk that is not (hand-made, or damaged behind its manifest)
    /// is not taken.
    public var isPlausible: Bool {
        let figures = Self.fixedFigures.compactMap(figure) + kind_energy_per_image_J.values + (kind_static_energy_per_image_J?.values.map { $0 } ?? [])
            + kind_utilisation.values + (spread?.values.flatMap { [$0.sd, $0.min, $0.max] } ?? [])
        // A simulated time of at most 2^60 ps (about 1.15e6 s) per image.
        let latencies = [training_latency_per_image_s, test_latency_per_image_s] + (spread?.filter { $0.key.contains("latency") }.map { $0.value.max } ?? [])
        return point >= 0 && tiles >= 0 && devices >= 0 && test_accuracy <= 1 && figures.allSatisfy { $0.isFinite && $0 >= 0 && $0 < 1e30 }
            && latencies.allSatisfy { $0 < 1.15e6 }
    }

    /// The value of a sweep.csv column (a fixed figure, or K_energy_per_image_J,
    /// K_static_energy_per_image_J, K_utilisation for a component kind K), nil if the row has none.
    public func figure(_ key: String) -> Double? {
        switch key {
        case "tiles": return Double(tiles)
        case "devices": return Double(devices)
        case "area_m2": return area_m2
        case "test_accuracy": return test_accuracy
        case "training_energy_per_image_J": return training_energy_per_image_J
        case "training_latency_per_image_s": return training_latency_per_image_s
        case "test_energy_per_image_J": return test_energy_per_image_J
        case "test_latency_per_image_s": return test_latency_per_image_s
        case "training_TOPS_per_W": return training_TOPS_per_W
        case "inference_TOPS_per_W": return inference_TOPS_per_W
        default: break
        }
        if key.hasSuffix("_static_energy_per_image_J") { return kind_static_energy_per_image_J?[String(key.dropLast("_static_energy_per_image_J".count))] }
        if key.hasSuffix("_energy_per_image_J") {
            let name = String(key.dropLast("_energy_per_image_J".count))
            return phase_energy_per_image_J[name] ?? kind_energy_per_image_J[name]
        }
        if key.hasSuffix("_utilisation") { return kind_utilisation[String(key.dropLast("_utilisation".count))] }
        return nil
    }

    /// The point's row over several seeds: every figure the mean of the seeds' (a design's
    /// tiles and devices are the same for all), the headline figures' spread kept.
    public static func mean(of rows: [SweepRow], seeds: [UInt64]) -> SweepRow {
        precondition(!rows.isEmpty && rows.count == seeds.count)
        let n = Double(rows.count)
        func mean(_ f: (SweepRow) -> Double) -> Double { rows.reduce(0) { $0 + f($1) } / n }
        func mean(_ f: (SweepRow) -> [String: Double]?) -> [String: Double] {
            var out: [String: Double] = [:]
            for r in rows { for (k, v) in f(r) ?? [:] { out[k, default: 0] += v / n } }
            return out
        }
        var m = rows[0]
        m.area_m2 = mean { $0.area_m2 }
        m.test_accuracy = mean { $0.test_accuracy }
        m.training_energy_per_image_J = mean { $0.training_energy_per_image_J }
        m.training_latency_per_image_s = mean { $0.training_latency_per_image_s }
        m.test_energy_per_image_J = mean { $0.test_energy_per_image_J }
        m.test_latency_per_image_s = mean { $0.test_latency_per_image_s }
        m.training_TOPS_per_W = mean { $0.training_TOPS_per_W }
        m.inference_TOPS_per_W = mean { $0.inference_TOPS_per_W }
        m.phase_energy_per_image_J = mean { $0.phase_energy_per_image_J }
        m.kind_energy_per_image_J = mean { $0.kind_energy_per_image_J }
        m.kind_static_energy_per_image_J = rows.allSatisfy { $0.kind_static_energy_per_image_J != nil } ? mean { $0.kind_static_energy_per_image_J } : nil
        m.kind_utilisation = mean { $0.kind_utilisation }
        m.seeds = seeds
        m.spread = Dictionary(uniqueKeysWithValues: spreadFigures.map { key in
            let stats = SampleStatistics(rows.map { $0.figure(key)! })
            return (key, Spread(sd: stats.sd, min: stats.min, max: stats.max))
        })
        return m
    }

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

/// A bound on a sweep figure: `key` at most or at least `value`.
public struct SweepConstraint: Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var atMost: Bool
    public var value: Double
    public init(key: String, atMost: Bool, value: Double) {
        self.key = key
        self.atMost = atMost
        self.value = value
    }
    public func holds(_ row: SweepRow) -> Bool {
        guard let v = row.figure(key) else { return false }
        return atMost ? v <= value : v >= value
    }
    public var description: String { "\(key) \(atMost ? "<=" : ">=") \(value)" }
}

/// A sweep figure to make small (`minimize`) or large.
public struct SweepObjective: Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var minimize: Bool
    public init(key: String, minimize: Bool) {
        self.key = key
        self.minimize = minimize
    }
    /// The figure turned so that smaller is better.
    func cost(_ row: SweepRow) -> Double { (row.figure(key) ?? .infinity) * (minimize ? 1 : -1) }
    public var description: String { "\(minimize ? "minimize" : "maximize") \(key)" }
}

/// A sweep's rows: the feasible, Pareto and best marks, sweep.csv and sweep.json.
public struct SweepResults {
    public var keys: [String]
    public var rows: [SweepRow]
    public var constraints: [SweepConstraint]
    public var objectives: [SweepObjective]

    public init(keys: [String], rows: [SweepRow], constraints: [SweepConstraint] = [], objectives: [SweepObjective] = []) {
        self.keys = keys
        self.rows = rows.sorted { $0.point < $1.point }
        self.constraints = constraints
        self.objectives = objectives
        mark()
    }

    /// The objectives the front is taken on: those given, else training energy and latency
    /// per image, area (smaller) and accuracy (larger).
    var front: [SweepObjective] {
        objectives.isEmpty ? [.init(key: "training_energy_per_image_J", minimize: true), .init(key: "training_latency_per_image_s", minimize: true),
                              .init(key: "area_m2", minimize: true), .init(key: "test_accuracy", minimize: false)] : objectives
    }

    /// Feasible: every constraint holds. Pareto: a feasible point no other feasible point is at
    /// least as good as on every objective and better on one. Best: the feasible point first
    /// by the objectives in the order given (ties to the lower point number).
    mutating func mark() {
        let front = self.front
        for i in rows.indices { rows[i].feasible = constraints.isEmpty ? nil : constraints.allSatisfy { $0.holds(rows[i]) } }
        let candidates = rows.indices.filter { rows[$0].feasible != false }
        func costs(_ r: SweepRow) -> [Double] { front.map { $0.cost(r) } }
        for i in rows.indices {
            guard rows[i].feasible != false else { rows[i].pareto = false; continue }
            let a = costs(rows[i])
            rows[i].pareto = !candidates.contains { j in
                let b = costs(rows[j])
                return zip(b, a).allSatisfy { $0 <= $1 } && zip(b, a).contains { $0 < $1 }
            }
        }
        guard !objectives.isEmpty else { return }
        let best = candidates.min { costs(rows[$0]).lexicographicallyPrecedes(costs(rows[$1])) }
        for i in rows.indices { rows[i].best = i == best }
    }

    var phases: [String] { ["forward", "backward", "gradient", "update", "readout"] }
    var kinds: [String] { Array(Set(rows.flatMap { $0.kind_energy_per_image_J.keys })).sorted() }

    public func csv() -> String {
        let kinds = self.kinds
        var header = ["point"] + keys + ["tiles", "devices", "area_m2", "test_accuracy", "training_energy_per_image_J", "training_latency_per_image_s",
                                         "test_energy_per_image_J", "test_latency_per_image_s", "training_TOPS_per_W", "inference_TOPS_per_W"]
        header += phases.map { "\($0)_energy_per_image_J" } + kinds.map { "\($0)_energy_per_image_J" } + kinds.map { "\($0)_static_energy_per_image_J" }
            + kinds.map { "\($0)_utilisation" } + ["pareto"]
        let seeded = rows.contains { $0.seeds != nil }
        if seeded { header += ["seeds"] + SweepRow.spreadFigures.flatMap { ["\($0)_sd", "\($0)_min", "\($0)_max"] } }
        if !constraints.isEmpty { header.append("feasible") }
        if !objectives.isEmpty { header.append("best") }
        var out = header.joined(separator: ",") + "\n"
        for r in rows {
            var fields = ["\(r.point)"] + r.values.map(Self.quote)
            fields += ["\(r.tiles)", "\(r.devices)", "\(r.area_m2)", "\(r.test_accuracy)", "\(r.training_energy_per_image_J)", "\(r.training_latency_per_image_s)",
                       "\(r.test_energy_per_image_J)", "\(r.test_latency_per_image_s)", "\(r.training_TOPS_per_W)", "\(r.inference_TOPS_per_W)"]
            fields += phases.map { "\(r.phase_energy_per_image_J[$0] ?? 0)" } + kinds.map { "\(r.kind_energy_per_image_J[$0] ?? 0)" }
            fields += kinds.map { "\(r.kind_static_energy_per_image_J?[$0] ?? 0)" }
            fields += kinds.map { "\(r.kind_utilisation[$0] ?? 0)" } + [r.pareto ? "1" : "0"]
            if seeded {
                fields.append("\(r.seeds?.count ?? 1)")
                fields += SweepRow.spreadFigures.flatMap { k in r.spread?[k].map { ["\($0.sd)", "\($0.min)", "\($0.max)"] } ?? ["", "", ""] }
            }
            if !constraints.isEmpty { fields.append(r.feasible == true ? "1" : "0") }
            if !objectives.isEmpty { fields.append(r.best == true ? "1" : "0") }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }

    public func json() throws -> Data {
        struct Document: Codable {
            var schema_version = ReportSchema.version
            var keys: [String]
            var constraints: [String]?
            var objectives: [String]?
            var rows: [SweepRow]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(keys: keys, constraints: constraints.isEmpty ? nil : constraints.map(\.description),
                                           objectives: objectives.isEmpty ? nil : objectives.map(\.description), rows: rows))
    }

    /// A latency as the simulator prints times, or in seconds when no simulated time can hold it.
    public static func latencyText(_ seconds: Double) -> String {
        seconds.isFinite && seconds >= 0 && seconds < 1e7 ? SimTime.format(UInt64((seconds * 1e12).rounded())) : String(format: "%.4g s", seconds)
    }

    /// A short table for the terminal: values, accuracy (with its sd over seeds), energy and
    /// latency per training image, area, Pareto mark, and under constraints feasibility and the best point.
    public func text() -> String {
        var head = ["point"] + keys + ["accuracy", "train J/img", "train s/img", "area mm^2", "pareto"]
        if !constraints.isEmpty { head.append("feasible") }
        if !objectives.isEmpty { head.append("best") }
        var lines = [head.joined(separator: "  ")]
        for r in rows {
            let accuracy = String(format: "%.2f%%", 100 * r.test_accuracy) + (r.spread?["test_accuracy"].map { String(format: " +/- %.2f", 100 * $0.sd) } ?? "")
            var cells = ["\(r.point)"] + r.values + [accuracy, Ledger.humanEnergy(joules: r.training_energy_per_image_J),
                                                     Self.latencyText(r.training_latency_per_image_s),
                                                     String(format: "%.4g", r.area_m2 * 1e6), r.pareto ? "*" : ""]
            if !constraints.isEmpty { cells.append(r.feasible == true ? "yes" : "no") }
            if !objectives.isEmpty { cells.append(r.best == true ? "best" : "") }
            lines.append(cells.joined(separator: "  "))
        }
        if !constraints.isEmpty || !objectives.isEmpty {
            let under = (constraints.map(\.description) + objectives.map(\.description)).joined(separator: ", ")
            if let b = rows.first(where: { $0.best == true }) {
                lines.append("best under \(under): point \(b.point) (" + zip(keys, b.values).map { "\($0)=\($1)" }.joined(separator: " ") + ")")
            } else if !objectives.isEmpty {
                lines.append("no point meets \(constraints.map(\.description).joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    public func write(to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try AtomicFile.write(csv(), to: dir.appendingPathComponent("sweep.csv").path)
        try AtomicFile.write(json(), to: dir.appendingPathComponent("sweep.json").path)
    }
}
