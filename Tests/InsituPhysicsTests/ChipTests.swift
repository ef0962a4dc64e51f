import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituMapping
@testable import InsituTraining

/// A chip of one 4 x 4 tile holding a 2-input, 2-output layer, with hand-friendly devices.
func tinyChip(device: HandDevice = handDevice(), adcs: Int = 2, accounting: Bool = true) throws -> Chip {
    var spec = ChipSpec()
    spec.tile.rows = 4
    spec.tile.columns = 4
    spec.device = device.spec
    spec.adc.perTile = adcs
    spec.adc.bits = 16
    spec.adc.fullScaleVolts = 1.0
    spec.tia.readbackGainVoltsPerAmp = 1000
    return try Chip(spec: spec, widths: [2, 2],
                    placements: [[Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 2)]],
                    seed: 1, accounting: accounting)
}

@Suite struct ChipTests {
    @Test func readBackReturnsStuckValues() throws {
        var d = handDevice(model: .gateControlled)
        d.stuckLowFraction = 0.25        // 2 of the 8 devices
        d.stuckLowSiemens = 10e-6
        let chip = try tinyChip(device: d)
        try chip.program(targets: [[Float](repeating: 1.0, count: 8)], phase: .program)
        try chip.readBack()
        let layer = chip.layers[0]
        // 16-bit ADC over +/-1 V at 1000 V/A x 0.2 V: step 7.6e-8 S; compare within one step.
        let step = 1.0 / 32768 / (1000 * 0.2)
        for i in 0..<2 {
            for j in 0..<2 {
                let plus = layer.devices.faults[(2 * i) * 2 + j] == .stuckLow ? 10e-6 : 500e-6
                let minus = layer.devices.faults[(2 * i + 1) * 2 + j] == .stuckLow ? 10e-6 : 500e-6
                #expect(abs(Double(layer.readback[i * 2 + j]) - (plus - minus)) <= 2 * step)
            }
        }
        #expect(layer.devices.stuckCount == 2)
    }

    /// dVg = -eta x slope x mean(dL/dW) on G+ and the opposite on G-, clipped to 0.6-1.7 V.
    @Test func updateMovesGatesOppositelyAndClips() throws {
        let chip = try tinyChip()
        try chip.program(targets: [[Float](repeating: 1.0, count: 8)], phase: .program)
        // Gradient sum over a batch of 2: w00 -> 200 1/S, w11 -> -1e6 1/S (huge: clips).
        try StateUpdate(learningRates: [1.0]).apply([[200, 0, 0, -1e6]], batchSize: 2, to: chip)
        // dVg(w00) = -1 V^2 x 1e-3 S/V x 100 1/S = -0.1 V.
        let g = chip.layers[0].states
        #expect(abs(Double(g[0]) - 0.9) < 1e-6)       // G+ of w00
        #expect(abs(Double(g[2]) - 1.1) < 1e-6)       // G- of w00 (row 1, column 0)
        #expect(g[1] == 1.0 && g[3] == 1.0)           // w01 untouched
        #expect(g[7] == 0.6)                          // G- of w11: 1.0 - 500 V clipped to 0.6 V
        #expect(g[5] == 1.7)                          // G+ of w11 clipped to 1.7 V
        let w = chip.layers[0].weights
        #expect(isClose(Double(w[0]), 400e-6 - 600e-6))   // G+ at 0.9 V, G- at 1.1 V
        #expect(isClose(Double(w[3]), 1200e-6 - 100e-6))
    }

    @Test func mappingOfThePapersArray() throws {
        let m = try LayerMapping(widths: [64, 54, 10], tileRows: 128, tileColumns: 64, tileCount: 1)
        #expect(m.blocks.count == 2)
        #expect(m.blocks[0] == .init(layer: 0, tile: 0, firstInput: 0, inputs: 64, firstOutput: 0, outputs: 54, rowOffset: 0, columnOffset: 0))
        #expect(m.blocks[1].columnOffset == 54 && m.blocks[1].rows == 108)
        #expect(m.devicesUsed(onTile: 0) == 7992)       // the paper's count
        #expect(throws: LayerMapping.Failure.self) { try LayerMapping(widths: [64, 54, 10], tileRows: 64, tileColumns: 32, tileCount: 1) }
        let big = try LayerMapping(widths: [484, 502, 10], tileRows: 1024, tileColumns: 512, tileCount: 2)
        #expect(big.tilesUsed == 1 || big.tilesUsed == 2)
        #expect(big.blocks.reduce(0) { $0 + $1.devices } == 2 * (484 * 502 + 502 * 10))   // 495,976 with both layers
    }
}
