/// How a weight is held in devices: `rowFactors.count` device rows per input, row k driven
/// at rowFactors[k] times the input's voltage, so a column sees the weight
/// w = sum_k rowFactors[k] x G_k - G_ref. The differential pair (rows +v and -v: w = G+ - G-,
/// no reference) is the default; one device against a reference column of G_ref devices
/// (MLP+NeuroSim's, w = G - G_ref, the reference's current subtracted after the read); a
/// two-array method holds w = gamma (A+ - A-) + (C+ - C-) on four rows.
/// The forward product, update targets, read-back, wires and placement all read it here.
public struct UnitCell: Sendable, Equatable {
    /// Read-voltage factor of each device row of an input.
    public var rowFactors: [Double]
    /// The rows the in-situ update steps: `plus` rises and `minus` (if any) falls with a positive step.
    public var plusRow: Int
    public var minusRow: Int?
    /// Conductance of the reference column's devices, subtracted from every weight (0: none).
    public var referenceSiemens: Double

    public init(rowFactors: [Double], plusRow: Int = 0, minusRow: Int? = 1, referenceSiemens: Double = 0) {
        precondition(!rowFactors.isEmpty && plusRow < rowFactors.count && (minusRow ?? 0) < rowFactors.count && minusRow != plusRow,
                     "a cell's trained rows are among its rows")
        self.rowFactors = rowFactors
        self.plusRow = plusRow
        self.minusRow = minusRow
        self.referenceSiemens = referenceSiemens
    }

    /// G+ on a +v row and G- on a -v row (Li et al. 2018).
    public static let differentialPair = UnitCell(rowFactors: [1, -1])

    /// One device per weight against a reference column at `siemens` (MLP+NeuroSim: the middle of the window).
    public static func reference(siemens: Double) -> UnitCell {
        UnitCell(rowFactors: [1], plusRow: 0, minusRow: nil, referenceSiemens: siemens)
    }

    /// Whether a reference column's current is subtracted from each column's.
    public var hasReference: Bool { referenceSiemens != 0 }

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
        return w - Float(referenceSiemens)
    }
}
