import InsituKernels

/// Small dense kernels over raw pointers, written so that the compiler vectorises them
/// (no index-overflow checks inside the loops).
public enum VectorMath {
    /// y[0..<n] += a * x[0..<n]
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j < n {
            y[j] += a * x[j]
            j &+= 1
        }
    }

    /// Whether any of the `n` values at `x` differs from zero (NaN does): one OR over their
    /// magnitudes' bits, branch-free, so that it vectorises.
    @inlinable
    public static func anyNonzero(_ x: UnsafePointer<Float>, _ n: Int) -> Bool {
        var bits: UInt32 = 0
        for i in 0..<n { bits |= x[i].bitPattern & 0x7FFF_FFFF }
        return bits != 0
    }

    /// sum of x[j] * y[j] over j < n
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var s: Float = 0
        var j = 0
        while j < n {
            s += x[j] * y[j]
            j &+= 1
        }
        return s
    }

    /// out = W^T v for W of rows x columns (row-major); rows with v = 0 are skipped.
    public static func transposedProduct(_ v: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, columns m: Int,
                                         into out: UnsafeMutableBufferPointer<Float>) {
        let o = out.baseAddress!, base = w.baseAddress!
        // With AVX where the processor has it (InsituKernels): the same sums, in the same order.
        if let x = v.baseAddress, insitu_rows_product(x, v.count, base, m, m, o) != 0 { return }
        for j in 0..<m { o[j] = 0 }
        for i in 0..<v.count where v[i] != 0 {
            axpy(v[i], base + i &* m, o, m)
        }
    }
}

extension VectorMath {
    /// Index of the largest value (first on ties).
    public static func argmax(_ x: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for j in 1..<x.count where x[j] > x[best] { best = j }
        return best
    }
}
