import Testing
import InsituEngine
import InsituHardware
@testable import InsituTraining

/// A large gradient's rows split over threads give the same sums, bit for bit, as one thread,
/// with fp16 sums rounded image after image (and with an integer format, which is never split).
@Suite struct ParallelGradientTests {
    /// fp16 errors and gradient sums in units of `unit`, each sum rounded apart; or int8 with
    /// one scale per tensor (not apart).
    final class Rounding: TensorRounding {
        let format: NumberFormat
        let unit: Float = 1e5                 // the softmax scale, per ampere, as a chip stores errors
        init(_ format: NumberFormat) { self.format = format }
        func roundErrors(_ values: UnsafeMutableBufferPointer<Float>) { format.round(values, unit: unit) }
        func roundGradients(_ values: UnsafeMutableBufferPointer<Float>) { format.round(values, unit: unit) }
        var roundsGradientsApart: Bool { !format.isInteger }
        func roundChangedGradients(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                                   errors: UnsafeBufferPointer<Float>) -> Bool {
            guard roundsGradientsApart else { return false }
            let m = errors.count
            for i in 0..<inputs.count where inputs[i] != 0 {
                for j in 0..<m where errors[j] != 0 { values[i * m + j] = format.roundFloat(values[i * m + j] / unit) * unit }
            }
            return true
        }
    }

    /// Gradients of three batches of ten images on a 400-280-10 network (inputs sparse and repeating, as
    /// pixels are) with `threads` threads; `sharing`: on the side thread of an `Overlap`, whose
    /// calling thread helps with the rows it opens.
    static func gradients(threads: Int, format: NumberFormat, sharing: Bool = false, inTwoSteps: Bool = false) throws -> ([[Float]], [[Float]]) {
        var rng = RandomStream(seed: 7, stream: "parallel-gradient")
        let widths = [400, 280, 10]
        let activation = Activation(gain: 2e4, clip: 0.2, outputScalePerAmp: 1e5)
        let weights = zip(widths, widths.dropFirst()).map { n, m in (0..<(n * m)).map { _ in Float(rng.gaussian() * 5e-6) } }
        let network = SoftwareNetwork(widths: widths, activation: activation, weights: weights)
        var backprop = Backprop(widths: widths, activation: activation)
        backprop.rounding = Rounding(format)
        backprop.threads = threads
        var sums: [[Float]] = []
        for _ in 0..<3 {
            let images = 10
            // Two thirds of the pixels dark, the rest one of eight levels.
            let volts = (0..<(images * 400)).map { _ in rng.uniform() < 0.66 ? Float(0) : Float(Int(rng.uniform() * 8) + 1) * 0.025 }
            let labels = (0..<images).map { _ in Int(rng.uniform() * 10) }
            let pass = try network.forward(InputBatch(volts: volts, labels: labels), phase: .forward, perImage: [])
            if inTwoSteps {
                backprop.computeErrors(pass, labels: labels, weights: weights)
                backprop.addGradients(of: pass)
            } else if sharing {
                let items = SharedItems()
                Overlap.run({ backprop.accumulate(pass, labels: labels, weights: weights, sharing: items) }, while: { items.help() })
            } else {
                backprop.accumulate(pass, labels: labels, weights: weights)
            }
            sums += backprop.gradients
            backprop.clear()
        }
        return (sums, backprop.deltas)
    }

    /// Images added one after another (rows still zero copied from an equal row, a branch-free
    /// pass skipping the search once no zero row is driven) give what adding every driven row
    /// and rounding every changed sum gives, bit for bit; and only driven rows leave the zero set.
    @Test func imagesAddAsThePlainSumsDo() {
        var rng = RandomStream(seed: 19, stream: "gradient-add")
        let rounding = Rounding(.fp16)
        for (n, m) in [(64, 54), (54, 10), (9, 17)] {
            var g = [Float](repeating: 0, count: n * m), expected = g
            var zero = [Bool](repeating: true, count: n), driven = zero.map { _ in false }
            for image in 0..<12 {
                // Pixels: mostly dark, a few levels that repeat (so zero rows can be copied); later images drive fewer new rows.
                let a: [Float] = (0..<n).map { i in rng.uniform() < (image < 3 ? 0.5 : 0.2) && i % 5 != 4 ? Float(Int(rng.uniform() * 4) + 1) * 0.05 : 0 }
                let d: [Float] = (0..<m).map { j in j % 4 == 0 ? 0 : Float(rng.gaussian() * 2e4) }
                for i in 0..<n where a[i] != 0 {
                    driven[i] = true
                    for j in 0..<m {
                        expected[i * m + j] += a[i] * d[j]
                        if d[j] != 0 { expected[i * m + j] = Float(Float16(expected[i * m + j] / rounding.unit)) * rounding.unit }
                    }
                }
                a.withUnsafeBufferPointer { a in
                    d.withUnsafeBufferPointer { d in
                        g.withUnsafeMutableBufferPointer { g in
                            zero.withUnsafeMutableBufferPointer { Backprop.add(a, d, into: g, zeroRows: $0, rounding: rounding) }
                        }
                    }
                }
                #expect(g.map(\.bitPattern) == expected.map(\.bitPattern), "\(n) x \(m), image \(image)")
                #expect(zero == driven.map { !$0 })
            }
        }
    }

