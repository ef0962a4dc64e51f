import Testing
import InsituEngine
import InsituHardware
import InsituKernels

extension KernelTests {
    /// The F16C kernels (InsituKernels) give the portable Swift rounding's bits, element for
    /// element: whole buffers, changed rows and columns only, and the fused add-then-round; in
    /// their 512-bit forms (an add and a subtract in place of the conversions) and their 256-bit ones.
    @Suite struct Float16KernelTests {
        /// `body` with the kernels' 512-bit forms on (where the processor has them), then off.
        static func inBothWidths(_ body: () -> Void) {
            defer { insitu_kernels_set_wide(1) }
            for wide: Int32 in [1, 0] {
                insitu_kernels_set_wide(wide)
                body()
            }
        }

        /// The 512-bit rounding (adding and subtracting a number whose last bit is the value's
        /// binary16 step) against the conversions' (vcvtps2ph, vcvtph2ps), on floats of every
        /// sign and exponent: random significands, and each binary16 step's tie and the floats
        /// either side of it, wherever the step falls (13 to 24 bits below the significand's top).
        @Test func wideRoundingEqualsTheConversions() {
            var rng = RandomStream(seed: 5, stream: "f16-wide")
            var x: [Float] = []
            for high in UInt32(0)..<512 {
                let top = high << 23
                for _ in 0..<512 { x.append(Float(bitPattern: top | UInt32(truncatingIfNeeded: rng.next()) & 0x7f_ffff)) }
                for dropped in UInt32(13)...24 {
                    let tie = UInt32(1) << (dropped - 1)
                    for _ in 0..<16 {
                        let kept = UInt32(truncatingIfNeeded: rng.next()) & 0x7f_ffff & ~((tie << 1) - 1)
                        for offset: Int64 in [-2, -1, 0, 1, 2] {
                            x.append(Float(bitPattern: UInt32(truncatingIfNeeded: Int64(top | kept | (tie & 0x7f_ffff)) + offset)))
                        }
                    }
                }
            }
            for unit: Float in [1, 500, 0.37] {
                var wide = x, narrow = x
                insitu_kernels_set_wide(1)
                let done = wide.withUnsafeMutableBufferPointer { insitu_round_fp16($0.baseAddress!, $0.count, unit) }
                insitu_kernels_set_wide(0)
                _ = narrow.withUnsafeMutableBufferPointer { insitu_round_fp16($0.baseAddress!, $0.count, unit) }
                insitu_kernels_set_wide(1)
                if done == 0 { return }
                let wrong = zip(wide, narrow).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(wrong == 0, "unit \(unit): \(wrong) of \(x.count) differ")
            }
        }

        /// Edge values (ties, subnormals, overflow, infinities, NaN) and random ones of every scale.
        static func values(count: Int, rng: inout RandomStream) -> [Float] {
            let edges: [Float] = [0, -0.0, 1, -1, 65504, 65519.99, 65520, -65520, 1e-8, 5.96e-8, 0x1p-14, 0x1p-24, 0x1.8p-25,
                                  .infinity, -.infinity, .nan, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
            return (0..<count).map { k in
                switch k % 4 {
                case 0: edges[Int(rng.next() % UInt64(edges.count))]
                case 1: Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
                case 2: Float((rng.uniform() * 2 - 1) * 0x1p-13)
                default: Float(rng.uniform() * 140_000 - 70_000)
                }
            }
        }

        /// Swift's rounding of one element in units of `unit`, as `NumberFormat.round` defines it.
        static func reference(_ x: Float, unit: Float) -> Float {
            unit == 1 ? NumberFormat.binary16(x) : NumberFormat.binary16(x / unit) * unit
        }

        /// Equal bits, or both NaN (a NaN's payload is not a value).
        static func same(_ a: [Float], _ b: [Float]) -> Bool {
            zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) } && a.count == b.count
        }

        @Test(arguments: [Float(1), 0.37, 3.0e-5, 6, 500, 2000, 12_345.678])
        func wholeBuffersRoundAsSwiftDoes(unit: Float) {
            Self.inBothWidths {
                var rng = RandomStream(seed: 7, stream: "f16c-whole")
                for n in [1, 5, 8, 13, 64, 1001] {
                    var x = Self.values(count: n, rng: &rng)
                    let expected = x.map { Self.reference($0, unit: unit) }
                    let done = x.withUnsafeMutableBufferPointer { insitu_round_fp16($0.baseAddress!, n, unit) }
                    if done == 0 { return }  // no F16C: NumberFormat.round uses its own loop
                    #expect(Self.same(x, expected), "n \(n)")
                }
            }
        }

