import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// The pictures of a run, a comparison and a sweep as HTML pages (report.html).
public enum ReportPages {
    static let phases = ["program", "forward", "backward", "gradient", "update", "readout", "test"]

    /// A training run: accuracy against images (with the float line when given), energy by
    /// phase and component kind, time by phase, utilisation by component, energy per image
    /// over training.
    public static func train(_ run: TrainingRun, design: String, floatCurve: [TrainingOutcome.Point]? = nil) -> String {
        var page = HTMLPage(title: "\(design): \(run.outcome.method.rawValue) training of \(run.accelerator.widths.map(String.init).joined(separator: "-"))")
        let o = run.outcome
        page.table([["measure", "value"], ["test accuracy", String(format: "%.2f%%", 100 * o.finalAccuracy)],
                    ["training images", "\(o.imagesTrained)"], ["simulated time", o.simulatedTime.description]])
        var series = [SVGChart.Series(name: "\(run.outcome.method.rawValue) (test)", points: o.curve.map { (Double($0.images), 100 * $0.accuracy) })]
        if let floatCurve { series.append(.init(name: "float line (test)", points: floatCurve.map { (Double($0.images), 100 * $0.accuracy) }, dashed: true)) }
        page.heading("Accuracy")
        page.chart(SVGChart.lines(title: "Test accuracy against training images", xLabel: "training images", yLabel: "test accuracy (%)", series: series))
        if let ranges = run.accelerator.ranges {
            page.heading("Operating point")
            for w in (run.acceleratorSpec == nil ? run.chipSpec.operatingPointWarnings : []) + RunSummary.rangeLines(run).dropFirst() {
                page.paragraph(w.hasPrefix("warning: ") ? w : "warning: " + w)
            }
            func pct(_ a: UInt64, _ b: UInt64) -> String { b == 0 ? "-" : String(format: "%.2f%%", 100 * RangeCounts.share(a, of: b)) }
            page.table([["layer", "conversions", "beyond full scale", "activations clipped", "read-backs", "read-backs beyond full scale",
                         "updates", "at a state limit"]]
                       + ranges.layers.enumerated().map { l, c in
                           ["\(l + 1)", "\(c.conversions)", pct(c.saturated, c.conversions), pct(c.clipped, c.activations), "\(c.readbacks)",
                            pct(c.saturatedReadbacks, c.readbacks), "\(c.updates)", pct(c.clippedUpdates, c.updates)]
                       })
        }
        guard run.accelerator.isCosted else { return page.html }
        let b = CostBreakdown(run: run)
        page.table([["per image", "energy", "time"],
                    ["training", Ledger.humanEnergy(joules: b.trainingJoulesPerImage), SimTime.format(UInt64((b.trainingSecondsPerImage * 1e12).rounded()))],
                    ["test", Ledger.humanEnergy(joules: b.testJoulesPerImage), SimTime.format(UInt64((b.testSecondsPerImage * 1e12).rounded()))]])
        var kinds: [String: String] = [:]
        for c in run.accelerator.components.components { kinds[c.name] = c.model.kind }
        let present = phases.filter { p in b.byPhase.contains { $0.phase == p } }
        let kindNames = Array(Set(kinds.values)).sorted()
        let stacks = kindNames.map { kind in
            (name: kind, values: present.map { phase in
                run.ledger.entries.filter { $0.key.phase == phase && kinds[$0.key.component] == kind }
                    .reduce(0.0) { $0 + $1.energyQuanta.doubleValue * Ledger.quantumJoules }
            })
        }
        let drivers = CostDriver.top(run, count: 8)
        if !drivers.isEmpty {
            page.heading("What the energy goes to")
            page.table([["share", "component, action, phase", "energy", "set by"]] + drivers.map {
                [String(format: "%.1f%%", 100 * $0.share), $0.label, Ledger.humanEnergy(joules: $0.joules), $0.keys]
            })
        }
        page.heading("Energy and time")
        page.chart(SVGChart.stackedBars(title: "Energy by phase and component kind", yLabel: "energy (J)", categories: present, stacks: stacks))
        page.chart(SVGChart.stackedBars(title: "Simulated time by phase (backward and gradient overlap forward on the crossbar chip)",
                                        yLabel: "time (s)", categories: present,
                                        stacks: [("segment time", present.map { Double(b.phaseTime[$0] ?? 0) * 1e-12 })]))
        let components = b.byComponent.map(\.component)
        page.chart(SVGChart.stackedBars(title: "Utilisation by component (busy time over simulated time and servers)", yLabel: "utilisation",
                                        categories: components.map(shortName),
                                        stacks: [("busy share", b.byComponent.map { b.utilisation($0.component, $0.total) })]))
        if let chart = utilisationOverTime(run.accelerator.components) { page.chart(chart) }
        page.chart(SVGChart.stackedBars(title: "Energy by network layer and phase", yLabel: "energy (J)",
                                        categories: b.byLayer.map { b.layerName($0.layer) },
                                        stacks: present.map { phase in
                                            (name: phase, values: b.byLayer.map { l in
                                                b.byLayerPhase.first { $0.layer == l.layer && $0.phase == phase }?.total.joules ?? 0
                                            })
                                        }))
        var perImage: [(x: Double, y: Double)] = []
        for (p, q) in zip(o.curve, o.curve.dropFirst()) where q.images > p.images {
            perImage.append((Double(q.images), (q.joules - p.joules) / Double(q.images - p.images)))
        }
        if !perImage.isEmpty {
            page.chart(SVGChart.lines(title: "Energy per training image between evaluations (with the test pass)", xLabel: "training images",
                                      yLabel: "energy per image (J)", series: [.init(name: "energy / image", points: perImage)]))
        }
        return page.html
    }

