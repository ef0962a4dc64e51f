import InsituDevices
import InsituEngine
import InsituKernels

/// One layer's unit cells on crossbar rows: input i owns device rows R i ..< R (i + 1) of
/// its cell (R = 2 for the differential pair: row 2i holds G+ and row 2i+1 G-), row k driven
/// at factor_k v_i, so the column current is I_j = sum_i v_i sum_k factor_k G_k,ij (for the
/// pair, sum_i v_i (G+_ij - G-_ij)). The unit cell sits above the device model.
///
/// Keeps the devices, the state the controller last programmed on each, a mirror of the
/// weights the cells hold for the forward product, and the weights as last read back.
public final class CrossbarLayer {
    public let inputs: Int
    public let outputs: Int
    /// How a weight is held in devices.
    public let cell: UnitCell
    /// Whether the cell is the differential pair (the fast paths).
    let isPair: Bool
    @exclusivity(unchecked) public private(set) var devices: DeviceArray
    /// The controller's memory: last programmed state of every device (same layout as `devices`).
    @exclusivity(unchecked) public var states: [Float]
    /// The cells' weights per (input, output), siemens, inputs x outputs row-major (G+ - G- for a pair): what the array holds.
    @exclusivity(unchecked) public private(set) var weights: [Float]
    /// Where `weights` holds its values, kept by every change of them (`withStorage`): forward
    /// reads on both threads take it without touching the array's reference count.
    @exclusivity(unchecked) private var weightsBase: UnsafeMutablePointer<Float>
    /// The column ranges of the layer's blocks on tiles (one range when the layer is not split by columns).
    public let columnBlocks: [Range<Int>]
    /// Per column block b and input i (at b x inputs + i): sum over the block's columns and the
    /// cell's rows of factor_k^2 G_k (G+ + G- for a pair), for the read energy of a forward
    /// product on that block's tile.
    @exclusivity(unchecked) public private(set) var rowPairSums: [Double]
    /// Weights as last measured by the read-back (G_eq), siemens.
    @exclusivity(unchecked) public var readback: [Float]
    /// Wire resistance from each device's row driver to its column's TIA (device layout), or
    /// nil when the wires have none. A device then passes the current of G / (1 + G R):
    /// first-order IR drop, the device in series with its wire path.
    public let wireOhms: [Float]?
    /// The layer's blocks on their wires, when products load them (every cell's current on its
    /// row and column wire); the first-order `wireOhms` then price energy and read-back only.
    public let wires: WireGrid?

    public init(inputs: Int, outputs: Int, device: any DeviceModel, cell: UnitCell = .differentialPair, columnBlocks: [Range<Int>]? = nil,
                wireOhms: [Float]? = nil, wires: WireGrid? = nil, rng: inout RandomStream) {
        self.wires = wires
        self.inputs = inputs
        self.outputs = outputs
        self.cell = cell
        isPair = cell.isDifferentialPair
        let rows = cell.rowsPerInput * inputs
        precondition(wireOhms == nil || wireOhms!.count == rows * outputs, "one wire resistance per device")
        self.wireOhms = wireOhms
        devices = DeviceArray(rows: rows, columns: outputs, model: device, rng: &rng)
        states = Array(repeating: device.freshState, count: rows * outputs)
        var weights = [Float](repeating: 0, count: inputs * outputs)
        weightsBase = weights.withUnsafeMutableBufferPointer { $0.baseAddress! }
        self.weights = weights
        self.columnBlocks = columnBlocks ?? [0..<outputs]
        rowPairSums = Array(repeating: 0, count: inputs * self.columnBlocks.count)
        readback = weights
        for i in 0..<inputs { refresh(input: i) }
    }

    /// Index of the column block that holds `columns`.
    public func block(of columns: Range<Int>) -> Int { columnBlocks.firstIndex { $0.overlaps(columns) } ?? 0 }

