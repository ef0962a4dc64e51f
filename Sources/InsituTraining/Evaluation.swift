import InsituHardware

/// Test-set accuracy through the chip's forward path (charged to the test phase).
enum Evaluation {
    static let chunk = 500

    static func accuracy(of chip: Chip, on data: TrainingData) throws -> Double {
        var correct = 0
        var start = 0
        while start < data.testCount {
            let end = min(start + chunk, data.testCount)
            let volts = Array(data.testVolts[(start * data.inputCount)..<(end * data.inputCount)])
            correct += try chip.runBatch(volts: volts, labels: Array(data.testLabels[start..<end]), train: false).correct
            start = end
        }
        return data.testCount == 0 ? 0 : Double(correct) / Double(data.testCount)
    }
}
