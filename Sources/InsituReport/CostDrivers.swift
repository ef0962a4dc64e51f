import Foundation
import InsituEngine
import InsituTraining

/// What a run's energy goes to: the ledger grouped by component (tiles' alike summed), action
/// and phase, largest first, each with its share of the total and the arch keys that set it.
public struct CostDriver: Equatable {
    public var component: String
    public var action: String
    public var phase: String
    public var joules: Double
    public var share: Double
    public var keys: String

    public var label: String { "\(component) \(action) in \(phase)" }

    /// The `count` largest groups of a run (none with no energy).
    public static func top(_ run: TrainingRun, count: Int = 5) -> [CostDriver] {
        let total = run.ledger.totalEnergyQuanta.doubleValue * Ledger.quantumJoules
        guard total > 0 else { return [] }
        var groups: [String: (component: String, action: String, phase: String, joules: Double)] = [:]
        for e in run.ledger.entries {
            let base = baseName(e.key.component)
            let id = base + "|" + e.key.action + "|" + e.key.phase
            groups[id, default: (base, e.key.action, e.key.phase, 0)].joules += e.energyQuanta.doubleValue * Ledger.quantumJoules
        }
        let digitalChip = run.acceleratorSpec != nil
        return groups.values.sorted { $0.joules != $1.joules ? $0.joules > $1.joules : ($0.component, $0.action, $0.phase) < ($1.component, $1.action, $1.phase) }
            .prefix(count).filter { $0.joules > 0 }
            .map { CostDriver(component: $0.component, action: $0.action, phase: $0.phase, joules: $0.joules, share: $0.joules / total,
                              keys: governingKeys($0.component, $0.action, digitalChip: digitalChip)) }
    }

    /// A component's name without its tile ("tile3.adc" is "adc").
    static func baseName(_ component: String) -> String {
        guard component.hasPrefix("tile"), let dot = component.firstIndex(of: ".") else { return component }
        return String(component[component.index(after: dot)...])
    }

    /// The arch keys that set an action's energy (docs/model.md section 5).
    static func governingKeys(_ component: String, _ action: String, digitalChip: Bool) -> String {
        let staticActions = ["leakage", "off-leakage", "wake"]
        if digitalChip {
            let section = ["mac-array": "array", "vector": "vector", "sram": "sram", "dram": "dram", "accumulators": "array"][component] ?? component
            if staticActions.contains(action) { return "digital_chip.\(section).leakage" }
            switch component {
            case "mac-array": return "digital_chip.formats, digital_chip.node, digital_chip.array.rows and columns"
            case "vector": return "digital_chip.vector.format, exp_energy"
            case "sram": return "digital_chip.sram.capacity and banks; digital_chip.formats (bits moved)"
            case "dram": return "digital_chip.dram.energy_per_bit; digital_chip.sram.capacity (what spills)"
            case "accumulators": return "digital_chip.array.accumulators"
            default: return "digital_chip.\(component)"
            }
        }
        let section = ["array": "tile", "shift-add": "shift_add", "input-register": "input_register",
                       "output-register": "output_register", "result-register": "result_register"][component] ?? component
        if staticActions.contains(action) { return "chip.\(section).leakage and power" }
        switch (component, action) {
        case ("dac", _): return "chip.dac.energy (or bits, unit_capacitance, reference_voltage), chip.dac.range, chip.tile.row_wire_capacitance"
        case ("array", "read"): return "chip.tile.settling, chip.tia.settling, chip.dac.range, the device window (chip.device)"
        case ("array", "supply"): return "chip.dac.supply_voltage and supply_efficiency"
        case ("array", "set"): return "chip.device.set_voltage, set_cell_voltage, set_pulse; chip.controller.charge_pump_efficiency"
        case ("array", "reset"): return "chip.device.reset_voltage, reset_pulse; chip.controller.charge_pump_efficiency"
        case ("tia", _): return "chip.tia.energy"
        case ("adc", _): return "chip.adc.bits, energy (or node, walden_fom), per_tile"
        case ("controller", _): return "chip.controller.gate_drive_energy"
        case ("digital", _): return "chip.digital.format, accumulator, node (or mac_energy, add_energy); chip.digital.gradient_dataflow"
        case ("buffer", _): return "chip.buffer.capacity and banks (or energy_per_bit), word_bits; chip.digital.gradient_dataflow"
        case ("interconnect", _): return "chip.interconnect.energy_per_bit"
        case ("shift-add", _): return "chip.shift_add.energy; chip.dac.bits (planes)"
        case ("router", _): return "chip.router.energy_per_bit; chip.dac.bits (inputs), chip.buffer.word_bits or chip.adc.bits (outputs)"
        case ("input-register", _): return "chip.input_register.energy_per_bit; chip.dac.bits"
        case ("output-register", _): return "chip.output_register.energy_per_bit; chip.slicing, chip.buffer.word_bits or chip.adc.bits"
        case ("result-register", _): return "chip.result_register.energy_per_bit; chip.slicing, chip.buffer.word_bits or chip.adc.bits"
        default: return "chip.stages (\(component))"
        }
    }

    /// Lines for the terminal: share, what, and the keys.
    public static func text(_ drivers: [CostDriver]) -> String {
        (["top cost drivers:"] + drivers.map { String(format: "  %5.1f%%  ", 100 * $0.share) + "\($0.label) (\($0.keys))" }).joined(separator: "\n")
    }
}
