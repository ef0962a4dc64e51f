import Foundation
import Testing
import InsituEngine
import InsituKernels

extension KernelTests {
    /// The AVX product of a vector and a matrix's rows (InsituKernels) gives the portable loop's
    /// bits: each column summed over the driven rows in their order, a multiply then an add.
    @Suite struct RowsProductKernelTests {
        /// The portable loop: out = 0, then out += v_i x row i for each row with v_i != 0.
        static func reference(_ v: [Float], _ w: [Float], stride: Int, offset: Int, columns: Int) -> [Float] {
            var out = [Float](repeating: 0, count: columns)
            for i in v.indices where v[i] != 0 {
                for k in 0..<columns { out[k] += v[i] * w[i * stride + offset + k] }
            }
            return out
        }

        @Test(arguments: [(1, 1), (3, 7), (64, 54), (54, 10), (9, 8), (5, 32), (7, 33), (40, 64), (600, 70), (1100, 41), (0, 9), (30, 300), (12, 143)])
        func sumsAreThePortableLoopsBits(rows: Int, columns: Int) {
            Float16KernelTests.inBothWidths {
                var rng = RandomStream(seed: UInt64(rows * 1000 + columns), stream: "rows-product")
                let offset = 3, stride = columns + offset + 2
                // Sparse inputs (a third zero, some -0), one NaN; weights of mixed signs and scales.
                var v: [Float] = (0..<rows).map { i in i % 3 == 0 ? (i % 2 == 0 ? 0 : -0.0) : Float(rng.uniform() * 0.4 - 0.1) }
                if rows > 20 { v[17] = .nan }
                let w: [Float] = (0..<(rows * stride)).map { _ in Float((rng.uniform() * 2 - 1) * pow(10, rng.uniform() * 12 - 6)) }
                let expected = Self.reference(v, w, stride: stride, offset: offset, columns: columns)
                // Guard cells either side of the output: the kernel writes only its columns.
                var out = [Float](repeating: 7, count: columns + 16)
                let done = out.withUnsafeMutableBufferPointer { o in
                    v.withUnsafeBufferPointer { vp in
                        w.withUnsafeBufferPointer { wp in
                            insitu_rows_product(vp.baseAddress ?? UnsafePointer(bitPattern: 8)!, rows, wp.baseAddress! + offset, stride, columns,
                                                o.baseAddress! + 8)
                        }
                    }
                }
                if done == 0 { return }  // no AVX: the callers run the portable loop
                let got = Array(out[8..<(8 + columns)])
                #expect(zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
                #expect(out[0..<8].allSatisfy { $0 == 7 } && out[(8 + columns)...].allSatisfy { $0 == 7 })
            }
        }
    }
}
