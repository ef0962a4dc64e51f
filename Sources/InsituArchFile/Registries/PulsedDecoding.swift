import InsituDevices
import InsituEngine

/// `chip.device` with `model: pulsed`: the window, each direction's pulses, nonlinearity,
/// voltage and width (set = potentiation, reset = depression), and the variations.
enum PulsedDecoding {
    static let keys = ["conductance_min", "conductance_max", "set_levels", "reset_levels", "set_nonlinearity", "reset_nonlinearity",
                       "set_voltage", "reset_voltage", "set_pulse", "reset_pulse", "cycle_variation", "device_variation", "read_noise"]
    static let optional: Set<String> = ["set_nonlinearity", "reset_nonlinearity", "cycle_variation", "device_variation", "read_noise"]

    static let entry = DeviceModelEntry(name: "pulsed", keys: keys, optional: optional) { r in
        var gMin = 0.0, gMax = 0.0
        try r.quantity("conductance_min", .siemens, min: 0, max: 1, into: &gMin)
        try r.quantity("conductance_max", .siemens, min: 0, max: 1, exclusiveMin: true, into: &gMax)
        guard gMax > gMin else {
            throw ArchError(r.value("conductance_max")?.location ?? r.location,
                            "'chip.device.conductance_max' (\(gMax) S) must be above conductance_min (\(gMin) S)",
                            hint: "the window runs from conductance_min up to conductance_max")
        }
        let up = try direction(r, "set"), down = try direction(r, "reset")
        var cycle = 0.0, device = 0.0, noise = 0.0
        try r.number("cycle_variation", min: 0, max: 1, into: &cycle)
        try r.number("device_variation", min: 0, max: 9, into: &device)
        try r.number("read_noise", min: 0, max: 1, into: &noise)
        return PulsedDevice(minSiemens: gMin, maxSiemens: gMax, potentiation: up, depression: down,
                            cycleVariation: cycle, deviceVariation: device, readNoise: noise)
    }

    /// One direction's keys: `<prefix>_levels`, `_nonlinearity` (0 when absent), `_voltage`, `_pulse`.
    static func direction(_ r: MappingReader, _ prefix: String) throws -> PulsedDevice.Direction {
        var levels = 0, label = 0.0, volts = 0.0, pulse = SimTime.zero
        try r.integer("\(prefix)_levels", min: 1, max: 1 << 20, into: &levels)
        try r.number("\(prefix)_nonlinearity", min: -9, max: 9, into: &label)
        try r.quantity("\(prefix)_voltage", .volt, min: 0, max: 20, into: &volts)
        try r.time("\(prefix)_pulse", into: &pulse)
        guard pulse > .zero else {
            throw ArchError(r.value("\(prefix)_pulse")?.location ?? r.location, "'chip.device.\(prefix)_pulse' must be longer than 0 s",
                            hint: "give the write pulse's width, e.g. '300 us'")
        }
        return PulsedDevice.Direction(levels: levels, nonlinearity: label, volts: volts, pulse: pulse)
    }
}
