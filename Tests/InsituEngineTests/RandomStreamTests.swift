import Testing
@testable import InsituEngine

@Suite struct RandomStreamTests {
    /// Skipping n deviates leaves the stream, its spare deviate included, exactly as drawing them
    /// would: from a stream with and without a spare, for every n up to 40 and for 129, 1,000
    /// and 10,001 (blocks of accepted pairs, odd counts).
    @Test func skippingDeviatesLeavesTheStreamAsDrawingThem() {
        for primed in [false, true] {
            for n in Array(0...40) + [129, 1_000, 10_001] {
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
    /// spare deviate included: from a stream with and without a spare, for every n up to 40 and
    /// for 129, 1,000 and 10,001 (several blocks of accepted pairs).
    @Test func fillingDeviatesGivesTheDrawsValues() {
        for primed in [false, true] {
            for n in Array(0...40) + [129, 1_000, 10_001] {
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
