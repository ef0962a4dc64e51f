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
        if let own = design.accelerator {
            let n = design.network, tr = design.training
            let lines = ["\(design.name): \(design.summary)"] + own.spec.describe(network: n, training: tr)
                + ["training: \(tr.method.rawValue) SGD, batch \(tr.batchSize), \(tr.images) images, the float line of \(design.name)'s crossbar chip in these formats"]
            print(lines.joined(separator: "\n"))
            return
        }
        let mapping: LayerMapping
        do {
            mapping = try MappingStrategies.placements(chip: design.chip, widths: design.network.layers).0
        } catch let failure as LayerMapping.Failure {
            throw usageError("\(options.arch): \(failure.description)")
        }
        print(DesignDescription.text(design, mapping: mapping))
        let warnings = design.chip.operatingPointWarnings
        if !warnings.isEmpty { print("operating point:\n" + warnings.map { "  warning: " + $0 }.joined(separator: "\n")) }
    }
}

/// Renders the component tree of a design.
enum DesignDescription {
    /// Area by part for the tiles in use and in total; parts the file gives no area for are named.
    static func area(_ c: ChipSpec, tiles: Int) -> [String] {
        let t = c.tile
        let perTile: [(String, Double)] = [
            ("array", t.arrayAreaSquareMetres), ("DACs", c.dac.areaSquareMetres * Double(t.rows)),
            ("TIAs", c.tia.areaSquareMetres * Double(t.columns)), ("ADCs", c.adc.areaSquareMetres * Double(c.adc.perTile)),
        ] + c.stages.map { ($0.stage.kind, $0.stage.model(columns: t.columns).areaSquareMetres) }
            + (c.dac.inputCoding == .bitSerial ? [("shift-add", c.shiftAdd.areaSquareMetres * Double(c.shiftAdd.perTile))] : [])
            + (c.inputRegister.map { [("input register", $0.areaSquareMetres)] } ?? [])
            + (c.outputRegister.map { [("output register", $0.areaSquareMetres)] } ?? [])
        let shared: [(String, Double)] = [
            ("controller", c.controller.areaSquareMetres), ("digital unit", c.digital.totalAreaSquareMetres),
            ("buffer", c.buffer.areaSquareMetres), ("interconnect", c.interconnect.areaSquareMetres),
        ] + (c.router.map { [("router", $0.areaSquareMetres)] } ?? [])
            + (c.resultRegister.map { [("result register", $0.areaSquareMetres)] } ?? [])
        func mm2(_ a: Double) -> String { String(format: "%.4g mm^2", a * 1e6) }
        let tileArea = perTile.reduce(0) { $0 + $1.1 }
        let total = tileArea * Double(tiles) + shared.reduce(0) { $0 + $1.1 }
        var lines = ["  area: \(mm2(total)) (\(tiles) tile(s) in use of \(mm2(tileArea)) each: "
                     + perTile.map { "\($0.0) \(mm2($0.1))" }.joined(separator: ", ") + "; "
                     + shared.map { "\($0.0) \(mm2($0.1))" }.joined(separator: ", ") + ")"]
        var missing = (perTile + shared).filter { $0.1 == 0 }.map(\.0)
        // A register file's area alone does not give the lanes'.
        if c.digital.areaSquareMetres == 0 && c.digital.registerFileAreaSquareMetres > 0 { missing.append("digital unit's lanes") }
        if !missing.isEmpty { lines.append("    no area given for: \(missing.joined(separator: ", "))") }
        return lines
    }

    /// Each tile in use drawn as a grid (up to 32 x 16 characters): the layer number in
    /// the cells its blocks use, '.' where the array is unused.
    static func drawing(_ mapping: LayerMapping) -> [String] {
        let width = min(32, mapping.tileColumns), height = min(16, mapping.tileRows)
        var lines: [String] = []
        for tile in 0..<mapping.tilesUsed {
            lines.append("  tile \(tile) placement (\(mapping.tileRows) rows x \(mapping.tileColumns) columns, one character per \((mapping.tileRows + height - 1) / height) x \((mapping.tileColumns + width - 1) / width) cells):")
            var grid = Array(repeating: Array(repeating: Character("."), count: width), count: height)
            for b in mapping.blocks(onTile: tile) {
                let mark = Character(String((b.layer + 1) % 10))
                for y in 0..<height {
                    let row = y * mapping.tileRows / height
                    guard row >= b.rowOffset && row < b.rowOffset + b.rows else { continue }
                    for x in 0..<width {
                        let column = x * mapping.tileColumns / width
                        if column >= b.columnOffset && column < b.columnOffset + b.outputs { grid[y][x] = mark }
                    }
                }
            }
            lines += grid.map { "    " + String($0) }
        }
        return lines
    }

