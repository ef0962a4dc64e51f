import InsituHardware

/// Where a layer's differential pairs sit on the chip's tiles.
///
/// A layer of n inputs and m outputs needs R n rows (R the unit cell's rows per input: a +v
/// row for G+ and a -v row for G- of every input for the differential pair) and m columns. Layers are packed side by side into a tile while its
/// rows and columns allow (the paper's partitioned 128 x 64 array); a layer larger than a
/// tile is split into blocks of whole input pairs and columns, whose partial sums are added.
public struct LayerMapping: Sendable, Equatable {
    /// Every block of every layer (and of every copy of a replicated layer).
    public private(set) var blocks: [Placement] = []
    public private(set) var tilesUsed = 0
    public let tileRows: Int
    public let tileColumns: Int

    /// Why a network cannot be placed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Maps the layers of `widths` (inputs first) onto tiles of the given size; at most
    /// `tileCount` tiles. Whole layers share a tile side by side unless `layerPerTile`.
    public init(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, layerPerTile: Bool = false, rowsPerInput: Int = 2) throws {
        self.tileRows = tileRows
        self.tileColumns = tileColumns
        guard tileRows >= rowsPerInput else { throw Failure(description: "a tile needs at least \(rowsPerInput) rows for one unit cell") }
        var tile = 0, columnCursor = 0, tileTouched = false
        for (layer, (inputs, outputs)) in zip(widths, widths.dropFirst()).enumerated() {
            let inputsPerBlock = tileRows / rowsPerInput
            let fitsWhole = rowsPerInput * inputs <= tileRows && outputs <= tileColumns
            if fitsWhole {
                if columnCursor + outputs > tileColumns || (layerPerTile && tileTouched) { tile += 1; columnCursor = 0 }
                blocks.append(Placement(layer: layer, tile: tile, firstInput: 0, inputs: inputs, firstOutput: 0,
                                    outputs: outputs, rowOffset: 0, columnOffset: columnCursor, rowsPerInput: rowsPerInput))
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
                    blocks.append(Placement(layer: layer, tile: tile, firstInput: firstInput, inputs: ins,
                                        firstOutput: firstOutput, outputs: cols, rowOffset: 0, columnOffset: 0, rowsPerInput: rowsPerInput))
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

    /// A mapping given block by block (an arch file's `chip.placement`, or a strategy's own),
    /// checked: every weight of every copy of every layer in exactly one block, copies
    /// numbered from 0, blocks inside their tiles and apart.
    /// The most copies of a layer a mapping may hold (a bound on what a placement may ask of memory).
    public static let maximumCopies = 4096

    public init(explicit given: [Placement], widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int) throws {
        self.tileRows = tileRows
        self.tileColumns = tileColumns
        let layers = widths.count - 1
        for (k, b) in given.enumerated() {
            let name = "placement[\(k)] (layer \(b.layer + 1)" + (b.replica > 0 ? ", replica \(b.replica))" : ")")
            guard b.replica >= 0 && b.replica < Self.maximumCopies else {
                throw Failure(description: "\(name): replica \(b.replica) is outside 0 to \(Self.maximumCopies - 1)")
            }
            guard b.layer >= 0 && b.layer < layers else {
                throw Failure(description: "\(name): the network has layers 1 to \(layers)")
            }
            let n = widths[b.layer], m = widths[b.layer + 1]
            guard b.firstInput >= 0, b.inputs >= 1, b.firstInput + b.inputs <= n else {
                throw Failure(description: "\(name): inputs \(b.firstInput)..\(b.firstInput + b.inputs - 1) are outside the layer's 0..\(n - 1)")
            }
            guard b.firstOutput >= 0, b.outputs >= 1, b.firstOutput + b.outputs <= m else {
                throw Failure(description: "\(name): outputs \(b.firstOutput)..\(b.firstOutput + b.outputs - 1) are outside the layer's 0..\(m - 1)")
            }
            guard b.tile >= 0 && b.tile < tileCount else {
                throw Failure(description: "\(name): tile \(b.tile) is not on the chip (tiles 0 to \(tileCount - 1))")
            }
            guard b.rowOffset >= 0, b.columnOffset >= 0, b.rowOffset + b.rows <= tileRows, b.columnOffset + b.outputs <= tileColumns else {
                throw Failure(description: "\(name): \(b.rows) rows x \(b.outputs) columns at row \(b.rowOffset), column \(b.columnOffset) do not fit a \(tileRows) x \(tileColumns) tile (each input takes \(b.rowsPerInput) rows)")
            }
            for (o, other) in given.enumerated() where o < k && other.tile == b.tile {
                let rowsOverlap = b.rowOffset < other.rowOffset + other.rows && other.rowOffset < b.rowOffset + b.rows
                let columnsOverlap = b.columnOffset < other.columnOffset + other.outputs && other.columnOffset < b.columnOffset + b.outputs
                if rowsOverlap && columnsOverlap {
                    throw Failure(description: "\(name) overlaps placement[\(o)] on tile \(b.tile)")
                }
            }
        }
        for l in 0..<layers {
            let n = widths[l], m = widths[l + 1]
            let copies = (given.filter { $0.layer == l }.map(\.replica).max() ?? 0) + 1
            for r in 0..<copies {
                var covered = [UInt8](repeating: 0, count: n * m)
                for b in given where b.layer == l && b.replica == r {
                    for i in b.firstInput..<(b.firstInput + b.inputs) {
                        // Counted up to 2 ("more than one"), so no number of blocks can wrap the count back to 1.
                        for j in b.firstOutput..<(b.firstOutput + b.outputs) where covered[i * m + j] < 2 { covered[i * m + j] += 1 }
                    }
                }
                if let k = covered.firstIndex(where: { $0 != 1 }) {
                    let what = covered[k] == 0 ? "is in no block" : "is in more than one block"
                    let copy = copies > 1 ? " (replica \(r))" : ""
                    throw Failure(description: "chip.placement: weight (input \(k / m), output \(k % m)) of layer \(l + 1)\(copy) \(what); every weight needs exactly one in every replica")
                }
                // Copies take images in turn through the same partial-sum path, so they split the layer alike.
                let shape = { (r: Int) in given.filter { $0.layer == l && $0.replica == r }.map { [$0.firstInput, $0.inputs, $0.firstOutput, $0.outputs] }.sorted { $0.lexicographicallyPrecedes($1) } }
                if r > 0 && shape(r) != shape(0) {
                    throw Failure(description: "chip.placement: replica \(r) of layer \(l + 1) splits the layer into other blocks than replica 0; every replica needs the same inputs and outputs per block")
                }
            }
        }
        blocks = given
        tilesUsed = (given.map(\.tile).max() ?? -1) + 1
    }

    /// This mapping with its blocks replaced by `blocks` on tiles of `columns` columns (sliced
    /// weights: the same tiles, each weight's column widened to its slices').
    func widened(columns: Int, blocks: [Placement]) -> LayerMapping {
        var m = LayerMapping(tileRows: tileRows, tileColumns: columns)
        m.blocks = blocks
        m.tilesUsed = tilesUsed
        return m
    }

    private init(tileRows: Int, tileColumns: Int) {
        self.tileRows = tileRows
        self.tileColumns = tileColumns
    }

    public func blocks(ofLayer layer: Int) -> [Placement] { blocks.filter { $0.layer == layer } }
    public func blocks(onTile tile: Int) -> [Placement] { blocks.filter { $0.tile == tile } }

    /// Devices used on a tile.
    public func devicesUsed(onTile tile: Int) -> Int { blocks(onTile: tile).reduce(0) { $0 + $1.devices } }
    /// Columns used on a tile (for ADC and TIA counts).
    public func columnsUsed(onTile tile: Int) -> Int { blocks(onTile: tile).map { $0.columnOffset + $0.outputs }.max() ?? 0 }
}
