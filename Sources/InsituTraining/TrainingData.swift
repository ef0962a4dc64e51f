import InsituEngine

/// A data split turned into row voltages, with the paper's sampling of minibatches. Pixels
/// stay bytes (a quarter of the memory of their voltages) and become voltages as images are
/// taken: p / 255 x maxVolts, one scale factor for every image.
public struct TrainingData: Sendable {
    public let inputCount: Int
    let trainPixels: [UInt8]
    public let trainLabels: [Int]
    let testPixels: [UInt8]
    public let testLabels: [Int]
    public let source: String
    /// Volts per pixel level: maxVolts / 255.
    let scale: Float

    public init(split: DataSplit, maxVolts: Double, testImages: Int = 0) {
        scale = Float(maxVolts / 255)
        inputCount = split.train.inputCount
        trainPixels = split.train.pixels
        trainLabels = split.train.labels.map(Int.init)
        let test = split.test.prefix(testImages)
        testPixels = test.pixels
        testLabels = test.labels.map(Int.init)
        source = split.source
    }

    /// Voltages of test images `images`, packed.
    public func testVolts(_ images: Range<Int>) -> [Float] {
        testPixels[(images.lowerBound * inputCount)..<(images.upperBound * inputCount)].map { Float($0) * scale }
    }

    public var trainCount: Int { trainLabels.count }
    public var testCount: Int { testLabels.count }

    /// The same data in storage of its own: runs on several threads each take one, so that
    /// they do not contend for the reference counts of shared arrays.
    public var unshared: TrainingData {
        var copy = self
        copy.own()
        return copy
    }

    private mutating func own() {
        self = TrainingData(inputCount: inputCount, trainPixels: trainPixels.map { $0 }, trainLabels: trainLabels.map { $0 },
                            testPixels: testPixels.map { $0 }, testLabels: testLabels.map { $0 }, source: source, scale: scale)
    }

    private init(inputCount: Int, trainPixels: [UInt8], trainLabels: [Int], testPixels: [UInt8], testLabels: [Int], source: String, scale: Float) {
        self.inputCount = inputCount
        self.trainPixels = trainPixels
        self.trainLabels = trainLabels
        self.testPixels = testPixels
        self.testLabels = testLabels
        self.source = source
        self.scale = scale
    }

    /// Yields minibatches drawn without replacement; a new permutation starts when the
    /// training set is exhausted (80,000 images from 60,000 draw some twice).
    public struct Sampler: Codable, Equatable {
        private var order: [Int] = []
        private var position = 0
        private var rng: RandomStream
        private let count: Int

        public init(count: Int, seed: UInt64) {
            self.count = count
            rng = RandomStream(seed: seed, stream: "minibatches")
        }

        /// Whether a restored sampler is one over `count` images: its order a permutation of them, its position inside it.
        func isValid(count expected: Int) -> Bool {
            guard count == expected, order.isEmpty || order.count == count, position >= 0, position <= order.count else { return false }
            var seen = [Bool](repeating: false, count: order.count)
            for i in order {
                guard i >= 0 && i < count && !seen[i] else { return false }
                seen[i] = true
            }
            return true
        }

        public mutating func next(_ size: Int) -> [Int] {
            var batch: [Int] = []
            batch.reserveCapacity(size)
            while batch.count < size {
                if position == order.count {
                    order = Array(0..<count)
                    for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.index(below: i + 1)) }
                    position = 0
                }
                batch.append(order[position])
                position += 1
            }
            return batch
        }
    }

    /// Voltages and labels of the given training images, packed.
    /// One plain loop over pointers (appending each image's pixels as a lazy map took some 5 ns a
    /// pixel, 4% of the calling thread's time in the default run).
    public func batch(_ indices: [Int]) -> (volts: [Float], labels: [Int]) {
        let n = inputCount, scale = self.scale
        let volts = [Float](unsafeUninitializedCapacity: indices.count * n) { out, initialized in
            trainPixels.withUnsafeBufferPointer { pixels in
                for (k, i) in indices.enumerated() where n > 0 {
                    precondition(i >= 0 && (i + 1) * n <= pixels.count, "training image \(i) is out of range")
                    let from = pixels.baseAddress! + i * n, to = out.baseAddress! + k * n
                    for j in 0..<n { to[j] = Float(from[j]) * scale }
                }
            }
            initialized = indices.count * n
        }
        return (volts, indices.map { trainLabels[$0] })
    }
}
