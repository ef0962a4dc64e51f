import InsituEngine

/// Parameters of a gate-controlled 1T1R device (`GateControlledDevice`, and `IdealDevice`
/// without its defects): how gate voltage sets conductance, its limits, defects and
/// variation, and the programming pulses. Plain values decoded from an arch file.
public struct DeviceParameters: Sendable, Equatable {
    /// What the cycle-to-cycle update variation is relative to.
    public enum VariationReference: String, Sendable, CaseIterable {
        /// sigma = variation x (window maximum - window minimum)
        case range
        /// sigma = variation x target conductance
        case value
    }

    /// Clipping range of the gate voltage used for SET (the paper: 0.6 to 1.7 V).
    public var gateMinVolts = 0.6
    public var gateMaxVolts = 1.7
    /// Conductance after SET at the lowest gate voltage.
    public var conductanceAtGateMinSiemens = 60e-6
    /// d G / d Vg inside the linear range.
    public var slopeSiemensPerVolt = 100e-6
    /// Physical limits of any conductance a device can take.
    public var conductanceFloorSiemens = 1e-6
    public var conductanceCeilingSiemens = 1.5e-3
    /// Conductance right after a RESET pulse.
    public var resetConductanceSiemens = 5e-6
    /// Fraction of devices that ignore programming, and the conductance they keep.
    public var stuckLowFraction = 0.0
    public var stuckLowSiemens = 10e-6
    public var stuckHighFraction = 0.0
    public var stuckHighSiemens = 1.2e-3
    /// Cycle-to-cycle standard deviation of the conductance reached by a SET.
    public var updateVariation = 0.0
    public var variationReference: VariationReference = .range
    /// Device-to-device relative standard deviation of the gate-to-conductance slope.
    public var deviceVariation = 0.0
    /// Relative standard deviation of each read of a device.
    public var readNoise = 0.0
    /// Programming pulses: SET on the top electrode, RESET on the bottom electrode with the gate fully on.
    public var setVolts = 2.5
    public var resetVolts = 1.6
    public var resetGateVolts = 5.0
    /// Voltage across the cell at the end of a SET, when the compliance current flows.
    public var setCellVolts = 1.0
    public var setPulse = SimTime(picoseconds: 100_000)
    public var resetPulse = SimTime(picoseconds: 100_000)

    public init() {}

    /// Conductance after SET at the lowest and highest gate voltage (the programmable window).
    public var windowMinSiemens: Double { conductanceAtGateMinSiemens }
    public var windowMaxSiemens: Double {
        conductanceAtGateMinSiemens + slopeSiemensPerVolt * (gateMaxVolts - gateMinVolts)
    }

    /// R = (Gmin - Gstuck) / (Gmax - Gmin): how far a stuck-low device sits below the window,
    /// in window widths; the larger, the less tolerant training is of stuck devices.
    public var stuckDistanceRatio: Double {
        (windowMinSiemens - stuckLowSiemens) / (windowMaxSiemens - windowMinSiemens)
    }

    /// Nominal conductance a SET at `gateVolts` reaches (before variation and limits).
    @inlinable
    public func targetConductance(gateVolts: Double, slopeFactor: Double = 1) -> Double {
        conductanceAtGateMinSiemens + slopeSiemensPerVolt * slopeFactor * (gateVolts - gateMinVolts)
    }

    /// The gate voltage whose nominal SET reaches `siemens`, clipped to the gate range.
    public func gateVolts(forConductance siemens: Double) -> Double {
        let v = gateMinVolts + (siemens - conductanceAtGateMinSiemens) / slopeSiemensPerVolt
        return min(max(v, gateMinVolts), gateMaxVolts)
    }

    /// Clips a gate voltage to [gateMinVolts, gateMaxVolts].
    @inlinable
    public func clipGate(_ volts: Double) -> Double { min(max(volts, gateMinVolts), gateMaxVolts) }
}