    /// Utilisation of each queued component over simulated time (components of many tiles
    /// averaged per kind, as tile*.adc), or nil without samples.
    static func utilisationOverTime(_ registry: ComponentRegistry) -> String? {
        let t = registry.timeline
        guard !t.busy.isEmpty, !t.components.isEmpty else { return nil }
        let perKind = CostBreakdown.tileCount(t.components) > 4
        var groups: [(name: String, members: [Int])] = []
        for (k, name) in t.components.enumerated() {
            let key = perKind ? CostBreakdown.acrossTiles(name) : name
            if let g = groups.firstIndex(where: { $0.name == key }) { groups[g].members.append(k) } else { groups.append((key, [k])) }
        }
        let series = groups.map { g in
            let curves = g.members.map { t.utilisation(of: $0) }
            return SVGChart.Series(name: g.name, points: curves[0].indices.map { b in
                (1e3 * curves[0][b].seconds, 100 * curves.reduce(0.0) { $0 + $1[b].fraction } / Double(curves.count))
            })
        }
        return SVGChart.lines(title: "Utilisation over simulated time (busy time over bin width and servers, \(SimTime.format(t.binPicoseconds)) bins)",
                              xLabel: "simulated time (ms)", yLabel: "utilisation (%)", series: series)
    }

    static func shortName(_ component: String) -> String { component.count > 12 ? String(component.suffix(12)) : component }

    /// A comparison: the table, energy per training image by phase side by side, and the ratios.
    public static func compare(_ table: ComparisonTable, _ a: TrainingRun, _ b: TrainingRun) -> String {
        var page = HTMLPage(title: "A: \(table.nameA) against B: \(table.nameB)")
        page.table([["measure", "A: \(table.nameA)", "B: \(table.nameB)", "A/B"]] + table.rows.map { r in
            [r.measure.trimmingCharacters(in: .whitespaces), ComparisonTable.render(r.a, r.unit), ComparisonTable.render(r.b, r.unit), r.comparison]
        })
        let ca = CostBreakdown(run: a), cb = CostBreakdown(run: b)
        let training = ["forward", "backward", "gradient", "update", "readout"]
        func perImage(_ c: CostBreakdown) -> [Double] { training.map { c.trainingImages > 0 ? c.phase($0).joules / Double(c.trainingImages) : 0 } }
        page.heading("Energy per training image")
        page.chart(SVGChart.stackedBars(title: "Energy per training image by phase", yLabel: "energy (J)", categories: ["A: \(table.nameA)", "B: \(table.nameB)"],
                                        stacks: training.indices.map { i in (training[i], [perImage(ca)[i], perImage(cb)[i]]) }))
        page.heading("Ratios")
        page.chart(SVGChart.ratios(title: "A / B", items: table.rows.filter { $0.unit != "%" }.compactMap { r in
            r.ratio.map { ratio in
                (r.measure.trimmingCharacters(in: .whitespaces), ratio,
                 ratio == 1 ? nil : (ratio > 1) == ComparisonTable.higherIsBetter(r.unit))
            }
        }))
        return page.html
    }

