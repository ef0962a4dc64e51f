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
            let drivers = CostDriver.top(run)
            if !drivers.isEmpty { lines.append(CostDriver.text(drivers)) }
        }
        lines += rangeLines(run)
        if o.telemetry.eventsProcessed > 0 {
            lines.append(String(format: "wall time: %.2f s; events: %llu (%.2f million/s, %.3g simulated s per wall s)", o.wallSeconds,
                                o.telemetry.eventsProcessed, o.telemetry.eventsPerWallSecond / 1e6,
                                o.telemetry.simulatedSecondsPerWallSecond))
        } else {
            lines.append(String(format: "wall time: %.2f s", o.wallSeconds))
        }
        return lines.joined(separator: "\n")
    }

    /// Above this share of a layer's conversions beyond full scale, the summary warns.
    public static let saturationWarningShare = 0.01

    /// Per layer: the share of conversions beyond the ADC's full scale, of hidden activations
    /// clipped, and of read-backs beyond full scale; a warning naming the keys above 1%.
    static func rangeLines(_ run: TrainingRun) -> [String] {
        guard let ranges = run.accelerator.ranges else { return [] }
        func pct(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.2f%%", 100 * RangeCounts.share(a, of: b)) }
        var parts: [String] = [], warnings: [String] = []
        for (l, c) in ranges.layers.enumerated() {
            var p = "layer \(l + 1) \(pct(c.saturated, c.conversions)) of \(c.conversions) conversions"
            if c.activations > 0 { p += ", \(pct(c.clipped, c.activations)) of activations clipped" }
            if c.readbacks > 0 { p += ", \(pct(c.saturatedReadbacks, c.readbacks)) of read-backs" }
            if c.updates > 0 { p += ", \(pct(c.clippedUpdates, c.updates)) of updates at a state limit" }
            parts.append(p)
            if RangeCounts.share(c.saturated, of: c.conversions) > saturationWarningShare {
                warnings.append("warning: layer \(l + 1): \(pct(c.saturated, c.conversions)) of ADC conversions are beyond full scale (chip.adc.full_scale; the gain of chip.tia.gain, output_gain, or partial_sum_range sets what reaches it)")
            }
            if RangeCounts.share(c.saturatedReadbacks, of: c.readbacks) > saturationWarningShare {
                warnings.append("warning: layer \(l + 1): \(pct(c.saturatedReadbacks, c.readbacks)) of read-back conversions are beyond full scale (chip.adc.full_scale / (chip.tia.readback_gain x chip.tile.read_voltage))")
            }
        }
        return ["beyond range: " + parts.joined(separator: "; ")] + warnings
    }
}
