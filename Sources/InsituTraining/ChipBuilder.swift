import InsituHardware
import InsituMapping

/// Builds a chip for a network: maps the layers onto tiles and places fresh devices.
public enum ChipBuilder {
    /// The layer placements of `network` on `chip`, or a message saying why it does not fit.
    public static func placements(chip: ChipSpec, network: NetworkSpec) throws -> [[Placement]] {
        let mapping = try LayerMapping(widths: network.layers, tileRows: chip.tile.rows,
                                       tileColumns: chip.tile.columns, tileCount: chip.tile.count)
        return (0..<(network.layers.count - 1)).map { l in
            mapping.blocks(ofLayer: l).map {
                Placement(tile: $0.tile, firstInput: $0.firstInput, inputs: $0.inputs, firstOutput: $0.firstOutput, outputs: $0.outputs)
            }
        }
    }

    public static func chip(_ spec: ChipSpec, network: NetworkSpec, seed: UInt64, accounting: Bool = true) throws -> Chip {
        try Chip(spec: spec, widths: network.layers, outputScalePerAmp: network.outputScalePerAmp,
                 placements: placements(chip: spec, network: network), seed: seed, accounting: accounting)
    }
}
