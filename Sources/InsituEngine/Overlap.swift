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
    static let shared: Overlap? = UsableCores.count > 1 ? Overlap() : nil

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
        try run(side, whileTelling: { _ in try main() })
    }

    /// `body` over `0 ..< count`: with `split` (and two or more), the second half beside the
    /// first (`run(_:while:)`; the halves must touch nothing in common), else all of it here.
    public static func halves(of count: Int, splitting split: Bool, _ body: (Range<Int>) -> Void) {
        guard split && count >= 2 else { return body(0..<count) }
        run({ body((count / 2)..<count) }, while: { body(0..<(count / 2)) })
    }

    /// `run(_:while:)` timing each piece: how long `main` and `side` each took, in nanoseconds
    /// (for `balance`).
    public static func timed(_ side: () -> Void, while main: () -> Void) -> (main: UInt64, side: UInt64) {
        var mainNs: UInt64 = 0, sideNs: UInt64 = 0
        run({
            let start = DispatchTime.now().uptimeNanoseconds
            side()
            sideNs = DispatchTime.now().uptimeNanoseconds - start
        }, while: {
            let start = DispatchTime.now().uptimeNanoseconds
            main()
            mainNs = DispatchTime.now().uptimeNanoseconds - start
        })
        return (mainNs, sideNs)
    }

    /// The calling thread's next share of work split in two, from this one's (`share`) and how
    /// long each piece took (`timed`): the share at which both would have ended together, each
    /// piece's time taken as proportional to its share, approached by half the way (within
    /// 0.2-0.8). Which thread does which part of the work changes no result.
    public static func balance(share: Double, times: (first: UInt64, second: UInt64)) -> Double {
        guard share > 0, share < 1, times.first > 0, times.second > 0 else { return share }
        let firstRate = Double(times.first) / share, secondRate = Double(times.second) / (1 - share)
        let even = secondRate / (firstRate + secondRate)
        return min(max(share + 0.5 * (even - share), 0.2), 0.8)
    }

    /// `run(_:while:)` telling `main` whether `side` runs beside it (true) or after it (false):
    /// work that `main` would wait for from `side` it must then do itself.
    public static func run(_ side: () -> Void, whileTelling main: (_ besideSide: Bool) throws -> Void) rethrows {
        guard let lane = shared, crowds.load(ordering: .relaxed) == 0,
              lane.claimed.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            defer { side() }
            return try main(false)
        }
        defer { lane.claimed.store(false, ordering: .releasing) }
        try withoutActuallyEscaping(side) { side in
            lane.job = side
            lane.started.post(waking: lane.start)
            defer {
                lane.finished.await(sleepingOn: lane.done)
                lane.job = nil
            }
            try main(true)
        }
    }

    /// How long a thread waits for the other by spinning before it sleeps on a semaphore: a
    /// sleep and a wake-up cost a system call each and tens of microseconds of scheduling,
    /// more than most pieces of a batch (a run of li2018 hands over some 5,000 times). Not much
    /// longer: a spinning thread holds a core that another run's thread may be waiting for
    /// (two li2018 runs at once took 12.7 s with 1 ms of spin, 3.6-6.2 s with 100 us).
    static let spinNanoseconds: UInt64 = 100_000

    /// A one-shot signal between the two threads, taken by spinning when it comes soon, else
    /// by sleeping on a semaphore (which the poster then signals).
    struct Flag: ~Copyable {
        private let state = Atomic<Int>(Flag.clear)
        private static let clear = 0, posted = 1, asleep = 2

        /// Posts the signal; wakes the waiter if it went to sleep.
        func post(waking semaphore: DispatchSemaphore) {
            if state.exchange(Flag.posted, ordering: .acquiringAndReleasing) == Flag.asleep { semaphore.signal() }
        }

        /// Returns once the signal is posted, and clears it for the next time.
        func await(sleepingOn semaphore: DispatchSemaphore) {
            if !Overlap.spin(until: { state.load(ordering: .acquiring) == Flag.posted }),
               state.compareExchange(expected: Flag.clear, desired: Flag.asleep, ordering: .acquiringAndReleasing).exchanged {
                semaphore.wait()
            }
            state.store(Flag.clear, ordering: .releasing)
        }
    }

    /// Spins until `ready` or `spinNanoseconds` have passed; whether `ready` became true.
    static func spin(until ready: () -> Bool) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + spinNanoseconds
        while true {
            for _ in 0..<64 where ready() { return true }
            if DispatchTime.now().uptimeNanoseconds >= deadline { return ready() }
        }
    }

    private let claimed = Atomic<Bool>(false)
    private var job: (() -> Void)?
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    /// A job handed to the thread, and its end.
    private let started = Flag(), finished = Flag()

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                started.await(sleepingOn: start)
                job?()
                finished.post(waking: done)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
