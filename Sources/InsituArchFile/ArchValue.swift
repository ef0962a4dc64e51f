/// A YAML document as a tree whose every node remembers where it came from.
///
/// Kept apart from Yams' node type so that `extends:` merging and `--set` overrides
/// can build trees whose parts come from different files and options.
public indirect enum ArchValue: Sendable {
    case scalar(String, SourceLocation)
    case mapping([Entry], SourceLocation)
    case sequence([ArchValue], SourceLocation)

    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: ArchValue
    }

    public var location: SourceLocation {
        switch self {
        case .scalar(_, let l), .mapping(_, let l), .sequence(_, let l): l
        }
    }

    /// What kind of node this is, for messages.
    var kindName: String {
        switch self {
        case .scalar: "a single value"
        case .mapping: "a mapping of keys"
        case .sequence: "a list"
        }
    }

    /// `overlay` laid over `self`: mappings merge key by key (recursively), anything else is replaced.
    /// YAML's null (`~` or `null`).
    var isNull: Bool {
        if case .scalar(let s, _) = self { return s == "~" || s == "null" }
        return false
    }

    /// A section that names a different `model:` than the one it extends (another device
    /// model, say) replaces it whole: the inherited model's keys would not be its keys.
    public func merged(with overlay: ArchValue) -> ArchValue {
        guard case .mapping(var base, let location) = self, case .mapping(let top, _) = overlay else { return overlay }
        if let new = Self.selector(top), let old = Self.selector(base), new != old { return overlay }
        for entry in top {
            if entry.value.isNull {
                // `key: ~` in an extending file removes the inherited key (e.g. a table reference
                // replaced by explicit figures).
                base.removeAll { $0.key == entry.key }
            } else if let i = base.firstIndex(where: { $0.key == entry.key }) {
                base[i].value = base[i].value.merged(with: entry.value)
            } else {
                base.append(entry)
            }
        }
        return .mapping(base, location)
    }

    /// The `model:` a mapping names, if any.
    private static func selector(_ entries: [Entry]) -> String? {
        guard let e = entries.first(where: { $0.key == "model" }), case .scalar(let name, _) = e.value else { return nil }
        return name
    }

    /// Replaces the value at a dotted path, creating mappings along the way; a null value
    /// removes the key, as `key: ~` does in an extending file.
    public func setting(path: [String], to value: ArchValue) -> ArchValue {
        guard let head = path.first else { return value }
        var entries: [Entry] = []
        var location = value.location
        if case .mapping(let existing, let l) = self {
            entries = existing
            location = l
        }
        if path.count == 1 && value.isNull {
            entries.removeAll { $0.key == head }
        } else if let i = entries.firstIndex(where: { $0.key == head }) {
            entries[i].value = entries[i].value.setting(path: Array(path.dropFirst()), to: value)
        } else {
            let child = ArchValue.mapping([], value.location).setting(path: Array(path.dropFirst()), to: value)
            entries.append(Entry(key: head, keyLocation: value.location, value: child))
        }
        return .mapping(entries, location)
    }
}
