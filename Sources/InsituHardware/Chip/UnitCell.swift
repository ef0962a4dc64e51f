/// How a weight is held in devices: `rowFactors.count` device rows per input, row k driven
/// at rowFactors[k] times the input's voltage, so a column sees the weight
/// w = sum_k rowFactors[k] x G_k. The differential pair (rows +v and -v: w = G+ - G-) is
/// the default; a two-array method holds w = gamma (A+ - A-) + (C+ - C-) on four rows.
/// The forward product, update targets, read-back, wires and placement all read it here.
public struct UnitCell: Sendable, Equatable {
    /// Read-voltage factor of each device row of an input.
    public var rowFactors: [Double]
    /// The rows the in-situ update steps: `plus` rises and `minus` falls with a positive step.
    public var plusRow: Int
    public var minusRow: Int

    public init(rowFactors: [Double], plusRow: Int = 0, minusRow: Int = 1) {
        precondition(!rowFactors.isEmpty && plusRow < rowFactors.count && minusRow < rowFactors.count, "a cell's trained rows are among its rows")
        self.rowFactors = rowFactors
        self.plusRow = plusRow
        self.minusRow = minusRow
    }

    /// G+ on a +v row and G- on a -v row (Li et al. 2018).
    public static let differentialPair = UnitCell(rowFactors: [1, -1])

    public var rowsPerInput: Int { rowFactors.count }
    /// Whether this is the differential pair (the chip then takes its fast paths).
    public var isDifferentialPair: Bool { self == .differentialPair }
    /// Sum of the squared factors: the drive energy of an input's rows per volt squared.
    public var driveFactor: Double { rowFactors.reduce(0) { $0 + $1 * $1 } }
    /// Sum of the factors' magnitudes: the charge an input's rows draw per volt of input.
    public var chargeFactor: Double { rowFactors.reduce(0) { $0 + abs($1) } }
    /// The weight that conductances `g(k)` of one input's rows hold.
    @inlinable public func weight(_ g: (Int) -> Float) -> Float {
        var w: Float = 0
        for (k, f) in rowFactors.enumerated() { w += Float(f) * g(k) }
        return w
    }
}