    /// Which components are power-gated and after how long idle; the rest are always on.
    static func power(_ c: ChipSpec) -> String {
        let units: [(String, PowerStates, Double)] = [("DACs", c.dac.power, c.dac.leakageWatts), ("TIAs", c.tia.power, c.tia.leakageWatts),
                                                      ("ADCs", c.adc.power, c.adc.leakageWatts),
                                                      ("controller", c.controller.power, c.controller.leakageWatts),
                                                      ("digital unit", c.digital.power, c.digital.leakageWatts),
                                                      ("buffer", c.buffer.power, c.buffer.leakageWatts),
                                                      ("interconnect", c.interconnect.power, c.interconnect.leakageWatts)]
            + (c.router.map { [("router", $0.power, $0.leakageWatts)] } ?? [])
        let gated = units.compactMap { name, p, w in p.gateAfter(leakageWatts: w).map { "\(name) after \($0) idle" } }
        return gated.isEmpty ? "every component always on" : "gated: " + gated.joined(separator: ", ") + "; the rest always on"
    }

    static func text(_ d: ArchDesign, mapping: LayerMapping) -> String {
        let c = d.chip, t = c.tile
        func uS(_ s: Double) -> String { String(format: "%.0f uS", s * 1e6) }
        var lines: [String] = []
        lines.append("\(d.name): \(d.summary)")
        lines.append("chip")
        let cellName = c.cell.isSliced ? "\(c.cell.weightBits)-bit weights in \(c.cell.columnsPerWeight) columns of \(c.cell.bitsPerCell)-bit cells, joined by shift-and-add"
            : c.cell.hasReference ? "one device per weight against a reference column" : c.cell.isDifferentialPair ? "differential pairs" : "\(c.cell.rowsPerInput)-row cells"
        lines.append("  tiles: \(t.count) x \(t.rows) x \(t.columns) \(c.device.model.kind) = \(t.count * t.rows * t.columns) devices (\(mapping.tilesUsed) used), \(cellName)")
        lines.append("  mapping: \(c.mapping) (\(MappingStrategies.summary(c.mapping)))")
        let slices = c.cell.columnsPerWeight
        for tile in 0..<mapping.tilesUsed {
            let blocks = mapping.blocks(onTile: tile)
            let used = mapping.devicesUsed(onTile: tile)
            lines.append("  tile \(tile): \(used) of \(t.rows * t.columns) devices used (\(String(format: "%.1f", 100 * Double(used) / Double(t.rows * t.columns)))%)")
            for b in blocks {
                lines.append("    layer \(b.layer + 1)" + (b.replica > 0 ? " replica \(b.replica)" : "") + " inputs \(b.firstInput)..<\(b.firstInput + b.inputs) outputs \(b.firstOutput / slices)..<\((b.firstOutput + b.outputs) / slices): rows \(b.rowOffset)..<\(b.rowOffset + b.rows), columns \(b.columnOffset)..<\(b.columnOffset + b.outputs), \(b.devices) devices")
            }
            let cols = mapping.columnsUsed(onTile: tile)
            let groups = (cols + c.adc.perTile - 1) / c.adc.perTile
            if c.dac.inputCoding == .bitSerial {
                lines.append("    DACs: \(t.rows) x 1-bit, \(c.dac.bits)-bit inputs bit-serially (\(c.dac.planes) reads of 0 or \(c.dac.rangeVolts) V), \(SimTime.format(c.dac.latency.picoseconds))")
                lines.append("    TIAs: \(t.columns) (linear, \(c.tia.gainVoltsPerAmp) V/A; ReLU and clip at \(c.tia.clipVolts) V on the joined sum)")
            } else {
                lines.append("    DACs: \(t.rows) x \(c.dac.bits)-bit, 0-\(c.dac.rangeVolts) V, \(SimTime.format(c.dac.latency.picoseconds))")
                lines.append(d.network.hidden == .sigmoid
                    ? "    TIAs: \(t.columns) (linear, \(c.tia.gainVoltsPerAmp) V/A; the sigmoid on the digital unit after the ADC)"
                    : "    TIAs: \(t.columns) (ReLU \(c.tia.gainVoltsPerAmp) V/A clipped at \(c.tia.clipVolts) V)")
            }
            for s in c.stages {
                let model = s.stage.model(columns: t.columns)
                lines.append("    \(s.stage.kind): \(SimTime.format(s.stage.latency.picoseconds)) a pass, \(model.actions.map { "\($0.name) \(String(format: "%.3g", model.price($0).joulesPerEvent * 1e12)) pJ" }.joined(separator: ", ")), leakage \(String(format: "%.3g", model.leakageWatts * 1e6)) uW")
            }
            lines.append("    array settling: \(c.arraySettling)" + (c.arraySettling > t.settling ? " (set by the column wires' RC)" : ""))
            if t.rowWireOhmsPerCell + t.columnWireOhmsPerCell + t.rowWireFaradsPerCell + t.columnWireFaradsPerCell > 0 {
                lines.append(String(format: "    wires per cell: row %.4g ohm, %.4g fF; column %.4g ohm, %.4g fF", t.rowWireOhmsPerCell,
                                    t.rowWireFaradsPerCell * 1e15, t.columnWireOhmsPerCell, t.columnWireFaradsPerCell * 1e15)
                             + (t.hasWireResistance ? " (IR drop: \(t.irDrop.rawValue))" : ""))
            }
            lines.append("    ADCs: \(c.adc.perTile) x \(c.adc.bits)-bit, \(String(format: "%.3g", c.adcConversionJoules * 1e12)) pJ per conversion, \(cols) columns in \(groups) groups of up to \(c.adc.perTile): \(SimTime.format(UInt64(groups) * c.adc.conversionTime.picoseconds)) per read")
            if c.dac.inputCoding == .bitSerial {
                let sa = (cols + c.shiftAdd.perTile - 1) / c.shiftAdd.perTile
                lines.append("    shift-and-add: \(c.shiftAdd.perTile) unit(s), \(String(format: "%.3g", c.shiftAdd.energyJoules * 1e12)) pJ per code, \(SimTime.format(UInt64(sa) * c.shiftAdd.latency.picoseconds)) per plane")
            }
        }
        let device = c.device.model.summaryLines
        lines.append("  device: " + device[0])
        lines += device.dropFirst().map { "  " + $0 }
        lines.append("  interlayer: \(c.interlayer.rawValue)")
        lines.append("  update controller: \(c.controller.writeDrivers) write driver(s), row setup \(c.controller.rowSetup)")
        lines.append("  digital unit: \(c.digital.lanes) lanes at \(c.digital.clockHertz / 1e9) GHz, MAC \(c.digital.macJoules * 1e12) pJ, gradient \(c.digital.gradientDataflow.rawValue) with \(c.digital.accumulatorRegisters) accumulator registers")
        lines.append("  buffer: \(c.buffer.bitsPerCycle) bit/cycle at \(c.buffer.clockHertz / 1e9) GHz, \(c.buffer.energyPerBitJoules * 1e12) pJ/bit" + (c.buffer.banks > 1 ? " (\(c.buffer.banks) banks)" : ""))
        lines.append("  power: " + power(c))
        lines += area(c, tiles: mapping.tilesUsed)
        lines += drawing(mapping)
        let n = d.network
        let hidden = n.hidden == .sigmoid ? "sigmoid hidden layers (k_h = \(n.hiddenScalePerAmp) 1/A)" : "ReLU hidden layers"
        let output = n.output == .softmax ? "softmax" : "sigmoid, squared error"
        lines.append("network: \(n.layers.map(String.init).joined(separator: "-")), \(n.weightCount) weights on \(n.weightCount * c.cell.rowsPerInput * c.cell.columnsPerWeight) devices, \(hidden), \(output) output, k = \(n.outputScalePerAmp) 1/A")
        let tr = d.training
        lines.append("training: \(tr.method.rawValue), batch \(tr.batchSize), \(tr.images) images (\((tr.images + tr.batchSize - 1) / tr.batchSize) updates), learning rate \(tr.learningRatesVoltsSquared.map { "\($0) V^2" }.joined(separator: ", "))"
                     + (tr.learningRateDecay == 1 ? "" : ", times \(tr.learningRateDecay) every \(tr.learningRateDecayEvery) images"))
        lines.append("input: central \(d.input.cropSide) x \(d.input.cropSide) crop, bicubic to \(d.input.side) x \(d.input.side), max \(d.input.maxVolts) V")
        return lines.joined(separator: "\n")
    }
}
