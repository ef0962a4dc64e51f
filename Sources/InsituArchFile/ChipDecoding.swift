import InsituDevices
import InsituEngine
import InsituHardware
import InsituMapping

/// Decodes the `chip:` section into a `ChipSpec`.
enum ChipDecoding {
    static let chipKeys = ["tile", "device", "dac", "tia", "adc", "interlayer", "controller", "digital", "buffer", "interconnect",
                           "mapping", "placement", "stages", "shift_add", "cell", "slicing", "router", "input_register", "output_register",
                           "result_register"]
    /// Keys a file may leave out: the mapping strategy is `packed` unless named; blocks are
    /// listed only for the `explicit` mapping; a chip has no stages between TIAs and ADCs unless listed.
    static let optionalChipKeys: Set<String> = ["mapping", "placement", "stages", "shift_add", "cell", "slicing", "router",
                                                 "input_register", "output_register", "result_register"]

    /// How `chip.cell` holds a weight: a differential pair (default) or one device against a
    /// reference column at the middle of the device's window.
    enum CellKind: String, CaseIterable { case pair, reference }

    /// `chip.slicing: {cell_bits, weight_bits}`: every weight an offset code of weight_bits bits
    /// in weight_bits / cell_bits devices of 2^cell_bits levels, one per column, joined by
    /// shift-and-add (ISAAC). Refused beside `chip.cell`, with an analog interlayer, and when a
    /// weight's columns would not fit a tile's a whole number of times.
    static func slicing(_ r: MappingReader, tia: MappingReader, _ c: inout ChipSpec) throws {
        guard let given = r.value("slicing") else { return }
        let s = try r.mapping("slicing", keys: ["cell_bits", "weight_bits"])
        var cellBits = 2, weightBits = 16
        try s.integer("cell_bits", min: 1, max: 8, into: &cellBits)
        try s.integer("weight_bits", min: 1, max: 32, into: &weightBits)
        guard weightBits % cellBits == 0 else {
            throw ArchError(s.value("weight_bits")!.location, "'chip.slicing.weight_bits' (\(weightBits)) is not a whole number of \(cellBits)-bit cells",
                            hint: "use a multiple of cell_bits, e.g. \(weightBits / cellBits * cellBits + cellBits)")
        }
        if let cell = r.value("cell") {
            throw ArchError(cell.location, "'chip.cell' and 'chip.slicing' both say how a weight is held; a sliced weight is one device per slice",
                            hint: "keep one of them")
        }
        if c.interlayer == .analog {
            throw ArchError(given.location, "'chip.slicing' joins a weight's columns digitally (shift-and-add after the ADCs), but chip.interlayer is analog",
                            hint: "set 'chip.interlayer: digital'")
        }
        if let range = tia.value("partial_sum_range") {
            throw ArchError(range.location, "'chip.tia.partial_sum_range' sets a row block's sensing range, but a sliced weight's column is always sensed over the most its rows can carry (chip.slicing)",
                            hint: "drop partial_sum_range")
        }
        let slices = weightBits / cellBits
        guard c.tile.columns % slices == 0 else {
            throw ArchError(given.location, "a weight sliced into \(slices) cells takes \(slices) columns, but chip.tile.columns (\(c.tile.columns)) is not a multiple of \(slices)",
                            hint: "use \(c.tile.columns / slices * slices + slices) columns, or fewer slices")
        }
        c.cell = .sliced(cellBits: cellBits, weightBits: weightBits)
    }

