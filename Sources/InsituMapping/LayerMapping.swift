import InsituHardware

/// Where a layer's differential pairs sit on the chip's tiles.
///
/// A layer of n inputs and m outputs needs 2n rows (a +v row for G+ and a -v row for G-
/// of every input) and m columns. Layers are packed side by side into a tile while its
/// rows and columns allow (the paper's partitioned 128 x 64 array); a layer larger than a
/// tile is split into blocks of whole input pairs and columns, whose partial sums are added.
public struct LayerMapping: Sendable, Equatable {
    /// One rectangular block of a layer on one tile.
    public struct Block: Sendable, Equatable {
        public var layer: Int
        public var tile: Int
        /// First input and output of the layer in this block, and how many.
        public var firstInput: Int
        public var inputs: Int
        public var firstOutput: Int
        public var outputs: Int
        /// Position on the tile.
        public var rowOffset: Int
        public var columnOffset: Int
        public var rows: Int { 2 * inputs }
        public var devices: Int { rows * outputs }
    }

    public private(set) var blocks: [Block] = []
    public private(set) var tilesUsed = 0
    public let tileRows: Int
    public let tileColumns: Int

    /// Why a network cannot be placed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Maps the layers of `widths` (inputs first) onto tiles of the given size; at most
    /// `tileCount` tiles. Whole layers share a tile side by side unless `layerPerTile`.
    public init(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, layerPerTile: Bool = false) throws {
        self.tileRows = tileRows
        self.tileColumns = tileColumns
        guard tileRows >= 2 else { throw Failure(description: "a tile needs at least 2 rows for one differential pair") }
        var tile = 0, columnCursor = 0, tileTouched = false
        for (layer, (inputs, outputs)) in zip(widths, widths.dropFirst()).enumerated() {
            let inputsPerBlock = tileRows / 2
            let fitsWhole = 2 * inputs <= tileRows && outputs <= tileColumns
            if fitsWhole {
                if columnCursor + outputs > tileColumns || (layerPerTile && tileTouched) { tile += 1; columnCursor = 0 }
                blocks.append(Block(layer: layer, tile: tile, firstInput: 0, inputs: inputs, firstOutput: 0,
                                    outputs: outputs, rowOffset: 0, columnOffset: columnCursor))
                columnCursor += outputs
                tileTouched = true
                continue
            }
            // Split: every block starts on a fresh tile.
            if tileTouched { tile += 1; columnCursor = 0 }
            var firstOutput = 0
            while firstOutput < outputs {
                let cols = min(tileColumns, outputs - firstOutput)
                var firstInput = 0
                while firstInput < inputs {
                    let ins = min(inputsPerBlock, inputs - firstInput)
                    blocks.append(Block(layer: layer, tile: tile, firstInput: firstInput, inputs: ins,
                                        firstOutput: firstOutput, outputs: cols, rowOffset: 0, columnOffset: 0))
                    tile += 1
                    firstInput += ins
                }
                firstOutput += cols
            }
            tileTouched = false
            columnCursor = 0
            tile -= 1
            tileTouched = true
            columnCursor = tileColumns
        }
        tilesUsed = (blocks.map(\.tile).max() ?? -1) + 1
        if tilesUsed > tileCount {
            throw Failure(description: "the network needs \(tilesUsed) tiles of \(tileRows) x \(tileColumns) but the chip has \(tileCount); raise chip.tile.count or the tile size")
        }
    }

    public func blocks(ofLayer layer: Int) -> [Block] { blocks.filter { $0.layer == layer } }
    public func blocks(onTile tile: Int) -> [Block] { blocks.filter { $0.tile == tile } }

    /// Devices used on a tile.
    public func devicesUsed(onTile tile: Int) -> Int { blocks(onTile: tile).reduce(0) { $0 + $1.devices } }
    /// Columns used on a tile (for ADC and TIA counts).
    public func columnsUsed(onTile tile: Int) -> Int { blocks(onTile: tile).map { $0.columnOffset + $0.outputs }.max() ?? 0 }
}
