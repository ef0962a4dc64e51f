import Testing
import InsituEngine
@testable import InsituHardware
import InsituKernels

extension KernelTests {
    /// The AVX symmetric rounding (`insitu_round_symmetric`) gives the portable loop's bits: one
    /// scale from the largest finite magnitude, each value to the nearest even integer of it.
    @Suite struct SymmetricRoundingKernelTests {
        /// `NumberFormat.roundSymmetric`'s portable loop.
        static func reference(_ values: [Float], limit: Float) -> [Float] {
            var m: Float = 0
            for v in values where v.isFinite { m = max(m, abs(v)) }
            let scale = m / limit
            guard scale > 0 else { return values }
            return values.map { min(max(($0 / scale).rounded(.toNearestOrEven), -limit), limit) * scale }
        }

        @Test(arguments: [Float(127), 32767, Float(Int32.max)])
        func roundingIsThePortableLoopsBits(limit: Float) {
            var rng = RandomStream(seed: UInt64(limit.bitPattern), stream: "symmetric")
            for count in [0, 1, 3, 8, 13, 54, 3456, 3461] {
                // Random magnitudes of every scale, exact ties of the scale, zeros of both signs, NaN and infinities.
                var values: [Float] = (0..<count).map { _ in
                    let sign = rng.uniform() < 0.5 ? -1.0 : 1.0, exponent = Int(rng.uniform() * 40) - 30
                    return Float(sign * (1 + rng.uniform()) * Double(sign: .plus, exponent: exponent, significand: 1))
                }
                if count > 2 { values[count / 2] = -values[count / 3] }
                for k in stride(from: 5, to: count, by: 11) {
                    values[k] = [Float.nan, .infinity, -.infinity, 0, -0.0, 2.5, -3.5][k % 7]
                }
                let expected = Self.reference(values, limit: limit)
                var out = values
                guard out.withUnsafeMutableBufferPointer({ insitu_round_symmetric($0.baseAddress!, count, limit) }) != 0 || count == 0 else {
                    return  // no AVX: the portable loop runs
                }
                #expect(zip(out, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(count) values")
            }
        }

        /// All zeros (or nothing finite but zeros) keep their values: there is no scale.
        @Test func noScaleLeavesTheValues() {
            var values: [Float] = [0, -0.0, .nan, .infinity, 0]
            let before = values.map(\.bitPattern)
            values.withUnsafeMutableBufferPointer { _ = insitu_round_symmetric($0.baseAddress!, 5, 127) }
            #expect(values.map(\.bitPattern) == before)
        }
    }
}
