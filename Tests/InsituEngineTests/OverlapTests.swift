import Foundation
import Synchronization
import Testing
@testable import InsituEngine

/// Two pieces of work done at once, or one after the other, with the same effects.
@Suite struct OverlapTests {
    struct Failure: Error {}

    /// Both pieces run once, whatever the state of the side thread, and both have ended when
    /// `run` returns; an error of the main piece comes back after the side piece has ended.
    @Test func bothPiecesRunAndEnd() throws {
        for crowded in [false, true] {
            var side = 0, main = 0
            let work = {
                Overlap.run({ side += 1; Thread.sleep(forTimeInterval: 0.002); side += 1 }, while: { main += 1 })
            }
            if crowded { Overlap.whileCoresAreFull { work() } } else { work() }
            #expect(side == 2 && main == 1)
            var ended = false
            let failing = { try Overlap.run({ Thread.sleep(forTimeInterval: 0.002); ended = true }, while: { throw Failure() }) }
            #expect(throws: Failure.self) {
                if crowded { try Overlap.whileCoresAreFull { try failing() } } else { try failing() }
            }
            #expect(ended)
        }
    }

    /// With two cores and the side thread free, the pieces overlap: each sees the other start
    /// before it ends. (Other tests may hold the side thread for a moment: a few tries.)
    @Test func piecesOverlapOnTwoCores() throws {
        guard UsableCores.count > 1 else { return }
        func tryOnce() -> Bool {
            let started = Atomic<Int>(0)
            func meet() -> Bool {
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = Date().addingTimeInterval(0.2)
                while started.load(ordering: .sequentiallyConsistent) < 2 { if Date() > deadline { return false } }
                return true
            }
            var sideMet = false, mainMet = false
            Overlap.run({ sideMet = meet() }, while: { mainMet = meet() })
            return sideMet && mainMet
        }
        #expect((0..<20).contains { _ in tryOnce() })
        // Crowded, they never overlap: the main piece waits alone.
        #expect(!Overlap.whileCoresAreFull { tryOnce() })
    }

    /// Hand-overs of every kind: back to back (the side thread still spinning for the next
    /// job), after a pause longer than the spin (asleep on its semaphore), with a side piece
    /// that ends at once (the caller spinning) or after the spin (the caller asleep). Each
    /// side piece runs once, and its writes are there when `run` returns.
    @Test func handOversSpinningAndSleeping() {
        let spin = Double(Overlap.spinNanoseconds) / 1e9
        var values = [Int](repeating: 0, count: 64)
        var expected = 0
        for round in 0..<64 {
            let slowSide = round % 4 >= 2, pause = round % 2 == 1
            if pause { Thread.sleep(forTimeInterval: 3 * spin) }
            var mainRan = false
            Overlap.run({
                if slowSide { Thread.sleep(forTimeInterval: 3 * spin) }
                values[round] += round + 1
            }, while: { mainRan = true })
            expected += round + 1
            #expect(mainRan && values[round] == round + 1)
        }
        #expect(values.reduce(0, +) == expected)
    }

    /// A flag posted before it is awaited is taken at once; one awaited first is taken when
    /// posted from another thread, after the waiter has gone to sleep; each await clears it.
    @Test func flagTakenWhetherPostedBeforeOrAfter() {
        final class Shared: @unchecked Sendable { let flag = Overlap.Flag() }
        let shared = Shared(), semaphore = DispatchSemaphore(value: 0)
        shared.flag.post(waking: semaphore)
        shared.flag.await(sleepingOn: semaphore)
        let poster = Thread {
            Thread.sleep(forTimeInterval: 5 * Double(Overlap.spinNanoseconds) / 1e9)
            shared.flag.post(waking: semaphore)
        }
        poster.start()
        shared.flag.await(sleepingOn: semaphore)
        // Cleared: a second await would wait again; posting once more is taken at once.
        shared.flag.post(waking: semaphore)
        shared.flag.await(sleepingOn: semaphore)
        #expect(semaphore.wait(timeout: .now()) == .timedOut)
    }
}
