/// The units an arch file's values carry, each with its symbol and a sample for messages.
public enum PhysicalUnit: String, Sendable, CaseIterable {
    case volt = "V", second = "s", joule = "J", siemens = "S", hertz = "Hz", ampere = "A"
    case farad = "F", watt = "W", ohm = "ohm", metre = "m", squareMetre = "m^2", byte = "B"
    case voltPerAmpere = "V/A", perAmpere = "1/A", siemensPerVolt = "S/V", voltSquared = "V^2"

    /// What the unit measures, for messages.
    var quantityName: String {
        switch self {
        case .volt: "a voltage"
        case .second: "a time"
        case .joule: "an energy"
        case .siemens: "a conductance"
        case .hertz: "a frequency"
        case .ampere: "a current"
        case .farad: "a capacitance"
        case .watt: "a power"
        case .ohm: "a resistance"
        case .metre: "a length"
        case .squareMetre: "an area"
        case .byte: "a capacity"
        case .voltPerAmpere: "a transimpedance gain"
        case .perAmpere: "an inverse current"
        case .siemensPerVolt: "a conductance slope"
        case .voltSquared: "a learning rate in gate-voltage space"
        }
    }

    var example: String {
        switch self {
        case .volt: "1.6 V"
        case .second: "100 ns"
        case .joule: "2.5 pJ"
        case .siemens: "10 uS"
        case .hertz: "1.28 GHz"
        case .ampere: "35 uA"
        case .farad: "20 fF"
        case .watt: "1 mW"
        case .ohm: "500 ohm"
        case .metre: "100 nm"
        case .squareMetre: "1200 um^2"
        case .byte: "256 KiB"
        case .voltPerAmpere: "200 V/A"
        case .perAmpere: "5e5 1/A"
        case .siemensPerVolt: "100 uS/V"
        case .voltSquared: "0.05 V^2"
        }
    }

    /// The value of a quantity written with this unit ("10 ms"), or nil if it does not parse.
    public func value(_ text: String) -> Double? {
        guard case .success(let v) = parse(text), v.isFinite else { return nil }
        return v
    }

    /// SI prefixes as powers of ten, applied to the decimal text so that "10 uS" is exactly 10e-6.
    static let prefixes: [(String, Int)] = [
        ("a", -18), ("f", -15), ("p", -12), ("n", -9), ("u", -6), ("µ", -6), ("μ", -6),
        ("m", -3), ("k", 3), ("M", 6), ("G", 9), ("T", 12),
    ]

    /// Parses "1.6 V", "100ns", "10 uS", "1.28 GHz" into a value in this unit.
    /// Returns a message describing the problem on failure.
    func parse(_ text: String) -> Result<Double, QuantityError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var end = trimmed.startIndex
        var seenDigit = false
        while end < trimmed.endIndex {
            let c = trimmed[end]
            if c.isNumber { seenDigit = true }
            else if c == "." || c == "+" || c == "-" {}
            else if (c == "e" || c == "E") && seenDigit {
                let next = trimmed.index(after: end)
                guard next < trimmed.endIndex, trimmed[next].isNumber || trimmed[next] == "-" || trimmed[next] == "+" else { break }
            } else { break }
            end = trimmed.index(after: end)
        }
        guard seenDigit, let number = Double(trimmed[..<end]) else { return .failure(.notANumber) }
        let unitText = trimmed[end...].trimmingCharacters(in: .whitespaces)
        if unitText.isEmpty { return .failure(.missingUnit) }
        if unitText == rawValue { return .success(number) }
        if self == .byte {
            // Capacities also take binary prefixes: 1 KiB = 1024 B.
            for (prefix, power) in [("Ki", 10), ("Mi", 20), ("Gi", 30)] where unitText == prefix + rawValue {
                return .success(number * Double(1 << power))
            }
        }
        for (prefix, power) in Self.prefixes where unitText == prefix + rawValue {
            let parts = trimmed[..<end].lowercased().split(separator: "e", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return .failure(.notANumber) }
            // The written exponent is read within bounds, so adding the prefix's cannot overflow;
            // a number beyond Double's range is then infinite and refused by the range check.
            var written = 0
            if parts.count == 2 {
                guard let e = Int(parts[1]) else { return .failure(.notANumber) }
                written = max(min(e, 10_000), -10_000)
            }
            // An area's prefix applies to the metre before squaring: 1 um^2 = 1e-12 m^2.
            let exponent = written + (self == .squareMetre ? 2 * power : power)
            guard let value = Double("\(parts[0])e\(exponent)") else { return .failure(.notANumber) }
            return .success(value)
        }
        return .failure(.wrongUnit(unitText))
    }
}

enum QuantityError: Error {
    case notANumber, missingUnit, wrongUnit(String)
}

import Foundation
