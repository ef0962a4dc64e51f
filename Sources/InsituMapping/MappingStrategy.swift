import InsituEngine
import InsituHardware

/// A way of placing a network's layers on a chip's tiles, named in the arch file
/// (`chip.mapping`) so that a sweep can choose among strategies.
public protocol MappingStrategy: Sendable {
    /// Name in arch files.
    var name: String { get }
    /// One line for `describe` and the docs.
    var summary: String { get }
    /// Places the layers of `widths` (inputs first) on tiles of the given geometry, each input
    /// taking `rowsPerInput` device rows (the unit cell's), or throws `LayerMapping.Failure`
    /// saying what does not fit.
    func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, rowsPerInput: Int) throws -> LayerMapping
}

/// Whole layers side by side on a tile while its columns allow (the paper's partitioned
/// 128 x 64 array); a layer larger than a tile is split into blocks of whole input pairs and columns.
public struct PackedMapping: MappingStrategy {
    public init() {}
    public var name: String { "packed" }
    public var summary: String { "layers side by side on a tile while columns allow; larger layers split over tiles" }
    public func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, rowsPerInput: Int) throws -> LayerMapping {
        try LayerMapping(widths: widths, tileRows: tileRows, tileColumns: tileColumns, tileCount: tileCount, rowsPerInput: rowsPerInput)
    }
}

/// Every layer starts on a tile of its own, so layers never share an array or its converters.
public struct LayerPerTileMapping: MappingStrategy {
    public init() {}
    public var name: String { "layer-per-tile" }
    public var summary: String { "every layer on tiles of its own; larger layers split over tiles" }
    public func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, rowsPerInput: Int) throws -> LayerMapping {
        try LayerMapping(widths: widths, tileRows: tileRows, tileColumns: tileColumns, tileCount: tileCount, layerPerTile: true,
                         rowsPerInput: rowsPerInput)
    }
}

/// The strategies arch files can name in `chip.mapping`. A new strategy is one type and
/// one line: `MappingStrategies.register(strategy)`; it may replicate layers (blocks with a
/// `replica` above 0), which the chip then holds as copies that take images in turn.
public enum MappingStrategies {
    static let builtIn: [any MappingStrategy] = [PackedMapping(), LayerPerTileMapping()]
    static let registry = Registry<any MappingStrategy>(builtIn.map { ($0.name, $0) })
    /// The strategy that takes its blocks from the arch file's `chip.placement`.
    public static let explicit = "explicit"
    public static var names: [String] { registry.names + [explicit] }

    public static func register(_ strategy: any MappingStrategy) { registry.register(strategy.name, strategy) }

    /// The strategy called `name`, or nil.
    public static func named(_ name: String) -> (any MappingStrategy)? { registry.entry(name) }

    /// One line for `describe`, for any name arch files accept.
    public static func summary(_ name: String) -> String {
        name == explicit ? "blocks placed as chip.placement lists them" : named(name)?.summary ?? "unknown"
    }

    /// The placements of `widths` on `chip` by its named strategy, per layer (every replica's
    /// blocks). With sliced weights the strategy places weights on tiles of columns / S weight
    /// columns, and each block's outputs and column offset are then widened to S device columns a weight.
    public static func placements(chip: ChipSpec, widths: [Int]) throws -> (LayerMapping, [[Placement]]) {
        let s = chip.cell.columnsPerWeight
        guard s > 1 else { return try weightPlacements(chip: chip, widths: widths) }
        var logical = chip
        logical.tile.columns = chip.tile.columns / s
        let mapping: LayerMapping, blocks: [[Placement]]
        do {
            (mapping, blocks) = try weightPlacements(chip: logical, widths: widths)
        } catch let failure as LayerMapping.Failure {
            throw LayerMapping.Failure(description: failure.description
                + " (a tile's columns counted in weights: each sliced weight takes \(s) of its \(chip.tile.columns) columns)")
        }
        let widened = blocks.map { layer in
            layer.map { p in
                var p = p
                p.firstOutput *= s
                p.outputs *= s
                p.columnOffset *= s
                return p
            }
        }
        return (mapping.widened(columns: chip.tile.columns, blocks: Array(widened.joined())), widened)
    }

    static func weightPlacements(chip: ChipSpec, widths: [Int]) throws -> (LayerMapping, [[Placement]]) {
        let mapping: LayerMapping
        if chip.mapping == explicit {
            let blocks = chip.placement.map { b in
                var b = b
                b.rowsPerInput = chip.cell.rowsPerInput
                return b
            }
            mapping = try LayerMapping(explicit: blocks, widths: widths, tileRows: chip.tile.rows, tileColumns: chip.tile.columns,
                                       tileCount: chip.tile.count)
        } else {
            guard let strategy = named(chip.mapping) else {
                throw LayerMapping.Failure(description: "unknown mapping '\(chip.mapping)'; expected one of \(names.joined(separator: ", "))")
            }
            mapping = try strategy.map(widths: widths, tileRows: chip.tile.rows, tileColumns: chip.tile.columns, tileCount: chip.tile.count,
                                       rowsPerInput: chip.cell.rowsPerInput)
        }
        return (mapping, (0..<(widths.count - 1)).map { mapping.blocks(ofLayer: $0) })
    }
}
