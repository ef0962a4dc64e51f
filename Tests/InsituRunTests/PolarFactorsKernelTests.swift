import Foundation
import Testing
import InsituEngine
import InsituKernels

extension KernelTests {
    /// The polar method's factors sqrt(-2 ln s / s) from the AVX-512 kernel (its port of the C
    /// library's logarithm) equal Swift's from the library's `log`, bit for bit.
    @Suite struct PolarFactorsKernelTests {
        static func reference(_ s: Double) -> Double { (-2 * log(s) / s).squareRoot() }

        /// Squared radii across (0, 1): uniform ones, every subinterval of the library's table at
        /// its ends and centre in each binade down to 2^-60, both edges of the region near 1 that
        /// the library's second polynomial serves, the least ones a pair can give, and values
        /// outside (0, 1) (zero, 1, subnormal, negative, infinite, NaN) that lanes hand to `log`.
        @Test func factorsAreTheLibrarysBits() {
            var rng = RandomStream(seed: 23, stream: "polar factors")
            var s: [Double] = (0..<200_000).map { _ in rng.uniform() }
            for binade in -60...(-1) {
                for i in 0..<128 {
                    // z = 0x1.6p-1 x (1 + i/128 ...): the subinterval's start, middle and end, scaled.
                    let start = 0x1.6p-1 + Double(i) * 0x1.6p-1 / 128
                    for t in [0.0, 0.5, 0.999_999] {
                        let z = start + t * 0x1.6p-1 / 128
                        let x = Double(sign: .plus, exponent: binade + 1, significand: z)
                        if x > 0 && x < 1 { s += [x, x.nextUp, x.nextDown] }
                    }
                }
            }
            for edge in [1 - 0x1p-4, 1 + 0x1.09p-4, 1.0] {
                var x = edge
                for _ in 0..<4 { x = x.nextDown }
                for _ in 0..<9 { if x > 0 && x < 1 { s.append(x) }; x = x.nextUp }
            }
            s += [0x1p-106, 0x1p-53, 0x1p-1022, 0x1p-1030, 0, -0.0, 1, -0.5, .infinity, .nan, 0.999_999_999]
            var factors = [Double](repeating: -1, count: s.count + 3)
            let done = factors.withUnsafeMutableBufferPointer { insitu_polar_factors(s, s.count, $0.baseAddress!) }
            if done == 0 { return }  // no AVX-512: the stream forms each factor itself
            let expected = s.map(Self.reference)
            let wrong = s.indices.filter { !(factors[$0].bitPattern == expected[$0].bitPattern || (factors[$0].isNaN && expected[$0].isNaN)) }
            #expect(wrong.count == 0, "\(wrong.count) of \(s.count) differ, e.g. \(wrong.prefix(3).map { s[$0] })")
            #expect(factors[s.count...].allSatisfy { $0 == -1 })
        }

        /// A stream's deviates are the same with the kernel as without it, and so is the stream left.
        @Test func deviatesAreTheSameWithAndWithoutTheKernel() {
            for count in [1, 7, 128, 1_001] {
                var a = RandomStream(seed: 4, stream: "deviates"), b = a
                var x = [Double](repeating: 0, count: count), y = x
                x.withUnsafeMutableBufferPointer { a.fillGaussians($0.baseAddress!, count: count) }
                insitu_kernels_set_enabled(0)
                y.withUnsafeMutableBufferPointer { b.fillGaussians($0.baseAddress!, count: count) }
                insitu_kernels_set_enabled(1)
                #expect(x.map(\.bitPattern) == y.map(\.bitPattern) && a == b, "\(count) deviates")
            }
        }
    }
}
