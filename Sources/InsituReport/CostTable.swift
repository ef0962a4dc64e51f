import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// Text tables of a run's costs for the terminal.
public enum CostTable {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    public static func text(_ run: TrainingRun) -> String {
        let b = CostBreakdown(run: run)
        var lines: [String] = []
        let names = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.name, $0.neuroSimName ?? "") })
        lines.append(pad("phase", 10) + pad("(NeuroSim)", 22) + lpad("energy", 11) + lpad("time", 13) + lpad("share", 8))
        for (phase, t) in b.byPhase {
            let share = b.total.joules > 0 ? 100 * t.joules / b.total.joules : 0
            lines.append(pad(phase, 10) + pad(names[phase] ?? "", 22) + lpad(Ledger.humanEnergy(joules: t.joules), 11)
                         + lpad(SimTime.format(b.phaseTime[phase] ?? 0), 13) + lpad(String(format: "%.1f%%", share), 8))
        }
        lines.append(pad("component", 18) + lpad("energy", 11) + lpad("busy", 13) + lpad("util", 8) + lpad("share", 8))
        for (component, t) in b.byComponent {
            let share = b.total.joules > 0 ? 100 * t.joules / b.total.joules : 0
            let util = 100 * b.utilisation(component, t)
            lines.append(pad(component, 18) + lpad(Ledger.humanEnergy(joules: t.joules), 11) + lpad(SimTime.format(t.busyPicoseconds), 13)
                         + lpad(String(format: "%.1f%%", util), 8) + lpad(String(format: "%.1f%%", share), 8))
        }
        lines.append("total energy: \(Ledger.joulesDecimal(quanta: b.total.energyQuanta)) J (exact)"
                     + (b.hasDevices ? "; pulses: \(b.setPulses) SET, \(b.resetPulses) RESET" : ""))
        lines.append("per training image: \(Ledger.humanEnergy(joules: b.trainingJoulesPerImage)), \(SimTime.format(UInt64(b.trainingSecondsPerImage * 1e12))); "
                     + String(format: "training %.3g TOPS/W", b.trainingTOPSPerWatt))
        lines.append("per test image: \(Ledger.humanEnergy(joules: b.testJoulesPerImage)), \(SimTime.format(UInt64(b.testSecondsPerImage * 1e12))); "
                     + String(format: "inference %.3g TOPS/W, %@ per MAC", b.inferenceTOPSPerWatt, Ledger.humanEnergy(joules: b.testJoulesPerMAC)))
        return lines.joined(separator: "\n")
    }
}
