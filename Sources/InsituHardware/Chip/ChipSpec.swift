import InsituDevices
import InsituEngine

/// A chip design as plain values: tiles of crossbar arrays with their peripherals, the
/// update controller, the digital unit and the buffer. Decoded from an arch file.
public struct ChipSpec: Sendable, Equatable {
    public var name = "chip"
    public var tile = TileSpec()
    /// The devices' model: any registered kind (the Li 2018 1T1R cell unless the arch names another).
    public var device = AnyDeviceModel()
    public var dac = DACSpec()
    public var tia = TIASpec()
    public var adc = ADCSpec()
    /// The shift-and-add units that join bit-serial inputs' bit planes (used only then).
    public var shiftAdd = ShiftAddSpec()
    /// Stages between the TIAs and the ADCs, in signal order (none by default).
    public var stages: [AnyPeripheralStage] = []
    /// How a weight is held in devices (the differential pair unless a training method
    /// that keeps more arrays per layer chooses another).
    public var cell = UnitCell.differentialPair
    /// How a hidden layer's activations reach the next layer.
    public var interlayer: Interlayer = .analog
    public var controller = ControllerSpec()
    public var digital = DigitalSpec()
    public var buffer = BufferSpec()
    public var interconnect = InterconnectSpec()
    /// The chip's port to a network of chips or tiles (nil: none): each image's inputs arrive
    /// through it into the buffer and the network's outputs leave through it from the buffer.
    public var router: InterconnectSpec?
    /// Per tile, registers holding a vector's inputs for the DACs and its joined outputs for
    /// the interconnect (nil: none; inputs go from the interconnect to the DACs directly).
    public var inputRegister: RegisterSpec?
    public var outputRegister: RegisterSpec?
    /// The chip's register for the digital unit's results (a layer's joined outputs, written once
    /// and read once on their way to the buffer; ISAAC's tile output register), nil: none.
    public var resultRegister: RegisterSpec?
    /// Name of the mapping strategy that places layers on tiles.
    public var mapping = "packed"
    /// The blocks of an `explicit` mapping, each with its layer.
    public var placement: [Placement] = []
    /// The stochastic pulse generators of every tile, when a training method updates by
    /// coincident pulse trains (nil: none, the update controller programs row by row).
    public var pulseGenerators: PulseGeneratorSpec?

    public init() {}

    public enum Interlayer: String, Sendable, CaseIterable {
        /// The TIA output drives the next layer's rows directly.
        case analog
        /// The TIA output is converted by the ADC and driven again by DACs.
        case digital
    }
}

/// One crossbar tile: its array geometry and read conditions.
public struct TileSpec: Sendable, Equatable {
    public var rows = 128
    public var columns = 64
    /// Number of identical tiles on the chip.
    public var count = 1
    /// Voltage applied to a row for the conductance read-back.
    public var readVolts = 0.2
    /// Least time the array needs to settle after the rows are driven; wire RC, when given,
    /// may lengthen it (see `arraySettling`).
    public var settling = SimTime(picoseconds: 10_000)
    /// Resistance and capacitance of one cell's length of column wire (0: not given).
    public var columnWireOhmsPerCell = 0.0
    public var columnWireFaradsPerCell = 0.0
    /// Resistance and capacitance of one cell's length of row wire (0: not given).
    public var rowWireOhmsPerCell = 0.0
    public var rowWireFaradsPerCell = 0.0
    /// Fixed capacitance of one row line and one column line (driver, contacts), charged on
    /// every drive in addition to the wire over the tile's cells.
    public var rowCapacitanceFarads = 20e-15
    public var columnCapacitanceFarads = 20e-15
    /// Leakage of the whole array.
    public var leakageWatts = 0.0
    /// Leakage of one cell (0: not given), added over rows x columns.
    public var cellLeakageWatts = 0.0
    /// Area of one tile's array, square metres (0: not given).
    public var areaSquareMetres = 0.0
    /// Area of one cell, square metres; when given, the array's area is rows x columns x this.
    public var cellAreaSquareMetres = 0.0
    public init() {}

