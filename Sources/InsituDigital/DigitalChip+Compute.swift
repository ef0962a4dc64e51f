import InsituHardware

extension DigitalChip {
    /// The functional forward pass of a batch, image by image, in the chip's formats.
    func compute(_ batch: InputBatch) -> ForwardPass {
        var pass = ForwardPass(widths: widths, count: batch.count)
        let f = spec.formats
        let L = widths.count - 1
        for s in 0..<batch.count {
            var a = Array(batch.volts[(s * widths[0])..<((s + 1) * widths[0])])
            var out = [Float]()
            for l in 0..<L {
                out = product(a, layer: l)
                if l < L - 1 {
                    for j in out.indices { out[j] = min(max(hiddenGain * out[j], 0), hiddenClip) }
                    f.activations.round(&out)
                    pass.setActivations(layer: l + 1, image: s, out)
                } else {
                    // Output currents are kept as logits k I, the numbers the softmax reads.
                    f.activations.round(&out, unit: 1 / errorUnit)
                }
                a = out
            }
            pass.setActivations(layer: 0, image: s, rounded(Array(batch.volts[(s * widths[0])..<((s + 1) * widths[0])])))
            pass.setOutputs(image: s, out)
            pass.predictions[s] = out.withUnsafeBufferPointer { VectorMath.argmax($0) }
        }
        return pass
    }

    /// Inputs as the activation format stores them.
    func rounded(_ a: [Float]) -> [Float] {
        var r = a
        spec.formats.activations.round(&r)
        return r
    }

    /// a W for one image: operands in their formats, sums in the accumulator's.
    func product(_ input: [Float], layer l: Int) -> [Float] {
        let m = widths[l + 1]
        let f = spec.formats
        var out = [Float](repeating: 0, count: m)
        if f.activations.isInteger || f.weights.isInteger {
            integerProduct(input, layer: l, into: &out)
            return out
        }
        let a = rounded(input)
        if f.accumulator == .fp32 {
            a.withUnsafeBufferPointer { a in
                working[l].withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { VectorMath.transposedProduct(a, w, columns: m, into: $0) }
                }
            }
        } else {
            // A narrow accumulator rounds after every addition (in logit units for the sums of currents).
            let acc = f.accumulator, unit = weightUnit
            for j in 0..<m {
                var sum: Float = 0
                for i in a.indices { sum = acc.roundFloat((sum + a[i] * working[l][i * m + j]) / unit) * unit }
                out[j] = sum
            }
        }
        return out
    }

    /// int8 operands with int32 accumulation: the sum of code products is exact in integers
    /// and scaled once by the two tensors' scales.
    func integerProduct(_ input: [Float], layer l: Int, into out: inout [Float]) {
        let m = widths[l + 1]
        let scaleA = input.withUnsafeBufferPointer { NumberFormat.int8.integerScale($0) }
        guard scaleA > 0, weightScales[l] > 0 else { return }
        let codes = input.map { Int32(min(max(($0 / scaleA).rounded(.toNearestOrEven), -127), 127)) }
        var acc = [Int32](repeating: 0, count: m)
        weightCodes[l].withUnsafeBufferPointer { w in
            for (i, q) in codes.enumerated() where q != 0 {
                for j in 0..<m { acc[j] &+= q &* w[i * m + j] }
            }
        }
        let scale = scaleA * weightScales[l]
        for j in 0..<m { out[j] = Float(acc[j]) * scale }
    }
}
