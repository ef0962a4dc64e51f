import Testing
@testable import InsituDevices
import InsituEngine
import InsituKernels

extension KernelTests {
    /// A row of 1T1R cells programmed by the AVX kernel, by the portable select loop and one
    /// device after another (`programEach`, the protocol's loop through `program(_:fault:...)`)
    /// ends in the same conductances, states, pulse sums and stream, bit for bit.
    @Suite struct GateRowKernelTests {
        /// A random row of `count` cells: states and targets equal, rising, falling and NaN;
        /// 20% stuck low, 10% stuck high; slope factors about 1.
        struct Row: Equatable {
            var g: [Float], faults: [DeviceArray.Fault], factors: [Float], states: [Float], targets: [Float]

            init(count: Int, nanTargets: Bool = true, rng: inout RandomStream) {
                g = (0..<count).map { _ in Float(1e-6 + 1.4e-3 * rng.uniform()) }
                faults = (0..<count).map { _ in
                    let u = rng.uniform()
                    return u < 0.2 ? .stuckLow : u < 0.3 ? .stuckHigh : .none
                }
                factors = (0..<count).map { _ in Float(0.7 + 0.6 * rng.uniform()) }
                states = (0..<count).map { _ in Float(0.6 + 1.1 * rng.uniform()) }
                targets = states.map { s in
                    let u = rng.uniform()
                    return u < 0.25 ? s : u < 0.3 && nanTargets ? .nan : u < 0.35 ? 0.6 : Float(0.6 + 1.1 * rng.uniform())
                }
            }

            /// Programs the row by `program` (the model's row form) or one by one.
            mutating func program(_ device: GateControlledDevice, oneByOne: Bool, rng: inout RandomStream) -> (Pulses, Int) {
                let count = g.count, targets = self.targets
                return g.withUnsafeMutableBufferPointer { g in
                    faults.withUnsafeBufferPointer { f in
                        factors.withUnsafeBufferPointer { a in
                            states.withUnsafeMutableBufferPointer { s in
                                targets.withUnsafeBufferPointer { t in
                                    let r = oneByOne
                                        ? device.programEach(count, device: { $0 }, g.baseAddress!, faults: f.baseAddress!, factors: a.baseAddress!,
                                                             states: s.baseAddress!, targets: t.baseAddress!, verified: false, rng: &rng)
                                        : device.program(g.baseAddress!, faults: f.baseAddress!, factors: a.baseAddress!, states: s.baseAddress!,
                                                         targets: t.baseAddress!, count: count, verified: false, rng: &rng)
                                    return (r.pulses, r.driven)
                                }
                            }
                        }
                    }
                }
            }

            static func == (a: Row, b: Row) -> Bool {
                func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }
                return bits(a.g) == bits(b.g) && a.faults == b.faults && bits(a.states) == bits(b.states)
            }
        }

        /// Pulses and driven devices as bits (a NaN target's conductance makes the sums NaN).
        static func bits(_ r: (Pulses, Int)) -> [UInt64] {
            let p = r.0
            return [UInt64(p.resets), UInt64(p.sets), p.resetFromSiemens.bitPattern, p.setToSiemens.bitPattern,
                    UInt64(p.resetRounds), UInt64(p.setRounds), UInt64(r.1)]
        }