        /// Units above 1 (the chip's error units are output gains of hundreds of V/A): every
        /// value's bits across every exponent, next to the subnormal range, and at the unit times
        /// a binary16 tie, where a quotient one bit off would round the other way.
        @Test(arguments: [Float(6), 3, 500, 2000, 1.0000001, 0x1p100])
        func unitsAboveOneRoundAsSwiftDoes(unit: Float) {
            Self.inBothWidths {
                var rng = RandomStream(seed: 13, stream: "f16c-quotients")
                var x: [Float] = [3 * 0x1p-149, 0x1p-149, 5 * 0x1p-149, unit * 0x1p-125, (unit * 0x1p-125).nextDown, (unit * 0x1p-125).nextUp,
                                  unit * 0x1p-126, unit * 0x1p-127, unit, -unit, unit * 65504, unit * 65520]
                for _ in 0..<20_000 {
                    // Every exponent, as many values within a factor of four of the threshold, and
                    // products of the unit with a binary16 tie, a float's last bits from rounding
                    // the other way (where a quotient one bit off would show).
                    let bits = UInt32(truncatingIfNeeded: rng.next())
                    x.append(Float(bitPattern: bits))
                    x.append(unit * 0x1p-126 * Float(0.5 + 3.5 * rng.uniform()) * (bits & 1 == 0 ? 1 : -1))
                    let half = Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits >> 16) & 0x7bff))
                    let tie = half + half.ulp * 4096  // half a binary16 step above `half`, exact in a float
                    let v = Float(Double(tie) * Double(unit))
                    x += [v, v.nextUp, v.nextDown, v.nextUp.nextUp, v.nextDown.nextDown]
                }
                let expected = x.map { Self.reference($0, unit: unit) }
                let done = x.withUnsafeMutableBufferPointer { insitu_round_fp16($0.baseAddress!, $0.count, unit) }
                if done == 0 { return }
                let wrong = zip(x, expected).filter { !($0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)) }
                #expect(wrong.isEmpty, "\(wrong.count) of \(x.count) differ, e.g. \(wrong.prefix(3))")
            }
        }

        /// At every binary16 tie times the unit and three floats either side, of both signs, where
        /// a quotient one bit off would round the other way: units whose significands are all
        /// ones, tiny and huge units, and values near 2^-90 and near 2^-60 and 2^100 units.
        @Test(arguments: [Float(bitPattern: 0x3fff_ffff), Float(bitPattern: 0x40ff_ffff), 0.37, 3.0e-5, 7.1e-21, 1234.5677,
                          0x1p-100, Float(0x1p-100).nextDown, 0x1p100, Float(0x1p100).nextUp, 1.0000001, -6])
        func quotientsAtEveryTieRoundAsSwiftDoes(unit: Float) {
            Self.inBothWidths {
                var x: [Float] = []
                for bits in UInt16(0)...0x7bff {
                    let half = Float(Float16(bitPattern: bits))
                    var v = Float(Double(half + half.ulp * 4096) * Double(unit))
                    for _ in 0..<3 { v = v.nextDown }
                    for _ in 0..<7 { x += [v, -v]; v = v.nextUp }
                }
                for edge in [Float(0x1p-90), 0x1p-60 * unit, 0x1p100 * unit] {
                    var v = edge
                    for _ in 0..<3 { v = v.nextDown }
                    for _ in 0..<7 { x += [v, -v]; v = v.nextUp }
                }
                let expected = x.map { Self.reference($0, unit: unit) }
                let done = x.withUnsafeMutableBufferPointer { insitu_round_fp16($0.baseAddress!, $0.count, unit) }
                if done == 0 { return }
                let wrong = zip(x, expected).filter { !($0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)) }
                #expect(wrong.isEmpty, "\(wrong.count) of \(x.count) differ, e.g. \(wrong.prefix(3))")
            }
        }

        /// Only the rows of non-zero inputs and the columns of non-zero (or NaN) errors change;
        /// with `add`, every element of such a row first takes input x error (zero errors too).
        /// 1,030 rows cross the kernel's lists of 512 driven rows.
        @Test(arguments: [(Float(1), false), (0.37, false), (1, true), (0.37, true), (3.0e-5, true), (6, false), (500, true), (2000, true)])
        func changedRowsAndColumnsRoundAsSwiftDoes(unit: Float, add: Bool) {
            Self.inBothWidths {
                var rng = RandomStream(seed: 11, stream: "f16c-changed")
                for (rows, columns) in [(1, 1), (3, 7), (5, 8), (9, 17), (40, 54), (2, 300), (1_030, 3)] {
                    var g = Self.values(count: rows * columns, rng: &rng)
                    let inputs: [Float] = (0..<rows).map { i in i % 3 == 1 ? 0 : (i % 5 == 4 ? .nan : Float(rng.uniform() * 2 - 1)) }
                    var errors = Self.values(count: columns, rng: &rng)
                    for j in errors.indices where j % 3 == 0 { errors[j] = j % 2 == 0 ? 0 : -0.0 }
                    var expected = g
                    for i in 0..<rows where inputs[i] != 0 {
                        for j in 0..<columns {
                            if add { expected[i * columns + j] += inputs[i] * errors[j] }
                            if errors[j] != 0 { expected[i * columns + j] = Self.reference(expected[i * columns + j], unit: unit) }
                        }
                    }
                    let done = g.withUnsafeMutableBufferPointer { v in
                        add ? insitu_add_round_fp16_changed(v.baseAddress!, inputs, rows, errors, columns, unit)
                            : insitu_round_fp16_changed(v.baseAddress!, inputs, rows, errors, columns, unit)
                    }
                    if done == 0 { return }
                    #expect(Self.same(g, expected), "\(rows) x \(columns)")
                }
            }
        }
    }
}
