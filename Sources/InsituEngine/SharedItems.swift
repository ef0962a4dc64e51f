import Synchronization

/// Independent items of the side thread's piece of an `Overlap.run` (images to compute, each
/// into its own slot) that the calling thread may take some of once its own piece is done
/// (`help`), so that the two pieces end together. Each item is done once, by whichever thread
/// takes it, exactly as alone, so the results do not depend on who did what. The side takes
/// every item nobody else took: `help` only shortens the wait, and returns at once when the
/// side has no items open or coming.
public final class SharedItems: @unchecked Sendable {
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// Where the side stands: no items, items coming (being prepared), items open.
    private let stage = Atomic<Int>(Stage.none)
    private enum Stage { static let none = 0, coming = 1, open = 2 }
    private var count = 0
    private var work: ((Int) -> Void)?

    public init() {}

    /// The side announces items that it will open (`open` must follow): a helper waits for them.
    public func announce() {
        claimed.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        stage.store(Stage.coming, ordering: .releasing)
    }

    /// The side opens items `0 ..< count`, done by `work` here and by whoever helps; returns
    /// when every item is done.
    public func open(_ count: Int, _ work: (Int) -> Void) {
        withoutActuallyEscaping(work) { work in
            self.count = count
            self.work = work
            stage.store(Stage.open, ordering: .releasing)
            take()
            // An item the other thread took may still be in progress.
            while finished.load(ordering: .acquiring) < count {}
            stage.store(Stage.none, ordering: .releasing)
            self.work = nil
        }
    }

    /// The calling thread, its own piece done: waits while items are coming, then takes items
    /// until none is left; returns at once when none are open or coming.
    public func help() {
        while true {
            switch stage.load(ordering: .acquiring) {
            case Stage.open: return take()
            case Stage.coming: continue
            default: return
            }
        }
    }

    /// Does the next untaken item until none is left.
    private func take() {
        while true {
            let k = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
            guard k < count else { return }
            work!(k)
            finished.wrappingAdd(1, ordering: .releasing)
        }
    }
}
