/// How a pulse-programmed device turns a step of its state into whole pulses: a step d in a
/// direction of L levels takes round(|d| L) pulses, halves away from zero (NeuroSim's
/// `truncate` with threshold 0.5), so a step under half a pulse programs nothing.
public struct StepRounding: Sendable, Equatable {
    /// Pulses across the window upward (SET) and downward (RESET).
    public var upLevels: Int
    public var downLevels: Int

    public init(upLevels: Int, downLevels: Int) {
        self.upLevels = upLevels
        self.downLevels = downLevels
    }

    /// Pulses a state step of `d` takes in a direction of `levels`. A non-finite step
    /// programs nothing; a finite one at most 2^30 pulses (a device saturates long before).
    @inlinable
    public static func pulses(step d: Double, levels: Int) -> Int {
        let v = abs(d) * Double(levels)
        guard v.isFinite else { return 0 }
        guard v < 0x1p30 else { return 1 << 30 }
        let whole = Int(v)   // truncation: the whole part of a non-negative value
        return v - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    /// Whether the step from state `old` to `new` takes at least one pulse: |d| L of at
    /// least one half, finite (as `pulses(step:levels:)` counts, without the count).
    @inlinable @inline(__always)
    public func pulses(from old: Float, to new: Float) -> Bool {
        let d = Double(new) - Double(old)
        let v = abs(d) * Double(d > 0 ? upLevels : downLevels)
        return v >= 0.5 && v < .infinity   // (NaN fails both)
    }
}
