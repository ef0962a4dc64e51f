import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// Writes a run's folder: report.json, ledger.json, costs.csv (every ledger entry),
/// phases.csv, components.csv, layers.csv (energy and busy time per layer and phase) and
/// curve.csv, each atomically.
public enum RunWriter {
    /// Writes the run's files and returns their names.
    @discardableResult
    /// `resolved` (the design as JSON, `extends:` merged and overrides applied) and `overrides`
    /// are recorded in report.json when given.
    public static func write(_ run: TrainingRun, design: String, to folder: String, resolved: Data? = nil,
                             overrides: [String]? = nil) throws -> [String] {
        let dir = URL(fileURLWithPath: folder)
        var report = RunReport(run: run, design: design)
        report.resolved_design = resolved.flatMap { try? JSONSerialization.jsonObject(with: $0) }.flatMap(RunReport.DesignTree.init(json:))
        report.overrides = overrides
        try AtomicFile.write(try report.json(), to: dir.appendingPathComponent("report.json").path)
        if run.accelerator.isCosted {
            try AtomicFile.write(try run.ledger.jsonData(), to: dir.appendingPathComponent("ledger.json").path)
            var csv = "component,action,phase,layer,energy_J,busy_ps,count,magnitude\n"
            for e in run.ledger.entries {
                csv += "\(e.key.component),\(e.key.action),\(e.key.phase),\(e.key.layer == 0 ? "" : String(e.key.layer)),\(Ledger.joulesDecimal(quanta: e.energyQuanta)),\(e.busyPicoseconds),\(e.count),\(e.magnitude)\n"
            }
            try AtomicFile.write(csv, to: dir.appendingPathComponent("costs.csv").path)
            let b = CostBreakdown(run: run)
            var phases = "phase,neurosim_name,energy_J,time_ps,busy_ps\n"
            for (phase, t) in b.byPhase {
                let neuroSim = Phase.allCases.first { $0.name == phase }?.neuroSimName ?? ""
                phases += "\(phase),\(neuroSim),\(Ledger.joulesDecimal(quanta: t.energyQuanta)),\(b.phaseTime[phase] ?? 0),\(t.busyPicoseconds)\n"
            }
            try AtomicFile.write(phases, to: dir.appendingPathComponent("phases.csv").path)
            var components = "component,kind,energy_J,busy_ps,utilisation,count,area_m2\n"
            for (component, t) in b.byComponent {
                let kind = run.accelerator.components[component]?.model.kind ?? ""
                components += "\(component),\(kind),\(Ledger.joulesDecimal(quanta: t.energyQuanta)),\(t.busyPicoseconds),\(b.utilisation(component, t)),\(t.count),\(b.area[component] ?? 0)\n"
            }
            try AtomicFile.write(components, to: dir.appendingPathComponent("components.csv").path)
            var layers = "layer,phase,energy_J,busy_ps\n"
            for l in b.byLayerPhase {
                layers += "\(l.layer == 0 ? "none" : String(l.layer)),\(l.phase),\(Ledger.joulesDecimal(quanta: l.total.energyQuanta)),\(l.total.busyPicoseconds)\n"
            }
            try AtomicFile.write(layers, to: dir.appendingPathComponent("layers.csv").path)
        }
        try writeCurve(run.outcome, to: folder)
        return run.accelerator.isCosted ? ["report.json", "ledger.json", "costs.csv", "phases.csv", "components.csv", "layers.csv", "curve.csv"]
            : ["report.json", "curve.csv"]
    }

    /// Writes curve.csv: test accuracy after each evaluation.
    public static func writeCurve(_ outcome: TrainingOutcome, to folder: String) throws {
        var curve = "images,test_accuracy,energy_J,simulated_s\n"
        for p in outcome.curve { curve += "\(p.images),\(p.accuracy),\(p.joules),\(Double(p.simulatedPicoseconds) * 1e-12)\n" }
        try AtomicFile.write(curve, to: URL(fileURLWithPath: folder).appendingPathComponent("curve.csv").path)
    }
}
