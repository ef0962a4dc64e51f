import InsituHardware

/// A way of placing a network's layers on a chip's tiles, named in the arch file
/// (`chip.mapping`) so that a sweep can choose among strategies.
public protocol MappingStrategy: Sendable {
    /// Name in arch files.
    var name: String { get }
    /// One line for `describe` and the docs.
    var summary: String { get }
    /// Places the layers of `widths` (inputs first) on tiles of the given geometry, or throws
    /// `LayerMapping.Failure` saying what does not fit.
    func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int) throws -> LayerMapping
}

/// Whole layers side by side on a tile while its columns allow (the paper's partitioned
/// 128 x 64 array); a layer larger than a tile is split into blocks of whole input pairs and columns.
public struct PackedMapping: MappingStrategy {
    public init() {}
    public var name: String { "packed" }
    public var summary: String { "layers side by side on a tile while columns allow; larger layers split over tiles" }
    public func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int) throws -> LayerMapping {
        try LayerMapping(widths: widths, tileRows: tileRows, tileColumns: tileColumns, tileCount: tileCount)
    }
}

/// Every layer starts on a tile of its own, so layers never share an array or its converters.
public struct LayerPerTileMapping: MappingStrategy {
    public init() {}
    public var name: String { "layer-per-tile" }
    public var summary: String { "every layer on tiles of its own; larger layers split over tiles" }
    public func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int) throws -> LayerMapping {
        try LayerMapping(widths: widths, tileRows: tileRows, tileColumns: tileColumns, tileCount: tileCount, layerPerTile: true)
    }
}

/// The strategies arch files can name.
public enum MappingStrategies {
    public static let all: [any MappingStrategy] = [PackedMapping(), LayerPerTileMapping()]
    /// The strategy that takes its blocks from the arch file's `chip.placement`.
    public static let explicit = "explicit"
    public static var names: [String] { all.map(\.name) + [explicit] }

    /// The strategy called `name`, or nil.
    public static func named(_ name: String) -> (any MappingStrategy)? { all.first { $0.name == name } }

    /// One line for `describe`, for any name arch files accept.
    public static func summary(_ name: String) -> String {
        name == explicit ? "blocks placed as chip.placement lists them" : named(name)?.summary ?? "unknown"
    }

    /// The placements of `widths` on `chip` by its named strategy.
    public static func placements(chip: ChipSpec, widths: [Int]) throws -> (LayerMapping, [[Placement]]) {
        let mapping: LayerMapping
        if chip.mapping == explicit {
            let blocks = chip.placement.map {
                LayerMapping.Block(layer: $0.layer, tile: $0.block.tile, firstInput: $0.block.firstInput, inputs: $0.block.inputs,
                                   firstOutput: $0.block.firstOutput, outputs: $0.block.outputs, rowOffset: $0.block.rowOffset,
                                   columnOffset: $0.block.columnOffset)
            }
            mapping = try LayerMapping(explicit: blocks, widths: widths, tileRows: chip.tile.rows, tileColumns: chip.tile.columns,
                                       tileCount: chip.tile.count)
        } else {
            guard let strategy = named(chip.mapping) else {
                throw LayerMapping.Failure(description: "unknown mapping '\(chip.mapping)'; expected one of \(names.joined(separator: ", "))")
            }
            mapping = try strategy.map(widths: widths, tileRows: chip.tile.rows, tileColumns: chip.tile.columns, tileCount: chip.tile.count)
        }
        let placements = (0..<(widths.count - 1)).map { l in
            mapping.blocks(ofLayer: l).map {
                Placement(tile: $0.tile, firstInput: $0.firstInput, inputs: $0.inputs, firstOutput: $0.firstOutput, outputs: $0.outputs,
                          rowOffset: $0.rowOffset, columnOffset: $0.columnOffset)
            }
        }
        return (mapping, placements)
    }
}
