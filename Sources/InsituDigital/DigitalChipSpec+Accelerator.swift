import Foundation
import InsituHardware
import InsituTraining

/// The digital baseline as a design's own accelerator: built holding the float line's
/// initial weights, trained by the float line's SGD in its formats (`digital`).
extension DigitalChipSpec: AcceleratorSpec {
    public var kind: String { "digital" }

    public func make(_ workload: Workload, accounting: Bool) throws -> any WeightStore {
        try DigitalChip(spec: self, widths: workload.widths, hiddenGain: workload.activation.gain, hiddenClip: workload.activation.clip,
                        weightUnit: Float(workload.slopeSiemensPerState), errorUnit: Float(workload.activation.outputScalePerAmp),
                        weights: workload.initialWeights, accounting: accounting)
    }

    /// Master, working, gradient and code copies of the weights; activations and errors per image.
    public func estimatedBytes(network: NetworkSpec, training: TrainingSpec) -> Double {
        let widths = network.layers.map(Double.init)
        let weights = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 }
        let images = Double(max(training.batchSize, 500))
        return weights * 16 + images * widths.reduce(0, +) * 16 + Double(array.processingElements) * 8
    }

    public var oneLine: String { "a digital \(array.rows) x \(array.columns) MAC array" }

    /// Its array, formats, memories and where the tensors of a step live.
    public func describe(network n: NetworkSpec, training tr: TrainingSpec) -> [String] {
        let f = formats, c = self
        func pJ(_ j: Double) -> String { String(format: "%.4g pJ", j * 1e12) }
        var lines = ["digital chip (\(c.node.nanometres) nm)"]
        lines.append("  MAC array: \(c.array.rows) x \(c.array.columns) \(c.array.dataflow.rawValue) at \(c.clockHertz / 1e9) GHz, \(pJ(c.macJoules)) per MAC (\(f.operand.rawValue) x \(f.operand.rawValue) into \(f.accumulator.rawValue), with registers)")
        lines.append("  formats: weights \(f.weights.rawValue), activations \(f.activations.rawValue), errors \(f.errors.rawValue), gradients \(f.gradients.rawValue), master weights \(f.master.rawValue)")
        lines.append("  vector unit: \(c.vector.lanes) lanes, \(c.vector.format.rawValue), multiply-add \(pJ(c.vectorUnit.macJoules)), add \(pJ(c.vectorUnit.addJoules))")
        lines.append("  SRAM: \(c.sram.capacityBytes / 1024) KiB in \(c.sram.banks) banks, \(c.sram.banks * c.sram.bitsPerCycle) bit/cycle at \(c.sram.clockHertz / 1e9) GHz, \(pJ(c.sram.joulesPerBit))/bit")
        lines.append("  DRAM: \(c.dram.bitsPerCycle) bit/cycle at \(c.dram.clockHertz / 1e9) GHz, \(pJ(c.dram.joulesPerBit))/bit, latency \(c.dram.latency)")
        let placement = TensorPlacement(widths: n.layers, batch: tr.batchSize, formats: f, sramBits: c.sram.capacityBits)
        lines.append("  placement for a batch of \(tr.batchSize) (\(placement.sramBits / 8192) of \(c.sram.capacityBytes / 1024) KiB of SRAM used):")
        for t in placement.tensors {
            lines.append("    \(t.kind.rawValue) \(t.layer): \(t.bits / 8) B in \(t.level.rawValue)")
        }
        lines.append("network: \(n.layers.map(String.init).joined(separator: "-")), \(n.weightCount) weights, k = \(n.outputScalePerAmp) 1/A")
        return lines
    }
}
