import Foundation
import Testing
@testable import InsituEngine

@Suite struct SharedItemsTests {
    /// How many times each item was done, and how many on the helping thread (under a lock).
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var done: [Int]
        private var helped = 0
        init(_ n: Int) { done = [Int](repeating: 0, count: n) }
        func record(_ k: Int, helping: Bool) {
            lock.lock()
            done[k] += 1
            if helping { helped += 1 }
            lock.unlock()
        }
        var counts: [Int] { lock.lock(); defer { lock.unlock() }; return done }
        var byHelper: Int { lock.lock(); defer { lock.unlock() }; return helped }
    }

    /// Busy work of about `microseconds`.
    static func work(microseconds: Int) {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds) * 1_000
        while DispatchTime.now().uptimeNanoseconds < end {}
    }

    /// Items beside a calling thread whose own piece ends early or late, or that never helps;
    /// 0, 1 and many items: every item done exactly once each round, all of them by the time
    /// `Overlap.run` returns (on one core or two).
    @Test(arguments: [(200, 0, true), (200, 3_000, true), (50, 0, false), (0, 0, true), (1, 0, true)])
    func everyItemIsDoneOnce(count: Int, mainMicroseconds: Int, helps: Bool) {
        let items = SharedItems()
        for _ in 0..<10 {
            let tally = Tally(count)
            Overlap.run({
                items.announce()
                Self.work(microseconds: 50)
                items.open(count) { k in
                    Self.work(microseconds: 20)
                    tally.record(k, helping: false)
                }
            }, while: {
                Self.work(microseconds: mainMicroseconds)
                if helps { items.help() }
            })
            #expect(tally.counts == [Int](repeating: 1, count: count))
        }
    }

    /// A helper that comes while the items are coming waits for them and takes some: 100 items
    /// of a millisecond, opened 2 ms after they were announced on a thread of the test's own.
    @Test func anEarlyHelperTakesItems() {
        let items = SharedItems(), tally = Tally(100), announced = DispatchSemaphore(value: 0), ended = DispatchSemaphore(value: 0)
        let helper = pthread_self()
        let side = Thread {
            items.announce()
            announced.signal()
            Self.work(microseconds: 2_000)
            items.open(100) { k in
                Self.work(microseconds: 1_000)
                tally.record(k, helping: pthread_equal(pthread_self(), helper) != 0)
            }
            ended.signal()
        }
        side.start()
        announced.wait()
        items.help()
        ended.wait()
        #expect(tally.counts == [Int](repeating: 1, count: 100))
        #expect(tally.byHelper > 0)
        #expect(tally.byHelper < 100)
    }

    /// A helper with no items open or coming returns at once.
    @Test func helpWithoutItemsReturns() {
        let items = SharedItems()
        items.help()
        items.announce()
        items.open(3) { _ in }
        items.help()
    }
}
