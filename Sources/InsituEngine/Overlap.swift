import Foundation
import Synchronization

/// Two pieces of one run's work that touch nothing in common, done at once: one on the
/// caller's thread, the other on a thread the process keeps for it. Each piece does what it
/// would do alone, so the results are the same bytes whether they overlap or not; they run one
/// after the other on one core, while another caller holds the thread, and while work that
/// already fills the cores (runs of several seeds side by side) is running.
public final class Overlap: @unchecked Sendable {
    /// Multiply-adds below which a piece of work (some 100 us) loses more to the hand-over
    /// (a thread woken by a semaphore) than it gains.
    public static let worthwhileMultiplyAdds = 1 << 17

    /// The process's side thread: nil on one core.
    static let shared: Overlap? = ProcessInfo.processInfo.activeProcessorCount > 1 ? Overlap() : nil

    /// Jobs of several threads running now (`whileCoresAreFull`).
    private static let crowds = Atomic<Int>(0)

    /// Runs `body` with overlapping turned off (when `full`): for work that spreads over the cores itself.
    public static func whileCoresAreFull<T>(_ full: Bool = true, _ body: () throws -> T) rethrows -> T {
        guard full else { return try body() }
        crowds.add(1, ordering: .relaxed)
        defer { crowds.subtract(1, ordering: .relaxed) }
        return try body()
    }

    /// Runs `side` and `main` at once when it can, else `main` then `side`; both have ended
    /// when it returns (`main`'s error is rethrown then).
    public static func run(_ side: () -> Void, while main: () throws -> Void) rethrows {
        guard let lane = shared, crowds.load(ordering: .relaxed) == 0,
              lane.claimed.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            defer { side() }
            return try main()
        }
        defer { lane.claimed.store(false, ordering: .releasing) }
        try withoutActuallyEscaping(side) { side in
            lane.job = side
            lane.start.signal()
            defer {
                lane.done.wait()
                lane.job = nil
            }
            try main()
        }
    }

    private let claimed = Atomic<Bool>(false)
    private var job: (() -> Void)?
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                start.wait()
                job?()
                done.signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
