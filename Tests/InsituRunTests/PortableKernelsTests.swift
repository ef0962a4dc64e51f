import Foundation
import Testing
@testable import InsituArchFile
import InsituKernels
import InsituReport
@testable import InsituTraining

/// The kernels' tests, one at a time: `PortableKernelsTests` turns the kernels off for the
/// process while it runs, which would make the others compare a loop with itself.
@Suite(.serialized) struct KernelTests {}

extension KernelTests {
    /// A run gives the same bytes with the kernels (AVX, F16C) as with the portable loops that a
    /// processor without them runs: the fp16 gradient sums, the forward products and the read-back.
    @Suite struct PortableKernelsTests {
        /// li2018 as it is (fp16 gradient sums in 16-bit words), and with 6-bit buffer words (the
        /// read-back's codes through a second, narrower quantiser; the sums rounded as a whole).
        /// The report and ledger of a run of `design`.
        static func bytes(_ design: ArchDesign, _ data: TrainingData) throws -> (Data, Data) {
            let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
            return (try RunReport(run: run, design: design.name).json(), try run.ledger.jsonData())
        }

        @Test(arguments: [16, 6])
        func runsGiveTheSameBytesWithAndWithoutTheKernels(wordBits: Int) throws {
            var (design, data) = try DeterminismTests.small()
            design.chip.buffer.wordBits = wordBits
            try Self.expectSameBytes(design, data, switching: insitu_kernels_set_enabled)
        }

        /// The same bytes with the kernels' 512-bit forms (where the processor has them) as with
        /// their 256-bit ones.
        @Test func runsGiveTheSameBytesInBothWidths() throws {
            let (design, data) = try DeterminismTests.small()
            try Self.expectSameBytes(design, data, switching: insitu_kernels_set_wide)
        }

        /// The report's and the ledger's bytes with `switching` on (1), then off (0), the same;
        /// left on.
        static func expectSameBytes(_ design: ArchDesign, _ data: TrainingData, switching: (Int32) -> Void) throws {
            let on = try bytes(design, data)
            switching(0)
            defer { switching(1) }
            let off = try bytes(design, data)
            #expect(on.0 == off.0)
            #expect(on.1 == off.1)
        }
    }
}
