import InsituEngine

/// Reads one mapping of an arch file against the keys it may hold.
///
/// Construction rejects unknown keys (naming the nearest valid one); each accessor
/// decodes one key if present and leaves the default otherwise, checking unit and range.
public struct MappingReader {
    public let path: String
    public let location: SourceLocation
    private let entries: [String: ArchValue.Entry]

    /// Reads a mapping that may hold exactly `allowed`; every key not in `optional` must be
    /// present (an arch file states every value, or inherits it with `extends:`).
    public init(_ value: ArchValue, path: String, keys allowed: [String], optional: Set<String> = []) throws {
        guard case .mapping(let list, let location) = value else {
            throw ArchError(value.location, "expected '\(path)' to be a mapping of keys (\(allowed.joined(separator: ", "))), found \(value.kindName)")
        }
        self.path = path
        self.location = location
        var entries: [String: ArchValue.Entry] = [:]
        for entry in list {
            guard allowed.contains(entry.key) else {
                let suggestion = nearest(entry.key, in: allowed).map { "did you mean \(Self.join(path, $0))?" }
                throw ArchError(entry.keyLocation, "unknown key '\(Self.join(path, entry.key))'; expected one of: \(allowed.joined(separator: ", "))",
                                hint: suggestion)
            }
            entries[entry.key] = entry
        }
        self.entries = entries
        if let missing = allowed.first(where: { entries[$0] == nil && !optional.contains($0) }) {
            throw ArchError(location, "missing key '\(Self.join(path, missing))'" + (path.isEmpty ? "" : " in '\(path)'")
                            + "; an architecture file gives every value (no silent defaults)",
                            hint: "add '\(missing):', or start the file with 'extends: li2018.yaml' to inherit the preset's values")
        }
    }

