import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituTraining

/// The tiny chip of the hand-worked cases: one 4 x 4 tile of ideal hand devices, a 2-input
/// 2-output layer, 16-bit ADCs over 1 V, G+ = [500, 300] / [100, 100] uS and G- = [200, 700] /
/// [100, 100] uS programmed; `configure` changes the spec first.
func handTwoByTwoChip(_ configure: (inout ChipSpec) -> Void = { _ in }) throws -> Chip {
    try handChip(states: [1.0, 0.8, 0.7, 1.2, 0.6, 0.6, 0.6, 0.6], configure)
}

/// The hand chip's 2-input 2-output layer in cells of `cell` (a tile of 2 x its rows per input
/// by 4), its devices programmed to `states` (device layout).
func handChip(cell: UnitCell = .differentialPair, states: [Float], _ configure: (inout ChipSpec) -> Void = { _ in }) throws -> Chip {
    var d = handDevice()
    d.model = .ideal
    var spec = ChipSpec()
    spec.tile.rows = 2 * cell.rowsPerInput
    spec.tile.columns = 4
    spec.device = d.spec
    spec.adc.bits = 16
    spec.adc.fullScaleVolts = 1.0
    spec.cell = cell
    configure(&spec)
    let block = Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 2, rowsPerInput: spec.cell.rowsPerInput)
    let chip = try Chip(spec: spec, widths: [2, 2], placements: [[block]], seed: 1)
    try chip.program(targets: [states], phase: .program)
    return chip
}

/// Latency and energy of a tiny chip computed by hand from the equations of docs/model.md.
@Suite struct CostModelTests {
    /// One 4 x 4 tile, a 2-input 2-output layer, 2 ADCs; G+ = [500, 300] / [100, 100] uS,
    /// G- = [200, 700] / [100, 100] uS; one test image at v = (0.04, 0.08) V.
    @Test func forwardOfOneImageByHand() throws {
        let chip = try handTwoByTwoChip {
            $0.adc.perTile = 2
            $0.adc.leakageWatts = 1e-3
        }
        let before = chip.simulatedTime
        let r = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        // I = 0.04 x (500 - 200) uS + 0.08 x 0 = 12 uA; 0.04 x (300 - 700) uS = -16 uA -> class 0.
        #expect(r.predictions == [0])

        // Latency: the 2 x 8-bit inputs leave the buffer (1 cycle at 1 GHz) and cross the
        // interconnect (1 cycle), DAC 1 ns, array 10 ns + TIA 5 ns, one ADC group 0.781 ns, the
        // 2 x 16-bit codes cross the interconnect (1 cycle) into the buffer (1 cycle), one
        // comparison on the digital unit (1 cycle).
        let latency: UInt64 = 1_000 + 1_000 + 1_000 + 10_000 + 5_000 + 781 + 1_000 + 1_000 + 1_000
        #expect(chip.simulatedTime.picoseconds - before.picoseconds == latency)
        #expect(chip.phasePicoseconds[Phase.test.rawValue] == latency)

        // A one-layer network: every action of the pass is charged to layer 1, leakage to none.
        func energy(_ component: String, _ action: String) -> Double {
            let layer = action == "leakage" ? 0 : 1
            guard let a = chip.ledger.existing(.init(component: component, action: action, phase: "test", layer: layer)) else { return 0 }
            return chip.ledger.energyQuanta(a).doubleValue * Ledger.quantumJoules
        }
        #expect(chip.ledger.entries.filter { $0.key.phase == "test" }.allSatisfy { ($0.key.action == "leakage") == ($0.key.layer == 0) })
        let s = chip.spec
        // Drivers: 4 rows x 0.29 pJ + C_row x (2 x 0.04^2 + 2 x 0.08^2).
        let drive = 4 * s.dac.energyJoules + s.tile.rowCapacitanceFarads * 2 * (0.04 * 0.04 + 0.08 * 0.08)
        #expect(isClose(energy("tile0.dac", "drive"), drive, relative: 1e-6))
        // Array: t x sum_i v_i^2 sum_j (G+ + G-) = 15 ns x (0.0016 x 1700 uS + 0.0064 x 400 uS).
        let v0 = Double(Float(0.04)), v1 = Double(Float(0.08))
        let read = 15e-9 * (v0 * v0 * 1700e-6 + v1 * v1 * 400e-6)
        #expect(isClose(energy("tile0.array", "read"), read, relative: 1e-5))
        #expect(isClose(energy("tile0.tia", "sense"), 2 * s.tia.energyJoules, relative: 1e-9))
        #expect(isClose(energy("tile0.adc", "convert"), 2 * s.adc.energyJoules, relative: 1e-9))
        #expect(isClose(energy("buffer", "read"), 16 * s.buffer.energyPerBitJoules, relative: 1e-9))
        #expect(isClose(energy("buffer", "write"), 32 * s.buffer.energyPerBitJoules, relative: 1e-9))
        #expect(isClose(energy("interconnect", "transfer"), 48 * s.interconnect.energyPerBitJoules, relative: 1e-9))
        #expect(isClose(energy("digital", "compare"), s.digital.addJoules, relative: 1e-9))
        // Leakage of the ADC bank over the segment: 1 mW x 21.781 ns.
        // Leakage is per ADC: 2 x 1 mW over the segment.
        #expect(isClose(energy("tile0.adc", "leakage"), 2 * 1e-3 * Double(latency) * 1e-12, relative: 1e-9))
        // The total is exactly the sum of its entries.
        var sum = ExactInteger()
        for e in chip.ledger.entries { sum += e.energyQuanta }
        #expect(sum == chip.ledger.totalEnergyQuanta)
    }

