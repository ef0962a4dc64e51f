import Testing
@testable import InsituEngine
@testable import InsituHardware
import InsituMapping
@testable import InsituTraining

/// Weights sliced over cells of a few levels (ISAAC's scheme, docs/model.md section 2): an
/// offset code in c-bit digits, one device a digit, the columns joined by shift-and-add.
@Suite struct SlicedWeightTests {
    /// 4-bit weights in two 2-bit cells: codes u = [[3, 12], [15, 0]] (inputs x outputs), so
    /// digits (least significant first) [3, 0], [0, 3], [3, 3], [0, 0].
    func chip(_ configure: (inout ChipSpec) -> Void = { _ in }) throws -> Chip {
        try chip(cell: .sliced(cellBits: 2, weightBits: 4), levels: [3, 0, 0, 3,
                                                                     3, 3, 0, 0], configure)
    }

    /// A 2-input 2-output layer of `cell`s on one tile, device (i, j S + s) at level
    /// `levels[i * 2 S + j S + s]`, programmed at G_min + d (G_max - G_min) / (2^c - 1).
    func chip(cell: UnitCell, levels: [Double], _ configure: (inout ChipSpec) -> Void = { _ in }) throws -> Chip {
        var d = handDevice()
        d.model = .ideal
        var spec = ChipSpec()
        spec.tile.rows = 2
        spec.tile.columns = cell.deviceColumns(2)
        spec.device = d.spec
        spec.adc.bits = 16
        spec.adc.fullScaleVolts = 1.0
        spec.interlayer = .digital
        spec.cell = cell
        configure(&spec)
        let block = Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: spec.tile.columns, rowsPerInput: 1)
        let chip = try Chip(spec: spec, widths: [2, 2], placements: [[block]], seed: 1)
        let model = chip.deviceModel
        let step = (model.windowMaxSiemens - model.windowMinSiemens) / Double((1 << cell.bitsPerCell) - 1)
        try chip.program(targets: [levels.map { Float(model.state(forConductance: model.windowMinSiemens + $0 * step)) }], phase: .program)
        return chip
    }

    /// What the 16-bit unipolar ADCs may err by on a joined output: half a step of each column
    /// (full scale: 2 rows at the DAC's range and G_max), weighted by its slice (plus float rounding).
    static func bound(_ chip: Chip) -> Double {
        let cell = chip.spec.cell
        let step = 2 * chip.spec.dac.rangeVolts * chip.deviceModel.windowMaxSiemens / 65535
        return (0..<cell.columnsPerWeight).reduce(0.0) { $0 + cell.sliceWeight($1) * step / 2 } * 1.001
    }

    @Test func offsetCodesInDigitsByHand() {
        let cell = UnitCell.sliced(cellBits: 2, weightBits: 4)
        #expect(cell.columnsPerWeight == 2 && cell.rowsPerInput == 1)
        // u = round(w 16 / (2 L)) + 8 over a window of L = 1: w = -0.625 -> 3, 0.5 -> 12, 1 -> 16 (clamped to 15), -1 -> 0.
        #expect(cell.sliceLevels(weight: -0.625, limit: 1) == [3, 0])
        #expect(cell.sliceLevels(weight: 0.5, limit: 1) == [0, 3])
        #expect(cell.sliceLevels(weight: 1, limit: 1) == [3, 3])
        #expect(cell.sliceLevels(weight: -1, limit: 1) == [0, 0])
        #expect(cell.sliceLevels(weight: 0.0, limit: 1) == [0, 2])
        // kappa = 2 (4 - 1) / 4 = 1.5: the high slice counts 1.5, the low one 1.5 / 4.
        #expect(cell.sliceWeight(1) == 1.5 && cell.sliceWeight(0) == 0.375)
    }

    @Test func joinedSumsAreTheProductOfTheCodes() throws {
        let chip = try chip()
        let model = chip.deviceModel
        let window = model.windowMaxSiemens - model.windowMinSiemens
        let r = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        // w = (u - 8) 2 L / 16: output 0 = 0.04 (3 - 8) + 0.08 (15 - 8) = 0.36 V x L / 8,
        // output 1 = 0.04 (12 - 8) + 0.08 (0 - 8) = -0.48 V x L / 8.
        let expected = [0.36 * window / 8, -0.48 * window / 8]
        for j in 0..<2 {
            #expect(abs(Double(r.outputs[j]) - expected[j]) <= Self.bound(chip), "output \(j): \(r.outputs[j]) against \(expected[j])")
        }
        #expect(r.predictions == [0])
    }

    /// One cell a weight (4-bit weights in one 4-bit cell): the same codes, as levels of 16.
    @Test func oneCellOfSixteenLevelsHoldsTheSameCodes() throws {
        let cell = UnitCell.sliced(cellBits: 4, weightBits: 4)
        #expect(cell.columnsPerWeight == 1 && cell.isSliced)
        let chip = try chip(cell: cell, levels: [3, 12, 15, 0])
        let model = chip.deviceModel
        let window = model.windowMaxSiemens - model.windowMinSiemens
        let r = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        let expected = [0.36 * window / 8, -0.48 * window / 8]
        for j in 0..<2 {
            #expect(abs(Double(r.outputs[j]) - expected[j]) <= Self.bound(chip), "output \(j): \(r.outputs[j]) against \(expected[j])")
        }
    }

    @Test func slicesCostConversionsAndJoinedWordsByHand() throws {
        let chip = try chip()
        _ = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        func count(_ component: String, _ action: String) -> UInt64 {
            chip.ledger.existing(.init(component: component, action: action, phase: "test", layer: 1)).map { chip.ledger.count($0) } ?? 0
        }
        // Four device columns converted; two joined sums of a 16-bit buffer word written.
        #expect(count("tile0.adc", "convert") == 4)
        #expect(count("buffer", "write") == 2 * 16)
        #expect(count("interconnect", "transfer") == 2 * 8 + 2 * 16)
        // The inputs' sum (2 additions), its multiple off each output (2), and, the inputs being
        // levels (no shift-and-add units), each output's two slices joined (2) on the digital unit.
        #expect(count("digital", "add") == 6)
    }

    @Test func registersAndRouterCarryEveryBitByHand() throws {
        let chip = try chip {
            var register = RegisterSpec()
            register.energyPerBitJoules = 1e-15
            $0.inputRegister = register
            register.energyPerBitJoules = 2e-15
            $0.outputRegister = register
            register.energyPerBitJoules = 5e-15
            $0.resultRegister = register
            var router = InterconnectSpec()
            router.energyPerBitJoules = 3e-15
            $0.router = router
        }
        _ = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        func joules(_ component: String, _ action: String, layer: Int = 1) -> Double {
            guard let a = chip.ledger.existing(.init(component: component, action: action, phase: "test", layer: layer)) else { return 0 }
            return chip.ledger.energyQuanta(a).doubleValue * Ledger.quantumJoules
        }
        // 2 inputs of 8 bits written and read; 2 joined sums of 16 bits written and read;
        // the router brings the 16 input bits in and takes the 32 output bits out.
        #expect(isClose(joules("tile0.input-register", "write") + joules("tile0.input-register", "read"), 32 * 1e-15))
        #expect(isClose(joules("tile0.output-register", "write") + joules("tile0.output-register", "read"), 64 * 2e-15))
        #expect(isClose(joules("router", "transfer"), 48 * 3e-15))
        // The chip's result register: the 2 joined sums of 16 bits, once joined, written and read.
        #expect(isClose(joules("result-register", "write") + joules("result-register", "read"), 64 * 5e-15))
        // The buffer: inputs written by the router and read for the DACs, sums written by the tile and read for the router.
        #expect(isClose(joules("buffer", "write") + joules("buffer", "read"), 2 * (16 + 32) * chip.spec.buffer.energyPerBitJoules))
    }
}
