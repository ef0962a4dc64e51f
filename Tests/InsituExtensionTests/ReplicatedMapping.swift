import InsituHardware
import InsituMapping

/// A mapping strategy defined outside the library: the first layer twice, on tiles 0 and 1
/// (images take the two copies in turn, updates program both), every later layer side by
/// side on tile 2. Each layer must fit a tile whole.
struct ReplicateFirstLayer: MappingStrategy {
    var name: String { "replicate-first" }
    var summary: String { "the first layer on two tiles, taking images in turn; the rest side by side on a third" }

    func map(widths: [Int], tileRows: Int, tileColumns: Int, tileCount: Int, rowsPerInput: Int) throws -> LayerMapping {
        var blocks: [Placement] = []
        var column = 0
        for (l, (n, m)) in zip(widths, widths.dropFirst()).enumerated() {
            guard rowsPerInput * n <= tileRows && m <= tileColumns else {
                throw LayerMapping.Failure(description: "layer \(l + 1) (\(n) x \(m)) does not fit a \(tileRows) x \(tileColumns) tile whole")
            }
            if l == 0 {
                for copy in 0..<2 {
                    blocks.append(Placement(layer: 0, replica: copy, tile: copy, firstInput: 0, inputs: n, firstOutput: 0, outputs: m,
                                            rowsPerInput: rowsPerInput))
                }
                continue
            }
            guard column + m <= tileColumns else { throw LayerMapping.Failure(description: "layers 2 and on do not fit one tile side by side") }
            blocks.append(Placement(layer: l, tile: 2, firstInput: 0, inputs: n, firstOutput: 0, outputs: m, columnOffset: column,
                                    rowsPerInput: rowsPerInput))
            column += m
        }
        return try LayerMapping(explicit: blocks, widths: widths, tileRows: tileRows, tileColumns: tileColumns, tileCount: tileCount)
    }
}