    /// `tile.wire_width` with the cell's `cell_width` and `cell_height`: the per-cell wire figures
    /// from the line's width (`WireTable`) over the cell's pitch (refused beside the figures
    /// themselves); with neither `cell_area` nor `area`, the cell's area is its width times its height.
    static func wires(_ t: MappingReader, _ tile: inout TileSpec) throws {
        var width = 0.0, cellWidth = 0.0, cellHeight = 0.0
        try t.quantity("cell_width", .metre, min: 0, max: 1e-3, exclusiveMin: true, into: &cellWidth)
        try t.quantity("cell_height", .metre, min: 0, max: 1e-3, exclusiveMin: true, into: &cellHeight)
        guard let given = t.value("wire_width") else {
            if let pitch = t.value("cell_width") ?? t.value("cell_height") {
                throw ArchError(pitch.location, "'chip.tile.cell_width' and 'cell_height' set the wires' lengths per cell, but 'chip.tile.wire_width' is not given",
                                hint: "add e.g. 'wire_width: 100 nm', or drop cell_width and cell_height")
            }
            return
        }
        try t.quantity("wire_width", .metre, min: WireTable.narrowestMetres, max: 1e-3, into: &width)
        guard cellWidth > 0 && cellHeight > 0 else {
            throw ArchError(given.location, "'chip.tile.wire_width' needs the cell's 'cell_width' and 'cell_height' (the wires' length per cell along a row and a column)",
                            hint: "e.g. cell_width: 128 nm, cell_height: 384 nm (a 4F x 12F 1T1R cell at 32 nm)")
        }
        let explicit = ["row_wire_resistance", "column_wire_resistance", "row_wire_capacitance", "column_wire_capacitance"].filter(t.has)
        guard explicit.isEmpty else {
            throw ArchError(given.location, "'chip.tile.wire_width' sets the wires' resistance and capacitance per cell, but the file also gives \(explicit.joined(separator: ", "))",
                            hint: "drop one or the other, e.g. " + explicit.map { "--set chip.tile.\($0)=~" }.joined(separator: " "))
        }
        let ohms = WireTable.ohmsPerMetre(width: width), farads = WireTable.faradsPerMetre
        tile.rowWireOhmsPerCell = ohms * cellWidth
        tile.columnWireOhmsPerCell = ohms * cellHeight
        tile.rowWireFaradsPerCell = farads * cellWidth
        tile.columnWireFaradsPerCell = farads * cellHeight
        if !t.has("cell_area") && !t.has("area") { tile.cellAreaSquareMetres = cellWidth * cellHeight }
    }

