import Testing
@testable import InsituEngine
@testable import InsituHardware

/// Reads that load their wires, against a direct nodal solve built here.
@Suite struct WireGridTests {
    /// The nodal equations of a block written out and solved by Gaussian elimination: row nodes
    /// U (n x m) and column nodes W (n x m); the driver reaches column 0 through `left` ohms,
    /// neighbouring row nodes are `rr` apart, neighbouring column nodes `rc`, and the last row's
    /// column node reaches the TIA (0 V) through `bottom`. Returns the currents into the TIAs.
    static func nodal(drive: [Double], g: [Double], n: Int, m: Int, rr: Double, rc: Double, left: Double, bottom: Double) -> [Double] {
        let size = 2 * n * m
        var a = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
        func u(_ r: Int, _ c: Int) -> Int { r * m + c }
        func w(_ r: Int, _ c: Int) -> Int { n * m + r * m + c }
        func link(_ eq: Int, _ me: Int, _ other: Int?, _ conductance: Double, fixed: Double = 0) {
            a[eq][me] += conductance
            if let other { a[eq][other] -= conductance } else { a[eq][size] += conductance * fixed }
        }
        for r in 0..<n {
            for c in 0..<m {
                let k = r * m + c
                // Row node: its cell, the row wire left (the driver for column 0) and right.
                link(u(r, c), u(r, c), w(r, c), g[k])
                link(u(r, c), u(r, c), c == 0 ? nil : u(r, c - 1), 1 / (c == 0 ? left : rr), fixed: drive[r])
                if c < m - 1 { link(u(r, c), u(r, c), u(r, c + 1), 1 / rr) }
                // Column node: its cell, the column wire up and down (the TIA below the last row).
                link(w(r, c), w(r, c), u(r, c), g[k])
                if r > 0 { link(w(r, c), w(r, c), w(r - 1, c), 1 / rc) }
                link(w(r, c), w(r, c), r == n - 1 ? nil : w(r + 1, c), 1 / (r == n - 1 ? bottom : rc), fixed: 0)
            }
        }
        for p in 0..<size {
            let pivot = (p..<size).max { abs(a[$0][p]) < abs(a[$1][p]) }!
            a.swapAt(p, pivot)
            for q in 0..<size where q != p {
                let f = a[q][p] / a[p][p]
                if f != 0 { for k in p...size { a[q][k] -= f * a[p][k] } }
            }
        }
        let x = (0..<size).map { a[$0][size] / a[$0][$0] }
        return (0..<m).map { c in x[w(n - 1, c)] / bottom }
    }