    /// Capacitance of one row line: the fixed part plus the wire over every column.
    public var rowLineFarads: Double { rowCapacitanceFarads + Double(columns) * rowWireFaradsPerCell }
    /// Capacitance of one column line: the fixed part plus the wire over every row.
    public var columnLineFarads: Double { columnCapacitanceFarads + Double(rows) * columnWireFaradsPerCell }
    /// Area of the array: from the cell when given, else the tile's figure.
    public var arrayAreaSquareMetres: Double {
        cellAreaSquareMetres > 0 ? Double(rows * columns) * cellAreaSquareMetres : areaSquareMetres
    }
    /// Leakage of the array: the tile's figure plus every cell's.
    public var arrayLeakageWatts: Double { leakageWatts + Double(rows * columns) * cellLeakageWatts }
    /// Whether the wires have resistance, so that far cells see less current (IR drop).
    public var hasWireResistance: Bool { rowWireOhmsPerCell > 0 || columnWireOhmsPerCell > 0 }
    /// How a product sees wire resistance: `loaded` (every cell's current on its row and
    /// column wire, solved per read) or `first-order` (each cell in series with its own wire path).
    public var irDrop = IRDrop.loaded
    public enum IRDrop: String, Sendable, CaseIterable { case loaded, firstOrder = "first-order" }
    /// Whether products solve the loaded wires.
    public var loadsWires: Bool { hasWireResistance && irDrop == .loaded }

    /// Wire resistance between a cell's row driver and its column's TIA: the row wire from
    /// column 0 to the cell's column, and the column wire from the cell's row to the bottom.
    public func wireOhms(row: Int, column: Int) -> Double {
        Double(column + 1) * rowWireOhmsPerCell + Double(rows - row) * columnWireOhmsPerCell
    }
}

extension ChipSpec {
    /// Settling of an array read: the larger of `tile.settling` and, when wire values are
    /// given, the time for the column to settle to half an ADC step,
    /// t = tau ln 2^(bits + 1) with tau = C_col / G_max + R_col C_col / 2 (NeuroSim's
    /// SubArray form), R_col and C_col the column's wire over all rows plus `column_capacitance`.
    public var arraySettling: SimTime {
        guard tile.columnWireOhmsPerCell > 0 || tile.columnWireFaradsPerCell > 0 else { return tile.settling }
        let rows = Double(tile.rows)
        let rCol = rows * tile.columnWireOhmsPerCell
        let cCol = tile.columnLineFarads
        let tau = cCol / device.model.windowMaxSiemens + rCol * cCol / 2
        let seconds = tau * Double(adc.bits + 1) * 0.6931471805599453
        let wires = (try? SimTime.seconds(seconds)) ?? SimTime(picoseconds: .max)
        return max(tile.settling, wires)
    }

    /// Settings that clip the chip's operating point, each naming the keys and a fix: the
    /// device's own (a window beyond its ceiling), and a read-back full scale,
    /// adc.full_scale / (readback_gain x read_voltage), below the highest reachable conductance.
    public var operatingPointWarnings: [String] {
        let model = device.model
        var warnings = model.rangeWarnings
        let readbackFull = adc.fullScaleVolts / (tia.readbackGainVoltsPerAmp * tile.readVolts)
        let top = model.reachableMaxSiemens
        if readbackFull < top {
            let full = Self.siemens(readbackFull)
            warnings.append("the read-back full scale is \(full) (chip.adc.full_scale / (chip.tia.readback_gain x chip.tile.read_voltage)), below the \(Self.siemens(top)) the devices reach: conductances above it read as \(full); lower readback_gain or read_voltage, or raise adc.full_scale")
        }
        return warnings
    }

    /// A conductance for messages, in nS, uS or mS as its size asks (three significant digits).
    static func siemens(_ g: Double) -> String {
        let (scale, unit) = g < 1e-6 ? (1e9, "nS") : g < 1e-3 ? (1e6, "uS") : (1e3, "mS")
        return String(format: "%.3g", g * scale) + " " + unit
    }

