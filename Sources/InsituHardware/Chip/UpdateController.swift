import InsituDevices
import InsituEngine

/// The on-chip update controller: remembers every device's programmed state and programs
/// a row open loop, each device as its model says (the 1T1R cell: RESET where the gate
/// voltage falls, then SET where it changes, as in Li et al. 2018).
public struct UpdateController: Sendable {
    public let spec: ControllerSpec
    public let device: any DeviceModel

    public init(spec: ControllerSpec, device: any DeviceModel) {
        self.spec = spec
        self.device = device
    }

    /// What programming one row did, for its time and energy.
    public struct RowResult: Sendable, Equatable {
        public var pulses = Pulses()
        public var columnsDriven = 0
        public init() {}
    }

    /// Programs `columns` of row `row` of `layer` to the states `targets` (one per column of
    /// the row). All columns by default.
    public func programRow(_ row: Int, of layer: CrossbarLayer, targets: UnsafeBufferPointer<Float>,
                           columns: Range<Int>? = nil, rng: inout RandomStream) -> RowResult {
        var result = RowResult()
        let m = layer.outputs
        let cols = columns ?? 0..<m
        guard !cols.isEmpty else { return result }
        layer.withDevices { d in
            layer.states.withUnsafeMutableBufferPointer { states in
                let first = row * m + cols.lowerBound
                let done = d.program(first..<(first + cols.count), states: states.baseAddress! + first,
                                     targets: targets.baseAddress! + cols.lowerBound, rng: &rng)
                result.pulses = done.pulses
                result.columnsDriven = done.driven
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
        if r.pulses.resets > 0 { t = try t.adding(device.resetPulse) }
        if r.pulses.sets > 0 { t = try t.adding(device.setPulse) }
        return t
    }
}
