import InsituDevices
import InsituEngine

/// The on-chip update controller: keeps every device's gate voltage, turns weight changes
/// into gate-voltage changes, and programs a row with RESET (where the gate voltage falls)
/// followed by SET (where it changes), open loop as in Li et al. 2018.
public struct UpdateController: Sendable {
    public let spec: ControllerSpec
    public let device: DeviceParameters

    public init(spec: ControllerSpec, device: DeviceParameters) {
        self.spec = spec
        self.device = device
    }

    /// What programming one row did, for its time and energy.
    public struct RowResult: Sendable, Equatable {
        public var resets = 0
        public var sets = 0
        /// Energy of the RESET and SET pulses, joules.
        public var resetJoules = 0.0
        public var setJoules = 0.0
        public var columnsDriven = 0
        public init() {}
    }

    /// Energy of a SET pulse that ends at `after` siemens: V_set x I_cc x t, where the
    /// compliance current I_cc = G_after x V_cell is what the gate allows at the end state.
    @inline(__always)
    public func setJoules(after: Float) -> Double {
        device.setVolts * Double(after) * device.setCellVolts * device.setPulse.seconds
    }

    /// Energy of a RESET pulse from `before` siemens: V_reset^2 x G_before x t (an upper
    /// bound: the current falls as the device resets).
    @inline(__always)
    public func resetJoules(before: Float) -> Double {
        device.resetVolts * device.resetVolts * Double(before) * device.resetPulse.seconds
    }

    /// Programs `columns` of row `row` of `layer` to the gate voltages `targets` (one per
    /// column of the row): RESET where the target is below the remembered gate voltage, then
    /// SET where it differs. All columns by default.
    public func programRow(_ row: Int, of layer: CrossbarLayer, targets: UnsafeBufferPointer<Float>,
                           columns: Range<Int>? = nil, rng: inout RandomStream) -> RowResult {
        var result = RowResult()
        let m = layer.outputs
        layer.withDevices { d in
            for j in columns ?? 0..<m {
                let i = row * m + j
                let old = layer.gateVolts[i], new = targets[j]
                if new == old { continue }
                result.columnsDriven += 1
                layer.gateVolts[i] = new
                if new < old {
                    let before = d.reset(i)
                    result.resets += 1
                    result.resetJoules += resetJoules(before: before)
                }
                d.set(i, gateVolts: Double(new), rng: &rng)
                result.sets += 1
                result.setJoules += setJoules(after: d.conductance[i])
            }
        }
        layer.refresh(input: row / 2)
        return result
    }

    /// Time to program one row: row setup, then a RESET pulse if any device needs one and
    /// a SET pulse if any does (all columns of a row are pulsed together).
    public func rowTime(_ r: RowResult) throws -> SimTime {
        if r.columnsDriven == 0 { return .zero }
        var t = spec.rowSetup
        if r.resets > 0 { t = try t.adding(device.resetPulse) }
        if r.sets > 0 { t = try t.adding(device.setPulse) }
        return t
    }
}
