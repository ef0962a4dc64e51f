import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// Text tables of a run's costs for the terminal.
public enum CostTable {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    /// Phase and component tables; with more than `collapseAbove` tiles and no `perTile`, the
    /// tiles' components are shown as totals per kind (tile*.adc, ...).
    public static func text(_ run: TrainingRun, perTile: Bool = false, collapseAbove: Int = 4) -> String {
        let b = CostBreakdown(run: run)
        var lines: [String] = []
        let names = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.name, $0.neuroSimName ?? "") })
        lines.append(pad("phase", 10) + pad("(NeuroSim)", 22) + lpad("energy", 11) + lpad("time", 13) + lpad("share", 8))
        for (phase, t) in b.byPhase {
            let share = b.total.joules > 0 ? 100 * t.joules / b.total.joules : 0
            // A phase run inside another's segments (backward in the crossbar chip's forward, a
            // gradient in the forward or the update segment) has no span of its own.
            let time = (b.phaseTime[phase] ?? 0) == 0 && t.joules > 0 ? "in others" : SimTime.format(b.phaseTime[phase] ?? 0)
            lines.append(pad(phase, 10) + pad(names[phase] ?? "", 22) + lpad(Ledger.humanEnergy(joules: t.joules), 11)
                         + lpad(time, 13) + lpad(String(format: "%.1f%%", share), 8))
        }
        lines.append(pad("component", 18) + lpad("energy", 11) + lpad("busy", 13) + lpad("util", 8) + lpad("share", 8))
        let tiles = CostBreakdown.tileCount(b.byComponent.map(\.component))
        var rows = b.byComponent.map { (name: $0.component, total: $0.total, servers: b.servers[$0.component] ?? 1) }
        if !perTile && tiles > collapseAbove {
            var merged: [String: (CostBreakdown.Total, Int)] = [:]
            var order: [String] = []
            rows = rows.compactMap { row in
                let key = CostBreakdown.acrossTiles(row.name)
                guard key != row.name else { return row }
                if merged[key] == nil { order.append(key) }
                var (t, servers) = merged[key] ?? (CostBreakdown.Total(), 0)
                t.energyQuanta += row.total.energyQuanta
                t.busyPicoseconds &+= row.total.busyPicoseconds
                t.count &+= row.total.count
                merged[key] = (t, servers + row.servers)
                return nil
            } + order.map { (name: $0, total: merged[$0]!.0, servers: merged[$0]!.1) }
        }
        let span = Double(b.simulatedTime.picoseconds)
        for (component, t, servers) in rows {
            let share = b.total.joules > 0 ? 100 * t.joules / b.total.joules : 0
            let util = span > 0 ? 100 * Double(t.busyPicoseconds) / (span * Double(servers)) : 0
            lines.append(pad(component, 18) + lpad(Ledger.humanEnergy(joules: t.joules), 11) + lpad(SimTime.format(t.busyPicoseconds), 13)
                         + lpad(String(format: "%.1f%%", util), 8) + lpad(String(format: "%.1f%%", share), 8))
        }
        lines.append(pad("layer", 18) + lpad("energy", 11) + lpad("busy", 13) + lpad("", 8) + lpad("share", 8))
        for (layer, t) in b.byLayer {
            let share = b.total.joules > 0 ? 100 * t.joules / b.total.joules : 0
            lines.append(pad(b.layerName(layer), 18) + lpad(Ledger.humanEnergy(joules: t.joules), 11) + lpad(SimTime.format(t.busyPicoseconds), 13)
                         + lpad("", 8) + lpad(String(format: "%.1f%%", share), 8))
        }
        lines.append("total energy: \(Ledger.joulesDecimal(quanta: b.total.energyQuanta)) J (exact)"
                     + (b.hasDevices ? "; pulses: \(b.setPulses) SET, \(b.resetPulses) RESET" : ""))
        if run.outcome.method == .exSitu {
            lines.append("per training image: none on the chip (ex-situ: a floating-point copy trains off chip; the chip pays for programming and tests)")
        } else {
            lines.append("per training image: \(Ledger.humanEnergy(joules: b.trainingJoulesPerImage)), \(SimTime.format(UInt64(b.trainingSecondsPerImage * 1e12))); "
                         + String(format: "training %.3g TOPS/W", b.trainingTOPSPerWatt))
        }
        lines.append("per test image: \(Ledger.humanEnergy(joules: b.testJoulesPerImage)), \(SimTime.format(UInt64(b.testSecondsPerImage * 1e12))); "
                     + String(format: "inference %.3g TOPS/W, %@ per MAC", b.inferenceTOPSPerWatt, Ledger.humanEnergy(joules: b.testJoulesPerMAC)))
        if !perTile && tiles > collapseAbove {
            lines.append("tile*: totals over \(tiles) tiles (--per-tile lists each)")
        }
        return lines.joined(separator: "\n")
    }
}
