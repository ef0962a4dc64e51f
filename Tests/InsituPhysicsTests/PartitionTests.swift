import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituMapping
@testable import InsituTraining

/// Partitioning changes the answer as hardware would: partial sums converted per block and
/// added digitally, wires whose capacitance and resistance grow with the tile.
@Suite struct PartitionTests {
    static let widths = [6, 3, 2]

    /// A chip for 6-3-2 on tiles of `rows` x `columns`, devices programmed to varied states.
    static func chip(rows: Int, columns: Int, adcBits: Int, dacBits: Int = 8, interlayer: ChipSpec.Interlayer = .digital,
                     configure: (inout ChipSpec) -> Void = { _ in }) throws -> Chip {
        var spec = ChipSpec()
        spec.device = handDevice().spec
        spec.tile.rows = rows
        spec.tile.columns = columns
        spec.tile.count = 64
        spec.adc.bits = adcBits
        spec.dac.bits = dacBits
        spec.interlayer = interlayer
        spec.tia.gainVoltsPerAmp = 2000
        spec.tia.outputGainVoltsPerAmp = 2000
        configure(&spec)
        var network = NetworkSpec()
        network.layers = widths
        let chip = try ChipBuilder.chip(spec, network: network, seed: 1)
        try chip.program(targets: chip.layers.map { layer in
            (0..<layer.states.count).map { k in 0.6 + Float((k * 7) % 11) * 0.1 }
        }, phase: .program)
        return chip
    }

    static let batch = InputBatch(volts: [0.2, 0.05, 0.1, 0.15, 0.0, 0.12, 0.03, 0.2, 0.07, 0.1, 0.18, 0.01], labels: [0, 1])

