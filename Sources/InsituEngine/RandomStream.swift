import InsituKernels
/// A seeded pseudo-random stream (xoshiro256**, seeded through SplitMix64).
///
/// Every entity or purpose draws from its own stream, derived from the run's seed and a
/// stream name, so results never depend on scheduling order or thread count
/// (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021).
public struct RandomStream: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareGaussian: Double?

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// A stream for a named purpose under a run seed (FNV-1a of the name mixed into the seed).
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        self.init(seed: seed ^ h)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal deviate (Marsaglia polar method).
    public mutating func gaussian() -> Double {
        if let g = spareGaussian { spareGaussian = nil; return g }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let m = Self.polarFactor(s)
                spareGaussian = v * m
                return u * m
            }
        }
    }

    /// Writes `count` deviates to `out`: the values, and the stream left, of `count` calls of
    /// `gaussian()` (a row's noise at once). The pairs come in blocks: first their uniforms and
    /// the polar test, counted without a branch (a fifth of the pairs fail it, at random), then
    /// the accepted pairs' logarithms, which the processor overlaps with nothing mispredicted.
    public mutating func fillGaussians(_ out: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        if count > 0, let g = spareGaussian { out[0] = g; spareGaussian = nil; k = 1 }
        guard k < count else { return }
        // The state in registers for the loops (a mutating call on `self` would keep it in memory).
        var stream = self
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * Self.pairsPerBlock) { block in
            let u = block.baseAddress!, v = u + Self.pairsPerBlock, s = v + Self.pairsPerBlock, f = s + Self.pairsPerBlock
            while k < count {
                let wanted = min((count - k + 1) / 2, Self.pairsPerBlock)
                var n = 0
                while n < wanted {
                    let x = 2 * stream.uniform() - 1, y = 2 * stream.uniform() - 1
                    let r = x * x + y * y
                    (u[n], v[n], s[n]) = (x, y, r)
                    n += r > 0 && r < 1 ? 1 : 0
                }
                // The block's factors eight at a time where the processor has AVX-512 (the same
                // bits: InsituKernels' port of the C library's logarithm), else one at a time.
                if insitu_polar_factors(s, n, f) == 0 {
                    for p in 0..<n { f[p] = Self.polarFactor(s[p]) }
                }
                for p in 0..<n {
                    let m = f[p]
                    out[k] = u[p] * m
                    // The pair's second deviate: the next value, or the spare the next draw takes.
                    if k + 1 < count { out[k + 1] = v[p] * m } else { stream.spareGaussian = v[p] * m }
                    k += 2
                }
            }
        }
        self = stream
    }

    /// Accepted pairs drawn before their deviates are formed (`fillGaussians`).
    static let pairsPerBlock = 64

    /// Leaves the stream exactly as `count` calls of `gaussian()` would, without their
    /// logarithms: only the accepted pairs' uniforms are drawn (counted without a branch), and
    /// the last pair's spare deviate is formed when it is left over. A piece of work that starts
    /// after `count` deviates of another can so start beside it.
    public mutating func skipGaussians(_ count: Int) {
        var left = count
        if left > 0, spareGaussian != nil { spareGaussian = nil; left -= 1 }
        guard left > 0 else { return }
        var stream = self
        // Each accepted pair gives two deviates: the second is the spare the next draw takes when
        // one is left, so the pairs wanted are ceil(left / 2), and the last one's is kept.
        let wanted = (left + 1) / 2
        var accepted = 0, lastY = 0.0, lastR = 0.0
        while accepted < wanted {
            let x = 2 * stream.uniform() - 1, y = 2 * stream.uniform() - 1
            let r = x * x + y * y
            let takes = r > 0 && r < 1
            accepted += takes ? 1 : 0
            lastY = takes ? y : lastY
            lastR = takes ? r : lastR
        }
        if left % 2 == 1 { stream.spareGaussian = lastY * Self.polarFactor(lastR) }
        self = stream
    }

    /// The polar method's factor for an accepted pair of squared radius `s`: sqrt(-2 ln s / s).
    @inline(__always)
    private static func polarFactor(_ s: Double) -> Double { (-2 * _log(s) / s).squareRoot() }

    /// A uniformly chosen index below `bound`.
    public mutating func index(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

@inline(__always) private func _log(_ x: Double) -> Double {
    #if canImport(Glibc)
    return Glibc.log(x)
    #else
    return Foundation.log(x)
    #endif
}
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
