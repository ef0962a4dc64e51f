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
        layer.refresh(input: row / layer.cell.rowsPerInput)
        return result
    }

    /// Time to program one row: row setup, then as many RESET pulse slots as the device
    /// that needed most RESET pulses, and as many SET slots (all columns of a row are pulsed
    /// together; the 1T1R cell needs at most one of each).
    public func rowTime(_ r: RowResult) throws -> SimTime {
        if r.columnsDriven == 0 { return .zero }
        return try spec.rowSetup.adding(resetTime(r.pulses)).adding(setTime(r.pulses))
    }

    /// Time the array spends in a row's RESET pulses and in its SET pulses.
    public func resetTime(_ p: Pulses) throws -> SimTime { try device.resetPulse.multiplied(by: UInt64(p.resetSlots)) }
    public func setTime(_ p: Pulses) throws -> SimTime { try device.setPulse.multiplied(by: UInt64(p.setSlots)) }
}
