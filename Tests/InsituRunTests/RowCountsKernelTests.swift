import Foundation
import Testing
import InsituEngine
import InsituKernels

extension KernelTests {
    /// The AVX counts of a row's changes (InsituKernels) are the portable loops' counts: states
    /// that differ from their targets (NaN targets and states differ), those of them at or beyond
    /// an end of the state range, and those of working devices (fault byte 0); apart, and in one pass.
    @Suite struct RowCountsKernelTests {
        @Test func countsAreThePortableLoopsCounts() {
            Float16KernelTests.inBothWidths {
                var rng = RandomStream(seed: 17, stream: "row counts")
                let (lo, hi): (Float, Float) = (0.6, 1.7)
                for count in [0, 1, 7, 8, 9, 63, 512, 1_003] {
                    let states = (0..<count).map { k -> Float in k % 29 == 4 ? .nan : Float(0.5 + 1.3 * rng.uniform()) }
                    let targets = states.enumerated().map { k, s -> Float in
                        switch k % 6 {
                        case 0, 1: return s                              // unchanged (a NaN state differs from itself)
                        case 2: return rng.uniform() < 0.5 ? lo : hi      // at an end
                        case 3: return k % 5 == 0 ? .nan : lo - 0.1       // NaN, or beyond the low end
                        default: return Float(0.5 + 1.3 * rng.uniform())
                        }
                    }
                    let faults = (0..<count).map { _ -> UInt8 in rng.uniform() < 0.2 ? UInt8(1 + rng.index(below: 2)) : 0 }
                    var changed = 0, atLimit = 0, working = 0
                    for k in 0..<count where states[k] != targets[k] {
                        changed += 1
                        if targets[k] <= lo || targets[k] >= hi { atLimit += 1 }
                        if faults[k] == 0 { working += 1 }
                    }
                    var kernelChanged = -1, kernelAtLimit = -1
                    guard insitu_count_changes(states, targets, count, lo, hi, &kernelChanged, &kernelAtLimit) != 0 else { return }  // no AVX
                    #expect(kernelChanged == changed && kernelAtLimit == atLimit, "\(count) devices")
                    #expect(insitu_count_working_changes(faults, states, targets, count) == working, "\(count) devices")
                    // All three in one pass.
                    var oneChanged = -1, oneAtLimit = -1
                    #expect(insitu_count_row_changes(faults, states, targets, count, lo, hi, &oneChanged, &oneAtLimit) == working)
                    #expect(oneChanged == changed && oneAtLimit == atLimit, "\(count) devices")
                    #expect(count < 100 || (changed > count / 3 && atLimit > count / 10 && working < changed))
                }
            }
        }
    }
}
