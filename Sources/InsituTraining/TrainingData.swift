import InsituEngine

/// A data split turned into row voltages, with the paper's sampling of minibatches.
public struct TrainingData: Sendable {
    public let inputCount: Int
    public let trainVolts: [Float]
    public let trainLabels: [Int]
    public let testVolts: [Float]
    public let testLabels: [Int]
    public let source: String

    /// Pixels p become p / 255 x maxVolts: one scale factor for every image.
    public init(split: DataSplit, maxVolts: Double, testImages: Int = 0) {
        let scale = Float(maxVolts / 255)
        inputCount = split.train.inputCount
        trainVolts = split.train.pixels.map { Float($0) * scale }
        trainLabels = split.train.labels.map(Int.init)
        let test = split.test.prefix(testImages)
        testVolts = test.pixels.map { Float($0) * scale }
        testLabels = test.labels.map(Int.init)
        source = split.source
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
        self = TrainingData(inputCount: inputCount, trainVolts: trainVolts.map { $0 }, trainLabels: trainLabels.map { $0 },
                            testVolts: testVolts.map { $0 }, testLabels: testLabels.map { $0 }, source: source)
    }

    private init(inputCount: Int, trainVolts: [Float], trainLabels: [Int], testVolts: [Float], testLabels: [Int], source: String) {
        self.inputCount = inputCount
        self.trainVolts = trainVolts
        self.trainLabels = trainLabels
        self.testVolts = testVolts
        self.testLabels = testLabels
        self.source = source
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
    public func batch(_ indices: [Int]) -> (volts: [Float], labels: [Int]) {
        var volts: [Float] = []
        volts.reserveCapacity(indices.count * inputCount)
        for i in indices { volts += trainVolts[(i * inputCount)..<((i + 1) * inputCount)] }
        return (volts, indices.map { trainLabels[$0] })
    }
}
