import Testing
@testable import InsituEngine
@testable import InsituHardware

/// Bit-serial inputs on the hand-worked 2 x 2 chip: 2-bit inputs streamed as two planes at the
/// full range, each read converted and joined by shift-and-add (docs/model.md section 5).
@Suite struct BitSerialTests {
    /// G+ = [500, 300] / [100, 100] uS and G- = [200, 700] / [100, 100] uS; 2-bit inputs over
    /// 0.12 V (step 0.04 V); v = (0.04, 0.08) V are codes (1, 2), so plane 0 drives input 0 and
    /// plane 1 input 1, each at 0.12 V.
    func chip() throws -> Chip {
        try handTwoByTwoChip {
            $0.dac.bits = 2
            $0.dac.rangeVolts = 0.12
            $0.dac.inputCoding = .bitSerial
            $0.interlayer = .digital
            $0.adc.perTile = 2
            $0.shiftAdd.energyJoules = 0.05e-12
            $0.shiftAdd.latency = SimTime(picoseconds: 833)
            $0.shiftAdd.perTile = 4
        }
    }

    @Test func planesJoinToTheProductOfTheLevels() throws {
        let chip = try chip()
        let r = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        // Plane 0: 0.12 V x (300, -400) uS = (36, -48) uA, weighted 1/3; plane 1: input 1's weights are 0.
        // Joined: (12, -16) uA, what one read at the levels gives; the 16-bit ADC's step over
        // 1 V at 5000 V/A bounds the error by half a step / 5000 per plane.
        let bound = 0.5 / 32768.0 / 5000.0
        #expect(abs(Double(r.outputs[0]) - 12e-6) <= bound)
        #expect(abs(Double(r.outputs[1]) + 16e-6) <= bound)
        #expect(r.predictions == [0])
    }

    @Test func everyPlaneIsDrivenReadConvertedAndJoinedByHand() throws {
        let chip = try chip()
        let before = chip.simulatedTime
        _ = try chip.forward(InputBatch(volts: [0.04, 0.08], labels: [0]), phase: .test, perImage: [])
        func energy(_ component: String, _ action: String) -> Double {
            guard let a = chip.ledger.existing(.init(component: component, action: action, phase: "test", layer: 1)) else { return 0 }
            return chip.ledger.energyQuanta(a).doubleValue * Ledger.quantumJoules
        }
        let s = chip.spec
        // Each plane: 4 one-bit drives, and one input's two rows charged to 0.12 V.
        let drive = 2 * 4 * s.dac.energyJoules + s.tile.rowCapacitanceFarads * 2 * (2 * 0.12 * 0.12)
        #expect(isClose(energy("tile0.dac", "drive"), drive, relative: 1e-6))
        // Array: 15 ns x 0.12^2 x (input 0's 500 + 300 + 200 + 700 uS, then input 1's 400 uS).
        let v = Double(Float(0.12))
        #expect(isClose(energy("tile0.array", "read"), 15e-9 * v * v * 2100e-6, relative: 1e-5))
        // Two columns per plane: 4 TIA samples, 4 conversions, 4 shift-and-adds.
        #expect(isClose(energy("tile0.tia", "sense"), 4 * s.tia.energyJoules, relative: 1e-9))
        #expect(isClose(energy("tile0.adc", "convert"), 4 * s.adc.energyJoules, relative: 1e-9))
        #expect(isClose(energy("tile0.shift-add", "shift-add"), 4 * 0.05e-12, relative: 1e-9))
        // In: 2 inputs x 2 bits; out: 2 sums x (16 + 2 - 1) bits.
        #expect(isClose(energy("buffer", "read"), 4 * s.buffer.energyPerBitJoules, relative: 1e-9))
        #expect(isClose(energy("buffer", "write"), 34 * s.buffer.energyPerBitJoules, relative: 1e-9))
        // Latency: buffer 1 ns, bus 1 ns, plane 0 drive 1 ns and read 15 ns (its conversion and
        // shift-and-add run on a side path while plane 1 is driven, 1 ns, and read, 15 ns), then
        // plane 1's conversion 0.781 ns and shift-and-add 0.833 ns, bus 1 ns, buffer 1 ns, the class 1 ns.
        let latency: UInt64 = 1_000 + 1_000 + 1_000 + 15_000 + 1_000 + 15_000 + 781 + 833 + 1_000 + 1_000 + 1_000
        #expect(chip.simulatedTime.picoseconds - before.picoseconds == latency)
    }

    /// Levels and bit-serial give the same class on every input, while bit-serial pays one read per plane.
    @Test func bitSerialCostsOneReadPerPlane() throws {
        let serial = try chip()
        let levels = try handTwoByTwoChip {
            $0.dac.bits = 2
            $0.dac.rangeVolts = 0.12
            $0.interlayer = .digital
            $0.adc.perTile = 2
        }
        let batch = InputBatch(volts: [0.04, 0.08, 0.12, 0.0, 0.0, 0.12], labels: [0, 0, 0])
        let a = try serial.forward(batch, phase: .test, perImage: [])
        let b = try levels.forward(batch, phase: .test, perImage: [])
        #expect(a.predictions == b.predictions)
        func conversions(_ chip: Chip) -> UInt64 {
            chip.ledger.existing(.init(component: "tile0.adc", action: "convert", phase: "test", layer: 1)).map { chip.ledger.count($0) } ?? 0
        }
        #expect(conversions(serial) == 2 * conversions(levels))
    }
}
