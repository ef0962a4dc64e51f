import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituHardware
@testable import InsituTraining
import InsituEngine

/// Every precision setting of the crossbar chip is functional: the digital unit's formats
/// round errors and gradient sums, and buffer words narrower than a value keep fewer bits.
@Suite struct PrecisionTests {
    /// 4-bit words hold a symmetric integer of at most 7: scale = max |x| / 7 = 1/7 for
    /// (0.3, -1, 0.05, 0.6): 2.1 -> 2, -7, 0.35 -> 0, 4.2 -> 4, times the scale.
    @Test func fourBitWordsRoundAsTheEquationSays() throws {
        var (design, _) = try DeterminismTests.small()
        design.chip.buffer.wordBits = 4
        design.chip.digital.format = .fp32
        design.chip.digital.accumulatorFormat = .fp32
        let chip = try ChipBuilder.chip(design.chip, network: design.network, seed: 1)
        chip.errorUnit = 1
        var g: [Float] = [0.3, -1, 0.05, 0.6]
        g.withUnsafeMutableBufferPointer { chip.roundGradients($0) }
        #expect(g == [2, -7, 0, 4].map { Float($0) * (1 / Float(7)) })
        var e: [Float] = [0.3, -1, 0.05, 0.6]
        e.withUnsafeMutableBufferPointer { chip.roundErrors($0) }
        #expect(e == g)
        // fp16 in units of 1e5: 0.1 / 1e5 rounds to fp16's nearest, then scales back.
        design.chip.buffer.wordBits = 16
        design.chip.digital.format = .fp16
        let half = try ChipBuilder.chip(design.chip, network: design.network, seed: 1)
        #expect(half.errorUnit == Float(design.network.outputScalePerAmp))
        var x: [Float] = [0.1234567 * half.errorUnit]
        x.withUnsafeMutableBufferPointer { half.roundErrors($0) }
        #expect(x[0] == Float(Float16(Float(0.1234567 * half.errorUnit) / half.errorUnit)) * half.errorUnit)
    }

    /// Rounding only the sums an image changed gives what rounding the whole sum gives, in
    /// fp16 and bf16; fp32 in 32-bit words leaves the sums as they are.
    @Test func changedSumsRoundAsTheWhole() throws {
        var (design, _) = try DeterminismTests.small()
        for (format, word) in [(NumberFormat.fp16, 16), (.bf16, 16), (.fp32, 32)] {
            design.chip.digital.accumulatorFormat = format
            design.chip.buffer.wordBits = word
            let chip = try ChipBuilder.chip(design.chip, network: design.network, seed: 1)
            let inputs: [Float] = [0.2, 0, 0.1], errors: [Float] = [0.3, -2e-3, 0]
            let sums: [Float] = (0..<9).map { Float($0) * 1234.567 - 4321.1 }
            var whole = sums, changed = sums
            whole.withUnsafeMutableBufferPointer { chip.roundGradients($0) }
            let done = changed.withUnsafeMutableBufferPointer { g in
                inputs.withUnsafeBufferPointer { a in errors.withUnsafeBufferPointer { d in chip.roundChangedGradients(g, inputs: a, errors: d) } }
            }
            #expect(done)
            // Rows of non-zero inputs and columns of non-zero errors: sums 0, 1, 6, 7 rounded, the rest as they were.
            for k in 0..<9 { #expect(changed[k] == ([0, 1, 6, 7].contains(k) ? whole[k] : sums[k]), "\(format) \(k)") }
        }
    }

    /// The same training with 16- and 4-bit buffer words: different trained states, and the
    /// narrow words train worse.
    @Test func narrowWordsChangeTheTrainedWeights() throws {
        var (design, data) = try DeterminismTests.small()
        design.training.images = 2000
        design.training.evaluationInterval = 2000
        func run(word: Int) throws -> TrainingRun {
            var d = design
            d.chip.buffer.wordBits = word
            return try TrainingRun.execute(chip: d.chip, network: d.network, training: d.training, data: data)
        }
        let wide = try run(word: 16), narrow = try run(word: 4)
        let a = (wide.accelerator as! Chip).states, b = (narrow.accelerator as! Chip).states
        #expect(a != b)
        #expect(narrow.outcome.finalAccuracy < wide.outcome.finalAccuracy)
    }
}

/// The fast binary16 rounding is the standard conversion's, value for value.
@Suite struct Binary16Tests {
    @Test func matchesFloat16OnEdgesAndRandomBits() {
        var values: [Float] = [0, -0, 1, -1, 65504, 65519.99, 65520, 65536, -65520, 1e-8, 2.98e-8, 5.96e-8, 6.1035156e-5, 6.1e-5,
                               0x1p-14, 0x1p-24, 0x1.8p-25, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        var rng = RandomStream(seed: 1, stream: "binary16")
        for _ in 0..<200_000 { values.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
        for _ in 0..<200_000 { values.append(Float(rng.uniform() * 140_000 - 70_000)) }
        // binary16's subnormals, and the ties halfway between them (rounded to even).
        for _ in 0..<100_000 { values.append(Float((rng.uniform() * 2 - 1) * 0x1p-14)) }
        for k in stride(from: -2047, through: 2047, by: 2) { values.append(Float(k) * 0x1p-25) }
        for x in values where !x.isNaN {
            #expect(NumberFormat.binary16(x) == Float(Float16(x)), "\(x)")
        }
        #expect(NumberFormat.binary16(.nan).isNaN)
    }
}

/// The row tests of the update path: a row is skipped only when every value is zero.
@Suite struct AnyNonzeroTests {
    @Test func findsOneNonzeroAnywhereAndTreatsNaNAsNonzero() {
        for n in [1, 3, 4, 7, 16, 100] {
            var row = [Float](repeating: 0, count: n)
            row[0] = -0.0
            #expect(!row.withUnsafeBufferPointer { VectorMath.anyNonzero($0.baseAddress!, n) })
            for k in 0..<n {
                for v: Float in [1e-45, -3, .nan, -.infinity] {
                    var r = [Float](repeating: 0, count: n)
                    r[k] = v
                    #expect(r.withUnsafeBufferPointer { VectorMath.anyNonzero($0.baseAddress!, n) }, "\(v) at \(k) of \(n)")
                }
            }
        }
    }
}
