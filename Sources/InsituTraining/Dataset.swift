/// Labelled images ready for a chip: square, 8-bit, one byte per pixel, row-major.
///
/// Pixel p becomes p / 255 x maxVolts on its rows (one scale factor for every image, as in
/// the paper), so the 8-bit value is exactly what an 8-bit input DAC can drive.
public struct Dataset: Sendable, Equatable {
    public var side: Int
    public var pixels: [UInt8]
    public var labels: [UInt8]

    public init(side: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == side * side * labels.count, "pixels and labels disagree")
        self.side = side
        self.pixels = pixels
        self.labels = labels
    }

    public var count: Int { labels.count }
    public var inputCount: Int { side * side }

    /// The first `n` images (or all if n is 0 or larger than the set).
    public func prefix(_ n: Int) -> Dataset {
        let k = (n <= 0 || n >= count) ? count : n
        return Dataset(side: side, pixels: Array(pixels[0..<(k * inputCount)]), labels: Array(labels[0..<k]))
    }
}

/// A training set and a test set of the same shape.
public struct DataSplit: Sendable, Equatable {
    public var train: Dataset
    public var test: Dataset
    /// Where the data came from, for reports.
    public var source: String
    public init(train: Dataset, test: Dataset, source: String) {
        self.train = train
        self.test = test
        self.source = source
    }
}
