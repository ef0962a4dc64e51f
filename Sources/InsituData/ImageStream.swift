import InsituTraining

/// Images preprocessed as their bytes arrive (an IDX payload in pieces, `IDXReader.stream`):
/// only the preprocessed pixels are kept, never the file's.
public struct ImageStream {
    let side: Int, crop: Int, out: Int
    let coefficients: [(first: Int, weights: [Double])]
    let labels: [UInt8]
    /// The bytes of the image being gathered.
    var image: [UInt8] = []
    var pixels: [UInt8] = []

    /// Checks an IDX image array's dimensions against its labels and the input geometry.
    public init(dimensions: [Int], labels: IDXReader.Array, input: InputSpec, imagesFile: String, labelsFile: String) throws {
        guard dimensions.count == 3, dimensions[1] == dimensions[2] else {
            throw DataError(file: imagesFile, "expected an IDX image array of N x side x side, found \(dimensions)")
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == dimensions[0] else {
            throw DataError(file: labelsFile, "expected \(dimensions[0]) labels to match the images, found dimensions \(labels.dimensions)")
        }
        if let bad = labels.bytes.first(where: { $0 > 9 }) {
            throw DataError(file: labelsFile, "label \(bad) is not a digit 0-9")
        }
        side = dimensions[1]
        let n = dimensions[0]
        guard n > 0 else { throw DataError(file: imagesFile, "holds no images (the IDX header says 0)") }
        guard input.cropSide <= side else {
            throw DataError(file: imagesFile, "input.crop \(input.cropSide) is larger than the images (\(side) x \(side))")
        }
        crop = input.cropSide
        out = input.side
        self.labels = labels.bytes
        coefficients = Preprocessing.coefficients(inSize: crop, outSize: out)
        image.reserveCapacity(side * side)
        // The labels were read whole, so their count is real; at most what a file of IDX's largest size holds.
        pixels.reserveCapacity(min(n, IDXReader.maximumBytes / max(side * side, 1)) * out * out)
    }

    /// Takes the next bytes of the images; those past the last image are ignored (the reader refuses such a file).
    public mutating func take(_ bytes: UnsafeBufferPointer<UInt8>) {
        let size = side * side, n = labels.count
        var k = 0
        while k < bytes.count && pixels.count < n * out * out {
            let m = min(size - image.count, bytes.count - k)
            image.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[k..<(k + m)]))
            k += m
            if image.count == size {
                pixels += Preprocessing.image(image[...], side: side, crop: crop, out: out, coefficients: coefficients)
                image.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The preprocessed images with their labels (all of them, once every image has arrived).
    public var dataset: Dataset {
        precondition(pixels.count == labels.count * out * out, "every image has arrived")
        return Dataset(side: out, pixels: pixels, labels: labels)
    }
}