        @Test(arguments: [(0.02, DeviceParameters.VariationReference.range), (0.05, .value), (0.0, .range)])
        func kernelPortableLoopAndOneByOneAgree(variation: Double, reference: DeviceParameters.VariationReference) {
            var p = DeviceParameters()
            p.conductanceAtGateMinSiemens = 100e-6
            p.slopeSiemensPerVolt = 950e-6
            p.conductanceCeilingSiemens = 1e-3  // clips the top of the window
            p.updateVariation = variation
            p.variationReference = reference
            let device = GateControlledDevice(p)
            var seeds = RandomStream(seed: 5, stream: "gate rows")
            for count in [0, 1, 3, 4, 5, 8, 13, 64, 67] {
                let row = Row(count: count, rng: &seeds)
                var noise = RandomStream(seed: 9, stream: "noise \(count)")
                _ = noise.gaussian()  // a spare deviate waiting: the row starts with it
                var (kernel, portable, each) = (row, row, row)
                var (kernelNoise, portableNoise, eachNoise) = (noise, noise, noise)
                let k = kernel.program(device, oneByOne: false, rng: &kernelNoise)
                var narrow = row, narrowNoise = noise
                insitu_kernels_set_wide(0)
                let n = narrow.program(device, oneByOne: false, rng: &narrowNoise)
                insitu_kernels_set_wide(1)
                #expect(narrow == kernel && Self.bits(n) == Self.bits(k) && narrowNoise == kernelNoise, "count \(count)")
                insitu_kernels_set_enabled(0)
                let p = portable.program(device, oneByOne: false, rng: &portableNoise)
                insitu_kernels_set_enabled(1)
                let e = each.program(device, oneByOne: true, rng: &eachNoise)
                #expect(kernel == each, "count \(count)")
                #expect(portable == each, "count \(count)")
                #expect(Self.bits(k) == Self.bits(e), "count \(count): \(k) against \(e)")
                #expect(Self.bits(p) == Self.bits(e), "count \(count): \(p) against \(e)")
                #expect(kernelNoise == eachNoise && portableNoise == eachNoise, "count \(count)")
                if count >= 64 {
                    // The row really changed: devices were programmed, some RESET, some stuck kept.
                    #expect(e.1 > count / 2 && e.0.resets > 0 && kernel.g != row.g)
                }
            }
        }

        /// Rows of more than one 512-device chunk in the 512-bit kernel, whose sums are added
        /// eight lanes at a time where that is exact: without NaN targets (the lanes' sums
        /// throughout), with a conductance of 4,096 S among them at device 700 (whose sums
        /// round: added one by one from that chunk on) and with NaN targets (one by one throughout). The
        /// same bits as the 256-bit kernel and as one device after another.
        @Test(arguments: [0, 1, 2])
        func longRowsSumAsOneDeviceAfterAnother(kind: Int) {
            var p = DeviceParameters()
            p.conductanceAtGateMinSiemens = 100e-6
            p.slopeSiemensPerVolt = 950e-6
            p.updateVariation = 0.02
            let device = GateControlledDevice(p)
            var seeds = RandomStream(seed: 17, stream: "long gate rows")
            for count in [511, 512, 513, 1100, 2000] {
                var row = Row(count: count, nanTargets: kind == 2, rng: &seeds)
                if kind == 1 && count > 700 {
                    row.g[700] = 4096  // sums to 2^-40 steps from here on: rounded, so order matters
                    row.targets[700] = row.states[700] - 0.1  // a RESET from it: a term of the sum
                    row.faults[700] = .stuckLow
                }
                let noise = RandomStream(seed: 3, stream: "long noise \(count)")
                var (wide, narrow, each) = (row, row, row)
                var (wideNoise, narrowNoise, eachNoise) = (noise, noise, noise)
                let w = wide.program(device, oneByOne: false, rng: &wideNoise)
                insitu_kernels_set_wide(0)
                let n = narrow.program(device, oneByOne: false, rng: &narrowNoise)
                insitu_kernels_set_wide(1)
                let e = each.program(device, oneByOne: true, rng: &eachNoise)
                #expect(wide == each && narrow == each, "count \(count)")
                #expect(Self.bits(w) == Self.bits(e), "count \(count): \(w) against \(e)")
                #expect(Self.bits(n) == Self.bits(e), "count \(count): \(n) against \(e)")
                #expect(wideNoise == eachNoise && narrowNoise == eachNoise, "count \(count)")
                #expect(e.0.setToSiemens.isNaN == (kind == 2) && e.0.resets > count / 10)
            }
        }
    }
}
