import Foundation

/// `body(0) ..< body(count - 1)` on `threads` threads of its own (more threads than cores
/// share the cores, so that N equal jobs on fewer cores end together rather than the last
/// ones running alone), results in index order; the first error (by index) is rethrown once
/// every job has ended. Each job runs alone on its thread, so results do not depend on the
/// thread count.
public func parallelMap<T>(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let slots = ResultSlots<T>(count)
    let next = WorkCounter()
    let workers = max(1, min(threads, count))
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<workers {
        let thread = Thread {
            while let i = next.take(below: count) { slots.store(i, Result { try body(i) }) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    for _ in 0..<workers { done.wait() }
    return try slots.results.map { try $0!.get() }
}

/// Results filled in by worker threads, each slot written once.
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) private var slots: [Result<T, Error>?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func store(_ i: Int, _ r: Result<T, Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }
    var results: [Result<T, Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
