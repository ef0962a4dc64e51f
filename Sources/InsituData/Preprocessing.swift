import InsituTraining

/// The paper's preprocessing: central crop, anti-aliased bicubic resize, 8-bit result.
///
/// The resize follows Pillow's `Image.resize(BICUBIC)`: a separable cubic convolution
/// kernel (a = -0.5, Keys 1981) widened by the down-scaling factor so that it also
/// low-pass filters (anti-aliasing), horizontal pass first, each pass rounded and clamped
/// to 0...255. A plain cubic-spline zoom costs about 2 accuracy points (li2018.md section 7).
public enum Preprocessing {
    /// Keys' cubic convolution kernel with a = -0.5.
    static func cubic(_ t: Double) -> Double {
        let a = -0.5, x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Pillow's coefficients for resizing `inSize` samples to `outSize`: per output sample,
    /// the first input index and the normalised weights.
    static func coefficients(inSize: Int, outSize: Int) -> [(first: Int, weights: [Double])] {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = 2.0 * filterScale
        return (0..<outSize).map { i in
            let center = (Double(i) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inSize)
            var w = (lo..<hi).map { cubic((Double($0) - center + 0.5) / filterScale) }
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
            return (lo, w)
        }
    }

    static func clampByte(_ v: Double) -> UInt8 { UInt8(min(max(v.rounded(), 0), 255)) }

    /// Crops the central `crop` x `crop` of a `side` x `side` image and resizes it to `out` x `out`.
    public static func image(_ src: ArraySlice<UInt8>, side: Int, crop: Int, out: Int) -> [UInt8] {
        image(src, side: side, crop: crop, out: out, coefficients: coefficients(inSize: crop, outSize: out))
    }

    /// `image(_:side:crop:out:)` with the resize's coefficients computed once for a data set.
    /// Resizing to the crop's own size is the crop itself (the kernel's weights at unit scale
    /// are 1 at the sample and 0 at its neighbours, as Pillow copies an image resized to its size).
    static func image(_ src: ArraySlice<UInt8>, side: Int, crop: Int, out: Int, coefficients co: [(first: Int, weights: [Double])]) -> [UInt8] {
        let offset = (side - crop) / 2
        let base = src.startIndex
        if crop == out {
            var result = [UInt8](repeating: 0, count: out * out)
            for r in 0..<crop {
                let row = base + (r + offset) * side + offset
                for j in 0..<crop { result[r * out + j] = src[row + j] }
            }
            return result
        }
        // Horizontal pass: crop rows x out columns.
        var mid = [UInt8](repeating: 0, count: crop * out)
        for r in 0..<crop {
            let row = base + (r + offset) * side + offset
            for (j, c) in co.enumerated() {
                var s = 0.0
                for (k, w) in c.weights.enumerated() { s += w * Double(src[row + c.first + k]) }
                mid[r * out + j] = clampByte(s)
            }
        }
        // Vertical pass.
        var result = [UInt8](repeating: 0, count: out * out)
        for (i, c) in co.enumerated() {
            for j in 0..<out {
                var s = 0.0
                for (k, w) in c.weights.enumerated() { s += w * Double(mid[(c.first + k) * out + j]) }
                result[i * out + j] = clampByte(s)
            }
        }
        return result
    }

    /// Preprocesses every image of an IDX image array.
    public static func dataset(images: IDXReader.Array, labels: IDXReader.Array, input: InputSpec,
                               imagesFile: String, labelsFile: String) throws -> Dataset {
        var stream = try ImageStream(dimensions: images.dimensions, labels: labels, input: input,
                                     imagesFile: imagesFile, labelsFile: labelsFile)
        images.bytes.withUnsafeBufferPointer { stream.take($0) }
        return stream.dataset
    }
}
