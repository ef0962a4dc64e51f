import InsituDevices

/// Named pulse-programmed synapses of NeuroSim's device table, for an arch file's top-level
/// `device: NAME` (and so `--set device=NAME` and `insitu sweep --vary device=A,B`): the
/// design's `chip.device` is replaced by the named device, and what the periphery sets
/// from the device's window follows it, as the presets that swap a device by hand do
/// (docs/model.md, "Device presets"): the TIA gains and the sigmoid scales by the ratio of
/// the windows' spans, the read-back gain by the ratio of their maxima. The values are
/// NeuroSim's RealDevice parameters as the MELISO framework lists them (disys-lab/meliso,
/// config_files/device_*.yaml; its Ag:a-Si file holds exactly NeuroSim's Cell.cpp values).
public enum DeviceLibrary {
    /// The devices, each a `chip.device` section.
    static let devices: [(name: String, section: String)] = [
        ("ag-asi", """
            model: pulsed
            conductance_min: 3.0769 nS
            conductance_max: 38.462 nS
            set_levels: 97
            reset_levels: 100
            set_nonlinearity: 2.4
            reset_nonlinearity: -4.88
            set_voltage: 3.2 V
            reset_voltage: 2.8 V
            set_pulse: 300 us
            reset_pulse: 300 us
            cycle_variation: 3.5%
            """),
        ("taox-hfox", """
            model: pulsed
            conductance_min: 1 uS
            conductance_max: 10 uS
            set_levels: 128
            reset_levels: 128
            set_nonlinearity: 0.04
            reset_nonlinearity: -0.63
            set_voltage: 1.6 V
            reset_voltage: 1.6 V
            set_pulse: 50 ns
            reset_pulse: 50 ns
            cycle_variation: 3.7%
            """),
        ("alox-hfo2", """
            model: pulsed
            conductance_min: 13.36 uS
            conductance_max: 59.17 uS
            set_levels: 40
            reset_levels: 40
            set_nonlinearity: 1.94
            reset_nonlinearity: -0.61
            set_voltage: 0.9 V
            reset_voltage: 1.0 V
            set_pulse: 100 us
            reset_pulse: 100 us
            cycle_variation: 5%
            """),
        ("epiram", """
            model: pulsed
            conductance_min: 245.9 nS
            conductance_max: 12.35 uS
            set_levels: 256
            reset_levels: 256
            set_nonlinearity: 0.5
            reset_nonlinearity: -0.5
            set_voltage: 5.0 V
            reset_voltage: 3.0 V
            set_pulse: 5 us
            reset_pulse: 5 us
            cycle_variation: 2%
            """),
    ]

    /// The names `device:` accepts.
    public static var names: [String] { devices.map(\.name) }

    /// The `chip.device` section of the device called `name`, as a tree (nil if there is none).
    static func section(_ name: String) -> ArchValue? {
        guard let text = devices.first(where: { $0.name == name })?.section else { return nil }
        return try? ArchLoader.parse(yaml: text, file: "device library: \(name)")
    }

    /// `tree` with its top-level `device: NAME` carried out (unchanged when it has none): the
    /// design as written is decoded first (so its own problems are reported as they are),
    /// then its `chip.device` is replaced and the window's settings rescaled.
    static func resolve(_ tree: ArchValue) throws -> ArchValue {
        guard case .mapping(let entries, let location) = tree, let i = entries.firstIndex(where: { $0.key == "device" }) else { return tree }
        let key = entries[i]
        let choices = names.joined(separator: ", ")
        guard case .scalar(let name, _) = key.value else {
            throw ArchError(key.value.location, "'device' expects the name of a device of the library, found \(key.value.kindName)",
                            hint: "one of: \(choices); or write the device under chip.device")
        }
        guard let section = section(name) else {
            throw ArchError(key.value.location, "'device': no device called '\(name)' in the library",
                            hint: "one of: \(choices); or write the device under chip.device")
        }
        var rest = entries
        rest.remove(at: i)
        let written = ArchValue.mapping(rest, location)
        let base = try ArchDesign.decode(written)
        let wrapper = try MappingReader(.mapping([ArchValue.Entry(key: "device", keyLocation: key.keyLocation, value: section)], key.keyLocation),
                                        path: "", keys: ["device"])
        let new = try DeviceModels.decode(wrapper, key: "device").model, old = base.chip.device.model
        guard new.stateUnit == old.stateUnit else {
            throw ArchError(key.value.location,
                            "'device: \(name)' is programmed in \(new.stateUnit) units but this design's device in \(old.stateUnit): its learning rates and initial states would mean something else",
                            hint: "start from a design with a pulsed device (arch/neurosim-mlp.yaml, arch/li2018-agsi.yaml), or write the device under chip.device")
        }
        let span = (old.windowMaxSiemens - old.windowMinSiemens) / (new.windowMaxSiemens - new.windowMinSiemens)
        let top = old.windowMaxSiemens / new.windowMaxSiemens
        let at = key.value.location
        var result = written.setting(path: ["chip", "device"], to: section)
        let tia = base.chip.tia
        result = result.setting(path: ["chip", "tia", "gain"], to: .scalar("\(tia.gainVoltsPerAmp * span) V/A", at))
        result = result.setting(path: ["chip", "tia", "output_gain"], to: .scalar("\(tia.outputGainVoltsPerAmp * span) V/A", at))
        result = result.setting(path: ["chip", "tia", "readback_gain"], to: .scalar("\(tia.readbackGainVoltsPerAmp * top) V/A", at))
        if base.network.hiddenScalePerAmp > 0 {
            result = result.setting(path: ["network", "hidden_scale"], to: .scalar("\(base.network.hiddenScalePerAmp * span) 1/A", at))
        }
        result = result.setting(path: ["network", "output_scale"], to: .scalar("\(base.network.outputScalePerAmp * span) 1/A", at))
        let summary = base.summary.isEmpty ? base.name : base.summary
        return result.setting(path: ["description"], to: .scalar(summary + "; device \(name) of the library in place of its own", at))
    }
}
