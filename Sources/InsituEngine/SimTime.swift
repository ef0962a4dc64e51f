/// A point or span of simulated time in whole picoseconds.
///
/// Integer picoseconds make event order exact and runs reproducible; arithmetic that
/// would overflow 2^64 ps (about 213 days) throws instead of wrapping.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var picoseconds: UInt64

    public init(picoseconds: UInt64) { self.picoseconds = picoseconds }

    public static let zero = SimTime(picoseconds: 0)
    /// Latest time a checkpoint may hold (2^60 ps, 13 simulated days): far beyond any run, and
    /// far enough below UInt64's end that a restored time cannot overflow what is added to it.
    public static let checkpointLimitPicoseconds: UInt64 = 1 << 60

    public static func nanoseconds(_ ns: UInt64) throws -> SimTime {
        let (v, o) = ns.multipliedReportingOverflow(by: 1_000)
        if o { throw SimulationError.timeOverflow("\(ns) ns") }
        return SimTime(picoseconds: v)
    }

    /// Rounds a duration in seconds to the nearest picosecond; negative, NaN or too large is an error.
    public static func seconds(_ s: Double) throws -> SimTime {
        guard s.isFinite, s >= 0 else { throw SimulationError.invalidDuration(s) }
        let ps = (s * 1e12).rounded()
        guard ps < 1.8446744073709552e19 else { throw SimulationError.timeOverflow("\(s) s") }
        return SimTime(picoseconds: UInt64(ps))
    }

    public var seconds: Double { Double(picoseconds) * 1e-12 }

    /// Sum of two times; throws `SimulationError.timeOverflow` past 2^64 - 1 ps.
    public func adding(_ other: SimTime) throws -> SimTime {
        let (v, o) = picoseconds.addingReportingOverflow(other.picoseconds)
        if o { throw SimulationError.timeOverflow("\(self) + \(other)") }
        return SimTime(picoseconds: v)
    }

    /// This duration repeated `count` times; throws on overflow.
    public func multiplied(by count: UInt64) throws -> SimTime {
        let (v, o) = picoseconds.multipliedReportingOverflow(by: count)
        if o { throw SimulationError.timeOverflow("\(self) x \(count)") }
        return SimTime(picoseconds: v)
    }

    public static func < (a: SimTime, b: SimTime) -> Bool { a.picoseconds < b.picoseconds }

    public var description: String { Self.format(picoseconds) }

    /// Human form with an SI prefix, e.g. "781.25 ns".
    public static func format(_ ps: UInt64) -> String {
        let v = Double(ps)
        switch v {
        case ..<1e3: return "\(ps) ps"
        case ..<1e6: return trim(v / 1e3) + " ns"
        case ..<1e9: return trim(v / 1e6) + " us"
        case ..<1e12: return trim(v / 1e9) + " ms"
        default: return trim(v / 1e12) + " s"
        }
    }

    private static func trim(_ x: Double) -> String {
        var s = String(format: "%.3f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
