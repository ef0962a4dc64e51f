/// Uniform quantisation of a converter: signed or unsigned full scale, round to nearest, clamp.
public struct Quantizer: Sendable, Equatable {
    public let bits: Int
    public let fullScale: Double
    public let signed: Bool
    /// Value of one code step.
    public let step: Double

    public init(bits: Int, fullScale: Double, signed: Bool) {
        self.bits = bits
        self.fullScale = fullScale
        self.signed = signed
        let levels = signed ? Double(1 << UInt64(max(bits - 1, 0))) : Double((1 << UInt64(bits)) - 1)
        step = fullScale / max(levels, 1)
    }

    /// The value nearest to `x` that the converter can represent.
    @inline(__always)
    public func quantize(_ x: Float) -> Float {
        let lo = signed ? -fullScale : 0
        let clamped = min(max(Double(x), lo), fullScale)
        return Float((clamped / step).rounded() * step)
    }
}
