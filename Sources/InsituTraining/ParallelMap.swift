import Foundation
import InsituEngine

/// `body(0) ..< body(count - 1)` on `threads` threads of its own (more threads than cores
/// share the cores, so that N equal jobs on fewer cores end together rather than the last
/// ones running alone), results in index order; the first error (by index) is rethrown once
/// every job has ended. `finished`, when given, is called one call at a time each time a job
/// ends, with the results finished so far (in index order) and the number of jobs. Each job
/// runs alone on its thread, so results do not depend on the thread count.
public func parallelMap<T>(_ count: Int, threads: Int, finished: (@Sendable ([T], Int) -> Void)? = nil,
                           _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let slots = ResultSlots<T>(count, finished: finished)
    let next = WorkCounter()
    let workers = max(1, min(threads, count))
    let done = DispatchSemaphore(value: 0)
    // Several runs side by side fill the cores: none overlaps its own pieces of work.
    return try Overlap.whileCoresAreFull(workers > 1) {
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
}

/// Results filled in by worker threads, each slot written once; `finished` hears of each.
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) private var slots: [Result<T, Error>?]
    private let finished: (@Sendable ([T], Int) -> Void)?

    init(_ n: Int, finished: (@Sendable ([T], Int) -> Void)?) {
        slots = Array(repeating: nil, count: n)
        self.finished = finished
    }

    func store(_ i: Int, _ r: Result<T, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[i] = r
        finished?(slots.compactMap { try? $0?.get() }, slots.count)
    }

    var results: [Result<T, Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