    /// 8 columns read through 2 or 4 ADCs: the forward pass is longer by (4 - 2) conversions.
    @Test func halvingTheADCsLengthensTheForwardPass() throws {
        func latency(adcs: Int, images: Int = 1) throws -> UInt64 {
            var spec = ChipSpec()
            spec.tile.rows = 4
            spec.tile.columns = 8
            spec.device = handDevice().spec
            spec.adc.perTile = adcs
            let chip = try Chip(spec: spec, widths: [2, 8],     placements: [[Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 8)]], seed: 1)
            try chip.program(targets: [[Float](repeating: 1.0, count: 32)], phase: .program)
            _ = try chip.forward(InputBatch(volts: [Float](repeating: 0.1, count: 2 * images), labels: [Int](repeating: 0, count: images)), phase: .test, perImage: [])
            return chip.phasePicoseconds[Phase.test.rawValue]
        }
        let two = try latency(adcs: 2), four = try latency(adcs: 4)
        #expect(two - four == 2 * 781)
        // Two images pipeline: the second waits only for the array (10 ns + 5 ns TIA); its input
        // transfer, its drive and the first image's conversions overlap.
        #expect(try latency(adcs: 2, images: 2) - two == 15_000)
    }

    /// Two layers on two tiles: with one write driver the update programs the 8 rows one
    /// after another; with two, the rows of the two tiles go in pairs.
    @Test func serialisingTheControllerLengthensTheUpdate() throws {
        func updateTime(drivers: Int) throws -> UInt64 {
            var spec = ChipSpec()
            spec.tile.rows = 4
            spec.tile.columns = 2
            spec.tile.count = 2
            spec.device = handDevice().spec
            spec.controller.writeDrivers = drivers
            let chip = try Chip(spec: spec, widths: [2, 2, 2],     placements: [[Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 2)],
                                             [Placement(tile: 1, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 2)]], seed: 1)
            try chip.program(targets: [[Float](repeating: 1.0, count: 8), [Float](repeating: 1.0, count: 8)], phase: .program)
            // A positive gradient everywhere: every G+ falls (RESET then SET), every G- rises (SET only).
            try StateUpdate(learningRates: [1, 1]).apply([[Float](repeating: 10, count: 4), [Float](repeating: 10, count: 4)], batchSize: 1, to: chip)
            return chip.phasePicoseconds[Phase.update.rawValue]
        }
        let d = handDevice(), setup: UInt64 = 10_000
        let plus = setup + d.resetPulse.picoseconds + d.setPulse.picoseconds    // G+ rows
        let minus = setup + d.setPulse.picoseconds                               // G- rows
        let one = try updateTime(drivers: 1), two = try updateTime(drivers: 2)
        // 1 driver: 4 G+ rows and 4 G- rows in turn; 2 drivers: pairs of equal rows side by side.
        #expect(one - two == 2 * plus + 2 * minus)
    }
}

