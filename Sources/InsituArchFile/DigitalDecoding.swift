import InsituDigital
import InsituEngine
import InsituHardware

/// Decodes the `digital_chip:` section of a digital baseline into a `DigitalChipSpec`.
enum DigitalDecoding {
    static let keys = ["node", "clock", "array", "formats", "register_energy_per_bit", "vector", "sram", "dram"]

    static func chip(_ r: MappingReader) throws -> DigitalChipSpec {
        var c = DigitalChipSpec()
        try node(r, "node", into: &c.node)
        try r.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &c.clockHertz)
        try r.quantity("register_energy_per_bit", .joule, min: 0, max: 1e-9, into: &c.registerJoulesPerBit)

        let a = try r.mapping("array", keys: ["rows", "columns", "dataflow", "accumulators", "leakage", "pe_area"], optional: ["accumulators"])
        try a.integer("accumulators", min: 0, max: 1 << 24, into: &c.array.accumulators)
        if c.array.accumulators > 0 && c.array.dataflow == .simd {
            throw ArchError(a.value("accumulators")!.location, "'digital_chip.array.accumulators' holds partial sums between a weight-stationary array's row folds; a simd array has none",
                            hint: "drop accumulators, or use dataflow: weight-stationary")
        }
        try a.integer("rows", min: 1, max: 4096, into: &c.array.rows)
        try a.integer("columns", min: 1, max: 4096, into: &c.array.columns)
        try a.choice("dataflow", into: &c.array.dataflow)
        try a.quantity("leakage", .watt, min: 0, max: 1000, into: &c.array.leakageWatts)
        try a.quantity("pe_area", .squareMetre, min: 0, max: 1e-3, into: &c.array.peAreaSquareMetres)

        let f = try r.mapping("formats", keys: ["weights", "activations", "errors", "gradients", "master", "accumulator"])
        try f.choice("weights", into: &c.formats.weights)
        try f.choice("activations", into: &c.formats.activations)
        try f.choice("errors", into: &c.formats.errors)
        try f.choice("gradients", into: &c.formats.gradients)
        try f.choice("master", into: &c.formats.master)
        try f.choice("accumulator", into: &c.formats.accumulator)
        try checkFormats(c.formats, f)

        let v = try r.mapping("vector", keys: ["lanes", "format", "exp_energy", "exp_cycles", "leakage", "area"])
        try v.integer("lanes", min: 1, max: 1 << 16, into: &c.vector.lanes)
        try v.choice("format", into: &c.vector.format)
        try v.quantity("exp_energy", .joule, min: 0, max: 1e-6, into: &c.vector.expJoules)
        try v.integer("exp_cycles", min: 1, max: 1 << 10, into: &c.vector.expCycles)
        try v.quantity("leakage", .watt, min: 0, max: 1000, into: &c.vector.leakageWatts)
        try v.quantity("area", .squareMetre, min: 0, max: 1, into: &c.vector.areaSquareMetres)
        if c.vector.format.isInteger {
            throw ArchError(v.value("format")?.location ?? v.location, "'digital_chip.vector.format' must be a float format (softmax and SGD)",
                            hint: "use fp32, fp16 or bf16")
        }

        let s = try r.mapping("sram", keys: ["capacity", "banks", "bits_per_cycle", "clock", "latency", "leakage", "area"])
        var bytes = Double(c.sram.capacityBytes)
        try s.quantity("capacity", .byte, min: 0, max: Double(1 << 40), into: &bytes)
        c.sram.capacityBytes = Int(bytes)
        try s.integer("banks", min: 1, max: 1024, into: &c.sram.banks)
        try s.integer("bits_per_cycle", min: 1, max: 1 << 16, into: &c.sram.bitsPerCycle)
        try s.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &c.sram.clockHertz)
        try s.time("latency", into: &c.sram.latency)
        try s.quantity("leakage", .watt, min: 0, max: 1000, into: &c.sram.leakageWatts)
        try s.quantity("area", .squareMetre, min: 0, max: 1, into: &c.sram.areaSquareMetres)
        let bank = bytes / Double(c.sram.banks)
        if let perBit = SRAMTable.joulesPerBit(capacityBytes: bank) {
            c.sram.joulesPerBit = perBit
        } else {
            let range = SRAMTable.capacityRange
            throw ArchError(s.value("capacity")?.location ?? s.location,
                            "each SRAM bank holds \(Int(bank)) B, outside the SRAM energy table (\(Int(range.lowerBound / 1024)) KiB to \(Int(range.upperBound / 1024)) KiB per bank)",
                            hint: "change 'capacity' or 'banks' so that capacity / banks is in that range")
        }

        let d = try r.mapping("dram", keys: ["energy_per_bit", "bits_per_cycle", "clock", "latency", "leakage"])
        try d.quantity("energy_per_bit", .joule, min: 0, max: 1e-9, into: &c.dram.joulesPerBit)
        try d.integer("bits_per_cycle", min: 1, max: 1 << 16, into: &c.dram.bitsPerCycle)
        try d.quantity("clock", .hertz, min: 1e3, max: 1e11, into: &c.dram.clockHertz)
        try d.time("latency", into: &c.dram.latency)
        try d.quantity("leakage", .watt, min: 0, max: 1000, into: &c.dram.leakageWatts)
        return c
    }

    /// A process node written as "32 nm".
    static func node(_ r: MappingReader, _ key: String, into target: inout TechnologyNode) throws {
        guard let (text, loc) = try r.scalar(key) else { return }
        let names = TechnologyNode.allCases.map { "\($0.nanometres) nm" }
        let compact = text.replacingOccurrences(of: " ", with: "")
        guard let node = TechnologyNode.allCases.first(where: { "\($0.nanometres)nm" == compact }) else {
            throw ArchError(loc, "'\(MappingReader.join(r.path, key))' must be one of \(names.joined(separator: ", ")), found '\(text)'",
                            hint: "the operation table scales Horowitz's 45 nm figures to these nodes only")
        }
        target = node
    }

    /// int8 MACs need every operand in int8 and an int32 accumulator; float operands a float one;
    /// gradients and master weights are float.
    static func checkFormats(_ f: TensorFormats, _ r: MappingReader) throws {
        let operands = [("weights", f.weights), ("activations", f.activations), ("errors", f.errors)]
        if f.weights == .int32 || f.activations == .int32 || f.errors == .int32 {
            throw ArchError(r.location, "int32 is an accumulator format; MAC operands are fp32, bf16, fp16 or int8")
        }
        let integer = operands.filter { $0.1.isInteger }
        if !integer.isEmpty {
            if integer.count != operands.count {
                throw ArchError(r.location, "int8 MACs need weights, activations and errors all in int8 (found \(operands.map { "\($0.0) \($0.1.rawValue)" }.joined(separator: ", ")))",
                                hint: "set all three to int8, or none")
            }
            if f.accumulator != .int32 {
                throw ArchError(r.value("accumulator")?.location ?? r.location, "int8 operands accumulate in int32, not \(f.accumulator.rawValue)",
                                hint: "set 'accumulator: int32'")
            }
        } else if f.accumulator.isInteger {
            throw ArchError(r.value("accumulator")?.location ?? r.location, "float operands need a float accumulator, not \(f.accumulator.rawValue)",
                            hint: "use fp32")
        }
        for (name, format) in [("gradients", f.gradients), ("master", f.master)] where format.isInteger {
            throw ArchError(r.value(name)?.location ?? r.location, "'digital_chip.formats.\(name)' must be a float format, found \(format.rawValue)",
                            hint: "keep optimizer state and gradient sums in fp32, fp16 or bf16")
        }
    }
}
