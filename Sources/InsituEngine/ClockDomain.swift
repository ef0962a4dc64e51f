/// A clock whose cycle n starts at floor(n * 10^12 / f) ps, computed exactly.
///
/// The frequency is held as a rational number of hertz (numerator / denominator), so
/// 1.28 GHz has period 781.25 ps and cycle 4 lands on 3125 ps exactly, for any n, with no
/// accumulated drift. Products use 128-bit intermediates; overflow throws.
public struct ClockDomain: Sendable, Equatable {
    public let name: String
    /// Frequency = hertzNumerator / hertzDenominator.
    public let hertzNumerator: UInt64
    public let hertzDenominator: UInt64
    /// The period in whole picoseconds when 10^12 / f is an integer (1 GHz: 1000 ps), for a
    /// multiplication instead of a 128-bit division.
    private let wholePeriodPicoseconds: UInt64?

    public init(name: String, hertzNumerator: UInt64, hertzDenominator: UInt64 = 1) throws {
        guard hertzNumerator > 0, hertzDenominator > 0 else {
            throw SimulationError.invalidFrequency("\(hertzNumerator)/\(hertzDenominator) Hz")
        }
        self.name = name
        self.hertzNumerator = hertzNumerator
        self.hertzDenominator = hertzDenominator
        let (scale, overflow) = UInt64(1_000_000_000_000).multipliedReportingOverflow(by: hertzDenominator)
        wholePeriodPicoseconds = !overflow && scale % hertzNumerator == 0 ? scale / hertzNumerator : nil
    }

    /// A clock from a frequency in hertz given as a decimal Double (e.g. 1.28e9), kept
    /// exact to the millihertz.
    public init(name: String, hertz: Double) throws {
        guard hertz.isFinite, hertz >= 1e-3, hertz < 1.8e16 else {
            throw SimulationError.invalidFrequency("\(hertz) Hz")
        }
        try self.init(name: name, hertzNumerator: UInt64((hertz * 1000).rounded()), hertzDenominator: 1000)
    }

    public var hertz: Double { Double(hertzNumerator) / Double(hertzDenominator) }

    /// Start time of cycle `n`: floor(n * 10^12 * den / num) picoseconds.
    public func time(ofCycle n: UInt64) throws -> SimTime {
        if let period = wholePeriodPicoseconds {
            let (t, overflow) = n.multipliedReportingOverflow(by: period)
            if overflow { throw SimulationError.timeOverflow("cycle \(n) of \(name)") }
            return SimTime(picoseconds: t)
        }
        let scale = try Self.mul(1_000_000_000_000, hertzDenominator)
        let (hi, lo) = n.multipliedFullWidth(by: scale)
        guard hi < hertzNumerator else { throw SimulationError.timeOverflow("cycle \(n) of \(name)") }
        let (q, _) = hertzNumerator.dividingFullWidth((hi, lo))
        return SimTime(picoseconds: q)
    }

    /// The first cycle that starts at or after `time`.
    public func cycle(atOrAfter time: SimTime) throws -> UInt64 {
        // n = ceil(t * num / (10^12 * den))
        let scale = try Self.mul(1_000_000_000_000, hertzDenominator)
        let (hi, lo) = time.picoseconds.multipliedFullWidth(by: hertzNumerator)
        guard hi < scale else { throw SimulationError.timeOverflow("time \(time) on \(name)") }
        let (q, r) = scale.dividingFullWidth((hi, lo))
        var n = r == 0 ? q : q + 1
        // floor() in time(ofCycle:) can put cycle n a fraction early: step until it is not before `time`.
        while try self.time(ofCycle: n) < time { n += 1 }
        while n > 0, try self.time(ofCycle: n - 1) >= time { n -= 1 }
        return n
    }

    /// Time of the first cycle edge at or after `time` plus `cycles` further cycles.
    public func time(after time: SimTime, cycles: UInt64) throws -> SimTime {
        let (n, o) = try cycle(atOrAfter: time).addingReportingOverflow(cycles)
        if o { throw SimulationError.timeOverflow("\(cycles) cycles on \(name)") }
        return try self.time(ofCycle: n)
    }

    private static func mul(_ a: UInt64, _ b: UInt64) throws -> UInt64 {
        let (v, o) = a.multipliedReportingOverflow(by: b)
        if o { throw SimulationError.timeOverflow("clock scale") }
        return v
    }
}
