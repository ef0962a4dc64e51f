import Testing
@testable import InsituEngine

@Suite struct RandomStreamTests {
    /// Skipping n deviates leaves the stream, its spare deviate included, exactly as drawing them
    /// would: from a stream with and without a spare, for every n up to 40.
    @Test func skippingDeviatesLeavesTheStreamAsDrawingThem() {
        for primed in [false, true] {
            for n in 0...40 {
                var drawn = RandomStream(seed: 11, stream: "skip")
                if primed { _ = drawn.gaussian() }
                var skipped = drawn
                for _ in 0..<n { _ = drawn.gaussian() }
                skipped.skipGaussians(n)
                #expect(drawn == skipped, "n = \(n), primed \(primed)")
                #expect(drawn.gaussian() == skipped.gaussian())
                #expect(drawn.gaussian() == skipped.gaussian())
            }
        }
    }

    /// Filling n deviates gives the values of n draws and leaves the stream as they would, its
    /// spare deviate included: from a stream with and without a spare, for every n up to 40.
    @Test func fillingDeviatesGivesTheDrawsValues() {
        for primed in [false, true] {
            for n in 0...40 {
                var drawn = RandomStream(seed: 12, stream: "fill")
                if primed { _ = drawn.gaussian() }
                var filled = drawn
                let expected = (0..<n).map { _ in drawn.gaussian() }
                var values = [Double](repeating: .nan, count: n + 1)
                values.withUnsafeMutableBufferPointer { filled.fillGaussians($0.baseAddress!, count: n) }
                #expect(Array(values[0..<n]) == expected, "n = \(n), primed \(primed)")
                #expect(values[n].isNaN, "nothing written past the count")
                #expect(drawn == filled, "n = \(n), primed \(primed)")
                #expect(drawn.gaussian() == filled.gaussian())
            }
        }
    }
}
