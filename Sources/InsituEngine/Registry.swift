import Foundation

/// Named entries that an extension adds with one `register` call (device models, mapping
/// strategies, ...), kept in registration order. Locked, so any thread may read or register.
public final class Registry<Entry: Sendable>: @unchecked Sendable {
    private var entries: [(name: String, entry: Entry)]
    private let lock = NSLock()

    /// A registry holding the built-in entries.
    public init(_ builtIn: [(String, Entry)] = []) {
        entries = builtIn.map { (name: $0.0, entry: $0.1) }
    }

    /// Adds `entry` under `name`, replacing an entry of that name (so a test may register twice).
    public func register(_ name: String, _ entry: Entry) {
        lock.withLock {
            if let k = entries.firstIndex(where: { $0.name == name }) { entries[k].entry = entry } else { entries.append((name, entry)) }
        }
    }

    /// The entry registered under `name`.
    public func entry(_ name: String) -> Entry? { lock.withLock { entries.first { $0.name == name }?.entry } }

    /// Every registered name, in registration order.
    public var names: [String] { lock.withLock { entries.map(\.name) } }
}
