import InsituArchFile
import InsituDigital
import InsituHardware

/// Renders a digital design: its array, formats, memories and where the tensors of a step live.
enum DigitalDescription {
    static func text(_ d: ArchDesign, _ c: DigitalChipSpec) -> String {
        let f = c.formats
        func pJ(_ j: Double) -> String { String(format: "%.4g pJ", j * 1e12) }
        var lines = ["\(d.name): \(d.summary)", "digital chip (\(c.node.nanometres) nm)"]
        lines.append("  MAC array: \(c.array.rows) x \(c.array.columns) \(c.array.dataflow.rawValue) at \(c.clockHertz / 1e9) GHz, \(pJ(c.macJoules)) per MAC (\(f.operand.rawValue) x \(f.operand.rawValue) into \(f.accumulator.rawValue), with registers)")
        lines.append("  formats: weights \(f.weights.rawValue), activations \(f.activations.rawValue), errors \(f.errors.rawValue), gradients \(f.gradients.rawValue), master weights \(f.master.rawValue)")
        lines.append("  vector unit: \(c.vector.lanes) lanes, \(c.vector.format.rawValue), multiply-add \(pJ(c.vectorUnit.macJoules)), add \(pJ(c.vectorUnit.addJoules))")
        lines.append("  SRAM: \(c.sram.capacityBytes / 1024) KiB in \(c.sram.banks) banks, \(c.sram.banks * c.sram.bitsPerCycle) bit/cycle at \(c.sram.clockHertz / 1e9) GHz, \(pJ(c.sram.joulesPerBit))/bit")
        lines.append("  DRAM: \(c.dram.bitsPerCycle) bit/cycle at \(c.dram.clockHertz / 1e9) GHz, \(pJ(c.dram.joulesPerBit))/bit, latency \(c.dram.latency)")
        let placement = TensorPlacement(widths: d.network.layers, batch: d.training.batchSize, formats: f, sramBits: c.sram.capacityBits)
        lines.append("  placement for a batch of \(d.training.batchSize) (\(placement.sramBits / 8192) of \(c.sram.capacityBytes / 1024) KiB of SRAM used):")
        for t in placement.tensors {
            lines.append("    \(t.kind.rawValue) \(t.layer): \(t.bits / 8) B in \(t.level.rawValue)")
        }
        let n = d.network, tr = d.training
        lines.append("network: \(n.layers.map(String.init).joined(separator: "-")), \(n.weightCount) weights, k = \(n.outputScalePerAmp) 1/A")
        lines.append("training: digital SGD, batch \(tr.batchSize), \(tr.images) images, the float line of \(d.name)'s crossbar chip in these formats")
        return lines.joined(separator: "\n")
    }
}
