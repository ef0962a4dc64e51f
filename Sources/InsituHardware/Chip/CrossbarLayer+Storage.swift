import InsituKernels
import InsituDevices

extension CrossbarLayer {
    /// The arrays that programming a row writes (conductances, remembered states, the weight
    /// mirror and the row sums) and reads (faults, factors), as pointers: rows programmed on two
    /// threads at once reach the layer through these alone, so no thread copies or moves an
    /// array that the other writes. Valid only inside `withStorage`.
    public struct Storage {
        unowned(unsafe) let layer: CrossbarLayer
        /// The devices' model (the array's own), taken from the layer rather than held: a storage
        /// then copies as plain pointers, with no model's box to count (row loops open the model
        /// once, `Chip.programJobs`).
        public var model: any DeviceModel { layer.devices.model }
        public let conductance: UnsafeMutablePointer<Float>
        public let faults: UnsafePointer<DeviceArray.Fault>
        public let factors: UnsafePointer<Float>
        public let states: UnsafeMutablePointer<Float>
        let weights: UnsafeMutablePointer<Float>
        let rowPairSums: UnsafeMutablePointer<Double>

        /// Device rows per input (the unit cell's).
        public var rowsPerInput: Int { layer.cell.rowsPerInput }

        /// The conductance device k presents at its TIA (see `CrossbarLayer.effectiveConductance`).
        @inline(__always) func effective(_ k: Int) -> Float {
            guard let r = layer.wireOhms else { return conductance[k] }
            return CrossbarLayer.throughWires(conductance[k], ohms: r[k])
        }

        /// Recomputes the weight mirror and row sums of input i from the devices (as their
        /// wires let them conduct); writes only input i's entries.
        public func refresh(input i: Int) {
            guard layer.isPair else { return refreshCell(input: i) }
            let m = layer.outputs, inputs = layer.inputs
            let p = (2 * i) * m, n = (2 * i + 1) * m
            if layer.wireOhms == nil {
                let g = conductance
                for j in 0..<m { weights[i * m + j] = g[p + j] - g[n + j] }
                for (b, columns) in layer.columnBlocks.enumerated() {
                    var sum = 0.0
                    for j in columns { sum += Double(g[p + j]) + Double(g[n + j]) }
                    rowPairSums[b * inputs + i] = sum
                }
                return
            }
            for j in 0..<m { weights[i * m + j] = effective(p + j) - effective(n + j) }
            for (b, columns) in layer.columnBlocks.enumerated() {
                var sum = 0.0
                for j in columns { sum += Double(effective(p + j)) + Double(effective(n + j)) }
                rowPairSums[b * inputs + i] = sum
            }
        }

        /// `refresh(input:)` of several inputs, each input's sums added in the same order: for
        /// pairs without wire resistance, four inputs at a time, whose four chains of additions
        /// are independent (one chain waits on each addition; four keep the adder busy).
        public func refresh(inputs: [Int]) {
            guard layer.isPair && layer.wireOhms == nil else { return inputs.forEach { refresh(input: $0) } }
            let m = layer.outputs, n = layer.inputs, g = conductance
            var k = 0
            while k + 4 <= inputs.count {
                let i0 = inputs[k], i1 = inputs[k + 1], i2 = inputs[k + 2], i3 = inputs[k + 3]
                for i in inputs[k..<(k + 4)] {
                    let p = g + (2 * i) * m, q = g + (2 * i + 1) * m, w = weights + i * m
                    for j in 0..<m { w[j] = p[j] - q[j] }
                }
                let p0 = g + (2 * i0) * m, q0 = p0 + m, p1 = g + (2 * i1) * m, q1 = p1 + m
                let p2 = g + (2 * i2) * m, q2 = p2 + m, p3 = g + (2 * i3) * m, q3 = p3 + m
                for (b, columns) in layer.columnBlocks.enumerated() {
                    // Each input's sum sixteen devices at a time where the processor has AVX-512.
                    let lo = columns.lowerBound, count = columns.count, sums = rowPairSums + b * n
                    if insitu_row_sum(p0 + lo, q0 + lo, count, sums + i0) != 0 {
                        _ = insitu_row_sum(p1 + lo, q1 + lo, count, sums + i1)
                        _ = insitu_row_sum(p2 + lo, q2 + lo, count, sums + i2)
                        _ = insitu_row_sum(p3 + lo, q3 + lo, count, sums + i3)
                        continue
                    }
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    for j in columns {
                        s0 += Double(p0[j]) + Double(q0[j])
                        s1 += Double(p1[j]) + Double(q1[j])
                        s2 += Double(p2[j]) + Double(q2[j])
                        s3 += Double(p3[j]) + Double(q3[j])
                    }
                    rowPairSums[b * n + i0] = s0
                    rowPairSums[b * n + i1] = s1
                    rowPairSums[b * n + i2] = s2
                    rowPairSums[b * n + i3] = s3
                }
                k += 4
            }
            for i in inputs[k...] { refresh(input: i) }
        }

        /// `refresh(input:)` for any unit cell: w = sum_k factor_k G_k - G_ref, read energy
        /// sum_k factor_k^2 G_k over the block's columns and its reference column.
        func refreshCell(input i: Int) {
            let cell = layer.cell, inputs = layer.inputs
            let r = cell.rowsPerInput, m = layer.outputs
            let factors = cell.rowFactors
            if factors == [1] && layer.wireOhms == nil {
                // One device per weight (against a reference, or none): the same sums without the closures.
                let reference = Float(cell.referenceSiemens)
                let row = conductance + i * m, out = weights + i * m
                for j in 0..<m { out[j] = row[j] - reference }
                // The block's devices summed in four lanes (independent additions), then its reference.
                for (b, columns) in layer.columnBlocks.enumerated() {
                    var lanes = (0.0, 0.0, 0.0, 0.0)
                    var j = columns.lowerBound
                    while j + 4 <= columns.upperBound {
                        lanes.0 += Double(row[j]); lanes.1 += Double(row[j + 1])
                        lanes.2 += Double(row[j + 2]); lanes.3 += Double(row[j + 3])
                        j += 4
                    }
                    while j < columns.upperBound { lanes.0 += Double(row[j]); j += 1 }
                    rowPairSums[b * inputs + i] = cell.referenceSiemens + ((lanes.0 + lanes.1) + (lanes.2 + lanes.3))
                }
                return
            }
            for j in 0..<m { weights[i * m + j] = cell.weight { effective((r * i + $0) * m + j) } }
            // A block's reference column holds one device of G_ref on each of its rows.
            let reference = cell.referenceSiemens * factors.reduce(0) { $0 + $1 * $1 }
            for (b, columns) in layer.columnBlocks.enumerated() {
                var sum = reference
                for j in columns { for (k, f) in factors.enumerated() { sum += f * f * Double(effective((r * i + k) * m + j)) } }
                rowPairSums[b * inputs + i] = sum
            }
        }
    }
}
