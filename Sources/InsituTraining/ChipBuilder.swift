import InsituDevices
import InsituHardware
import InsituMapping

/// Builds a chip for a network: maps the layers onto tiles by the design's mapping strategy
/// and places fresh devices.
public enum ChipBuilder {
    /// The layer placements of `network` on `chip`, or a message saying why it does not fit.
    public static func placements(chip: ChipSpec, network: NetworkSpec) throws -> [[Placement]] {
        try MappingStrategies.placements(chip: chip, widths: network.layers).1
    }

    /// A fresh chip; `device` replaces the device model the spec describes.
    public static func chip(_ spec: ChipSpec, network: NetworkSpec, seed: UInt64, accounting: Bool = true,
                            device: (any DeviceModel)? = nil) throws -> Chip {
        let chip = try Chip(spec: spec, widths: network.layers, placements: placements(chip: spec, network: network), seed: seed,
                            accounting: accounting, device: device, hidden: network.hidden, hiddenScalePerAmp: network.hiddenScalePerAmp)
        // Errors and gradients are stored in units of the softmax's scale, as loss scaling keeps them near 1.
        chip.errorUnit = Float(network.outputScalePerAmp)
        return chip
    }
}
