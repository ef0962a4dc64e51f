import InsituDevices
import InsituEngine

/// The `chip.device` section of the gate-controlled 1T1R cell (Li et al. 2018) and of its
/// ideal twin, which reads the same keys and drops the defects.
enum GateControlledDecoding {
    static let gateControlled = DeviceModelEntry(name: "gate-controlled", keys: keys, optional: userLevel) { GateControlledDevice(try parameters($0)) }
    static let ideal = DeviceModelEntry(name: "ideal", keys: keys, optional: userLevel) { IdealDevice(try parameters($0)) }

    /// Keys a designer can give instead of the model's own: `conductance_range` for
    /// conductance_at_gate_min and slope, `write_noise` for update_variation and variation_reference.
    static let userLevel: Set<String> = ["conductance_range", "write_noise", "conductance_at_gate_min", "slope", "update_variation", "variation_reference"]

    static let keys = [
        "gate_min", "gate_max", "conductance_at_gate_min", "slope", "conductance_floor", "conductance_ceiling",
        "reset_conductance", "stuck_low", "stuck_high", "update_variation", "variation_reference", "device_variation",
        "read_noise", "set_voltage", "set_cell_voltage", "reset_voltage", "reset_gate_voltage", "set_pulse", "reset_pulse",
        "conductance_range", "write_noise",
    ]

    /// Whether the user-level key `key` is given (true) or the model's own `keys` (false); both,
    /// or neither completely, is refused naming what to give.
    static func either(_ r: MappingReader, _ key: String, or keys: [String]) throws -> Bool {
        let own = keys.filter(r.has)
        if r.has(key) {
            guard own.isEmpty else {
                throw ArchError(r.value(own[0])!.location, "'chip.device.\(key)' and '\(own.map { "chip.device." + $0 }.joined(separator: "', '"))' both set the same thing",
                                hint: "keep one; an extending file or --set can drop the other with '\(own[0]): ~'")
            }
            return true
        }
        if let missing = keys.first(where: { !r.has($0) }) {
            throw ArchError(r.location, "missing key 'chip.device.\(missing)' in 'chip.device'; give \(keys.joined(separator: " and ")), or \(key)",
                            hint: "add '\(missing):'")
        }
        return false
    }

    static func parameters(_ r: MappingReader) throws -> DeviceParameters {
        var d = DeviceParameters()
        try r.quantity("gate_min", .volt, min: 0, max: 10, into: &d.gateMinVolts)
        try r.quantity("gate_max", .volt, min: 0, max: 10, into: &d.gateMaxVolts)
        if try either(r, "conductance_range", or: ["conductance_at_gate_min", "slope"]) {
            var range: [Double] = []
            try r.quantities("conductance_range", .siemens, min: 0, max: 1, into: &range)
            guard range.count == 2, range[1] > range[0], d.gateMaxVolts > d.gateMinVolts else {
                throw ArchError(r.value("conductance_range")!.location, "'chip.device.conductance_range' expects [G_min, G_max] with G_max above G_min (and gate_max above gate_min)",
                                hint: "e.g. conductance_range: [100 uS, 1145 uS]")
            }
            // The window's ends at gate_min and gate_max: G(Vg) = G_min + slope (Vg - gate_min).
            d.conductanceAtGateMinSiemens = range[0]
            d.slopeSiemensPerVolt = (range[1] - range[0]) / (d.gateMaxVolts - d.gateMinVolts)
        } else {
            try r.quantity("conductance_at_gate_min", .siemens, min: 0, max: 1, into: &d.conductanceAtGateMinSiemens)
            try r.quantity("slope", .siemensPerVolt, min: 0, max: 1, exclusiveMin: true, into: &d.slopeSiemensPerVolt)
        }
        try r.quantity("conductance_floor", .siemens, min: 0, max: 1, into: &d.conductanceFloorSiemens)
        try r.quantity("conductance_ceiling", .siemens, min: 0, max: 1, exclusiveMin: true, into: &d.conductanceCeilingSiemens)
        try r.quantity("reset_conductance", .siemens, min: 0, max: 1, into: &d.resetConductanceSiemens)
        let low = try r.mapping("stuck_low", keys: ["fraction", "conductance"])
        try low.number("fraction", min: 0, max: 1, into: &d.stuckLowFraction)
        try low.quantity("conductance", .siemens, min: 0, max: 1, into: &d.stuckLowSiemens)
        let high = try r.mapping("stuck_high", keys: ["fraction", "conductance"])
        try high.number("fraction", min: 0, max: 1, into: &d.stuckHighFraction)
        try high.quantity("conductance", .siemens, min: 0, max: 1, into: &d.stuckHighSiemens)
        if try either(r, "write_noise", or: ["update_variation", "variation_reference"]) {
            // Write noise: the standard deviation of a programmed conductance, as a fraction of the window or in siemens.
            let (text, location) = try r.scalar("write_noise")!
            if text.trimmingCharacters(in: .whitespaces).hasSuffix("S") {
                var sigma = 0.0
                try r.quantity("write_noise", .siemens, min: 0, max: 1, into: &sigma)
                d.updateVariation = sigma / (d.windowMaxSiemens - d.windowMinSiemens)
            } else {
                try r.number("write_noise", min: 0, max: 1, into: &d.updateVariation)
            }
            d.variationReference = .range
            guard d.updateVariation <= 1 else {
                throw ArchError(location, "'chip.device.write_noise' \(text) is wider than the conductance window itself", hint: "give a fraction such as 2% or siemens below the window's width")
            }
        } else {
            try r.number("update_variation", min: 0, max: 1, into: &d.updateVariation)
            try r.choice("variation_reference", into: &d.variationReference)
        }
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
