import InsituEngine

/// A component's power states: powered (active or clock-gated idle, both at its `leakage`;
/// what work costs beyond that is in its actions) and off (power-gated, at `offLeakageWatts`),
/// with what a wake-up from off costs. Figures are per unit (one ADC, one row's DAC).
public struct PowerStates: Sendable, Equatable {
    public enum Policy: String, Sendable, CaseIterable {
        /// Powered at all times.
        case alwaysOn = "always-on"
        /// Power-gated once idle for longer than the wake-up's break-even (and its latency).
        case gated
    }
    public var policy = Policy.alwaysOn
    /// Leakage of one unit while power-gated, watts.
    public var offLeakageWatts = 0.0
    /// Energy of one unit's wake-up from off (charging its virtual supply, restoring state).
    public var wakeJoules = 0.0
    /// Time a unit needs to wake up; the static schedule wakes it this long ahead of its next use.
    public var wakeLatency = SimTime.zero
    public init() {}

    /// Always powered.
    public static let alwaysOn = PowerStates()

    /// How long a unit of `leakageWatts` stays powered once idle before it is gated: the
    /// break-even E_wake / (P_leak - P_off) after which gating saves more than the wake-up
    /// costs, and at least the wake-up latency. Nil when gating never pays (or is not asked for).
    public func gateAfter(leakageWatts: Double) -> SimTime? {
        guard policy == .gated, leakageWatts > offLeakageWatts else { return nil }
        let breakEven = (try? SimTime.seconds(wakeJoules / (leakageWatts - offLeakageWatts))) ?? SimTime(picoseconds: .max)
        return max(breakEven, wakeLatency)
    }
}
