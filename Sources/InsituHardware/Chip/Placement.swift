/// Where a block of a layer sits: which layer (from 0) and which copy of it, which tile, which
/// of the layer's inputs and outputs, and where on the tile. Mapping strategies produce it,
/// an arch file's `chip.placement` lists it, and the chip uses it to know which tile works.
public struct Placement: Sendable, Equatable {
    public var layer: Int
    /// Which copy of the layer (0 unless a mapping replicates the layer over tiles: images
    /// then alternate between the copies, and updates program every copy).
    public var replica: Int
    public var tile: Int
    public var firstInput: Int
    public var inputs: Int
    public var firstOutput: Int
    public var outputs: Int
    /// Position of the block's first row and column on its tile (for wire lengths).
    public var rowOffset: Int
    public var columnOffset: Int
    /// Device rows per input (the unit cell's; 2 for the differential pair).
    public var rowsPerInput: Int

    public init(layer: Int = 0, replica: Int = 0, tile: Int, firstInput: Int, inputs: Int, firstOutput: Int, outputs: Int,
                rowOffset: Int = 0, columnOffset: Int = 0, rowsPerInput: Int = 2) {
        self.layer = layer
        self.replica = replica
        self.tile = tile
        self.firstInput = firstInput
        self.inputs = inputs
        self.firstOutput = firstOutput
        self.outputs = outputs
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
        self.rowsPerInput = rowsPerInput
    }

    /// Device rows: the unit cell's rows per input (a +v row for G+ and a -v row for G- for a pair).
    public var rows: Int { rowsPerInput * inputs }
    public var devices: Int { rowsPerInput * inputs * outputs }
    public func holds(input i: Int) -> Bool { i >= firstInput && i < firstInput + inputs }
}