    /// A 4 x 4 block (differential rows at +v and -v) at tile row 3 and column 2 of an 8-row
    /// tile, with wires strong enough to matter: the alternating line solves meet the direct
    /// solve, and the currents fall short of the wire-free ones.
    @Test func fourByFourAgainstANodalSolve() {
        let n = 4, m = 4, rr = 40.0, rc = 60.0
        let drive = [0.2, -0.2, 0.1, -0.1]
        let g = (0..<(n * m)).map { 100e-6 + Double(($0 * 37) % 11) * 90e-6 }
        let grid = WireGrid(rowOhmsPerCell: rr, columnOhmsPerCell: rc, tileRows: 8, blocks: [])
        let solved = grid.currents(drive: drive, g: g, rows: n, columns: m, rowOffset: 3, columnOffset: 2)
        let direct = Self.nodal(drive: drive, g: g, n: n, m: m, rr: rr, rc: rc, left: rr * 3, bottom: rc * 2)
        // The solve stops when a sweep changes no current by more than 1e-6 of the largest.
        let largest = direct.reduce(0) { max($0, abs($1)) }
        for (a, b) in zip(solved, direct) { #expect(abs(a - b) <= 1e-5 * largest, "\(a) \(b)") }
        let ideal = (0..<m).map { c in (0..<n).reduce(0.0) { $0 + drive[$1] * g[$1 * m + c] } }
        #expect(zip(solved, ideal).contains { abs($0.0 - $0.1) > 1e-3 * abs($0.1) })
    }

    /// Wires so resistive that plain sweeps crawl (a 16 x 12 block of 0.1-1 mS cells on 150 and
    /// 250 ohm segments, at tile row 2 of 20): over-relaxed, the solve still meets the direct
    /// nodal solve, in under two thirds of the plain sweeps; weak wires end within the plain
    /// sweeps and are never relaxed (the same bits).
    @Test func stronglyCoupledWiresAreOverRelaxed() {
        let n = 16, m = 12
        let drive: [Double] = (0..<n).map { (r: Int) -> Double in
            let sign: Double = r % 2 == 0 ? 1 : -1
            return sign * 0.2 * Double(1 + r % 3) / 3
        }
        let g: [Double] = (0..<(n * m)).map { 100e-6 + Double(($0 * 29) % 13) * 75e-6 }
        let cases: [(rr: Double, rc: Double, strong: Bool)] = [(150, 250, true), (0.5, 0.8, false)]
        for (rr, rc, strong) in cases {
            let grid = WireGrid(rowOhmsPerCell: rr, columnOhmsPerCell: rc, tileRows: 20, blocks: [])
            let relaxed = grid.solve(drive: drive, g: g, rows: n, columns: m, rowOffset: 2, columnOffset: 1)
            let plain = grid.solve(drive: drive, g: g, rows: n, columns: m, rowOffset: 2, columnOffset: 1, relaxing: false)
            let direct = Self.nodal(drive: drive, g: g, n: n, m: m, rr: rr, rc: rc, left: rr * 2, bottom: rc * 3)
            let largest: Double = direct.reduce(0.0) { max($0, abs($1)) }
            for (a, b) in zip(relaxed.currents, direct) { #expect(abs(a - b) <= 1e-5 * largest, "\(rr) ohm: \(a) \(b)") }
            let sweeps = (relaxed: relaxed.sweeps, plain: plain.sweeps)
            if strong {
                #expect(sweeps.plain > 2 * WireGrid.plainSweeps)
                #expect(sweeps.relaxed * 3 < sweeps.plain * 2, "\(sweeps)")
            } else {
                let bits = (relaxed: relaxed.currents.map { $0.bitPattern }, plain: plain.currents.map { $0.bitPattern })
                #expect(sweeps.plain <= WireGrid.plainSweeps)
                #expect(sweeps.relaxed == sweeps.plain && bits.relaxed == bits.plain)
            }
        }
        // The factor: 1 for a fast or no contraction, Young's optimum for a slow one.
        #expect(WireGrid.overRelaxation([1, 0.5, 0.25, 0.125, 0.0625]) == 1)
        #expect(WireGrid.overRelaxation([1, 1, 1, 1, 2]) == 1)
        let slow = (0..<16).reduce(into: [1.0]) { r, _ in r.append(r.last! * 0.96) }
        #expect(abs(WireGrid.overRelaxation(slow) - 2 / (1 + (0.04).squareRoot())) < 1e-9)
    }

    /// One cell: the driver, its row wire, the cell and its column wire in series,
    /// I = v G / (1 + G (R_row + R_column)), the first-order form.
    @Test func oneCellIsTheSeriesForm() {
        let grid = WireGrid(rowOhmsPerCell: 5, columnOhmsPerCell: 7, tileRows: 10, blocks: [])
        let i = grid.currents(drive: [0.2], g: [1e-3], rows: 1, columns: 1, rowOffset: 4, columnOffset: 3)
        let r = 5.0 * 4 + 7.0 * 6
        let exact = 0.2 * 1e-3 / (1 + 1e-3 * r)
        #expect(abs(i[0] - exact) < 1e-5 * exact)
    }

    /// A layer on a 16 x 8 tile with wires: its product is the nodal solve of its own cells on
    /// their wires, and `ir_drop: first-order` gives the series form of each cell instead.
    @Test func aChipsProductLoadsItsWires() throws {
        let chip = try PartitionTests.chip(rows: 16, columns: 8, adcBits: 8) { s in
            s.tile.rowWireOhmsPerCell = 20
            s.tile.columnWireOhmsPerCell = 30
        }
        let layer = chip.layers[0], p = chip.placements[0][0]
        let v: [Float] = [0.2, 0.05, 0.1, 0.15, 0.0, 0.12]
        var out = [Float](repeating: 0, count: 3)
        var rng = RandomStream(seed: 1)
        v.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { layer.columnCurrents(v, into: $0, rng: &rng) } }
        let drive = (0..<12).map { Double(v[$0 / 2]) * ($0 % 2 == 0 ? 1 : -1) }
        let g = layer.devices.conductance.map(Double.init)
        let direct = Self.nodal(drive: drive, g: g, n: 12, m: 3, rr: 20, rc: 30, left: 20 * Double(p.columnOffset + 1),
                                bottom: 30 * Double(16 - p.rowOffset - 12 + 1))
        let largest = direct.reduce(0) { max($0, abs($1)) }
        for (a, b) in zip(out, direct) { #expect(abs(Double(a) - b) <= 1e-5 * largest, "\(a) \(b)") }
        let firstOrder = try PartitionTests.chip(rows: 16, columns: 8, adcBits: 8) { s in
            s.tile.rowWireOhmsPerCell = 20
            s.tile.columnWireOhmsPerCell = 30
            s.tile.irDrop = .firstOrder
        }
        #expect(firstOrder.layers[0].wires == nil && layer.wires != nil)
    }
}