    /// Energy of one conversion (see `ADCSpec.conversionJoules`).
    public var adcConversionJoules: Double { adc.conversionJoules }
}

/// Row drivers: one DAC per row.
public struct DACSpec: Sendable, Equatable {
    /// Input resolution: the DAC's levels, or the bit planes streamed by a 1-bit driver.
    public var bits = 8
    /// How an input reaches its rows: at one of 2^bits levels in one read, or bit-serially as
    /// `bits` one-bit planes at the full range, one read each, joined by shift-and-add after the ADCs.
    public var inputCoding = InputCoding.levels
    public enum InputCoding: String, Sendable, CaseIterable { case levels, bitSerial = "bit-serial" }
    /// Reads per input vector: 1 for levels, `bits` for bit-serial inputs.
    public var planes: Int { inputCoding == .bitSerial ? bits : 1 }
    /// Full-scale output voltage (inputs span 0 to this value, signs applied by the differential rows).
    public var rangeVolts = 0.2
    public var energyJoules = 0.29e-12
    public var latency = SimTime(picoseconds: 1_000)
    /// Rail the row drivers (and TIAs driving rows) draw from, volts (0: ideal drivers that
    /// spend only the cells' and lines' own energy), and the efficiency with which that rail
    /// is made from the chip's supply.
    public var supplyVolts = 0.0
    public var supplyEfficiency = 1.0
    /// Volts of the chip's supply spent per volt of row current and line charge: rail / efficiency (0 when ideal).
    public var railVolts: Double { supplyVolts > 0 ? supplyVolts / supplyEfficiency : 0 }
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of one unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// Transimpedance amplifiers with the activation, one per column.
public struct TIASpec: Sendable, Equatable {
    /// Hidden-layer gain: v = gain x I for I > 0 (the paper's 200 V/A ReLU).
    public var gainVoltsPerAmp = 200.0
    /// Output clip of the hidden activation (the paper's 0.2 V).
    public var clipVolts = 0.2
    /// Linear gain used when the output layer's currents are sensed for the ADC.
    public var outputGainVoltsPerAmp = 5_000.0
    /// Linear gain used for the conductance read-back.
    public var readbackGainVoltsPerAmp = 5_000.0
    /// The range a split layer's block is sensed in: the whole layer's (every block at the
    /// layer's gain) or the block's own (the gain times sqrt(layer rows / block rows): a sum of
    /// n independent terms spreads as sqrt(n), so the block clips as often as the layer would).
    public var partialSumRange = PartialSumRange.layer
    public enum PartialSumRange: String, Sendable, CaseIterable { case layer, block }
    public var energyJoules = 0.2e-12
    public var settling = SimTime(picoseconds: 5_000)
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of one unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// Analog-to-digital converters of a tile, shared by its columns.
public struct ADCSpec: Sendable, Equatable {
    public var bits = 8
    /// Signed input range: -fullScale to +fullScale volts.
    public var fullScaleVolts = 0.2
    public var energyJoules = 1.67e-12
    /// Walden figure of merit (J per conversion step); when above 0, a conversion costs FoM x 2^bits.
    public var waldenJoulesPerStep = 0.0
    public var conversionTime = SimTime(picoseconds: 781)
    /// ADCs per tile; columns queue for them in groups.
    public var perTile = 8
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of one unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}

