import Foundation
import Testing
import InsituArchFile
import InsituData
import InsituHardware
@testable import InsituTraining

/// The learning rates' step decay: by hand, through the training loop, and as arch keys.
@Suite struct LearningRateDecayTests {
    @Test func factorStepsEveryNImages() {
        var t = TrainingSpec()
        #expect(t.learningRateFactor(after: 1_000_000) == 1)
        t.learningRateDecay = 0.5
        t.learningRateDecayEvery = 100
        #expect([0, 99, 100, 199, 200, 250, 399].map(t.learningRateFactor) == [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125])
    }

    /// Hands every batch's gradients to a list, leaving the weights alone.
    final class Recorder: UpdateRule {
        var seen: [[[Float]]] = []
        func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws { seen.append(gradients) }
    }

    /// A loop with the decay hands the rule the gradients of the same batches times 1, 1/2, 1/4
    /// (a network the recorder leaves unchanged gives the same gradients with and without it).
    @Test func theLoopScalesWhatTheRuleSteps() throws {
        // Two classes of 2 x 2 images: a bright left or right column.
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for k in 0..<60 {
            let noise = UInt8(k * 37 % 40)
            pixels += k % 2 == 0 ? [200 + noise / 2, noise, 210, noise / 2] : [noise, 200 + noise / 2, noise / 2, 210]
            labels.append(UInt8(k % 2))
        }
        let set = Dataset(side: 2, pixels: pixels, labels: labels)
        let data = TrainingData(split: DataSplit(train: set, test: set, source: "columns"), maxVolts: 0.2)
        var training = TrainingSpec()
        training.batchSize = 10
        training.images = 30
        training.evaluationInterval = 0
        func gradients(decay: Double) throws -> [[[Float]]] {
            training.learningRateDecay = decay
            training.learningRateDecayEvery = 10
            let activation = Activation(gain: 2e4, clip: 0.2, outputScalePerAmp: 1e5)
            let network = SoftwareNetwork(widths: [4, 3, 2], activation: activation,
                                          weights: [(0..<12).map { Float($0 % 5) * 1e-6 - 2e-6 }, (0..<6).map { Float($0 % 3) * 2e-6 - 2e-6 }])
            let recorder = Recorder()
            var outcome = TrainingOutcome(method: .float)
            try TrainingLoop(accelerator: network, training: training, activation: activation, rule: recorder).run(on: data, into: &outcome)
            return recorder.seen
        }
        let constant = try gradients(decay: 1), decayed = try gradients(decay: 0.5)
        #expect(constant.count == 3 && decayed.count == 3)
        #expect(constant.joined().joined().contains { $0 != 0 })
        for (k, factor) in [Float(1), 0.5, 0.25].enumerated() {
            #expect(decayed[k] == constant[k].map { $0.map { $0 * factor } }, "batch \(k + 1)")
        }
    }

    @Test func keysComeTogetherAndInRange() throws {
        let base = "extends: li2018.yaml\ntraining:\n"
        let arch = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../arch").standardized
        func load(_ lines: String) throws -> ArchDesign {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-decay-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.copyItem(at: arch.appendingPathComponent("li2018.yaml"), to: dir.appendingPathComponent("li2018.yaml"))
            let file = dir.appendingPathComponent("decay.yaml")
            try (base + lines).write(to: file, atomically: true, encoding: .utf8)
            return try ArchDesign.load(path: file.path)
        }
        let design = try load("  learning_rate_decay: 0.5\n  learning_rate_decay_every: 400000\n")
        #expect(design.training.learningRateDecay == 0.5 && design.training.learningRateDecayEvery == 400_000)
        for (lines, says) in [("  learning_rate_decay: 0.5\n", "needs training.learning_rate_decay_every"),
                              ("  learning_rate_decay_every: 10\n", "needs training.learning_rate_decay"),
                              ("  learning_rate_decay: 1.5\n  learning_rate_decay_every: 10\n", "out of range"),
                              ("  learning_rate_decay: 0.5\n  learning_rate_decay_every: 0\n", "out of range")] {
            #expect { try load(lines) } throws: { error in "\(error)".contains(says) && "\(error)".contains("decay.yaml") }
        }
    }
}