    public static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The name that key `selector` of mapping `value` gives, one of `names` (a device
    /// model, a stage kind), read before the rest of the mapping, whose keys are then those
    /// of what it names.
    static func selector(_ selector: String, of value: ArchValue, path: String, among names: [String]) throws -> String {
        var others: [String] = []
        if case .mapping(let entries, _) = value { others = entries.map(\.key).filter { $0 != selector } }
        var name = ""
        try MappingReader(value, path: path, keys: [selector] + others, optional: Set(others)).name(selector, among: names, into: &name)
        return name
    }

    public func has(_ key: String) -> Bool { entries[key] != nil }

    public func value(_ key: String) -> ArchValue? { entries[key]?.value }

    public func scalar(_ key: String) throws -> (String, SourceLocation)? {
        guard let v = entries[key]?.value else { return nil }
        guard case .scalar(let s, let l) = v else {
            throw ArchError(v.location, "expected '\(Self.join(path, key))' to be a single value, found \(v.kindName)")
        }
        return (s, l)
    }

    /// A sub-mapping (an empty one if it is absent and optional).
    public func mapping(_ key: String, keys: [String], optional: Set<String> = []) throws -> MappingReader {
        let v = entries[key]?.value ?? .mapping([], location)
        return try MappingReader(v, path: Self.join(path, key), keys: keys, optional: optional)
    }

    public func quantity(_ key: String, _ unit: PhysicalUnit, min: Double? = nil, max: Double? = nil,
                  exclusiveMin: Bool = false, into target: inout Double) throws {
        guard let (text, loc) = try scalar(key) else { return }
        target = try Self.quantity(text, unit, at: loc, name: Self.join(path, key), min: min, max: max, exclusiveMin: exclusiveMin)
    }

    static func quantity(_ text: String, _ unit: PhysicalUnit, at loc: SourceLocation, name: String,
                         min: Double?, max: Double?, exclusiveMin: Bool) throws -> Double {
        let value: Double
        switch unit.parse(text) {
        case .success(let v): value = v
        case .failure(.missingUnit):
            throw ArchError(loc, "'\(name)' is \(unit.quantityName) and needs a unit: '\(text)' has none",
                            hint: "write it with its unit, e.g. '\(unit.example)'")
        case .failure(.wrongUnit(let got)):
            throw ArchError(loc, "'\(name)' is \(unit.quantityName) in \(unit.rawValue), but '\(text)' has unit '\(got)'",
                            hint: "write it as e.g. '\(unit.example)' (prefixes: p n u m k M G)")
        case .failure(.notANumber):
            throw ArchError(loc, "'\(name)' expects \(unit.quantityName) such as '\(unit.example)', found '\(text)'")
        }
        try checkRange(value, text: text, unit: unit.rawValue, at: loc, name: name, min: min, max: max, exclusiveMin: exclusiveMin)
        return value
    }

    private static func checkRange(_ value: Double, text: String, unit: String, at loc: SourceLocation, name: String,
                                   min: Double?, max: Double?, exclusiveMin: Bool) throws {
        let low = min.map { exclusiveMin ? value > $0 : value >= $0 } ?? true
        let high = max.map { value <= $0 } ?? true
        guard value.isFinite, low, high else {
            var bounds: [String] = []
            if let min { bounds.append((exclusiveMin ? "above " : "at least ") + "\(min) \(unit)") }
            if let max { bounds.append("at most \(max) \(unit)") }
            throw ArchError(loc, "'\(name)' = '\(text)' is out of range; expected \(bounds.joined(separator: " and "))")
        }
    }

    public func time(_ key: String, max: Double = 1.0, into target: inout SimTime) throws {
        var seconds = target.seconds
        try quantity(key, .second, min: 0, max: max, into: &seconds)
        if has(key) { target = try SimTime.seconds(seconds) }
    }

    public func integer(_ key: String, min: Int, max: Int, into target: inout Int) throws {
        guard let (text, loc) = try scalar(key) else { return }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ArchError(loc, "'\(Self.join(path, key))' expects a whole number from \(min) to \(max), found '\(text)'")
        }
        guard v >= min && v <= max else {
            throw ArchError(loc, "'\(Self.join(path, key))' = \(v) is out of range; expected \(min) to \(max)")
        }
        target = v
    }

    /// A plain number (fractions accept "11%").
    public func number(_ key: String, min: Double, max: Double, into target: inout Double) throws {
        guard let (text, loc) = try scalar(key) else { return }
        let t = text.trimmingCharacters(in: .whitespaces)
        let value = t.hasSuffix("%") ? Double(t.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 } : Double(t)
        guard let value else {
            throw ArchError(loc, "'\(Self.join(path, key))' expects a plain number (or a percentage such as 11%), found '\(text)'")
        }
        guard value >= min && value <= max else {
            throw ArchError(loc, "'\(Self.join(path, key))' = \(text) is out of range; expected \(min) to \(max)")
        }
        target = value
    }

