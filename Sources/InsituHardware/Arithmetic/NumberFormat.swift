import InsituKernels

/// A number format a digital machine stores or computes a tensor in, with the rounding
/// that emulates it on `Float` values (round to nearest, ties to even).
public enum NumberFormat: String, Sendable, CaseIterable, Equatable {
    case fp32, bf16, fp16, int8, int32

    /// Bits per stored value.
    public var bits: Int {
        switch self {
        case .fp32, .int32: 32
        case .bf16, .fp16: 16
        case .int8: 8
        }
    }

    public var isInteger: Bool { self == .int8 || self == .int32 }

    /// Largest magnitude of an integer format's symmetric range: 127 for int8; for int32 the
    /// largest binary32 value below 2^31 (2^31 - 128), since the codes are held as Float.
    public var integerLimit: Float { self == .int8 ? 127 : 2_147_483_520 }

    /// Rounds one value held in `unit`s (value / unit is what the format stores) to a float format.
    /// Integer formats need a tensor-wide scale: use `round(_:unit:)` on the whole tensor.
    @inlinable
    public func roundFloat(_ x: Float) -> Float {
        switch self {
        case .fp32, .int8, .int32: return x
        case .fp16: return Self.binary16(x)
        case .bf16: return Self.bfloat16(x)
        }
    }

    /// Rounds `values` in place as this format stores them, in units of `unit` (a power-free
    /// scale that keeps the stored numbers near 1, as loss scaling does). Integer formats use
    /// one symmetric scale for the whole buffer: max |x| maps to the largest integer.
    public func round(_ values: UnsafeMutableBufferPointer<Float>, unit: Float = 1) {
        switch self {
        case .fp32: return
        case .fp16, .bf16:
            // fp16 with x86's conversions where the processor has them (InsituKernels).
            if self == .fp16, let base = values.baseAddress, insitu_round_fp16(base, values.count, unit) != 0 { return }
            if unit == 1 {
                for i in values.indices { values[i] = roundFloat(values[i]) }
            } else {
                for i in values.indices { values[i] = roundFloat(values[i] / unit) * unit }
            }
        case .int8, .int32:
            Self.roundSymmetric(values, limit: integerLimit)
        }
    }

    /// Rounds `values` in place to symmetric integers of at most `limit` in magnitude, one
    /// scale for the whole buffer (max |x| maps to `limit`), as an integer format or a narrow
    /// memory word holds them.
    public static func roundSymmetric(_ values: UnsafeMutableBufferPointer<Float>, limit: Float) {
        // Eight values at a time where the processor has AVX (InsituKernels), the same bits.
        if let base = values.baseAddress, insitu_round_symmetric(base, values.count, limit) != 0 { return }
        var m: Float = 0
        for v in values where v.isFinite { m = max(m, abs(v)) }
        let scale = m / limit
        guard scale > 0 else { return }
        for i in values.indices {
            values[i] = min(max((values[i] / scale).rounded(.toNearestOrEven), -limit), limit) * scale
        }
    }

    /// Rounds `values` in place as words of `bits` bits hold them: a value of this format
    /// that is wider than the word is kept as a symmetric integer of `bits` bits (2^(bits-1) - 1
    /// at most in magnitude), one scale for the whole buffer; a word as wide as the format keeps it.
    public func roundToWord(_ values: UnsafeMutableBufferPointer<Float>, bits: Int) {
        guard bits < self.bits, bits >= 2 else { return }
        Self.roundSymmetric(values, limit: Float((1 << (bits - 1)) - 1))
    }

    /// Rounds an array in place (see `round(_:unit:)`).
    public func round(_ values: inout [Float], unit: Float = 1) {
        guard self != .fp32 else { return }
        values.withUnsafeMutableBufferPointer { round($0, unit: unit) }
    }

    /// The scale of a symmetric integer quantisation of `values`: max |x| / limit (0 when all are 0).
    public func integerScale(_ values: UnsafeBufferPointer<Float>) -> Float {
        var m: Float = 0
        for v in values where v.isFinite { m = max(m, abs(v)) }
        return m / integerLimit
    }

    /// binary16 (fp16), round to nearest even: the same value as `Float(Float16(x))`, computed
    /// on the binary32 bits where the result is normal (no library call on machines without
    /// half-precision instructions); subnormals in steps of 2^-24, beyond 65520 infinity.
    @inlinable
    public static func binary16(_ x: Float) -> Float {
        let bits = x.bitPattern
        let exponent = (bits >> 23) & 0xFF
        let infinity: Float = x < 0 ? -.infinity : .infinity
        // Normal in binary16: keep 10 of the 23 fraction bits, ties to even.
        let r = Float(bitPattern: (bits &+ 0x0FFF &+ ((bits >> 13) & 1)) & 0xFFFF_E000)
        let normal = abs(r) < 65536 ? r : infinity
        // Below 2^-14: binary16's subnormals, multiples of 2^-24; |x / 2^-24| < 2^10 there, so
        // adding and subtracting 1.5 x 2^23 rounds it to the nearest integer, ties to even.
        let magic: Float = 0x1.8p23
        let subnormal = ((x * 0x1p24 + magic) - magic) * 0x1p-24
        // Every case is computed and one selected: the loops that round whole rows vectorise.
        let y = exponent >= 113 && exponent <= 142 ? normal : (exponent > 142 ? infinity : subnormal)
        return x.isNaN ? x : y
    }

    /// bfloat16: the top 16 bits of a binary32, rounded to nearest even; NaN stays NaN.
    @inlinable
    public static func bfloat16(_ x: Float) -> Float {
        guard !x.isNaN else { return x }
        let bits = x.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: rounded & 0xFFFF_0000)
    }
}