    /// One design over several seeds: the accuracy curve's mean with bars from the lowest to
    /// the highest seed, and every figure's mean, sd, min and max.
    public static func seeds(_ table: SeedTable) -> String {
        var page = HTMLPage(title: "\(table.design) over \(table.seeds.count) seeds")
        let points = table.curve.map { p in (x: Double(p.images), y: 100 * p.accuracies.reduce(0, +) / Double(p.accuracies.count)) }
        let spread = table.curve.map { p in (low: 100 * (p.accuracies.min() ?? 0), high: 100 * (p.accuracies.max() ?? 0)) }
        if !points.isEmpty {
            page.chart(SVGChart.lines(title: "Test accuracy: mean, and the range over the seeds", xLabel: "training images",
                                      yLabel: "test accuracy (%)", series: [.init(name: "mean (bars: min-max)", points: points, spread: spread)],
                                      yIncludesZero: false))
        }
        page.table([["measure", "unit", "mean", "sd", "min", "max"]] + table.rows.map { r in
            [r.measure.trimmingCharacters(in: .whitespaces), r.unit == "fraction" ? "%" : r.unit]
                + [r.mean, r.sd, r.min, r.max].map { String(format: "%.6g", r.unit == "fraction" ? 100 * $0 : $0) }
        })
        return page.html
    }

    /// The stuck-device experiment: mean accuracy against the stuck fraction per method, with
    /// the paper's points (Fig. 4b-c) dashed.
    public static func experiment(_ table: SweepTable) -> String {
        var page = HTMLPage(title: "\(table.design): accuracy against devices stuck low (\(table.layers.map(String.init).joined(separator: "-")))")
        var series: [SVGChart.Series] = []
        for method in Array(Set(table.rows.map(\.method))).sorted() {
            let rows = table.rows.filter { $0.method == method }.sorted { $0.stuck_fraction < $1.stuck_fraction }
            series.append(.init(name: "\(method) (mean)", points: rows.map { (100 * $0.stuck_fraction, 100 * $0.mean_accuracy) }))
            let paper = rows.compactMap { r in r.paper_accuracy.map { (100 * r.stuck_fraction, $0) } }
            if !paper.isEmpty { series.append(.init(name: "\(method), paper", points: paper, dashed: true)) }
        }
        page.chart(SVGChart.lines(title: "Test accuracy against the fraction of devices stuck low", xLabel: "devices stuck low (%)",
                                  yLabel: "test accuracy (%)", series: series))
        page.table([["stuck", "method", "mean", "sd", "paper"]] + table.rows.map {
            [String(format: "%g%%", 100 * $0.stuck_fraction), $0.method, String(format: "%.2f%%", 100 * $0.mean_accuracy),
             String(format: "%.2f", 100 * $0.sd_accuracy), $0.paper_accuracy.map { String(format: "%g%%", $0) } ?? ""]
        })
        return page.html
    }