    /// The conductance device k presents at its TIA: G, or G / (1 + G R) through its wires.
    @inlinable
    public func effectiveConductance(_ k: Int) -> Float {
        let g = devices.conductance[k]
        guard let r = wireOhms else { return g }
        return Self.throughWires(g, ohms: r[k])
    }

    /// A conductance in series with a wire path of `ohms`: first-order IR drop.
    @inlinable
    public static func throughWires(_ g: Float, ohms: Float) -> Float { g / (1 + g * ohms) }

    /// Recomputes the weight mirror and row sums of input i from the devices (as their
    /// wires let them conduct).
    public func refresh(input i: Int) { withStorage { $0.refresh(input: i) } }

    /// The layer's storage as pointers for `body` (see `Storage`).
    public func withStorage<R>(_ body: (Storage) throws -> R) rethrows -> R {
        return try devices.withStorage { g, f, s in
            try states.withUnsafeMutableBufferPointer { states in
                try weights.withUnsafeMutableBufferPointer { w in
                    // A copy held elsewhere makes the array move its values on change.
                    if weightsBase != w.baseAddress! { weightsBase = w.baseAddress! }
                    return try rowPairSums.withUnsafeMutableBufferPointer { sums in
                        try body(Storage(layer: self, conductance: g, faults: f, factors: s, states: states.baseAddress!,
                                         weights: w.baseAddress!, rowPairSums: sums.baseAddress!))
                    }
                }
            }
        }
    }

    /// Read-noise variance of column j over `rows` for voltages `v`: sum_i v_i^2 sum_k (factor_k G_k)^2.
    func noiseVariance(_ v: UnsafeBufferPointer<Float>, rows: Range<Int>, column j: Int) -> Double {
        let g = devices.conductance, m = outputs, r = cell.rowsPerInput
        var variance = 0.0
        for i in rows where v[i] != 0 {
            var cellVariance = 0.0
            for (k, f) in cell.rowFactors.enumerated() {
                let x = f * Double(g[(r * i + k) * m + j])
                cellVariance += x * x
            }
            variance += Double(v[i] * v[i]) * cellVariance
        }
        return variance
    }

    /// Applies one device-array operation (used by the update controller).
    public func withDevices<R>(_ body: (inout DeviceArray) -> R) -> R { body(&devices) }

    /// Column currents for row voltages `v` (one per input): I = W^T v, amperes.
    /// With read noise, each current gets the Gaussian noise that independent per-device
    /// relative noise would give: sigma_j^2 = sum_i v_i^2 (noise^2)(G+^2 + G-^2).
    public func columnCurrents(_ v: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                               rng: inout RandomStream) {
        let m = outputs
        if let wires {
            for b in wires.blocks where b.firstInput == 0 {
                loaded(v, block: b, inputs: 0..<inputs, columns: b.firstOutput..<(b.firstOutput + b.outputs), into: out, at: b.firstOutput)
            }
        } else {
            VectorMath.transposedProduct(v, UnsafeBufferPointer(start: weightsBase, count: inputs * m), columns: m, into: out)
        }
        let noise = devices.readNoise
        guard noise > 0 else { return }
        for j in 0..<m { out[j] += Float(noise * noiseVariance(v, rows: 0..<inputs, column: j).squareRoot() * rng.gaussian()) }
    }