    /// With ideal (24-bit) converters a layer split into row and column blocks gives the
    /// unsplit outputs.
    @Test func splitEqualsUnsplitWithIdealConverters() throws {
        let whole = try Self.chip(rows: 16, columns: 16, adcBits: 24, dacBits: 24)
        let split = try Self.chip(rows: 4, columns: 2, adcBits: 24, dacBits: 24)
        #expect(split.rowSplit == [true, true])
        #expect(whole.rowSplit == [false, false])
        let a = try whole.forward(Self.batch, phase: .forward, perImage: [])
        let b = try split.forward(Self.batch, phase: .forward, perImage: [])
        for (x, y) in zip(a.outputs, b.outputs) { #expect(isClose(Double(x), Double(y), relative: 1e-4), "\(x) \(y)") }
        for (x, y) in zip(a.activations[1], b.activations[1]) { #expect(abs(x - y) < 1e-6) }
    }

    /// With 4-bit ADCs each block's partial sum is quantised on its own: the output is
    /// sum_b q(c_b I_b) / c_b, computed here from the weights, and differs from the exact
    /// product. In the layer's range c_b = g for every block, and each block errs by at most
    /// half a step; in the block's own range c_b = g sqrt(layer inputs / block inputs), here
    /// sqrt(3 / 2) and sqrt(3) for layer 2's blocks of 2 and 1 rows (finer steps, clipped sooner).
    @Test(arguments: [TIASpec.PartialSumRange.layer, .block])
    func fourBitPartialSumsQuantiseEachBlock(_ range: TIASpec.PartialSumRange) throws {
        let chip = try Self.chip(rows: 4, columns: 2, adcBits: 4, dacBits: 24) { $0.tia.partialSumRange = range }
        let pass = try chip.forward(Self.batch, phase: .forward, perImage: [])
        let q = Quantizer(bits: 4, fullScale: chip.spec.adc.fullScaleVolts, signed: true)
        let layer = chip.layers[1], g: Float = 2000
        var differs = false
        for s in 0..<2 {
            let h = Array(pass.activations[1][(s * 3)..<((s + 1) * 3)])
            for j in 0..<2 {
                var expected: Float = 0, exact: Float = 0, bound: Float = 0
                for p in chip.placements[1] where j >= p.firstOutput && j < p.firstOutput + p.outputs {
                    var partial: Float = 0
                    for i in p.firstInput..<(p.firstInput + p.inputs) { partial += h[i] * layer.weights[i * 2 + j] }
                    let scale: Float = range == .block ? (3 / Float(p.inputs)).squareRoot() : 1
                    expected += q.quantize(g * scale * partial) / scale
                    bound += Float(q.step) / 2 / (g * scale)
                    exact += partial
                }
                let out = pass.outputs[s * 2 + j]
                #expect(isClose(Double(out), Double(expected / g), relative: 1e-6))
                if range == .layer { #expect(abs(out - exact) <= bound + 1e-9) }
                if abs(out - exact) > 1e-9 { differs = true }
            }
        }
        #expect(differs)
    }

    /// One image through 6-3-2 on 4 x 2 tiles: layer 1 has 3 row blocks x 2 column blocks
    /// (9 conversions: 3 x (2 + 1)), layer 2 has 2 row blocks (4 conversions); additions
    /// (blocks - 1) per column: 3 x 2 + 2 x 1 = 8; the split hidden layer's ReLU and clip are
    /// 6 comparisons and the class 1; codes moved are 8 bits per conversion.
    @Test func partialSumsAreCharged() throws {
        let chip = try Self.chip(rows: 4, columns: 2, adcBits: 8)
        let one = InputBatch(volts: Array(Self.batch.volts[0..<6]), labels: [0])
        _ = try chip.forward(one, phase: .forward, perImage: [])
        func count(_ component: String, _ action: String) -> UInt64 {
            chip.ledger.entries.filter { $0.key.component.hasSuffix(component) && $0.key.action == action && $0.key.phase == "forward" }
                .reduce(0) { $0 + $1.count }
        }
        #expect(count(".adc", "convert") == 13)
        #expect(count("digital", "add") == 8)
        #expect(count("digital", "compare") == 7)
        // Inputs of both layers move as DAC codes (6 + 3 words of 8 bits) and codes of 13 conversions.
        #expect(count("interconnect", "transfer") == UInt64((6 + 3) * 8 + 13 * 8))
    }

    /// Row-line capacitance grows with the columns it crosses: a drive costs
    /// E_DAC + (C_fixed + columns x c_cell) v^2 per row.
    @Test func rowLineEnergyGrowsWithColumns() throws {
        func dacJoules(columns: Int) throws -> Double {
            let chip = try Self.chip(rows: 16, columns: columns, adcBits: 8) { s in
                s.tile.rowCapacitanceFarads = 5e-15
                s.tile.rowWireFaradsPerCell = 2e-15
                s.dac.energyJoules = 0
            }
            _ = try chip.forward(InputBatch(volts: Array(Self.batch.volts[0..<6]), labels: [0]), phase: .forward, perImage: [])
            return chip.ledger.entries.filter { $0.key.action == "drive" && $0.key.phase == "forward" }
                .reduce(0.0) { $0 + $1.energyQuanta.doubleValue * Ledger.quantumJoules }
        }
        // Layer 1 drives 12 rows with +/-v (sum 2 v^2), layer 2 its 3 hidden inputs likewise.
        let small = try dacJoules(columns: 8), large = try dacJoules(columns: 32)
        #expect(isClose(large / small, (5e-15 + 32 * 2e-15) / (5e-15 + 8 * 2e-15), relative: 1e-9))
    }

    /// Settling from the column wire: tau = C_col / G_max + R_col C_col / 2 over the rows,
    /// t = tau ln 2^(bits + 1); it grows with the rows.
    @Test func settlingGrowsWithRows() {
        var spec = ChipSpec()
        spec.device = handDevice().spec
        spec.tile.settling = .zero
        spec.tile.columnCapacitanceFarads = 10e-15
        spec.tile.columnWireFaradsPerCell = 1e-15
        spec.tile.columnWireOhmsPerCell = 50
        spec.adc.bits = 8
        func expected(_ rows: Double) -> Double {
            let c = 10e-15 + rows * 1e-15, r = rows * 50
            return (c / spec.device.model.windowMaxSiemens + r * c / 2) * 9 * 0.6931471805599453
        }
        spec.tile.rows = 128
        let t128 = spec.arraySettling
        spec.tile.rows = 512
        let t512 = spec.arraySettling
        #expect(abs(t128.seconds - expected(128)) < 1e-12)
        #expect(abs(t512.seconds - expected(512)) < 1e-12)
        #expect(t512 > t128)
    }

    /// First-order IR drop: a device passes G / (1 + G R) with R the row wire from the driver
    /// to its column plus the column wire from its row to the TIA.
    @Test func irDropLowersFarCells() throws {
        let rRow = 20.0, rCol = 30.0
        let chip = try Self.chip(rows: 16, columns: 8, adcBits: 8) { s in
            s.tile.rowWireOhmsPerCell = rRow
            s.tile.columnWireOhmsPerCell = rCol
        }
        let layer = chip.layers[0]
        let g = layer.devices.conductance
        let m = layer.outputs
        for (i, j) in [(0, 0), (5, 2)] {
            // G+ on tile row 2i, G- on 2i + 1; columns from the block's offset 0.
            let rPlus = Double(j + 1) * rRow + Double(16 - 2 * i) * rCol
            let rMinus = Double(j + 1) * rRow + Double(16 - 2 * i - 1) * rCol
            let gp = Double(g[(2 * i) * m + j]), gn = Double(g[(2 * i + 1) * m + j])
            let expected = gp / (1 + gp * rPlus) - gn / (1 + gn * rMinus)
            #expect(isClose(Double(layer.weights[i * m + j]), expected, relative: 1e-5))
            #expect(abs(layer.weights[i * m + j]) < abs(g[(2 * i) * m + j] - g[(2 * i + 1) * m + j]) + 1e-12)
        }
    }
}