    /// A link priced per bit moved (`chip.interconnect`, `chip.router`).
    static func link(_ r: MappingReader, _ key: String) throws -> InterconnectSpec {
        var spec = InterconnectSpec()
        let bus = try r.mapping(key, keys: ["energy_per_bit", "bits_per_cycle", "clock", "leakage", "area", "power"], optional: ["area", "power"])
        try bus.quantity("energy_per_bit", .joule, min: 0, max: 1e-6, into: &spec.energyPerBitJoules)
        try bus.integer("bits_per_cycle", min: 1, max: 1 << 20, into: &spec.bitsPerCycle)
        try bus.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &spec.clockHertz)
        try bus.quantity("leakage", .watt, min: 0, max: 100, into: &spec.leakageWatts)
        try PowerDecoding.power(bus, into: &spec.power)
        try bus.quantity("area", .squareMetre, min: 0, max: 1, into: &spec.areaSquareMetres)
        return spec
    }

    /// A tile's register file priced per bit written or read (`chip.input_register`, `chip.output_register`).
    static func register(_ r: MappingReader, _ key: String) throws -> RegisterSpec {
        var spec = RegisterSpec()
        // No power states: registers take no time of their own, so they are never idle between
        // uses that a power manager could gate; their leakage is always on.
        let reg = try r.mapping(key, keys: ["energy_per_bit", "leakage", "area"], optional: ["area"])
        try reg.quantity("energy_per_bit", .joule, min: 0, max: 1e-6, into: &spec.energyPerBitJoules)
        try reg.quantity("leakage", .watt, min: 0, max: 100, into: &spec.leakageWatts)
        try reg.quantity("area", .squareMetre, min: 0, max: 1, into: &spec.areaSquareMetres)
        return spec
    }

    static func chip(_ r: MappingReader) throws -> ChipSpec {
        var c = ChipSpec()
        let t = try r.mapping("tile", keys: ["rows", "columns", "count", "read_voltage", "settling",
                                             "row_capacitance", "column_capacitance", "column_wire_resistance",
                                             "column_wire_capacitance", "row_wire_resistance", "row_wire_capacitance",
                                             "leakage", "cell_leakage", "area", "cell_area", "ir_drop", "wire_width", "cell_width", "cell_height"],
                              optional: ["ir_drop", "column_wire_resistance", "column_wire_capacitance", "row_wire_resistance",
                                         "row_wire_capacitance", "cell_leakage", "area", "cell_area", "wire_width", "cell_width", "cell_height"])
        try t.integer("rows", min: 1, max: 1 << 16, into: &c.tile.rows)
        try t.integer("columns", min: 1, max: 1 << 16, into: &c.tile.columns)
        try t.integer("count", min: 1, max: 1 << 20, into: &c.tile.count)
        try t.quantity("read_voltage", .volt, min: 0, max: 10, exclusiveMin: true, into: &c.tile.readVolts)
        try t.time("settling", into: &c.tile.settling)
        try t.quantity("row_capacitance", .farad, min: 0, max: 1e-6, into: &c.tile.rowCapacitanceFarads)
        try t.quantity("column_capacitance", .farad, min: 0, max: 1e-6, into: &c.tile.columnCapacitanceFarads)
        try t.quantity("column_wire_resistance", .ohm, min: 0, max: 1e6, into: &c.tile.columnWireOhmsPerCell)
        try t.quantity("column_wire_capacitance", .farad, min: 0, max: 1e-9, into: &c.tile.columnWireFaradsPerCell)
        try t.quantity("row_wire_resistance", .ohm, min: 0, max: 1e6, into: &c.tile.rowWireOhmsPerCell)
        try t.quantity("row_wire_capacitance", .farad, min: 0, max: 1e-9, into: &c.tile.rowWireFaradsPerCell)
        try t.quantity("cell_leakage", .watt, min: 0, max: 1e-3, into: &c.tile.cellLeakageWatts)
        try t.choice("ir_drop", into: &c.tile.irDrop)
        try t.quantity("cell_area", .squareMetre, min: 0, max: 1e-6, into: &c.tile.cellAreaSquareMetres)
        if t.has("area") && t.has("cell_area") {
            throw ArchError(t.value("cell_area")!.location, "'chip.tile.cell_area' and 'chip.tile.area' both give the array's area",
                            hint: "keep one: cell_area scales with rows x columns, area is the whole array's")
        }
        try t.quantity("leakage", .watt, min: 0, max: 100, into: &c.tile.leakageWatts)
        try t.quantity("area", .squareMetre, min: 0, max: 1, into: &c.tile.areaSquareMetres)
        try wires(t, &c.tile)

        c.device = try DeviceModels.decode(r, key: "device")

        let dac = try r.mapping("dac", keys: ["bits", "input_coding", "range", "energy", "latency", "unit_capacitance", "reference_voltage", "settling_tau",
                                              "supply_voltage", "supply_efficiency", "leakage", "area", "power"],
                                optional: ["area", "power", "supply_voltage", "supply_efficiency", "energy", "latency", "unit_capacitance",
                                           "reference_voltage", "settling_tau", "input_coding"])
        try dac.integer("bits", min: 1, max: 32, into: &c.dac.bits)
        try dac.choice("input_coding", into: &c.dac.inputCoding)
        try dac.quantity("range", .volt, min: 0, max: 10, exclusiveMin: true, into: &c.dac.rangeVolts)
        try dacByBits(dac, &c.dac)
        try dac.quantity("supply_voltage", .volt, min: 0, max: 10, into: &c.dac.supplyVolts)
        try dac.number("supply_efficiency", min: 0.01, max: 1, into: &c.dac.supplyEfficiency)
        if c.dac.supplyVolts > 0 && c.dac.supplyVolts < max(c.dac.rangeVolts, c.tile.readVolts) {
            throw ArchError(dac.value("supply_voltage")!.location,
                            "'chip.dac.supply_voltage' \(c.dac.supplyVolts) V is below what the rows are driven to (DAC range \(c.dac.rangeVolts) V, read-back \(c.tile.readVolts) V)",
                            hint: "raise supply_voltage to at least \(max(c.dac.rangeVolts, c.tile.readVolts)) V, or leave it out for ideal drivers")
        }
        try dac.quantity("leakage", .watt, min: 0, max: 100, into: &c.dac.leakageWatts)
        try PowerDecoding.power(dac, into: &c.dac.power)
        try dac.quantity("area", .squareMetre, min: 0, max: 1, into: &c.dac.areaSquareMetres)

        let tia = try r.mapping("tia", keys: ["gain", "clip", "output_gain", "readback_gain", "partial_sum_range", "energy", "settling", "leakage", "area", "power"],
                                optional: ["area", "power", "partial_sum_range"])
        try tia.quantity("gain", .voltPerAmpere, min: 0, max: 1e12, exclusiveMin: true, into: &c.tia.gainVoltsPerAmp)
        try tia.quantity("clip", .volt, min: 0, max: 10, exclusiveMin: true, into: &c.tia.clipVolts)
        try tia.quantity("output_gain", .voltPerAmpere, min: 0, max: 1e12, exclusiveMin: true, into: &c.tia.outputGainVoltsPerAmp)
        try tia.quantity("readback_gain", .voltPerAmpere, min: 0, max: 1e12, exclusiveMin: true, into: &c.tia.readbackGainVoltsPerAmp)
        try tia.choice("partial_sum_range", into: &c.tia.partialSumRange)
        try tia.quantity("energy", .joule, min: 0, max: 1e-3, into: &c.tia.energyJoules)
        try tia.time("settling", into: &c.tia.settling)
        try tia.quantity("leakage", .watt, min: 0, max: 100, into: &c.tia.leakageWatts)
        try PowerDecoding.power(tia, into: &c.tia.power)
        try tia.quantity("area", .squareMetre, min: 0, max: 1, into: &c.tia.areaSquareMetres)

        let adc = try r.mapping("adc", keys: ["bits", "full_scale", "energy", "walden_fom", "node", "conversion_time", "clock", "per_tile", "leakage", "area", "power"],
                                optional: ["walden_fom", "area", "energy", "power", "conversion_time", "clock", "node"])
        try adc.integer("bits", min: 1, max: 32, into: &c.adc.bits)
        try adc.quantity("full_scale", .volt, min: 0, max: 10, exclusiveMin: true, into: &c.adc.fullScaleVolts)
        try adc.quantity("energy", .joule, min: 0, max: 1e-3, into: &c.adc.energyJoules)
        try adc.quantity("walden_fom", .joule, min: 0, max: 1e-9, into: &c.adc.waldenJoulesPerStep)
        try sarTiming(adc, &c.adc)
        try adc.integer("per_tile", min: 1, max: 1 << 16, into: &c.adc.perTile)
        try adc.quantity("leakage", .watt, min: 0, max: 100, into: &c.adc.leakageWatts)
        try PowerDecoding.power(adc, into: &c.adc.power)
        try adc.quantity("area", .squareMetre, min: 0, max: 1, into: &c.adc.areaSquareMetres)
        try converterDefaults(adc, &c.adc)
        c.stages = try PeripheralStages.decode(r)

        try r.choice("interlayer", into: &c.interlayer)
        var cell = CellKind.pair
        try r.choice("cell", into: &cell)
        if cell == .reference {
            c.cell = .reference(siemens: (c.device.model.windowMinSiemens + c.device.model.windowMaxSiemens) / 2)
        }
        try slicing(r, tia: tia, &c)
        try shiftAdd(r, coding: dac.value("input_coding")?.location ?? dac.location, &c)

        let ctl = try r.mapping("controller", keys: ["write_drivers", "row_setup", "gate_drive_energy", "charge_pump_efficiency", "leakage", "area", "power"],
                                optional: ["area", "power", "charge_pump_efficiency"])
        try ctl.integer("write_drivers", min: 1, max: 1 << 16, into: &c.controller.writeDrivers)
        try ctl.time("row_setup", into: &c.controller.rowSetup)
        try ctl.quantity("gate_drive_energy", .joule, min: 0, max: 1e-3, into: &c.controller.gateDriveJoules)
        try ctl.number("charge_pump_efficiency", min: 0.01, max: 1, into: &c.controller.chargePumpEfficiency)
        try ctl.quantity("leakage", .watt, min: 0, max: 100, into: &c.controller.leakageWatts)
        try PowerDecoding.power(ctl, into: &c.controller.power)
        try ctl.quantity("area", .squareMetre, min: 0, max: 1, into: &c.controller.areaSquareMetres)

        let dig = try r.mapping("digital", keys: ["clock", "lanes", "mac_energy", "add_energy", "format", "accumulator", "node",
                                                  "exp_energy", "exp_cycles", "leakage", "area", "power", "gradient_dataflow",
                                                  "accumulator_registers", "register_energy_per_bit", "register_area_per_bit"],
                                optional: ["area", "power", "mac_energy", "add_energy", "format", "accumulator", "node", "gradient_dataflow",
                                           "accumulator_registers", "register_energy_per_bit", "register_area_per_bit"])
        try dig.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &c.digital.clockHertz)
        try dig.integer("lanes", min: 1, max: 1 << 20, into: &c.digital.lanes)
        if try oneOf(dig, explicit: ["mac_energy", "add_energy"], table: ["format", "accumulator", "node"]) {
            var format = NumberFormat.fp16, accumulator = NumberFormat.fp16, node = TechnologyNode.nm32
            try dig.choice("format", into: &format)
            try dig.choice("accumulator", into: &accumulator)
            try DigitalDecoding.node(dig, "node", into: &node)
            let table = OperationTable(node: node)
            try dig.quantity("register_energy_per_bit", .joule, min: 0, max: 1e-9, into: &c.digital.registerJoulesPerBit)
            // As on the digital chip: a MAC also clocks its operand and partial-sum registers.
            c.digital.macJoules = table.macJoules(operand: format, accumulator: accumulator)
                + c.digital.registerJoulesPerBit * Double(format.bits + accumulator.bits)
            c.digital.addJoules = table.addJoules(accumulator)
            c.digital.registerWordBits = accumulator.bits
            c.digital.format = format
            c.digital.accumulatorFormat = accumulator
        } else {
            try dig.quantity("register_energy_per_bit", .joule, min: 0, max: 1e-9, into: &c.digital.registerJoulesPerBit)
            try dig.quantity("mac_energy", .joule, min: 0, max: 1e-6, into: &c.digital.macJoules)
            try dig.quantity("add_energy", .joule, min: 0, max: 1e-6, into: &c.digital.addJoules)
        }
        try dig.quantity("exp_energy", .joule, min: 0, max: 1e-6, into: &c.digital.expJoules)
        try dig.integer("exp_cycles", min: 1, max: 1 << 16, into: &c.digital.expCycles)
        try dig.choice("gradient_dataflow", into: &c.digital.gradientDataflow)
        try dig.integer("accumulator_registers", min: 1, max: 1 << 24, into: &c.digital.accumulatorRegisters)
        try dig.quantity("leakage", .watt, min: 0, max: 100, into: &c.digital.leakageWatts)
        try PowerDecoding.power(dig, into: &c.digital.power)
        try dig.quantity("area", .squareMetre, min: 0, max: 1, into: &c.digital.areaSquareMetres)
        try dig.quantity("register_area_per_bit", .squareMetre, min: 0, max: 1e-6, into: &c.digital.registerAreaSquareMetresPerBit)

        let buf = try r.mapping("buffer", keys: ["energy_per_bit", "capacity", "banks", "bits_per_cycle", "clock", "word_bits", "leakage", "area", "power"],
                                optional: ["area", "power", "energy_per_bit", "capacity", "banks"])
        if try oneOf(buf, explicit: ["energy_per_bit"], table: ["capacity"]) {
            var bytes = 0.0
            try buf.quantity("capacity", .byte, min: 0, max: Double(1 << 40), into: &bytes)
            try buf.integer("banks", min: 1, max: 1024, into: &c.buffer.banks)
            c.buffer.capacityBytes = bytes
            // Priced as the digital chip's SRAM: an access costs one bank's array.
            let bank = bytes / Double(c.buffer.banks)
            guard let perBit = SRAMTable.joulesPerBit(capacityBytes: bank) else {
                let range = SRAMTable.capacityRange
                throw ArchError(buf.value("capacity")?.location ?? buf.location,
                                "each buffer bank holds \(Int(bank)) B ('chip.buffer.capacity' / 'banks'), outside the SRAM energy table (\(Int(range.lowerBound / 1024)) KiB to \(Int(range.upperBound / 1024)) KiB per bank)",
                                hint: "change capacity or banks so that capacity / banks is in that range, or give 'energy_per_bit' for a buffer of another size")
            }
            c.buffer.energyPerBitJoules = perBit
        } else {
            if let banks = buf.value("banks") {
                throw ArchError(banks.location, "'chip.buffer.banks' prices the buffer from the SRAM table by bank size, but 'energy_per_bit' gives the price directly",
                                hint: "give 'capacity' (and banks) instead of energy_per_bit, or drop banks")
            }
            try buf.quantity("energy_per_bit", .joule, min: 0, max: 1e-6, into: &c.buffer.energyPerBitJoules)
        }
        try buf.integer("bits_per_cycle", min: 1, max: 1 << 20, into: &c.buffer.bitsPerCycle)
        try buf.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &c.buffer.clockHertz)
        try buf.integer("word_bits", min: 1, max: 64, into: &c.buffer.wordBits)
        try buf.quantity("leakage", .watt, min: 0, max: 100, into: &c.buffer.leakageWatts)
        try PowerDecoding.power(buf, into: &c.buffer.power)
        try buf.quantity("area", .squareMetre, min: 0, max: 1, into: &c.buffer.areaSquareMetres)

        c.interconnect = try link(r, "interconnect")
        if r.has("router") { c.router = try link(r, "router") }
        if r.has("input_register") { c.inputRegister = try register(r, "input_register") }
        if r.has("output_register") { c.outputRegister = try register(r, "output_register") }
        if r.has("result_register") { c.resultRegister = try register(r, "result_register") }
        try r.name("mapping", among: MappingStrategies.names, into: &c.mapping)
        c.placement = try placement(r)
        if c.mapping == MappingStrategies.explicit && c.placement.isEmpty {
            throw ArchError(r.value("mapping")?.location ?? r.location, "'chip.mapping: explicit' needs 'chip.placement', a list of blocks",
                            hint: "e.g. placement: [{layer: 1, tile: 0, inputs: 0..63, outputs: 0..53, row: 0, column: 0}, ...]")
        }
        if c.mapping != MappingStrategies.explicit && !c.placement.isEmpty {
            throw ArchError(r.value("placement")!.location, "'chip.placement' lists blocks, but chip.mapping is '\(c.mapping)'",
                            hint: "set 'chip.mapping: explicit' to place the blocks yourself")
        }
        return c
    }

    /// `chip.placement`: blocks as {layer (from 1), replica (from 0, optional), tile, inputs: A..B, outputs: A..B, row, column}.
    static func placement(_ r: MappingReader) throws -> [Placement] {
        guard let value = r.value("placement") else { return [] }
        guard case .sequence(let items, _) = value, !items.isEmpty else {
            throw ArchError(value.location, "expected 'chip.placement' to be a list of blocks",
                            hint: "e.g. [{layer: 1, tile: 0, inputs: 0..63, outputs: 0..53, row: 0, column: 0}]")
        }
        return try items.enumerated().map { k, item in
            let b = try MappingReader(item, path: "chip.placement[\(k)]", keys: ["layer", "replica", "tile", "inputs", "outputs", "row", "column"],
                                      optional: ["replica"])
            var layer = 1, replica = 0, tile = 0, row = 0, column = 0
            try b.integer("layer", min: 1, max: 1 << 16, into: &layer)
            try b.integer("replica", min: 0, max: 63, into: &replica)
            try b.integer("tile", min: 0, max: 1 << 20, into: &tile)
            try b.integer("row", min: 0, max: 1 << 16, into: &row)
            try b.integer("column", min: 0, max: 1 << 16, into: &column)
            let inputs = try span(b, "inputs"), outputs = try span(b, "outputs")
            return Placement(layer: layer - 1, replica: replica, tile: tile, firstInput: inputs.lowerBound, inputs: inputs.count,
                             firstOutput: outputs.lowerBound, outputs: outputs.count, rowOffset: row, columnOffset: column)
        }
    }

    /// An inclusive range of indices written A..B.
    static func span(_ r: MappingReader, _ key: String) throws -> ClosedRange<Int> {
        guard let (text, location) = try r.scalar(key) else { return 0...0 }
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let a = Int(parts[0].trimmingCharacters(in: .whitespaces)), let b = Int(parts[1].trimmingCharacters(in: .whitespaces)),
              a >= 0, b >= a, b < 1 << 20 else {
            throw ArchError(location, "'\(MappingReader.join(r.path, key))' expects a range A..B of indices from 0 with A <= B, found '\(text)'")
        }
        return a...b
    }

    /// A row DAC's energy and latency: given as `energy` and `latency`, or from its bits as a
    /// binary-weighted capacitive DAC, E = 2^bits C_unit V_ref^2, settling to half an LSB in
    /// tau ln 2^(bits + 1); a bit-serial driver is a 1-bit DAC (bits = 1 in both).
    static func dacByBits(_ r: MappingReader, _ dac: inout DACSpec) throws {
        let bits = dac.inputCoding == .bitSerial ? 1 : dac.bits
        if try oneOf(r, explicit: ["energy"], table: ["unit_capacitance", "reference_voltage"]) {
            var unit = 0.0, reference = 0.0
            try r.quantity("unit_capacitance", .farad, min: 0, max: 1e-9, into: &unit)
            try r.quantity("reference_voltage", .volt, min: 0, max: 10, into: &reference)
            dac.energyJoules = Double(1 << UInt64(bits)) * unit * reference * reference
        } else {
            try r.quantity("energy", .joule, min: 0, max: 1e-3, into: &dac.energyJoules)
        }
        if try oneOf(r, explicit: ["latency"], table: ["settling_tau"]) {
            var tau = 0.0
            try r.quantity("settling_tau", .second, min: 0, max: 1e-3, into: &tau)
            dac.latency = try SimTime.seconds(tau * Double(bits + 1) * 0.6931471805599453)
        } else {
            try r.time("latency", into: &dac.latency)
        }
    }

    /// `chip.shift_add`, the units that join bit planes: required with bit-serial inputs, which
    /// also need a digital interlayer (the activation applies to the joined sum); refused without them.
    static func shiftAdd(_ r: MappingReader, coding: SourceLocation, _ c: inout ChipSpec) throws {
        guard c.dac.inputCoding == .bitSerial else {
            if let given = r.value("shift_add") {
                throw ArchError(given.location, "'chip.shift_add' joins the bit planes of bit-serial inputs, but chip.dac.input_coding is 'levels'",
                                hint: "set 'chip.dac.input_coding: bit-serial', or drop shift_add")
            }
            return
        }
        if c.interlayer == .analog {
            throw ArchError(r.value("interlayer")?.location ?? coding,
                            "bit-serial inputs need 'chip.interlayer: digital': a layer's sum exists only after its bit planes are converted and joined, so the TIAs cannot apply the activation and drive the next layer",
                            hint: "set 'chip.interlayer: digital', or 'chip.dac.input_coding: levels'")
        }
        guard r.has("shift_add") else {
            throw ArchError(coding, "bit-serial inputs need 'chip.shift_add' (the units that join each plane's ADC codes)",
                            hint: "e.g. shift_add: {energy: 0.021 pJ, latency: 0.833 ns, per_tile: 4, leakage: 0 W} (ISAAC, 32 nm)")
        }
        let s = try r.mapping("shift_add", keys: ["energy", "latency", "per_tile", "leakage", "area", "power"], optional: ["area", "power"])
        try s.quantity("energy", .joule, min: 0, max: 1e-6, into: &c.shiftAdd.energyJoules)
        try s.time("latency", into: &c.shiftAdd.latency)
        try s.integer("per_tile", min: 1, max: 1 << 16, into: &c.shiftAdd.perTile)
        try s.quantity("leakage", .watt, min: 0, max: 100, into: &c.shiftAdd.leakageWatts)
        try PowerDecoding.power(s, into: &c.shiftAdd.power)
        try s.quantity("area", .squareMetre, min: 0, max: 1, into: &c.shiftAdd.areaSquareMetres)
    }

    /// An ADC's conversion time: given as `conversion_time`, or from its SAR `clock` as one
    /// sampling cycle plus one cycle per bit, (bits + 1) / f.
    static func sarTiming(_ r: MappingReader, _ adc: inout ADCSpec) throws {
        switch (r.has("conversion_time"), r.has("clock")) {
        case (true, false): try r.time("conversion_time", into: &adc.conversionTime)
        case (false, true):
            var hertz = 0.0
            try r.quantity("clock", .hertz, min: 1e6, max: 1e12, into: &hertz)
            adc.conversionTime = try SimTime.seconds(Double(adc.bits + 1) / hertz)
        case (true, true):
            throw ArchError(r.value("clock")!.location, "'chip.adc.clock' sets the conversion time from the bits, but 'conversion_time' gives it directly",
                            hint: "keep one of them (an extending file can drop the inherited one with 'conversion_time: ~')")
        case (false, false):
            throw ArchError(r.location, "missing key 'chip.adc.conversion_time' in 'chip.adc'; give it, or the SAR 'clock' to derive it from the bits",
                            hint: "e.g. clock: 10.8 GHz (9 cycles of an 8-bit SAR in 0.833 ns)")
        }
    }

    /// An ADC without `energy` (or `walden_fom`) or `area` takes them from the SAR table by bits;
    /// with `node`, its energy from the survey fit by bits, sample rate (1 / conversion time) and node.
    static func converterDefaults(_ r: MappingReader, _ adc: inout ADCSpec) throws {
        if r.has("node") {
            if let given = ["energy", "walden_fom"].first(where: r.has) {
                throw ArchError(r.value("node")!.location, "'chip.adc.node' prices conversions from the survey fit, but '\(given)' gives the price directly",
                                hint: "keep one of them")
            }
            var node = TechnologyNode.nm32
            try DigitalDecoding.node(r, "node", into: &node)
            let nanometres = Double(node.nanometres)
            let rate = 1 / adc.conversionTime.seconds
            guard let joules = ADCSurvey.joules(bits: adc.bits, sampleHertz: rate, nanometres: nanometres) else {
                throw ArchError(r.value("node")!.location,
                                String(format: "the ADC survey fit covers %.0e to %.0e samples a second; this ADC converts at %.3g", ADCSurvey.sampleRateRange.lowerBound, ADCSurvey.sampleRateRange.upperBound, rate),
                                hint: "change conversion_time or clock, or give 'energy' per conversion")
            }
            adc.energyJoules = joules
        } else if !r.has("energy") && !r.has("walden_fom") {
            guard let joules = ConverterTable.adcJoules(bits: adc.bits) else {
                throw ArchError(r.value("bits")?.location ?? r.location,
                                "'chip.adc' gives no energy, and the SAR table covers \(ConverterTable.bitsRange.lowerBound)-\(ConverterTable.bitsRange.upperBound) bits, not \(adc.bits)",
                                hint: "add 'energy:' (per conversion) or 'walden_fom:'")
            }
            adc.energyJoules = joules
        }
        if !r.has("area"), let area = ConverterTable.adcArea(bits: adc.bits) { adc.areaSquareMetres = area }
    }

    /// Whether a section prices from the shared tables (`table` keys, all given) rather than
    /// with `explicit` figures (all given); mixing the two or giving neither is an error.
    static func oneOf(_ r: MappingReader, explicit: [String], table: [String]) throws -> Bool {
        let e = explicit.filter(r.has), t = table.filter(r.has)
        if !e.isEmpty && !t.isEmpty {
            throw ArchError(r.value(t[0])?.location ?? r.location,
                            "'\(MappingReader.join(r.path, t[0]))' prices from the shared table, but \(e.map { "'\($0)'" }.joined(separator: ", ")) gives the figure directly",
                            hint: "keep either \(explicit.joined(separator: ", ")) or \(table.joined(separator: ", "))")
        }
        if t.count == table.count { return true }
        if e.count == explicit.count && t.isEmpty { return false }
        let missing = (t.isEmpty ? explicit.filter { !r.has($0) } : table.filter { !r.has($0) })[0]
        throw ArchError(r.location, "missing key '\(MappingReader.join(r.path, missing))' in '\(r.path)'; give \(explicit.joined(separator: " and ")), or \(table.joined(separator: ", ")) to price from the shared table",
                        hint: "add '\(missing):'")
    }
}