    /// Partial column currents of one block: for each column j of `columns`,
    /// sum over `rows` of v_i W_ij into out[j - columns.lowerBound], with the read noise of
    /// that block's devices (as `columnCurrents`).
    public func partialCurrents(_ v: UnsafeBufferPointer<Float>, inputs rows: Range<Int>, columns: Range<Int>,
                                into out: UnsafeMutableBufferPointer<Float>, rng: inout RandomStream) {
        let m = outputs
        if let wires, let b = wires.blocks.first(where: { $0.firstInput == rows.lowerBound && $0.firstOutput == columns.lowerBound }) {
            loaded(v, block: b, inputs: rows, columns: columns, into: out, at: 0)
        } else {
            // Row by row (each column's sum in the same order as column by column), skipping
            // undriven rows: contiguous, vectorisable, and a binary input's zeros cost nothing.
            let first = columns.lowerBound, n = columns.count
            let w = UnsafePointer(weightsBase)
            // With AVX where the processor has it (InsituKernels): the same sums, in the same order.
            if !(n > 0 && !rows.isEmpty
                 && insitu_rows_product(v.baseAddress! + rows.lowerBound, rows.count, w + rows.lowerBound * m + first, m, n, out.baseAddress!) != 0) {
                for k in 0..<n { out[k] = 0 }
                for i in rows where v[i] != 0 {
                    let x = v[i], row = w + i * m + first
                    for k in 0..<n { out[k] += x * row[k] }
                }
            }
        }
        let noise = devices.readNoise
        guard noise > 0 else { return }
        for (k, j) in columns.enumerated() { out[k] += Float(noise * noiseVariance(v, rows: rows, column: j).squareRoot() * rng.gaussian()) }
    }

    /// Column currents of block `b` (its `inputs` and `columns`) as its loaded wires let them
    /// flow, written to out[offset ...].
    func loaded(_ v: UnsafeBufferPointer<Float>, block b: WireGrid.Block, inputs: Range<Int>, columns: Range<Int>,
                into out: UnsafeMutableBufferPointer<Float>, at offset: Int) {
        let r = cell.rowsPerInput, m = outputs, n = r * inputs.count
        var drive = [Double](repeating: 0, count: n), g = [Double](repeating: 0, count: n * columns.count)
        let conductance = devices.conductance
        for (a, i) in inputs.enumerated() {
            for (k, f) in cell.rowFactors.enumerated() {
                drive[r * a + k] = f * Double(v[i])
                for (c, j) in columns.enumerated() { g[(r * a + k) * columns.count + c] = Double(conductance[(r * i + k) * m + j]) }
            }
        }
        let currents = wires!.currents(drive: drive, g: g, rows: n, columns: columns.count, rowOffset: b.rowOffset, columnOffset: b.columnOffset)
        // The reference column's current (its own wires' drop aside) is subtracted after the read.
        var reference = 0.0
        if cell.hasReference { for i in inputs { reference += cell.referenceSiemens * cell.rowFactors.reduce(0, +) * Double(v[i]) } }
        for c in 0..<columns.count { out[offset + c] = Float(currents[c] - reference) }
    }

    /// `readPower` and what a read draws from a rail of `rail` volts beyond the cells' own
    /// t x sum V^2 G, per second: sum_i (rail v_i - v_i^2) x the input's conductances (exact for
    /// rows driven at +-v, the pair's; 0 without a rail), in one pass, their sums side by side.
    public func readAndSupplyPower(_ v: UnsafeBufferPointer<Float>, inputs rows: Range<Int>, block: Int,
                                   rail: Double) -> (read: Double, supply: Double) {
        guard rail > 0 else { return (readPower(v, inputs: rows, block: block), 0) }
        var read = 0.0, supply = 0.0
        let base = block * inputs
        rowPairSums.withUnsafeBufferPointer { sums in
            for i in rows {
                let x = Double(v[i])
                read += Double(v[i] * v[i]) * sums[base + i]
                supply += (rail * abs(x) - x * x) * sums[base + i]
            }
        }
        return (read, max(supply, 0))
    }

    /// sum over `rows` of the inputs of v_i^2 x sum over column block `block` of (G+ + G-):
    /// what a product dissipates on one block per second (V^2 S), over the conductances present.
    public func readPower(_ v: UnsafeBufferPointer<Float>, inputs rows: Range<Int>, block: Int) -> Double {
        var e = 0.0
        let base = block * inputs
        for i in rows { e += Double(v[i] * v[i]) * rowPairSums[base + i] }
        return e
    }
}
