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
}
