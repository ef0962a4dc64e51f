import InsituEngine
import InsituHardware

/// How one kind of peripheral stage is read from an entry of `chip.stages`: its `kind:`
/// name, the entry's other keys (and which may be left out), and a decoder.
public struct PeripheralStageEntry: Sendable {
    public var kind: String
    public var keys: [String]
    public var optional: Set<String>
    public var decode: @Sendable (MappingReader) throws -> any PeripheralStage

    public init(kind: String, keys: [String], optional: Set<String> = [],
                decode: @escaping @Sendable (MappingReader) throws -> any PeripheralStage) {
        self.kind = kind
        self.keys = keys
        self.optional = optional
        self.decode = decode
    }
}

/// The stage kinds `chip.stages` may list between the TIAs and the ADCs. A new kind is one
/// file (its `PeripheralStage`, component model and entry) and one line: `PeripheralStages.register(entry)`.
public enum PeripheralStages {
    static let registry = Registry<PeripheralStageEntry>([("analog", analog)])

    /// `kind: analog`: a per-column stage given by its figures (energy per sample, latency of a
    /// pass, leakage and area per column; the last two may be left out, as 0).
    static let analog = PeripheralStageEntry(kind: "analog", keys: ["energy", "latency", "leakage", "area"], optional: ["leakage", "area"]) { r in
        var s = AnalogStage()
        try r.quantity("energy", .joule, min: 0, max: 1e-6, into: &s.energyJoules)
        try r.time("latency", into: &s.latency)
        try r.quantity("leakage", .watt, min: 0, max: 1, into: &s.leakageWattsPerColumn)
        try r.quantity("area", .squareMetre, min: 0, max: 1e-3, into: &s.areaSquareMetresPerColumn)
        return s
    }
    /// At most this many stages (row read-back hops are numbered in a byte).
    static let maximumCount = 16

    public static func register(_ entry: PeripheralStageEntry) { registry.register(entry.kind, entry) }
    public static var kinds: [String] { registry.names }

    /// `chip.stages`: a list of {kind: NAME, its keys}, in signal order (empty when absent).
    static func decode(_ chip: MappingReader) throws -> [AnyPeripheralStage] {
        guard let value = chip.value("stages") else { return [] }
        let path = MappingReader.join(chip.path, "stages")
        guard case .sequence(let items, _) = value else {
            throw ArchError(value.location, "expected '\(path)' to be a list of stages, each {kind: NAME, ...}",
                            hint: "kinds: \(kinds.joined(separator: ", ")); e.g. [{kind: analog, energy: 0.1 pJ, latency: 2 ns}]")
        }
        if items.count > maximumCount {
            throw ArchError(value.location, "'\(path)' lists \(items.count) stages; at most \(maximumCount) are allowed")
        }
        return try items.enumerated().map { k, item in
            let at = "\(path)[\(k)]"
            let entry = registry.entry(try MappingReader.selector("kind", of: item, path: at, among: kinds))!
            return AnyPeripheralStage(try entry.decode(MappingReader(item, path: at, keys: ["kind"] + entry.keys, optional: entry.optional)))
        }
    }
}
