/// Where a block of a layer sits: which tile, and which of the layer's inputs and outputs.
/// Produced by the mapping layer; the chip uses it to know which tile's resources work.
public struct Placement: Sendable, Equatable {
    public var tile: Int
    public var firstInput: Int
    public var inputs: Int
    public var firstOutput: Int
    public var outputs: Int
    /// Position of the block's first row and column on its tile (for wire lengths).
    public var rowOffset: Int
    public var columnOffset: Int

    public init(tile: Int, firstInput: Int, inputs: Int, firstOutput: Int, outputs: Int, rowOffset: Int = 0, columnOffset: Int = 0) {
        self.tile = tile
        self.firstInput = firstInput
        self.inputs = inputs
        self.firstOutput = firstOutput
        self.outputs = outputs
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
    }

    public var devices: Int { 2 * inputs * outputs }
    public func holds(input i: Int) -> Bool { i >= firstInput && i < firstInput + inputs }
}