    /// A name from `names` (e.g. a registered mapping strategy).
    public func name(_ key: String, among names: [String], into target: inout String) throws {
        guard let (text, loc) = try scalar(key) else { return }
        guard names.contains(text) else {
            throw ArchError(loc, "'\(Self.join(path, key))' must be one of \(names.joined(separator: ", ")), found '\(text)'",
                            hint: nearest(text, in: names).map { "did you mean \($0)?" })
        }
        target = text
    }

    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, into target: inout E) throws where E.RawValue == String {
        guard let (text, loc) = try scalar(key) else { return }
        guard let v = E(rawValue: text) else {
            let names = E.allCases.map(\.rawValue)
            throw ArchError(loc, "'\(Self.join(path, key))' must be one of \(names.joined(separator: ", ")), found '\(text)'",
                            hint: nearest(text, in: names).map { "did you mean \($0)?" })
        }
        target = v
    }

    public func string(_ key: String, into target: inout String) throws {
        if let (text, _) = try scalar(key) { target = text }
    }

    /// A list of quantities, or one quantity applied to `count` entries.
    public func quantities(_ key: String, _ unit: PhysicalUnit, min: Double, max: Double, into target: inout [Double]) throws {
        try list(key, example: unit.example, quantityName: unit.quantityName, into: &target) { text, loc, name in
            try Self.quantity(text, unit, at: loc, name: name, min: min, max: max, exclusiveMin: false)
        }
    }

    /// A quantity in a device model's state unit (`V` for a gate voltage, `pulse` for a pulse
    /// count) raised to `power` (1, or 2 for a learning rate): "1.0 V", "0.04 V^2", "12 pulse".
    public func stateQuantity(_ key: String, unit: String, power: Int = 1, min: Double, max: Double, into target: inout Double) throws {
        guard let (text, loc) = try scalar(key) else { return }
        target = try Self.stateQuantity(text, unit: unit, power: power, at: loc, name: Self.join(path, key), min: min, max: max)
    }

    /// A list of quantities in a state unit (see `stateQuantity`), or one for every entry.
    public func stateQuantities(_ key: String, unit: String, power: Int = 1, min: Double, max: Double, into target: inout [Double]) throws {
        let written = power == 1 ? unit : "\(unit)^\(power)"
        try list(key, example: "0.5 \(written)", quantityName: "a quantity in \(written)", into: &target) { text, loc, name in
            try Self.stateQuantity(text, unit: unit, power: power, at: loc, name: name, min: min, max: max)
        }
    }

    static func stateQuantity(_ text: String, unit: String, power: Int, at loc: SourceLocation, name: String,
                              min: Double, max: Double) throws -> Double {
        if unit == PhysicalUnit.volt.rawValue && power <= 2 {
            return try quantity(text, power == 1 ? .volt : .voltSquared, at: loc, name: name, min: min, max: max, exclusiveMin: false)
        }
        let written = power == 1 ? unit : "\(unit)^\(power)"
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix(written), let value = Double(t.dropLast(written.count).trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw ArchError(loc, "'\(name)' is in the device model's state unit, \(written), found '\(text)'",
                            hint: "write it as e.g. '1 \(written)'")
        }
        try checkRange(value, text: text, unit: written, at: loc, name: name, min: min, max: max, exclusiveMin: false)
        return value
    }

    /// One value or a list of values, each read by `read(text, location, name)`.
    private func list(_ key: String, example: String, quantityName: String, into target: inout [Double],
                      read: (String, SourceLocation, String) throws -> Double) throws {
        guard let v = entries[key]?.value else { return }
        let name = Self.join(path, key)
        switch v {
        case .scalar(let text, let loc):
            target = [try read(text, loc, name)]
        case .sequence(let items, _):
            target = try items.enumerated().map { i, item in
                guard case .scalar(let text, let loc) = item else {
                    throw ArchError(item.location, "expected '\(name)[\(i)]' to be \(quantityName) such as '\(example)'")
                }
                return try read(text, loc, "\(name)[\(i)]")
            }
        case .mapping(_, let loc):
            throw ArchError(loc, "expected '\(name)' to be a list such as [\(example), \(example)]")
        }
    }

    /// A list of whole numbers.
    public func integers(_ key: String, min: Int, max: Int, into target: inout [Int]) throws {
        guard let v = entries[key]?.value else { return }
        let name = Self.join(path, key)
        guard case .sequence(let items, let loc) = v, !items.isEmpty else {
            throw ArchError(v.location, "expected '\(name)' to be a list of whole numbers such as [64, 54, 10]")
        }
        target = try items.enumerated().map { i, item in
            guard case .scalar(let text, let l) = item, let n = Int(text), n >= min, n <= max else {
                throw ArchError(item.location, "expected '\(name)[\(i)]' to be a whole number from \(min) to \(max)")
            }
            _ = l
            return n
        }
        _ = loc
    }
}
