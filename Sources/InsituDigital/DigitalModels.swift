import InsituHardware

/// The MAC grid's energy table: one price per MAC (operation table plus pipeline registers).
public struct MACArrayModel: ComponentModel {
    public static let mac = ActionID(0, "mac")
    public let spec: DigitalChipSpec
    public init(spec: DigitalChipSpec) { self.spec = spec }
    public var kind: String { "mac-array" }
    public var actions: [ActionID] { [Self.mac] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.macJoules) }
    public var leakageWatts: Double { spec.array.leakageWatts }
    public var areaSquareMetres: Double { Double(spec.array.processingElements) * spec.array.peAreaSquareMetres }
}

/// DRAM: energy per bit read or written; off chip, so no area on the die.
public struct DRAMModel: ComponentModel {
    public static let read = ActionID(0, "read")
    public static let write = ActionID(1, "write")
    public let spec: DRAMSpec
    public init(spec: DRAMSpec) { self.spec = spec }
    public var kind: String { "dram" }
    public var actions: [ActionID] { [Self.read, Self.write] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.joulesPerBit) }
    public var leakageWatts: Double { spec.leakageWatts }
    public var areaSquareMetres: Double { 0 }
    public var occupiesDie: Bool { false }
}

extension DigitalChipSpec {
    /// The vector unit as the crossbar chip's digital unit is described: the same model and
    /// operation table, in the vector unit's format.
    public var vectorUnit: DigitalSpec {
        var d = DigitalSpec()
        d.clockHertz = clockHertz
        d.lanes = vector.lanes
        d.macJoules = operations.macJoules(operand: vector.format, accumulator: vector.format)
        d.addJoules = operations.addJoules(vector.format)
        d.expJoules = vector.expJoules
        d.expCycles = vector.expCycles
        d.leakageWatts = vector.leakageWatts
        d.areaSquareMetres = vector.areaSquareMetres
        return d
    }

    /// The accumulator memory as a buffer: an SRAM of its capacity priced from the SRAM table
    /// (at the table's smallest array below that), clocked with the array.
    public var accumulatorBuffer: BufferSpec {
        var b = BufferSpec()
        let bytes = Double(array.accumulators * formats.accumulator.bits) / 8
        b.capacityBytes = bytes
        b.energyPerBitJoules = SRAMTable.joulesPerBit(capacityBytes: min(max(bytes, SRAMTable.capacityRange.lowerBound), SRAMTable.capacityRange.upperBound))!
        b.bitsPerCycle = array.columns * formats.accumulator.bits
        b.clockHertz = clockHertz
        b.wordBits = formats.accumulator.bits
        // At the SRAM's area per byte.
        b.areaSquareMetres = sram.capacityBytes > 0 ? sram.areaSquareMetres * bytes / Double(sram.capacityBytes) : 0
        return b
    }

    /// The SRAM as the crossbar chip's buffer is described: energy per bit from the SRAM table.
    public var sramBuffer: BufferSpec {
        var b = BufferSpec()
        b.energyPerBitJoules = sram.joulesPerBit
        b.bitsPerCycle = sram.bitsPerCycle * sram.banks
        b.clockHertz = sram.clockHertz
        b.wordBits = formats.activations.bits
        b.leakageWatts = sram.leakageWatts
        b.areaSquareMetres = sram.areaSquareMetres
        return b
    }
}
