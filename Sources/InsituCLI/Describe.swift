import ArgumentParser
import InsituArchFile
import InsituEngine
import InsituHardware
import Foundation
import InsituMapping

/// `insitu describe FILE`: the component tree with derived figures.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the chip's component tree with derived figures (devices, tiles, converters, mapping).",
        discussion: "Example: insitu describe arch/li2018.yaml")

    @OptionGroup var options: ArchOptions

    func run() throws {
        let design = try options.load()
        if let digital = design.digital {
            print(DigitalDescription.text(design, digital))
            return
        }
        let mapping: LayerMapping
        do {
            mapping = try MappingStrategies.placements(chip: design.chip, widths: design.network.layers).0
        } catch let failure as LayerMapping.Failure {
            throw usageError("\(options.arch): \(failure.description)")
        }
        print(DesignDescription.text(design, mapping: mapping))
    }
}

/// Renders the component tree of a design.
enum DesignDescription {
    static func text(_ d: ArchDesign, mapping: LayerMapping) -> String {
        let c = d.chip, dev = c.device, t = c.tile
        func uS(_ s: Double) -> String { String(format: "%.0f uS", s * 1e6) }
        var lines: [String] = []
        lines.append("\(d.name): \(d.summary)")
        lines.append("chip")
        lines.append("  tiles: \(t.count) x \(t.rows) x \(t.columns) 1T1R = \(t.count * t.rows * t.columns) devices (\(mapping.tilesUsed) used)")
        lines.append("  mapping: \(c.mapping) (\(MappingStrategies.named(c.mapping)?.summary ?? "unknown"))")
        for tile in 0..<mapping.tilesUsed {
            let blocks = mapping.blocks(onTile: tile)
            let used = mapping.devicesUsed(onTile: tile)
            lines.append("  tile \(tile): \(used) of \(t.rows * t.columns) devices used (\(String(format: "%.1f", 100 * Double(used) / Double(t.rows * t.columns)))%)")
            for b in blocks {
                lines.append("    layer \(b.layer + 1) inputs \(b.firstInput)..<\(b.firstInput + b.inputs) outputs \(b.firstOutput)..<\(b.firstOutput + b.outputs): rows \(b.rowOffset)..<\(b.rowOffset + b.rows), columns \(b.columnOffset)..<\(b.columnOffset + b.outputs), \(b.devices) devices")
            }
            let cols = mapping.columnsUsed(onTile: tile)
            let groups = (cols + c.adc.perTile - 1) / c.adc.perTile
            lines.append("    DACs: \(t.rows) x \(c.dac.bits)-bit, 0-\(c.dac.rangeVolts) V, \(SimTime.format(c.dac.latency.picoseconds))")
            lines.append("    TIAs: \(t.columns) (ReLU \(c.tia.gainVoltsPerAmp) V/A clipped at \(c.tia.clipVolts) V)")
            lines.append("    array settling: \(c.arraySettling)" + (c.arraySettling > t.settling ? " (set by the column wires' RC)" : ""))
            lines.append("    ADCs: \(c.adc.perTile) x \(c.adc.bits)-bit, \(String(format: "%.3g", c.adcConversionJoules * 1e12)) pJ per conversion, \(cols) columns in \(groups) groups of up to \(c.adc.perTile): \(SimTime.format(UInt64(groups) * c.adc.conversionTime.picoseconds)) per read")
        }
        lines.append("  device: \(dev.model.rawValue), window \(uS(dev.windowMinSiemens))-\(uS(dev.windowMaxSiemens)) over gate \(dev.gateMinVolts)-\(dev.gateMaxVolts) V (\(uS(dev.slopeSiemensPerVolt))/V)")
        lines.append("    stuck low \(dev.stuckLowFraction * 100)% at \(uS(dev.stuckLowSiemens)), stuck high \(dev.stuckHighFraction * 100)% at \(uS(dev.stuckHighSiemens)); R = (Gmin - Gstuck)/(Gmax - Gmin) = \(String(format: "%.3f", dev.stuckDistanceRatio))")
        lines.append("    update variation \(dev.updateVariation * 100)% of the \(dev.variationReference.rawValue), device variation \(dev.deviceVariation * 100)%, read noise \(dev.readNoise * 100)%")
        lines.append("    SET \(dev.setVolts) V \(dev.setPulse), RESET \(dev.resetVolts) V \(dev.resetPulse) (gate \(dev.resetGateVolts) V)")
        lines.append("  interlayer: \(c.interlayer.rawValue)")
        lines.append("  update controller: \(c.controller.writeDrivers) write driver(s), row setup \(c.controller.rowSetup)")
        lines.append("  digital unit: \(c.digital.lanes) lanes at \(c.digital.clockHertz / 1e9) GHz, MAC \(c.digital.macJoules * 1e12) pJ")
        lines.append("  buffer: \(c.buffer.bitsPerCycle) bit/cycle at \(c.buffer.clockHertz / 1e9) GHz, \(c.buffer.energyPerBitJoules * 1e12) pJ/bit")
        let n = d.network
        lines.append("network: \(n.layers.map(String.init).joined(separator: "-")), \(n.weightCount) weights on \(n.deviceCount) devices, k = \(n.outputScalePerAmp) 1/A")
        let tr = d.training
        lines.append("training: \(tr.method.rawValue), batch \(tr.batchSize), \(tr.images) images (\((tr.images + tr.batchSize - 1) / tr.batchSize) updates), learning rate \(tr.learningRatesVoltsSquared.map { "\($0) V^2" }.joined(separator: ", "))")
        lines.append("input: central \(d.input.cropSide) x \(d.input.cropSide) crop, bicubic to \(d.input.side) x \(d.input.side), max \(d.input.maxVolts) V")
        return lines.joined(separator: "\n")
    }
}
