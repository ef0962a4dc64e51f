import Foundation
import Testing
@testable import InsituEngine

/// A stream fed by deviates drawn ahead on the side thread gives the values it would draw
/// itself, and is left where drawing them itself would have left it.
@Suite struct GaussianFeedTests {
    /// `gaussians` deviates, then `uniforms` uniforms (which leave the feed), then `more`
    /// deviates, from `stream`, fed when `fed` and the side thread is free.
    static func draws(_ stream: RandomStream, fed: Bool, gaussians: Int, uniforms: Int, more: Int) -> (values: [UInt64], fedRan: Bool) {
        var s = stream, values: [UInt64] = []
        func draw() {
            for _ in 0..<gaussians { values.append(s.gaussian().bitPattern) }
            for _ in 0..<uniforms { values.append(s.uniform().bitPattern) }
            for _ in 0..<more { values.append(s.gaussian().bitPattern) }
        }
        guard fed else {
            draw()
            return (values, false)
        }
        // Other suites may hold the side thread for a moment: a few tries before drawing unfed.
        var ran = false
        for _ in 0..<50 where !ran {
            let feed = GaussianFeed(s)
            ran = Overlap.beside(feed.produce, while: {
                s.attach(feed)
                defer { s.detach() }
                draw()
            })
            if !ran { Thread.sleep(forTimeInterval: 0.001) }
        }
        if !ran { draw() }
        // Where the stream is left: its next draws.
        for _ in 0..<3 { values.append(s.next()) }
        values.append(s.gaussian().bitPattern)
        return (values, ran)
    }

    @Test func fedDrawsAreTheStreamsOwn() {
        let stream = RandomStream(seed: 7, stream: "feed")
        var fedRuns = 0
        // Counts below, at and across the publishing interval and beyond a lap of the buffer,
        // odd counts leaving a spare deviate of a pair behind.
        for (g, u, m) in [(0, 0, 0), (1, 0, 0), (31, 0, 0), (32, 0, 0), (33, 1, 5), (4_095, 0, 0), (10_001, 2, 3), (50_000, 0, 1)] {
            var direct = Self.draws(stream, fed: false, gaussians: g, uniforms: u, more: m).values
            // The direct run's tail: where the stream is left.
            var tail = stream
            for _ in 0..<g { _ = tail.gaussian() }
            for _ in 0..<u { _ = tail.uniform() }
            for _ in 0..<m { _ = tail.gaussian() }
            direct += (0..<3).map { _ in tail.next() } + [tail.gaussian().bitPattern]
            let fed = Self.draws(stream, fed: true, gaussians: g, uniforms: u, more: m)
            #expect(fed.values == direct, "\(g) deviates, \(u) uniforms, \(m) more (fed: \(fed.fedRan))")
            fedRuns += fed.fedRan ? 1 : 0
        }
        // On two cores the side thread did draw ahead.
        if ProcessInfo.processInfo.activeProcessorCount > 1 { #expect(fedRuns > 0) }
    }

    /// A detached stream compares and encodes as the stream it stands for: the feed is not state.
    @Test func aFedStreamEncodesAsItsState() throws {
        var a = RandomStream(seed: 3), b = a
        let feed = GaussianFeed(b)
        if Overlap.beside(feed.produce, while: {
            b.attach(feed)
            defer { b.detach() }
            for _ in 0..<100 { _ = b.gaussian() }
        }) {
            for _ in 0..<100 { _ = a.gaussian() }
            #expect(a == b)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            #expect(try encoder.encode(a) == encoder.encode(b))
        }
    }
}