    /// Energy of one conversion: the per-conversion figure, or Walden FoM x 2^bits when a figure of merit is given.
    public var conversionJoules: Double {
        waldenJoulesPerStep > 0 ? waldenJoulesPerStep * Double(1 << UInt64(bits)) : energyJoules
    }
}

/// A tile's shift-and-add units: each joins one ADC code of a bit plane into its column's
/// running sum, shifted by the plane's significance (ISAAC, ISCA 2016).
public struct ShiftAddSpec: Sendable, Equatable {
    /// Energy of one shift-and-add of one code.
    public var energyJoules = 0.021e-12
    /// Time one unit takes per code.
    public var latency = SimTime(picoseconds: 833)
    /// Units per tile; the codes of a plane queue for them.
    public var perTile = 4
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of one unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// The on-chip update controller: gate-voltage memory and row-by-row programming.
public struct ControllerSpec: Sendable, Equatable {
    /// Rows it can program at the same time (write drivers).
    public var writeDrivers = 1
    /// Time to select a row and settle the per-column gate voltages before pulses.
    public var rowSetup = SimTime(picoseconds: 10_000)
    /// Energy to set one column's gate voltage (gate DAC plus gate line).
    public var gateDriveJoules = 0.5e-12
    /// Efficiency of the charge pumps that make the SET and RESET voltages from the chip's
    /// supply: a pulse draws its energy divided by this (1: ideal supplies).
    public var chargePumpEfficiency = 1.0
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of the whole unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// The digital unit: softmax, backpropagation and weight-update arithmetic.
public struct DigitalSpec: Sendable, Equatable {
    public var clockHertz = 1e9
    public var lanes = 64
    public var macJoules = 1.0e-12
    public var addJoules = 0.26e-12
    public var expJoules = 5.0e-12
    /// Cycles one lane needs for one exponential.
    public var expCycles = 8
    /// The formats the unit computes errors (operands) and gradient sums (accumulator) in, when
    /// priced from the operation table; nil (explicit energies) computes in fp32.
    public var format: NumberFormat?
    public var accumulatorFormat: NumberFormat?
    /// How the weight gradient is formed (see `GradientDataflow`).
    public var gradientDataflow = GradientDataflow.batch
    /// Words of the register file next to the lanes that holds accumulators.
    public var accumulatorRegisters = 64
    /// Energy per bit of a register-file access, and the width of its words.
    public var registerJoulesPerBit = 0.009e-12
    public var registerWordBits = 16
    /// Area of one register bit, square metres (a flip-flop: 5.98 um^2, Aladdin at 40 nm, the
    /// source of `registerJoulesPerBit`).
    public var registerAreaSquareMetresPerBit = 5.98e-12
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of the lanes, square metres, with their operand registers and one accumulator
    /// each (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}

    /// The register file's accumulators beyond one per lane, which the lanes' `areaSquareMetres`
    /// does not hold: (registers - lanes) words of `registerWordBits` bits; none when the
    /// gradient accumulates in the buffer, which needs no register file.
    public var registerFileAreaSquareMetres: Double {
        guard gradientDataflow != .buffer else { return 0 }
        return Double(max(accumulatorRegisters - lanes, 0) * registerWordBits) * registerAreaSquareMetresPerBit
    }

    /// The unit's whole area: its lanes and its register file.
    public var totalAreaSquareMetres: Double { areaSquareMetres + registerFileAreaSquareMetres }
}

/// On-chip SRAM buffer for inputs, activations and read-back weights.
public struct BufferSpec: Sendable, Equatable {
    public var energyPerBitJoules = 0.4e-12
    public var bitsPerCycle = 256
    public var clockHertz = 1e9
    /// Word width of stored values.
    public var wordBits = 16
    /// Capacity, bytes (0: not given, and then not checked against what the chip stores).
    public var capacityBytes = 0.0
    /// Banks the capacity is split into; an access costs what one bank's array costs.
    public var banks = 1
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of the whole unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// The bus between the tiles and the buffer: every code an ADC writes and every input a DAC
/// drives crosses it.
public struct InterconnectSpec: Sendable, Equatable {
    public var energyPerBitJoules = 0.054e-12
    public var bitsPerCycle = 256
    public var clockHertz = 1e9
    public var leakageWatts = 0.0
    /// Power states and gating policy (per unit).
    public var power = PowerStates.alwaysOn
    /// Area of the whole unit, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}

/// A tile's register file (ISAAC's IMA input and output registers): energy per bit written or
/// read, and leakage, always on.
public struct RegisterSpec: Sendable, Equatable {
    public var energyPerBitJoules = 0.0
    public var leakageWatts = 0.0
    /// Area, square metres (0: not given).
    public var areaSquareMetres = 0.0
    public init() {}
}
