import Foundation

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
    /// Columns that hold one weight (1; S for a weight sliced over S cells of `bitsPerCell` bits
    /// each, ISAAC's scheme: slice s holds bits c s ..< c (s + 1) of the weight's offset code
    /// and the columns' converted sums are joined by shift-and-add).
    public var columnsPerWeight = 1
    /// Bits each device of a sliced weight holds (0: an analog weight).
    public var bitsPerCell = 0

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

    /// A weight of `weightBits` bits held as an offset code in weightBits / cellBits devices of
    /// 2^cellBits conductance levels, one per column, each driven at the input's voltage.
    public static func sliced(cellBits: Int, weightBits: Int) -> UnitCell {
        precondition(cellBits >= 1 && weightBits % cellBits == 0, "a weight is whole cells")
        var cell = UnitCell(rowFactors: [1], plusRow: 0, minusRow: nil)
        cell.columnsPerWeight = weightBits / cellBits
        cell.bitsPerCell = cellBits
        return cell
    }

    /// Whether weights are sliced over several cells' levels (programmed once, joined digitally).
    public var isSliced: Bool { bitsPerCell > 0 }
    public var weightBits: Int { bitsPerCell * columnsPerWeight }
    /// Device columns of a layer of `outputs` outputs.
    public func deviceColumns(_ outputs: Int) -> Int { outputs * columnsPerWeight }

    /// What slice s's converted sum counts in the joined weight: kappa 2^(c s) / 2^(c (S - 1)),
    /// kappa = 2 (2^c - 1) / 2^c, so that levels 0 ... 2^c - 1 spread over a window of L siemens
    /// give weights (u - 2^(B - 1)) 2 L / 2^B for an offset code u of B bits: within [-L, L),
    /// the range a differential pair of the same window holds.
    public func sliceWeight(_ s: Int) -> Double {
        let c = Double(bitsPerCell)
        return 2 * (exp2(c) - 1) / exp2(c) * exp2(c * Double(s - (columnsPerWeight - 1)))
    }

    /// Conductance between a sliced cell's adjacent levels: 2^c levels from `floor` to `ceiling`.
    public func levelStepSiemens(floor: Double, ceiling: Double) -> Double {
        (ceiling - floor) / (exp2(Double(bitsPerCell)) - 1)
    }

    /// What the joined sums subtract per volt of input: the floor G0 every slice conducts, and
    /// the offset 2^(B - 1) of the code, so that the joined sum is sum_i v_i w_i.
    public func slicedBiasPerVolt(floorSiemens g0: Double, ceilingSiemens g1: Double) -> Double {
        let weights = (0..<columnsPerWeight).reduce(0.0) { $0 + sliceWeight($1) }
        return g0 * weights + sliceWeight(columnsPerWeight - 1) * levelStepSiemens(floor: g0, ceiling: g1) * exp2(Double(bitsPerCell - 1))
    }

    /// The levels (least significant slice first) that hold weight `w` of a window of `limit`
    /// siemens: the offset code u = round(w 2^B / (2 L)) + 2^(B - 1), clamped to B bits, in
    /// digits of c bits.
    public func sliceLevels(weight w: Double, limit: Double) -> [Int] {
        let b = weightBits, c = bitsPerCell
        let code = (w * exp2(Double(b)) / (2 * limit)).rounded() + exp2(Double(b - 1))
        let u = UInt64(min(max(code, 0), exp2(Double(b)) - 1))
        return (0..<columnsPerWeight).map { Int((u >> UInt64(c * $0)) & ((1 << UInt64(c)) - 1)) }
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
