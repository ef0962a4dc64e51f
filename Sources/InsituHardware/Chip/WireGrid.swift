/// The wires of a layer's blocks on their tiles, for reads that load them: every cell's
/// current flows along its row wire from the driver (at the tile's column 0) and down its
/// column wire to the TIA (below the tile's last row), so each cell sees its row's node
/// voltage less its column's, both set by the currents of all the cells on those wires.
/// Solved per read by alternating exact solves of each row line and each column line
/// (tridiagonal: block Gauss-Seidel on the nodal equations) until the column currents settle.
public struct WireGrid: Sendable {
    /// Where one block of the layer sits: its inputs and outputs, and its tile row and column offsets.
    public struct Block: Sendable {
        public var firstInput: Int, inputs: Int, firstOutput: Int, outputs: Int, rowOffset: Int, columnOffset: Int
        public init(firstInput: Int, inputs: Int, firstOutput: Int, outputs: Int, rowOffset: Int, columnOffset: Int) {
            (self.firstInput, self.inputs, self.firstOutput, self.outputs) = (firstInput, inputs, firstOutput, outputs)
            (self.rowOffset, self.columnOffset) = (rowOffset, columnOffset)
        }
    }
    public let rowOhmsPerCell: Double
    public let columnOhmsPerCell: Double
    public let tileRows: Int
    public let blocks: [Block]
    /// Sweeps at most, and the imbalance of any row line (driver current less its cells'),
    /// relative to the largest column current, at which a solve stops (ADCs of up to 16 bits
    /// resolve 1.5e-5 of their range).
    public static let maxSweeps = 1_000
    public static let tolerance = 1e-6

    public init(rowOhmsPerCell: Double, columnOhmsPerCell: Double, tileRows: Int, blocks: [Block]) {
        self.rowOhmsPerCell = rowOhmsPerCell
        self.columnOhmsPerCell = columnOhmsPerCell
        self.tileRows = tileRows
        self.blocks = blocks
    }

    /// Column currents (into the TIAs) of `n` device rows driven at `drive` over `m` columns of
    /// conductances `g` (n x m, row-major), on a block whose first row is tile row `rowOffset`
    /// and first column tile column `columnOffset`.
    public func currents(drive: [Double], g: [Double], rows n: Int, columns m: Int, rowOffset: Int, columnOffset: Int) -> [Double] {
        let rr = rowOhmsPerCell, rc = columnOhmsPerCell
        // Lumped wire between the driver and the block's first column, and between its last row and the TIA.
        let leftOhms = rr * Double(columnOffset + 1), bottomOhms = rc * Double(tileRows - rowOffset - n + 1)
        var u = [Double](repeating: 0, count: n * m), w = u
        for r in 0..<n { for c in 0..<m { u[r * m + c] = drive[r] } }
        var line = Tridiagonal(count: max(n, m))
        var previous = [Double](repeating: 0, count: m)
        for _ in 0..<Self.maxSweeps {
            if rr > 0 {
                for r in 0..<n {
                    line.reset(m)
                    for c in 0..<m {
                        let k = r * m + c
                        let left = 1 / (c == 0 ? leftOhms : rr), right = c < m - 1 ? 1 / rr : 0
                        line.set(c, lower: c > 0 ? -left : 0, diagonal: left + right + g[k], upper: -right,
                                 rhs: g[k] * w[k] + (c == 0 ? left * drive[r] : 0))
                    }
                    line.solve { c, x in u[r * m + c] = x }
                }
            }
            if rc > 0 {
                for c in 0..<m {
                    line.reset(n)
                    for r in 0..<n {
                        let k = r * m + c
                        let up = r > 0 ? 1 / rc : 0, down = 1 / (r == n - 1 ? bottomOhms : rc)
                        line.set(r, lower: -up, diagonal: up + down + g[k], upper: r < n - 1 ? -down : 0, rhs: g[k] * u[k])
                    }
                    line.solve { r, x in w[r * m + c] = x }
                }
            }
            // Each cell's current, summed down its column and along its row. One wire kind
            // without resistance makes one sweep exact. Otherwise the column lines were just
            // solved, so what is left is each row line's balance: the current its driver sends
            // in against what its cells pass on.
            var current = [Double](repeating: 0, count: m)
            var residual = 0.0
            for r in 0..<n {
                var cells = 0.0
                for c in 0..<m {
                    let i = g[r * m + c] * (u[r * m + c] - w[r * m + c])
                    current[c] += i
                    cells += i
                }
                if rr > 0 { residual = max(residual, abs((drive[r] - u[r * m]) / leftOhms - cells)) }
            }
            previous = current
            if rr == 0 || rc == 0 { break }
            let scale = current.reduce(0) { max($0, abs($1)) }
            if residual <= Self.tolerance * max(scale, 1e-30) { break }
        }
        return previous
    }
}

/// A tridiagonal system solved by the Thomas algorithm (stable here: the nodal matrices are
/// diagonally dominant), reused line after line.
struct Tridiagonal {
    var lower: [Double], diagonal: [Double], upper: [Double], rhs: [Double]
    var count = 0

    init(count: Int) {
        lower = Array(repeating: 0, count: count)
        diagonal = lower
        upper = lower
        rhs = lower
    }

    mutating func reset(_ n: Int) { count = n }

    mutating func set(_ i: Int, lower l: Double, diagonal d: Double, upper u: Double, rhs b: Double) {
        lower[i] = l
        diagonal[i] = d
        upper[i] = u
        rhs[i] = b
    }

    /// Solves in place and hands each unknown to `store`.
    mutating func solve(_ store: (Int, Double) -> Void) {
        let n = count
        guard n > 0 else { return }
        for i in 1..<max(n, 1) {
            let f = lower[i] / diagonal[i - 1]
            diagonal[i] -= f * upper[i - 1]
            rhs[i] -= f * rhs[i - 1]
        }
        var x = rhs[n - 1] / diagonal[n - 1]
        store(n - 1, x)
        var i = n - 2
        while i >= 0 {
            x = (rhs[i] - upper[i] * x) / diagonal[i]
            store(i, x)
            i -= 1
        }
    }
}
