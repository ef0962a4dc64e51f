import Testing
@testable import InsituEngine
@testable import InsituHardware

/// Values beyond the converters' ranges, counted exactly on the hand-worked 2 x 2 chip
/// (G+ = [500, 300] / [100, 100] uS, G- = [200, 700] / [100, 100] uS, v = (0.04, 0.08) V:
/// output currents 12 and -16 uA).
@Suite struct RangeCountTests {
    @Test func forcedSaturationIsCountedExactly() throws {
        // Output gain 70 kV/A: 0.84 V and -1.12 V against the 1 V full scale, so the second saturates.
        // Read-back scale 8500 V/A x 0.2 V: 700 uS reads 1.19 V (beyond), 500 uS 0.85 V (within).
        let chip = try handTwoByTwoChip {
            $0.tia.outputGainVoltsPerAmp = 70_000
            $0.tia.readbackGainVoltsPerAmp = 8_500
        }
        _ = try chip.forward(InputBatch(volts: [0.04, 0.08, 0.04, 0.08, 0.04, 0.08], labels: [0, 0, 0]), phase: .test, perImage: [])
        #expect(chip.rangeCounts.layers[0].conversions == 6)
        #expect(chip.rangeCounts.layers[0].saturated == 3)
        #expect(chip.rangeCounts.layers[0].activations == 0)
        try chip.readBack()
        #expect(chip.rangeCounts.layers[0].readbacks == 8)
        #expect(chip.rangeCounts.layers[0].saturatedReadbacks == 1)
    }

    /// An update that leaves states at the ends of the 0.6-1.7 V gate range: 3 states change
    /// (1.0 to 1.7, 0.7 to 0.6, 1.2 to 1.3), 2 of them at a limit; initial programming is not counted.
    @Test func updatesAtAStateLimitAreCounted() throws {
        let chip = try handTwoByTwoChip()
        #expect(chip.rangeCounts.layers[0].updates == 0)
        try chip.program(targets: [[1.7, 0.8, 0.6, 1.3, 0.6, 0.6, 0.6, 0.6]], phase: .update)
        #expect(chip.rangeCounts.layers[0].updates == 3)
        #expect(chip.rangeCounts.layers[0].clippedUpdates == 2)
    }

    /// Doubling the slope alone moves the window past the ceiling and the read-back full scale:
    /// both are reported, each naming its keys.
    @Test func clippedWindowIsWarnedNamingTheKeys() throws {
        var spec = ChipSpec()
        var d = handDevice()
        d.slopeSiemensPerVolt = 1900e-6
        d.conductanceAtGateMinSiemens = 100e-6
        d.gateMinVolts = 0.6
        d.gateMaxVolts = 1.7
        d.conductanceCeilingSiemens = 1.5e-3
        spec.device = d.spec
        spec.adc.fullScaleVolts = 0.2
        spec.tia.readbackGainVoltsPerAmp = 800
        spec.tile.readVolts = 0.2
        let w = spec.operatingPointWarnings
        #expect(w.count == 2)
        #expect(w[0].contains("2190 uS") && w[0].contains("chip.device.conductance_ceiling") && w[0].contains("slope"))
        #expect(w[1].contains("1.25 mS") && w[1].contains("chip.tia.readback_gain") && w[1].contains("chip.tile.read_voltage"))
        d.slopeSiemensPerVolt = 950e-6
        spec.device = d.spec
        #expect(spec.operatingPointWarnings.isEmpty)
    }
}
