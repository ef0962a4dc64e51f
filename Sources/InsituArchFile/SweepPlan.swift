import Foundation

/// The points of a design-space sweep: arch keys and the values each takes, combined as a
/// cartesian product or zipped, each point a list of `--set` overrides.
public struct SweepPlan: Sendable, Equatable, Codable {
    /// One varied key (or several joined by '+', which take the same value) and its values.
    public struct Axis: Sendable, Equatable, Codable {
        public var key: String
        public var values: [String]
        /// The arch keys this axis sets.
        public var keys: [String] { key.split(separator: "+").map(String.init) }
    }

    public var axes: [Axis]
    public var zipped: Bool

    /// Parses `--vary KEY=V1,V2,...` options (`K1+K2=...` sets both keys to each value). Values are separated by commas outside brackets;
    /// `A..B` is every whole number from A to B, `A..B:S` steps by S, `A..B*F` multiplies by F.
    public init(vary: [String], zipped: Bool) throws {
        guard !vary.isEmpty else { throw ArchError(.option("--vary"), "a sweep needs at least one --vary KEY=V1,V2,...") }
        axes = try vary.map(Self.axis)
        self.zipped = zipped
        try check()
    }

    /// A plan read back from a sweep's folder (sweep-spec.json) passes the checks a plan from
    /// `--vary` passes, so a damaged or hand-made file cannot make a sweep that `--vary` refuses.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        axes = try c.decode([Axis].self, forKey: .axes)
        zipped = try c.decode(Bool.self, forKey: .zipped)
        do {
            guard !axes.isEmpty else { throw ArchError(.option("--vary"), "a sweep has at least one axis") }
            for a in axes {
                guard !a.values.isEmpty, a.values.count <= Self.maximumPoints else { throw ArchError(.option("--vary \(a.key)"), "'\(a.key)' has \(a.values.count) values") }
                try Self.checkKey(a.key, at: .option("--vary \(a.key)"))
            }
            try check()
        } catch let e as ArchError {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: e.description))
        }
    }

    /// Most axes a sweep may have (each doubles the points at least).
    public static let maximumAxes = 16

    /// The checks every plan passes: each key on one axis, zipped axes alike, few enough points.
    func check() throws {
        guard axes.count <= Self.maximumAxes else {
            throw ArchError(.option("--vary"), "a sweep has at most \(Self.maximumAxes) --vary axes, found \(axes.count)", hint: "join keys that move together with '+', or split the sweep")
        }
        // A key on two axes would label rows with values it did not run with: each key once.
        var seen = Set<String>()
        for a in axes {
            for k in a.keys where !seen.insert(k).inserted {
                throw ArchError(.option("--vary \(a.key)"), "'\(k)' is varied twice", hint: "give each key one --vary with all its values")
            }
        }
        if zipped, let n = axes.first?.values.count, axes.contains(where: { $0.values.count != n }) {
            throw ArchError(.option("--zip"), "--zip needs the same number of values on every --vary (\(axes.map { "\($0.key): \($0.values.count)" }.joined(separator: ", ")))")
        }
        if count > Self.maximumPoints {
            throw ArchError(.option("--vary"), "the sweep has \(count) points, more than \(Self.maximumPoints)", hint: "split it, or use fewer values")
        }
    }

    /// Most points one sweep may have.
    public static let maximumPoints = 100_000

    /// Number of points.
    /// (Saturates at Int.max rather than overflow: the check against `maximumPoints` then refuses it.)
    public var count: Int {
        if zipped { return axes.first?.values.count ?? 0 }
        var n = 1
        for a in axes {
            let (product, overflow) = n.multipliedReportingOverflow(by: a.values.count)
            n = overflow ? .max : product
        }
        return n
    }

    /// The values of point `index` (one per axis), the last axis varying fastest.
    public func values(at index: Int) -> [String] {
        if zipped { return axes.map { $0.values[index] } }
        var rest = index
        var result = [String](repeating: "", count: axes.count)
        for (a, axis) in axes.enumerated().reversed() {
            result[a] = axis.values[rest % axis.values.count]
            rest /= axis.values.count
        }
        return result
    }

    /// The `--set` overrides of point `index`.
    public func overrides(at index: Int) -> [String] {
        zip(axes, values(at: index)).flatMap { axis, value in axis.keys.map { "\($0)=\(value)" } }
    }

    static func axis(_ text: String) throws -> Axis {
        // A long option is named by its start, so the message stays one readable line.
        let location = SourceLocation.option("--vary \(text.count > 80 ? text.prefix(72) + "..." : text)")
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ArchError(location, "expected KEY=V1,V2,..., e.g. --vary chip.adc.bits=4,6,8")
        }
        let key = String(text[..<eq])
        try checkKey(key, at: location)
        var values: [String] = []
        for item in split(String(text[text.index(after: eq)...])) {
            values += try expand(item, at: location)
            // Counted as it grows, so a long list of long ranges is refused before it fills the memory.
            if values.count > maximumPoints { throw ArchError(location, "'\(key)' has more than \(maximumPoints) values", hint: "split the sweep, or use fewer values") }
        }
        guard !values.isEmpty else { throw ArchError(location, "'\(key)' has no values") }
        return Axis(key: key, values: values)
    }

    /// A dotted key, or dotted keys joined by '+'.
    static func checkKey(_ key: String, at location: SourceLocation) throws {
        for part in key.split(separator: "+", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }) else {
                throw ArchError(location, "expected a dotted key (or keys joined by '+') before '=', e.g. chip.tile.rows+chip.tile.columns")
            }
        }
    }

    /// Splits on commas that are not inside brackets.
    static func split(_ text: String) -> [String] {
        var items: [String] = [], current = "", depth = 0
        for c in text {
            if c == "[" || c == "{" { depth += 1 }
            if c == "]" || c == "}" { depth -= 1 }
            if c == "," && depth == 0 {
                items.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        items.append(current.trimmingCharacters(in: .whitespaces))
        return items.filter { !$0.isEmpty }
    }

    /// A value, or the whole numbers of a range.
    static func expand(_ item: String, at location: SourceLocation) throws -> [String] {
        guard let dots = item.range(of: ".."), let low = Int(item[..<dots.lowerBound]) else { return [item] }
        var rest = String(item[dots.upperBound...])
        var step = 1, factor = 1
        if let colon = rest.firstIndex(of: ":") {
            guard let s = Int(rest[rest.index(after: colon)...]), s > 0 else {
                throw ArchError(location, "'\(item)': the step after ':' must be a whole number above 0")
            }
            step = s
            rest = String(rest[..<colon])
        } else if let star = rest.firstIndex(of: "*") {
            guard let f = Int(rest[rest.index(after: star)...]), f > 1 else {
                throw ArchError(location, "'\(item)': the factor after '*' must be a whole number above 1")
            }
            factor = f
            rest = String(rest[..<star])
        }
        guard let high = Int(rest), high >= low else {
            throw ArchError(location, "'\(item)' is not a range A..B of whole numbers with A <= B")
        }
        if factor > 1 && low <= 0 { throw ArchError(location, "'\(item)': a multiplied range starts above 0") }
        var values: [String] = []
        var v = low
        while v <= high {
            values.append(String(v))
            if values.count > maximumPoints { throw ArchError(location, "'\(item)' has more than \(maximumPoints) values") }
            let (next, overflow) = factor > 1 ? v.multipliedReportingOverflow(by: factor) : v.addingReportingOverflow(step)
            if overflow { break }
            v = next
        }
        return values
    }
}

extension ArchDesign {
    /// The fully resolved tree of a design (`extends:` merged, overrides applied) as JSON,
    /// for the record a run folder keeps of what it ran.
    public static func resolvedJSON(path: String, overrides: [String]) throws -> Data {
        try resolvedJSON(ArchLoader.applying(overrides: overrides, to: ArchLoader.load(path: path)))
    }

    /// A merged tree as JSON.
    static func resolvedJSON(_ tree: ArchValue) throws -> Data {
        try JSONSerialization.data(withJSONObject: DeviceLibrary.resolve(tree).jsonObject, options: [.prettyPrinted, .sortedKeys])
    }
}

extension ArchValue {
    /// Plain JSON values: scalars as strings, mappings as objects, lists as arrays.
    var jsonObject: Any {
        switch self {
        case .scalar(let s, _): return s
        case .sequence(let items, _): return items.map(\.jsonObject)
        case .mapping(let entries, _): return Dictionary(entries.map { ($0.key, $0.value.jsonObject) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
