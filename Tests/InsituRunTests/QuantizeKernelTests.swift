import Testing
import InsituEngine
@testable import InsituHardware

extension KernelTests {
    /// The AVX levels of a row (`insitu_quantize_row`) give the portable loops' bits and counts:
    /// a DAC's levels, an ADC's of hidden activations (gain, ReLU and clip) and of output currents.
    @Suite struct QuantizeKernelTests {
        /// Values around and past the range: ties on code steps, zeros of both signs, NaN and infinities.
        static func values(_ count: Int, step: Double, rng: inout RandomStream) -> [Float] {
            (0..<count).map { k in
                switch k % 11 {
                case 3: Float(Double(k % 9) * step * 0.5)
                case 5: k % 2 == 0 ? 0 : -0.0
                case 7: [Float.nan, .infinity, -.infinity][k % 3]
                default: Float(rng.uniform() * 2.6 - 1.3)
                }
            }
        }

        @Test(arguments: [(8, false), (8, true), (5, false), (12, true)])
        func levelsAreThePortableLoopsBits(bits: Int, signed: Bool) {
            var rng = RandomStream(seed: UInt64(bits * 10 + (signed ? 1 : 0)), stream: "levels")
            let q = Quantizer(bits: bits, fullScale: 1.0, signed: signed)
            for count in [1, 3, 4, 7, 54, 513] {
                let x = Self.values(count, step: q.step, rng: &rng)
                for (gain, clip) in [(Float(1), Float?.none), (1.7, 0.9), (0.6, nil), (2.5, 1.1)] {
                    var clipped = 0, beyond = 0
                    let expected = x.map { xi -> Float in
                        var v = gain * xi
                        if let clip {
                            if v > clip { clipped += 1 }
                            v = min(max(v, 0), clip)
                        }
                        if q.saturates(v) { beyond += 1 }
                        return q.quantize(v)
                    }
                    var out = [Float](repeating: 9, count: count + 4)
                    let counts = x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBufferPointer { q.levels(of: xs, gain: gain, clip: clip, into: UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
                    }
                    guard let counts else { return }  // no AVX: the chip runs the portable loop
                    #expect(counts.beyond == beyond && counts.clipped == (clip == nil ? 0 : clipped), "\(count) values, gain \(gain)")
                    #expect(zip(out, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                            "\(count) values, gain \(gain)")
                    #expect(out[count...].allSatisfy { $0 == 9 })
                }
            }
        }
    }
}
