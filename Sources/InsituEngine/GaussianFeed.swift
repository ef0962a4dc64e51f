import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// A stream's standard normal deviates drawn ahead on the side thread (`Overlap`) while the
/// caller takes them: the values `RandomStream.gaussian()` would give, in its order, and the
/// stream afterwards where drawing them itself would have left it, so the bytes of a run do
/// not depend on whether the side thread drew them. For loops that spend much of their time
/// drawing (a large array's programming noise, a Gaussian a device).
public final class GaussianFeed: @unchecked Sendable {
    /// Values held at once (a power of two), and how often each side publishes its count.
    static let capacity = 1 << 12, publishEvery = 32
    private let values: UnsafeMutablePointer<Double>
    /// The stream before every `publishEvery`-th value was drawn.
    private let streams: UnsafeMutablePointer<RandomStream>
    private let source: RandomStream
    private let made = Atomic<Int>(0)
    private let taken = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// The consumer's own counts (values taken, the producer's count as last read), on a cache
    /// line of their own: written at every value, they would otherwise pull the line the
    /// producer reads back and forth between the cores.
    private let own: UnsafeMutablePointer<Int>
    private var count: Int {
        get { own[0] }
        set { own[0] = newValue }
    }
    private var madeSeen: Int {
        get { own[1] }
        set { own[1] = newValue }
    }

    /// A feed of `stream`'s deviates (from the stream's next one on).
    public init(_ stream: RandomStream) {
        source = stream
        values = .allocate(capacity: Self.capacity)
        streams = .allocate(capacity: Self.capacity / Self.publishEvery)
        own = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128).bindMemory(to: Int.self, capacity: 16)
        own.initialize(repeating: 0, count: 16)
    }

    deinit {
        values.deallocate()
        streams.deallocate()
        own.deallocate()
    }

    /// Draws ahead until `stop()`: the side thread's loop. It stays a publishing interval short
    /// of a full lap ahead of the values taken, so the stream kept before the last interval
    /// begun is never overwritten.
    public func produce() {
        let mask = Self.capacity - 1, every = Self.publishEvery
        var source = source, n = 0, takenSeen = 0
        while !stopped.load(ordering: .relaxed) {
            if n >= takenSeen + Self.capacity - every {
                made.store(n, ordering: .releasing)
                takenSeen = taken.load(ordering: .acquiring)
                // Ahead by a lap: the core is left to whatever else wants it meanwhile.
                if n >= takenSeen + Self.capacity - every { sched_yield() }
                continue
            }
            if n % every == 0 { streams[(n & mask) / every] = source }
            values[n & mask] = source.gaussian()
            n += 1
            if n % every == 0 { made.store(n, ordering: .releasing) }
        }
    }

    /// The next deviate; nil when the side thread, having begun, has fallen behind (another
    /// thread took its core): the stream then draws for itself. Before it has begun, waits.
    @inline(__always)
    func next() -> Double? {
        if count >= madeSeen {
            repeat { madeSeen = made.load(ordering: .acquiring) } while madeSeen == 0
            if count >= madeSeen { return nil }
        }
        let value = values[count & (Self.capacity - 1)]
        count += 1
        if count % Self.publishEvery == 0 { taken.store(count, ordering: .releasing) }
        return value
    }

    /// Ends `produce()`.
    public func stop() { stopped.store(true, ordering: .releasing) }

    /// The stream after the values taken (nil when none was): the one kept before the last
    /// interval begun, with that interval's values taken drawn again.
    var streamAfterTaken: RandomStream? {
        guard count > 0 else { return nil }
        let every = Self.publishEvery, start = (count - 1) / every * every
        var stream = streams[(start & (Self.capacity - 1)) / every]
        for _ in start..<count { _ = stream.gaussian() }
        return stream
    }
}
