import Foundation
import Testing
@testable import InsituData
@testable import InsituTraining

@Suite struct DataTests {
    /// A synthetic 28 x 28 image (pixel = 7 x index mod 256) resized by Pillow 11
    /// (Image.fromarray(img[4:24, 4:24]).resize((8, 8), Image.BICUBIC)).
    static let pillow: [UInt8] = [170, 100, 91, 115, 92, 82, 103, 119, 110, 121, 137, 159, 142, 135, 155, 176, 112, 128, 152, 128,
                                  84, 110, 127, 99, 96, 113, 124, 115, 128, 146, 168, 140, 144, 165, 168, 119, 139, 151, 84, 97,
                                  131, 111, 76, 104, 121, 115, 120, 136, 136, 134, 133, 152, 175, 130, 129, 147, 155, 89, 110, 131,
                                  90, 75, 99, 115]

    @Test func bicubicMatchesPillowWithinOneLevel() {
        let image = (0..<784).map { UInt8((7 * $0) % 256) }
        let mine = Preprocessing.image(image[...], side: 28, crop: 20, out: 8)
        #expect(mine.count == 64)
        for (a, b) in zip(mine, Self.pillow) { #expect(abs(Int(a) - Int(b)) <= 1) }
    }

    @Test func kernelIsKeysCubic() {
        #expect(Preprocessing.cubic(0) == 1)
        #expect(Preprocessing.cubic(1) == 0)
        #expect(Preprocessing.cubic(2) == 0)
        #expect(abs(Preprocessing.cubic(0.5) - 0.5625) < 1e-12)     // (1.5 x 0.125) - (2.5 x 0.25) + 1
        // Each output's weights sum to one.
        for c in Preprocessing.coefficients(inSize: 20, outSize: 8) { #expect(abs(c.weights.reduce(0, +) - 1) < 1e-12) }
    }

    /// A resize to the crop's own size is the crop: the unit-scale kernel weighs each sample 1
    /// and its neighbours 0 (so the fast path takes the general path's bytes), as Pillow copies it.
    @Test func resizeToTheSameSizeIsTheCrop() {
        for c in Preprocessing.coefficients(inSize: 20, outSize: 20).enumerated() {
            for (k, w) in c.element.weights.enumerated() {
                let index = c.element.first + k
                #expect(w == (index == c.offset ? 1.0 : 0.0), "output \(c.offset), input \(index): \(w)")
            }
        }
        let image = (0..<784).map { UInt8((7 * $0) % 256) }
        let crop = Preprocessing.image(image[...], side: 28, crop: 20, out: 20)
        var expected: [UInt8] = []
        for r in 4..<24 { for c in 4..<24 { expected.append(image[r * 28 + c]) } }
        #expect(crop == expected)
    }

    @Test func idxErrorsNameTheProblem() {
        #expect(throws: DataError.self) { try IDXReader.parse([1, 2, 3, 4], file: "x") }
        let truncated: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 5, 1, 2]
        do {
            _ = try IDXReader.parse(truncated, file: "labels.idx")
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.description.hasPrefix("labels.idx: error:"))
            #expect(e.message.contains("promises 5"))
        } catch { Issue.record("wrong error") }
        let ok = try? IDXReader.parse([0, 0, 8, 1, 0, 0, 0, 2, 7, 9], file: "ok")
        #expect(ok?.bytes == [7, 9])
    }

    @Test func embeddedDataLoads() throws {
        let split = try EmbeddedMNIST.load(input: InputSpec())
        #expect(split.train.count == 60_000 && split.test.count == 10_000 && split.train.side == 8)
        #expect(split.test.labels.allSatisfy { $0 < 10 })
        let again = try EmbeddedMNIST.decode(EmbeddedMNIST.encode(split), file: "roundtrip")
        #expect(again == split)
        var other = InputSpec()
        other.side = 11
        #expect(throws: DataError.self) { try EmbeddedMNIST.load(input: other) }
    }

    /// Where the MNIST files sit beside a checkout, when they do.
    static let mnistFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data/mnist").standardized.path

    /// The embedded set is exactly the preprocessing of the MNIST files (skipped, and reported
    /// so, where they are not beside the checkout).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: DataTests.mnistFolder), "the MNIST files are not at ../shared/data/mnist"))
    func embeddedDataIsPreprocessedMNIST() throws {
        let folder = Self.mnistFolder
        let mnist = try MNIST.load(folder: folder, input: InputSpec())
        let embedded = try EmbeddedMNIST.load(input: InputSpec())
        #expect(mnist.test == embedded.test)
        #expect(mnist.train.labels == embedded.train.labels)
    }

    @Test func samplerDrawsWithoutReplacement() {
        var s = TrainingData.Sampler(count: 100, seed: 9)
        var seen: [Int] = []
        for _ in 0..<4 { seen += s.next(25) }
        #expect(Set(seen).count == 100)
        let nextPass = s.next(50)
        #expect(Set(nextPass).count == 50)
    }
}
