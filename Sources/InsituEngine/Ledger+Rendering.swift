import Foundation

extension Ledger {
    /// Quanta as an exact decimal number of joules, e.g. "0.00000001" for 1e16 quanta.
    public static func joulesDecimal(quanta: ExactInteger) -> String {
        var digits = quanta.description
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        if digits.count <= quantumDecimals {
            digits = String(repeating: "0", count: quantumDecimals + 1 - digits.count) + digits
        }
        let split = digits.index(digits.endIndex, offsetBy: -quantumDecimals)
        var fraction = String(digits[split...])
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let whole = String(digits[..<split])
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// Parses an exact decimal number of joules back into quanta; nil if malformed or finer than a quantum.
    public static func quanta(joulesDecimal text: String) -> ExactInteger? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let whole = String(parts[0])
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= quantumDecimals, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        fraction += String(repeating: "0", count: quantumDecimals - fraction.count)
        return ExactInteger(decimal: whole + fraction)
    }

    /// An energy in joules with an SI prefix for tables, e.g. "3.20 pJ".
    public static func humanEnergy(joules: Double) -> String {
        let units: [(Double, String)] = [(1, "J"), (1e-3, "mJ"), (1e-6, "uJ"), (1e-9, "nJ"), (1e-12, "pJ"), (1e-15, "fJ")]
        if joules == 0 { return "0 J" }
        for (scale, name) in units where joules >= scale { return String(format: "%.3g %@", joules / scale, name) }
        return String(format: "%.3g aJ", joules / 1e-18)
    }

    /// The JSON form of one entry: energy as an exact decimal string of joules.
    public struct JSONEntry: Codable, Equatable {
        public var component: String
        public var action: String
        public var phase: String
        /// The network layer (from 1), absent when the action serves no single layer.
        public var layer: Int?
        public var energy_J: String
        public var busy_ps: UInt64
        public var count: UInt64
        /// Sum of the charges' magnitudes (the unit the action is priced per), for pricing again.
        public var magnitude: Double?
    }

    /// The ledger as JSON: entries sorted by key, energies as exact decimal strings.
    public func jsonData() throws -> Data {
        let list = entries.map {
            JSONEntry(component: $0.key.component, action: $0.key.action, phase: $0.key.phase,
                      layer: $0.key.layer == 0 ? nil : $0.key.layer,
                      energy_J: Self.joulesDecimal(quanta: $0.energyQuanta),
                      busy_ps: $0.busyPicoseconds, count: $0.count, magnitude: $0.magnitude)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(LedgerFile(quantum_J: "1e-24", total_energy_J: Self.joulesDecimal(quanta: totalEnergyQuanta), entries: list))
    }

    /// Reads a ledger written by `jsonData()`.
    public static func fromJSON(_ data: Data) throws -> Ledger {
        let file = try JSONDecoder().decode(LedgerFile.self, from: data)
        var entries: [Entry] = []
        for e in file.entries {
            guard let q = quanta(joulesDecimal: e.energy_J) else {
                throw LedgerFormatError(message: "energy '\(e.energy_J)' is not an exact decimal number of joules")
            }
            entries.append(Entry(key: Key(component: e.component, action: e.action, phase: e.phase, layer: e.layer ?? 0),
                                 energyQuanta: q, busyPicoseconds: e.busy_ps, count: e.count, magnitude: e.magnitude ?? 0))
        }
        return Ledger(entries: entries)
    }

    struct LedgerFile: Codable {
        var quantum_J: String
        var total_energy_J: String
        var entries: [JSONEntry]
    }
}

/// A ledger file that cannot be read back exactly.
public struct LedgerFormatError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
