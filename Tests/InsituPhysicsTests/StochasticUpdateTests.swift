import Testing
@testable import InsituEngine
@testable import InsituHardware
import InsituDevices
@testable import InsituTraining

/// The stochastic pulse update worked by hand: probabilities from the inputs and errors, the
/// coincidences' expectation, the exact steps a fixed random stream gives, and the parallel
/// update's time and pulse-generator draws on the hand 2 x 2 chip.
@Suite struct StochasticUpdateTests {
    /// x = (0.5, 0.25), delta = (-2, 1), steps 0.1 up and 0.2 down, eta = slope = 1, BL = 10:
    /// k = 0.1, a = (0.5, 0.25), b = (2 / 0.1, 1 / 0.2) = (20, 5), c_x = sqrt(0.1 x 20 / 0.5) = 2,
    /// c_d = sqrt(0.1 x 0.5 / 20) = 0.05: p = (1, 0.5), q = (1, 0.25); BL p q step = |x delta|.
    @Test func probabilitiesBalanceRowsAndColumns() {
        let rule = StochasticUpdate(learningRates: [1], trainLength: 10, upStep: 0.1, downStep: 0.2, widths: [2, 2], seed: 1)
        let (p, q) = rule.probabilities(inputs: [0.5, 0.25], errors: [-2, 1], layer: 0, slope: 1)
        #expect(zip(p, [1, 0.5]).allSatisfy { abs($0 - $1) < 1e-12 } && zip(q, [1, 0.25]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(10 * p[1] * q[1] * 0.2 - 0.25 * 1) < 1e-12)
        // Nothing to update: all probabilities 0.
        let zero = rule.probabilities(inputs: [0, 0], errors: [-2, 1], layer: 0, slope: 1)
        #expect(zero.rows == [0, 0] && zero.columns == [0, 0])
    }

    /// Over 20,000 trains the mean coincidences of a device are BL p q within four standard errors.
    @Test func coincidencesAverageTrainLengthTimesBothProbabilities() {
        let rule = StochasticUpdate(learningRates: [1], trainLength: 31, upStep: 0.1, downStep: 0.1, widths: [1, 1], seed: 7)
        let (p, q) = (0.6, 0.3)
        var sum = 0.0, squares = 0.0
        let n = 20_000
        for _ in 0..<n {
            let c = Double((rule.train(p) & rule.train(q)).nonzeroBitCount)
            sum += c
            squares += c * c
        }
        let mean = sum / Double(n), sd = (squares / Double(n) - mean * mean).squareRoot()
        #expect(abs(mean - 31 * p * q) < 4 * sd / Double(n).squareRoot(), "mean \(mean)")
    }

    /// On the hand chip (ideal device, pair cells, gates 0.6-1.7 V) with pulse generators, one
    /// update's states are those the coincidences of trains drawn from the same stream give, the
    /// generators draw BL slots per input and column, and the array is busy BL (SET + RESET).
    @Test func parallelUpdateStepsEachDeviceByItsCoincidences() throws {
        let chip = try handTwoByTwoChip { $0.pulseGenerators = PulseGeneratorSpec() }
        let before = chip.states[0]
        let slope = chip.deviceModel.slopeSiemensPerState
        let bl = 10, step = 0.05
        let rule = StochasticUpdate(learningRates: [0.5 / slope], trainLength: bl, upStep: step, downStep: step, widths: [2, 2], seed: 3)
        let x: [Float] = [0.5, 0.25], d: [Float] = [-2, 1]
        let updateBefore = chip.phasePicoseconds[Phase.update.rawValue]
        try rule.apply(inputs: [x], errors: [d], to: chip)
        // The same draws, in the rule's order: each row's slots, then each column's.
        let (p, q) = rule.probabilities(inputs: x, errors: d, layer: 0, slope: slope)
        var rng = RandomStream(seed: 3, stream: "stochastic-update")
        let mask = { (prob: Double) -> UInt64 in
            var bits: UInt64 = 0
            for s in 0..<bl where rng.uniform() < prob { bits |= 1 << UInt64(s) }
            return bits
        }
        let rows = p.map { mask($0) }, columns = q.map { mask($0) }
        var expected = before
        var total = 0
        for i in 0..<2 {
            for j in 0..<2 {
                let n = (rows[i] & columns[j]).nonzeroBitCount
                total += n
                // delta < 0: the weight rises (G+ up, G- down), and the other way for delta > 0.
                let up = d[j] < 0
                let plus = (2 * i) * 2 + j, minus = (2 * i + 1) * 2 + j
                expected[plus] = Float(min(max(Double(expected[plus]) + (up ? 1 : -1) * Double(n) * step, 0.6), 1.7))
                expected[minus] = Float(min(max(Double(expected[minus]) + (up ? -1 : 1) * Double(n) * step, 0.6), 1.7))
            }
        }
        #expect(rule.lastCoincidences == total && total > 0)
        #expect(zip(chip.states[0], expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(chip.states[0]) vs \(expected)")
        let draws = chip.ledger.entries.first { $0.key.component == "tile0.pulse-gen" && $0.key.action == "draw" }
        // One train per input (its two device rows share it) and per column: BL x (2 + 2) draws.
        #expect(draws?.count == UInt64(bl * (2 + 2)))
        // Each draw an 8-bit LFSR step and comparison, 0.0794 pJ; one generator per input the
        // tile's 4 rows hold (2) and per column (4), 65.59 um^2 each.
        let drawJoules = (draws?.energyQuanta.doubleValue ?? 0) * Ledger.quantumJoules
        #expect(abs(drawJoules - Double(bl * 4) * 0.0794e-12) <= 1e-6 * drawJoules)
        let generators = chip.components.components.first { $0.name == "tile0.pulse-gen" }
        #expect(abs((generators?.model.areaSquareMetres ?? 0) - 6 * 65.59e-12) < 1e-18)
        // Row pulses fire in both cycles, column pulses once, each charging its line at 2 V.
        let pulses = chip.ledger.entries.first { $0.key.component == "tile0.pulse-gen" && $0.key.action == "pulse" }
        let farads = 2 * 2 * Double(rows.map(\.nonzeroBitCount).reduce(0, +)) * chip.spec.tile.rowLineFarads
            + Double(columns.map(\.nonzeroBitCount).reduce(0, +)) * chip.spec.tile.columnLineFarads
        #expect(abs((pulses?.magnitude ?? 0) - farads) <= 1e-9 * farads)
        let busy = UInt64(bl) * (chip.deviceModel.setPulse.picoseconds + chip.deviceModel.resetPulse.picoseconds)
        #expect(chip.phasePicoseconds[Phase.update.rawValue] - updateBefore >= busy)
        #expect(draws?.busyPicoseconds == busy)
    }
}
