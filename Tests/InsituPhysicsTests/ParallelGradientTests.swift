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
    /// pixels are) with `threads` threads.
    static func gradients(threads: Int, format: NumberFormat) throws -> ([[Float]], [[Float]]) {
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
            backprop.accumulate(pass, labels: labels, weights: weights)
            sums += backprop.gradients
            backprop.clear()
        }
        return (sums, backprop.deltas)
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
        }
    }
}
