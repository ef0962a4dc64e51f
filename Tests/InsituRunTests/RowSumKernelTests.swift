import Testing
import InsituEngine
import InsituKernels

extension KernelTests {
    /// A row's conductances summed by the AVX-512 kernel (lanes where the sum is exact, else one
    /// after another) equal the portable loop's chain of additions, bit for bit.
    @Suite struct RowSumKernelTests {
        /// The loop the kernel stands in for.
        static func inOrder(_ p: [Float], _ q: [Float]?) -> Double {
            var sum = 0.0
            for j in p.indices { sum += q.map { Double(p[j]) + Double($0[j]) } ?? Double(p[j]) }
            return sum
        }

        /// Rows of conductances from 1 uS to 1.5 mS (lanes throughout), with a 4,096 S device
        /// among them (sums that round: one after another), a zero, a subnormal beside them, an
        /// infinity and a NaN; alone and as pairs.
        @Test(arguments: [0, 1, 2, 3, 4, 5])
        func sumsAreTheLoopsBits(kind: Int) {
            var rng = RandomStream(seed: 29, stream: "row sums \(kind)")
            for count in [0, 1, 15, 16, 17, 502, 1_003] {
                func row() -> [Float] {
                    var x = (0..<count).map { _ in Float(1e-6 + 1.5e-3 * rng.uniform()) }
                    if count > 10 {
                        switch kind {
                        case 1: x[count / 2] = 4096
                        case 2: x[3] = 0; x[7] = -0.0
                        case 3: x[5] = 0x1p-140
                        case 4: x[count - 1] = .infinity
                        case 5: x[count / 3] = .nan
                        default: break
                        }
                    }
                    return x
                }
                let p = row(), q = row()
                for pair in [false, true] {
                    var sum = -1.0
                    let done = p.withUnsafeBufferPointer { pp in
                        q.withUnsafeBufferPointer { qp in
                            insitu_row_sum(pp.baseAddress ?? UnsafePointer(bitPattern: 8)!, pair ? qp.baseAddress : nil, count, &sum)
                        }
                    }
                    if done == 0 { return }  // no AVX-512: the callers run their loops
                    let expected = Self.inOrder(p, pair ? q : nil)
                    #expect(sum.bitPattern == expected.bitPattern || (sum.isNaN && expected.isNaN), "\(count), pair \(pair): \(sum) against \(expected)")
                }
            }
        }
    }
}
