import Foundation
import InsituEngine
import InsituHardware

/// What a training run produced: accuracy over time, final accuracy, and what it took.
public struct TrainingOutcome: Sendable {
    /// One test-set evaluation: after how many training images, and the accuracy (0-1).
    public struct Point: Sendable, Equatable, Codable {
        public var images: Int
        public var accuracy: Double
        /// Energy charged and simulated time elapsed so far, when the evaluation ended (0 without accounting).
        public var joules: Double
        public var simulatedPicoseconds: UInt64
        public init(images: Int, accuracy: Double, joules: Double = 0, simulatedPicoseconds: UInt64 = 0) {
            self.images = images
            self.accuracy = accuracy
            self.joules = joules
            self.simulatedPicoseconds = simulatedPicoseconds
        }

        /// The point at the end of an evaluation on `accelerator`, with its costs so far.
        public init(images: Int, accuracy: Double, on accelerator: any Accelerator) {
            self.init(images: images, accuracy: accuracy,
                      joules: accelerator.isCosted ? accelerator.ledger.totalEnergyQuanta.doubleValue * Ledger.quantumJoules : 0,
                      simulatedPicoseconds: accelerator.simulatedTime.picoseconds)
        }
    }

    public var method: TrainingSpec.Method
    public var curve: [Point] = []
    /// Accuracy of each training minibatch as it was seen (the paper's Fig. 3c).
    public var batchAccuracy: [Double] = []
    public var finalAccuracy = 0.0
    public var imagesTrained = 0
    public var updates = 0
    public var testImages = 0
    /// Simulated chip time of the whole run (zero for floating-point training).
    public var simulatedTime = SimTime.zero
    public var wallSeconds = 0.0
    public var telemetry = Telemetry()
    /// Devices stuck, of all devices used.
    public var stuckDevices = 0
    public var devices = 0
    public var dataSource = ""

    public init(method: TrainingSpec.Method) { self.method = method }

    /// Final test on the accelerator, appended to the curve, and what the accelerator did.
    public mutating func finish(testing accelerator: any Accelerator, on data: TrainingData, since wallStart: Date) throws {
        finalAccuracy = try Evaluation.accuracy(of: accelerator, on: data)
        curve.append(.init(images: imagesTrained, accuracy: finalAccuracy, on: accelerator))
        testImages = data.testCount
        simulatedTime = accelerator.simulatedTime
        telemetry = accelerator.telemetry
        wallSeconds = Date().timeIntervalSince(wallStart)
        stuckDevices = accelerator.census?.stuck ?? 0
        devices = accelerator.census?.devices ?? 0
        dataSource = data.source
    }
}
