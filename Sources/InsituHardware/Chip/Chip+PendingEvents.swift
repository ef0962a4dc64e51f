import InsituEngine

/// A programming's events left to the read-back that follows it: the training loop programs and
/// then reads back every row, and the read-back's reads (on the side thread) touch nothing the
/// programming's events do, so those events run on the calling thread beside the reads, just
/// before the read-back's own. The ledger, the trace and the cursor see the same events in the
/// same order as when each segment runs its own.
extension Chip {
    public func readingBackAfterEachUpdate<R>(_ body: () throws -> R) throws -> R {
        let was = defersProgrammingEvents
        defersProgrammingEvents = true
        defer { defersProgrammingEvents = was }
        let result: R
        do {
            result = try body()
        } catch {
            // What the run did before it failed is charged all the same.
            try? runPendingEvents()
            throw error
        }
        try runPendingEvents()
        return result
    }

    /// Runs a programming's events left pending, if any.
    func runPendingEvents() throws {
        guard let events = pendingEvents else { return }
        pendingEvents = nil
        try events()
    }
}