@Suite struct SplitLayerTests {
    /// One layer split by columns over two tiles: each device row is two row jobs, one per
    /// tile; with two write drivers they run side by side.
    @Test func splitRowsProgramPerTile() throws {
        func run(drivers: Int) throws -> (time: UInt64, sets: UInt64, weights: [Float]) {
            var spec = ChipSpec()
            spec.tile.rows = 4
            spec.tile.columns = 1
            spec.tile.count = 2
            spec.device = handDevice().spec
            spec.controller.writeDrivers = drivers
            let chip = try Chip(spec: spec, widths: [2, 2],     placements: [[Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 1),
                                              Placement(tile: 1, firstInput: 0, inputs: 2, firstOutput: 1, outputs: 1)]], seed: 1)
            #expect(chip.rowJobs.count == 8)
            try chip.program(targets: [[Float](repeating: 1.0, count: 8)], phase: .program)
            try StateUpdate(learningRates: [1]).apply([[Float](repeating: 10, count: 4)], batchSize: 1, to: chip)
            var sets: UInt64 = 0
            for e in chip.ledger.entries where e.key.action == "set" && e.key.phase == "update" { sets += e.count }
            return (chip.phasePicoseconds[Phase.update.rawValue], sets, chip.layers[0].weights)
        }
        let d = handDevice(), setup: UInt64 = 10_000
        let plus = setup + d.resetPulse.picoseconds + d.setPulse.picoseconds
        let minus = setup + d.setPulse.picoseconds
        let one = try run(drivers: 1), two = try run(drivers: 2)
        #expect(one.time - two.time == 2 * plus + 2 * minus)
        #expect(one.sets == 8 && two.sets == 8)              // every device pulsed once, on its own tile
        #expect(one.weights == two.weights)                  // timing never changes what is computed
    }
}

@Suite struct DerivedFigureTests {
    /// 128 rows of 4.4 ohm and 0.134 fF per cell, 20 fF of column load, G_max = 1.2 mS, 8-bit ADC:
    /// R_col = 563.2 ohm, C_col = 37.152 fF, tau = C/G + R C / 2 = 30.96 ps + 10.462 ps = 41.42 ps,
    /// t = tau ln 2^9 = 258.4 ps: below a 10 ns floor, above a 0 floor.
    @Test func wireSettling() {
        var spec = ChipSpec()
        spec.device = handDevice().spec
        spec.tile.rows = 128
        spec.tile.columnCapacitanceFarads = 20e-15
        spec.tile.columnWireOhmsPerCell = 4.4
        spec.tile.columnWireFaradsPerCell = 0.134e-15
        spec.adc.bits = 8
        #expect(spec.arraySettling == spec.tile.settling)
        spec.tile.settling = .zero
        let c = 128 * 0.134e-15 + 20e-15, r = 128 * 4.4
        let expected = (c / 1.2e-3 + r * c / 2) * 9 * log(2.0)
        #expect(abs(Double(spec.arraySettling.picoseconds) - expected * 1e12) <= 0.5)
    }

    @Test func waldenFigureOfMerit() {
        var spec = ChipSpec()
        #expect(spec.adcConversionJoules == spec.adc.energyJoules)
        spec.adc.waldenJoulesPerStep = 0.35e-15
        spec.adc.bits = 8
        #expect(isClose(spec.adcConversionJoules, 0.35e-15 * 256))
    }
}