    /// Runs of equal work, by hand: a 4-3-2 network, two images. Layer 0's rows are driven by
    /// 2, 1, 1 and 0 images, layer 1's by 0, 2 and 1; a driven row costs 16 x (its outputs'
    /// vector blocks + 1) = 32 here and every row the images' look (2): 66, 34, 34, 2 and 2,
    /// 66, 34, 238 in all. Half (119) is reached at layer 0's third row, a quarter (59.5) at
    /// its first; thirds (79.3, 158.7) at layer 0's second row and layer 1's second.
    @Test func runsCutTheRowsWhereTheirWorkIsShared() {
        let a0: [Float] = [1, 0, 2, 0, 1, 1, 0, 0], a1: [Float] = [0, 5, 0, 0, 5, 5]
        var g0 = [Float](repeating: 0, count: 12), g1 = [Float](repeating: 0, count: 6)
        var z0 = [Bool](repeating: true, count: 4), z1 = [Bool](repeating: true, count: 3)
        let d0 = [Float](repeating: 1, count: 6), d1 = [Float](repeating: 1, count: 4)
        a0.withUnsafeBufferPointer { a0 in a1.withUnsafeBufferPointer { a1 in d0.withUnsafeBufferPointer { d0 in
            d1.withUnsafeBufferPointer { d1 in g0.withUnsafeMutableBufferPointer { g0 in g1.withUnsafeMutableBufferPointer { g1 in
                z0.withUnsafeMutableBufferPointer { z0 in z1.withUnsafeMutableBufferPointer { z1 in
                    let layers = [SharedRows(a: a0, d: d0, g: g0, zero: z0), SharedRows(a: a1, d: d1, g: g1, zero: z1)]
                    func runs(_ count: Int, _ share: Double = 0.5) -> [[String]] {
                        Backprop.runs(count, of: layers, widths: [4, 3, 2], images: 2, firstShare: share).map { $0.map { "\($0.layer):\($0.rows)" } }
                    }
                    #expect(runs(2) == [["0:0..<3"], ["0:3..<4", "1:0..<3"]])
                    #expect(runs(2, 0.25) == [["0:0..<1"], ["0:1..<4", "1:0..<3"]])
                    #expect(runs(3) == [["0:0..<2"], ["0:2..<4", "1:0..<2"], ["1:2..<3"]])
                    #expect(runs(1) == [["0:0..<4", "1:0..<3"]])
                } }
            } } }
        } } }
    }

    @Test func splitRowsGiveTheSameSums() throws {
        #expect(10 * 400 * 280 >= Backprop.parallelProduct, "the first layer's product is split")
        for format in [NumberFormat.fp16, .int8] {
            let one = try Self.gradients(threads: 1, format: format)
            #expect(one.0.joined().contains { $0 != 0 })
            for threads in [2, 3] {
                let many = try Self.gradients(threads: threads, format: format)
                #expect(many.0.map { $0.map(\.bitPattern) } == one.0.map { $0.map(\.bitPattern) }, "\(format) on \(threads) threads")
                #expect(many.1.map { $0.map(\.bitPattern) } == one.1.map { $0.map(\.bitPattern) })
                #expect(!one.1.joined().contains { !$0.isFinite })
            }
            // Every image's errors first, then the gradients (on two threads): the same sums.
            let twoSteps = try Self.gradients(threads: 2, format: format, inTwoSteps: true)
            #expect(twoSteps.0.map { $0.map(\.bitPattern) } == one.0.map { $0.map(\.bitPattern) }, "\(format) in two steps")
            #expect(twoSteps.1.map { $0.map(\.bitPattern) } == one.1.map { $0.map(\.bitPattern) })
            // Each layer's rows in halves, either taken by the helper: the same sums.
            let shared = try Self.gradients(threads: 1, format: format, sharing: true)
            #expect(shared.0.map { $0.map(\.bitPattern) } == one.0.map { $0.map(\.bitPattern) }, "\(format) shared")
            #expect(shared.1.map { $0.map(\.bitPattern) } == one.1.map { $0.map(\.bitPattern) })
        }
    }
}
