import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// The terminal summary of a training run.
public enum RunSummary {
    /// `perTile` lists every tile's components; otherwise more than 4 tiles collapse to totals per kind.
    public static func text(_ run: TrainingRun, design: String, perTile: Bool = false) -> String {
        let o = run.outcome
        var lines: [String] = []
        lines.append("\(design): \(o.method.rawValue) training of \(run.network.layers.map(String.init).joined(separator: "-")) on \(o.dataSource)")
        lines.append(String(format: "test accuracy: %.2f%% on %d images after %d training images (%d updates)",
                            100 * o.finalAccuracy, o.testImages, o.imagesTrained, o.updates))
        if o.devices > 0, let census = run.accelerator.census {
            let r = census.model.first { $0.0 == "R" }.map { "; R = (Gmin - Gstuck)/(Gmax - Gmin) = " + String(format: "%.3f", Double($0.1) ?? 0) } ?? ""
            let model = census.model.first { $0.0 == "model" }?.1 ?? "devices"
            lines.append(String(format: "devices: %d %@, stuck: %d (%.1f%%)", o.devices, model, o.stuckDevices,
                                100 * Double(o.stuckDevices) / Double(o.devices)) + r)
        }
        if run.accelerator.isCosted {
            lines.append("simulated time: \(o.simulatedTime); energy: \(Ledger.humanEnergy(joules: run.ledger.totalEnergyQuanta.doubleValue * Ledger.quantumJoules))")
            lines.append(CostTable.text(run, perTile: perTile))
        }
        if o.telemetry.eventsProcessed > 0 {
            lines.append(String(format: "wall time: %.2f s; events: %llu (%.2f million/s, %.3g simulated s per wall s)", o.wallSeconds,
                                o.telemetry.eventsProcessed, o.telemetry.eventsPerWallSecond / 1e6,
                                o.telemetry.simulatedSecondsPerWallSecond))
        } else {
            lines.append(String(format: "wall time: %.2f s", o.wallSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
