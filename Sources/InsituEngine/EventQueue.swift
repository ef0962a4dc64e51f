/// A min-heap of events ordered by (time, insertion sequence).
///
/// A 4-ary heap over a contiguous array: shallower than a binary heap and friendlier to
/// the cache. Pop uses Floyd's bottom-up method (move the hole to a leaf along the
/// smallest children, then sift the last element up), which halves the comparisons.
/// O(log n) push and pop, no allocation once grown. Ties at equal time leave in insertion
/// order, which makes every run a pure function of its inputs (Williams 1964; Floyd 1964;
/// Knuth TAOCP 5.2.3).
public struct EventQueue: Sendable {
    @usableFromInline var heap: [Event] = []

    public init(capacity: Int = 1024) { heap.reserveCapacity(capacity) }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    /// The next event to leave, without removing it.
    public var first: Event? { heap.first }

    public mutating func push(_ event: Event) {
        heap.append(event)
        heap.withUnsafeMutableBufferPointer { h in Self.siftUp(h, from: h.count - 1, item: event) }
    }

    @inline(__always)
    private static func siftUp(_ h: UnsafeMutableBufferPointer<Event>, from start: Int, item: Event) {
        var child = start
        while child > 0 {
            let parent = (child - 1) >> 2
            if !Event.precedes(item, h[parent]) { break }
            h[child] = h[parent]
            child = parent
        }
        h[child] = item
    }

    public mutating func pop() -> Event? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let top = heap[0]
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var hole = 0
            while true {
                let first = 4 * hole + 1
                if first >= n { break }
                var best = first
                let end = min(first + 4, n)
                var c = first + 1
                while c < end {
                    if Event.precedes(h[c], h[best]) { best = c }
                    c += 1
                }
                h[hole] = h[best]
                hole = best
            }
            Self.siftUp(h, from: hole, item: last)
        }
        return top
    }

    /// Checks the heap property; used by tests.
    public func checkInvariants() -> Bool {
        for i in 1..<max(heap.count, 1) where Event.precedes(heap[i], heap[(i - 1) >> 2]) {
            return false
        }
        return true
    }
}
