import Foundation
import Testing
import InsituEngine
@testable import InsituHardware
import InsituKernels

extension KernelTests {
    /// The AVX read-back (InsituKernels) gives the portable loop's bits and saturation count:
    /// conductance through the gain, the ADC's code, an optional narrower word, back to siemens;
    /// in its 512-bit form (where the processor has it; with and without its table of readings)
    /// and its 256-bit one.
    @Suite struct ReadBackKernelTests {
        /// The portable loop of `Chip.readRow` without wires or read noise.
        static func reference(_ g: [Float], scale: Double, adc: Quantizer, word: Quantizer?) -> (out: [Float], beyond: Int) {
            var beyond = 0
            let out = g.map { gi -> Float in
                let x = Float(scale * Double(gi))
                if adc.saturates(x) { beyond += 1 }
                let code = adc.quantize(x)
                return Float(Double(word?.quantize(code) ?? code) / scale)
            }
            return (out, beyond)
        }

        @Test(arguments: [(8, false, 0), (8, true, 0), (5, false, 0), (8, false, 4), (12, true, 6), (16, true, 0)])
        func readingsAreThePortableLoopsBits(bits: Int, signed: Bool, wordBits: Int) {
            // Both ways to a code's reading: looked up in a table by gathers, or computed.
            defer { insitu_kernels_set_gathers(-1) }
            for gathers: Int32 in [1, 0] {
                insitu_kernels_set_gathers(gathers)
                Float16KernelTests.inBothWidths { readings(bits: bits, signed: signed, wordBits: wordBits) }
            }
        }

        func readings(bits: Int, signed: Bool, wordBits: Int) {
            var rng = RandomStream(seed: UInt64(bits * 100 + wordBits), stream: "read-back")
            let adc = Quantizer(bits: bits, fullScale: 1.0, signed: signed)
            let word = wordBits > 0 ? Quantizer(bits: wordBits, fullScale: 1.0, signed: true) : nil
            let scale = 1.25e3 * 0.2  // volts per siemens: a read-back gain times the read voltage
            for count in [1, 3, 4, 7, 64, 513, 4_099] {
                // Conductances from 0 to past the range (2x full scale), signed ones for a signed ADC,
                // ties on code steps and values a step's 2^-50 from them, a NaN and infinities.
                let g: [Float] = (0..<count).map { k in
                    if k % 7 == 3 { return Float(Double(k % 9) * adc.step * 0.5 / scale) }
                    if k % 11 == 5 { return Float(Double(k % 13) * adc.step * (0.5 + 0x1p-50) / scale) }
                    if k == 500 { return .nan }
                    if k == 501 || k == 502 { return k == 501 ? .infinity : -.infinity }
                    let x = rng.uniform() * 2.2 - (signed ? 1.1 : 0.1)
                    return Float(x / scale)
                }
                let (expected, expectedBeyond) = Self.reference(g, scale: scale, adc: adc, word: word)
                var out = [Float](repeating: 9, count: count + 4)
                let beyond = g.withUnsafeBufferPointer { gp in
                    out.withUnsafeMutableBufferPointer { Quantizer.read(gp.baseAddress!, count: count, scale: scale, adc: adc, word: word, into: $0.baseAddress!) }
                }
                guard let beyond else { return }  // no AVX: the chip runs the portable loop
                #expect(beyond == expectedBeyond, "\(count) readings")
                // The same bits; a NaN reading is NaN in both (its payload is the processor's).
                let differ = zip(out, expected).enumerated().filter { !($1.0.bitPattern == $1.1.bitPattern || ($1.0.isNaN && $1.1.isNaN)) }
                #expect(differ.isEmpty, "\(count) readings: \(differ.prefix(3))")
                #expect(out[count...].allSatisfy { $0 == 9 })
            }
        }
    }
}