    /// Training algorithms on devices: accuracy against training energy per image (log scale,
    /// bars from the lowest to the highest seed, the Pareto front marked), and the table.
    public static func algorithms(_ table: AlgorithmTable) -> String {
        var page = HTMLPage(title: "Training algorithms on devices: accuracy, energy, time and wear")
        let rows = table.rows.filter { $0.training_energy_per_image_J > 0 }
        let dominated = { (r: AlgorithmTable.Row) in
            rows.contains { o in
                o.mean_accuracy >= r.mean_accuracy && o.training_energy_per_image_J <= r.training_energy_per_image_J
                    && (o.mean_accuracy > r.mean_accuracy || o.training_energy_per_image_J < r.training_energy_per_image_J)
            }
        }
        if !rows.isEmpty {
            page.chart(SVGChart.scatter(title: "Test accuracy against training energy per image", xLabel: "training energy per image (log10 J)",
                                        yLabel: "test accuracy (%)", points: rows.map { r in
                                            (log10(r.training_energy_per_image_J), 100 * r.mean_accuracy, "\(r.algorithm) on \(r.device)",
                                             dominated(r) ? .dominated : .front,
                                             (100 * (r.accuracies.min() ?? 0), 100 * (r.accuracies.max() ?? 0)))
                                        }))
        }
        page.table([["algorithm", "device", "accuracy", "sd", "energy / image", "time / image", "pulses / image", "pulses / device"]] + table.rows.map { r in
            [r.algorithm, r.device, String(format: "%.2f%%", 100 * r.mean_accuracy), String(format: "%.2f", 100 * r.sd_accuracy),
             ComparisonTable.render(r.training_energy_per_image_J, "J"), ComparisonTable.render(r.training_latency_per_image_s, "s"),
             String(format: "%.3g", r.pulses_per_image), String(format: "%.4g", r.pulses_per_device)]
        })
        return page.html
    }

    /// A sweep: accuracy and area against training energy, the Pareto points marked, and the table.
    public static func sweep(_ results: SweepResults) -> String {
        var page = HTMLPage(title: "Sweep over \(results.keys.joined(separator: ", "))")
        func label(_ r: SweepRow) -> String {
            "point \(r.point): " + zip(results.keys, r.values).map { "\($0)=\($1)" }.joined(separator: " ") + String(format: ", %.2f%%", 100 * r.test_accuracy)
        }
        func state(_ r: SweepRow) -> SVGChart.PointState { r.feasible == false ? .infeasible : r.pareto ? .front : .dominated }
        let under = (results.constraints.map(\.description) + results.objectives.map(\.description)).joined(separator: ", ")
        if !under.isEmpty { page.paragraph("Front and best point under: \(under); grey points do not meet the constraints.") }
        page.chart(SVGChart.scatter(title: "Accuracy against training energy", xLabel: "energy per training image (J)", yLabel: "test accuracy (%)",
                                    points: results.rows.map { r in
                                        (r.training_energy_per_image_J, 100 * r.test_accuracy, label(r), state(r),
                                         r.spread?["test_accuracy"].map { (100 * $0.min, 100 * $0.max) })
                                    }))
        page.chart(SVGChart.scatter(title: "Area against training latency", xLabel: "time per training image (s)", yLabel: "area (mm^2)",
                                    points: results.rows.map { ($0.training_latency_per_image_s, $0.area_m2 * 1e6, label($0), state($0), nil) }))
        let seeded = results.rows.contains { $0.seeds != nil }
        var head: [String] = ["point"] + results.keys + ["accuracy"]
        if seeded { head.append("sd (pts)") }
        head += ["energy / image", "time / image", "area mm^2", "Pareto"]
        if !results.constraints.isEmpty { head.append("feasible") }
        if !results.objectives.isEmpty { head.append("best") }
        var table = [head]
        for r in results.rows {
            var cells: [String] = ["\(r.point)"] + r.values + [String(format: "%.2f%%", 100 * r.test_accuracy)]
            if seeded { cells.append(r.spread?["test_accuracy"].map { String(format: "%.2f", 100 * $0.sd) } ?? "") }
            cells.append(Ledger.humanEnergy(joules: r.training_energy_per_image_J))
            cells.append(SweepResults.latencyText(r.training_latency_per_image_s))
            cells.append(String(format: "%.4g", r.area_m2 * 1e6))
            cells.append(r.pareto ? "yes" : "")
            if !results.constraints.isEmpty { cells.append(r.feasible == true ? "yes" : "no") }
            if !results.objectives.isEmpty { cells.append(r.best == true ? "best" : "") }
            table.append(cells)
        }
        page.table(table)
        return page.html
    }
}
