/// The wires of a layer's blocks on their tiles, for reads that load them: every cell's
/// current flows along its row wire from the driver (at the tile's column 0) and down its
/// column wire to the TIA (below the tile's last row), so each cell sees its row's node
/// voltage less its column's, both set by the currents of all the cells on those wires.
/// Solved per read by alternating exact solves of each row line and each column line
/// (tridiagonal: block Gauss-Seidel on the nodal equations) until the column currents settle,
/// over-relaxed when the first sweeps show the wires coupled so strongly that plain sweeps crawl.
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
    /// Plain block Gauss-Seidel sweeps before over-relaxing: a solve that ends within them (every
    /// wire of a realistic node: 5-10 sweeps) is never relaxed.
    static let plainSweeps = 16

    /// The relaxation factor for the sweeps after the plain ones, from the residuals of those:
    /// the row-line block and the column-line block make the nodal matrix two-cyclic and
    /// consistently ordered, so the best factor is 2 / (1 + sqrt(1 - rho)) with rho the
    /// Gauss-Seidel contraction (Young 1954), here the mean contraction of the last four plain
    /// sweeps. 1 when they contract fast (rho <= 1/2) or the estimate is not a contraction.
    static func overRelaxation(_ residuals: [Double]) -> Double {
        let span = 4
        guard residuals.count > span, let last = residuals.last, residuals[residuals.count - 1 - span] > 0 else { return 1 }
        let rho = (last / residuals[residuals.count - 1 - span]).squareRoot().squareRoot()
        guard rho.isFinite, rho > 0.5, rho < 1 else { return 1 }
        return 2 / (1 + (1 - rho).squareRoot())
    }

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
        solve(drive: drive, g: g, rows: n, columns: m, rowOffset: rowOffset, columnOffset: columnOffset).currents
    }

    /// `currents`, and the sweeps it took; `relaxing: false` sweeps plainly to the end.
    func solve(drive: [Double], g: [Double], rows n: Int, columns m: Int, rowOffset: Int, columnOffset: Int,
               relaxing: Bool = true) -> (currents: [Double], sweeps: Int) {
        let rr = rowOhmsPerCell, rc = columnOhmsPerCell
        // Lumped wire between the driver and the block's first column, and between its last row and the TIA.
        let leftOhms = rr * Double(columnOffset + 1), bottomOhms = rc * Double(tileRows - rowOffset - n + 1)
        var u = [Double](repeating: 0, count: n * m), w = u
        for r in 0..<n { for c in 0..<m { u[r * m + c] = drive[r] } }
        var line = Tridiagonal(count: max(n, m))
        var previous = [Double](repeating: 0, count: m)
        // Each line's new voltages replace the old ones, or move them omega times as far.
        var omega = 1.0, residuals: [Double] = [], sweeps = 0
        for _ in 0..<Self.maxSweeps {
            sweeps += 1
            if rr > 0 {
                for r in 0..<n {
                    line.reset(m)
                    for c in 0..<m {
                        let k = r * m + c
                        let left = 1 / (c == 0 ? leftOhms : rr), right = c < m - 1 ? 1 / rr : 0
                        line.set(c, lower: c > 0 ? -left : 0, diagonal: left + right + g[k], upper: -right,
                                 rhs: g[k] * w[k] + (c == 0 ? left * drive[r] : 0))
                    }
                    line.solve { c, x in u[r * m + c] = omega == 1 ? x : u[r * m + c] + omega * (x - u[r * m + c]) }
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
                    line.solve { r, x in w[r * m + c] = omega == 1 ? x : w[r * m + c] + omega * (x - w[r * m + c]) }
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
            residuals.append(residual)
            if relaxing && residuals.count == Self.plainSweeps { omega = Self.overRelaxation(residuals) }
        }
        return (previous, sweeps)
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
