import InsituDevices
import InsituEngine

/// The `chip.device` section of the gate-controlled 1T1R cell (Li et al. 2018) and of its
/// ideal twin, which reads the same keys and drops the defects.
enum GateControlledDecoding {
    static let gateControlled = DeviceModelEntry(name: "gate-controlled", keys: keys) { GateControlledDevice(try parameters($0)) }
    static let ideal = DeviceModelEntry(name: "ideal", keys: keys) { IdealDevice(try parameters($0)) }

    static let keys = [
        "gate_min", "gate_max", "conductance_at_gate_min", "slope", "conductance_floor", "conductance_ceiling",
        "reset_conductance", "stuck_low", "stuck_high", "update_variation", "variation_reference", "device_variation",
        "read_noise", "set_voltage", "set_cell_voltage", "reset_voltage", "reset_gate_voltage", "set_pulse", "reset_pulse",
    ]

    static func parameters(_ r: MappingReader) throws -> DeviceParameters {
        var d = DeviceParameters()
        try r.quantity("gate_min", .volt, min: 0, max: 10, into: &d.gateMinVolts)
        try r.quantity("gate_max", .volt, min: 0, max: 10, into: &d.gateMaxVolts)
        try r.quantity("conductance_at_gate_min", .siemens, min: 0, max: 1, into: &d.conductanceAtGateMinSiemens)
        try r.quantity("slope", .siemensPerVolt, min: 0, max: 1, exclusiveMin: true, into: &d.slopeSiemensPerVolt)
        try r.quantity("conductance_floor", .siemens, min: 0, max: 1, into: &d.conductanceFloorSiemens)
        try r.quantity("conductance_ceiling", .siemens, min: 0, max: 1, exclusiveMin: true, into: &d.conductanceCeilingSiemens)
        try r.quantity("reset_conductance", .siemens, min: 0, max: 1, into: &d.resetConductanceSiemens)
        let low = try r.mapping("stuck_low", keys: ["fraction", "conductance"])
        try low.number("fraction", min: 0, max: 1, into: &d.stuckLowFraction)
        try low.quantity("conductance", .siemens, min: 0, max: 1, into: &d.stuckLowSiemens)
        let high = try r.mapping("stuck_high", keys: ["fraction", "conductance"])
        try high.number("fraction", min: 0, max: 1, into: &d.stuckHighFraction)
        try high.quantity("conductance", .siemens, min: 0, max: 1, into: &d.stuckHighSiemens)
        try r.number("update_variation", min: 0, max: 1, into: &d.updateVariation)
        try r.choice("variation_reference", into: &d.variationReference)
        try r.number("device_variation", min: 0, max: 1, into: &d.deviceVariation)
        try r.number("read_noise", min: 0, max: 1, into: &d.readNoise)
        try r.quantity("set_voltage", .volt, min: 0, max: 20, into: &d.setVolts)
        try r.quantity("set_cell_voltage", .volt, min: 0, max: 20, into: &d.setCellVolts)
        try r.quantity("reset_voltage", .volt, min: 0, max: 20, into: &d.resetVolts)
        try r.quantity("reset_gate_voltage", .volt, min: 0, max: 20, into: &d.resetGateVolts)
        try r.time("set_pulse", into: &d.setPulse)
        try r.time("reset_pulse", into: &d.resetPulse)
        if d.conductanceCeilingSiemens <= d.conductanceFloorSiemens {
            throw ArchError(r.value("conductance_ceiling")?.location ?? r.location, "chip.device.conductance_ceiling must be above conductance_floor")
        }
        if d.gateMaxVolts <= d.gateMinVolts {
            throw ArchError(r.value("gate_max")?.location ?? r.location, "chip.device.gate_max (\(d.gateMaxVolts) V) must be above chip.device.gate_min (\(d.gateMinVolts) V)")
        }
        if d.stuckLowFraction + d.stuckHighFraction > 1 {
            throw ArchError(r.location, "stuck_low.fraction + stuck_high.fraction exceeds 1")
        }
        return d
    }
}
