import InsituKernels

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

    /// Whether `x` lies beyond the range, so that its code is clamped.
    @inline(__always)
    public func saturates(_ x: Float) -> Bool {
        let v = Double(x)
        return v > fullScale || v < (signed ? -fullScale : 0)
    }

    /// The value nearest to `x` that the converter can represent (ties to even).
    @inline(__always)
    public func quantize(_ x: Float) -> Float {
        let lo = signed ? -fullScale : 0
        let code = min(max(Double(x), lo), fullScale) / step
        // Adding and subtracting 1.5 x 2^52 rounds a Double below 2^51 to the nearest integer without a libm call.
        let magic = 6755399441055744.0
        return Float(((code + magic) - magic) * step)
    }
}

extension Quantizer {
    /// `quantize` of each of `values` into `out` (the kernel where the processor has AVX).
    func levels(of values: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        if levels(of: values, gain: 1, into: out) == nil {
            for k in values.indices { out[k] = quantize(values[k]) }
        }
    }

    /// `quantize` of gain x each of `values` (with `clip`, of min(max(that, 0), clip)) into `out`
    /// (`insitu_quantize_row`): how many reached the converter beyond its range and how many
    /// were above `clip`, or nil, having done nothing, where the processor lacks AVX.
    func levels(of values: UnsafeBufferPointer<Float>, gain: Float, clip: Float? = nil,
                into out: UnsafeMutableBufferPointer<Float>) -> (beyond: Int, clipped: Int)? {
        guard let x = values.baseAddress, let o = out.baseAddress else { return (0, 0) }
        var q = kernelForm, clipped = 0
        let beyond = insitu_quantize_row(x, values.count, gain, clip ?? 0, clip == nil ? 0 : 1, &q, o, &clipped)
        return beyond >= 0 ? (beyond, clipped) : nil
    }

    /// This converter as the C kernels take it.
    var kernelForm: InsituQuantizer { InsituQuantizer(low: signed ? -fullScale : 0, fullScale: fullScale, step: step) }

    /// The read-back of `count` conductances through gain `scale` (volts per siemens), `adc` and
    /// an optional narrower code `word`, back to siemens (`insitu_read_row`): how many readings
    /// lay beyond the ADC's range, or nil, having done nothing, where the processor lacks AVX.
    static func read(_ g: UnsafePointer<Float>, count: Int, scale: Double, adc: Quantizer, word: Quantizer?,
                     into out: UnsafeMutablePointer<Float>) -> Int? {
        var a = adc.kernelForm
        let beyond: Int
        if var w = word?.kernelForm {
            beyond = insitu_read_row(g, count, scale, &a, &w, out)
        } else {
            beyond = insitu_read_row(g, count, scale, &a, nil, out)
        }
        return beyond >= 0 ? beyond : nil
    }
}
