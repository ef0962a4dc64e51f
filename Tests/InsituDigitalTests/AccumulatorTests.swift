import InsituDigital
import InsituEngine
import InsituHardware
import Testing

/// The digital chip's accumulator memory, on the forward pass worked out in `forwardByHand`.
@Suite struct AccumulatorTests {
    /// Without accumulators the SRAM carries 320 bits of fp32 partial sums each way (layer 1:
    /// 2 x 2 + 2 x 1 outputs, layer 2: 2 x 2, 32 bits each, between two row folds). With 4 words
    /// (every column fold's 2 x 2 outputs fit) they go to the accumulators instead: the SRAM
    /// reads 960 - 320 = 640 bits and writes only the 160 bits of fp16 outputs; the accumulators
    /// (16 B, priced as the SRAM table's smallest array, 7 pJ per 64 bits) read and write 320.
    @Test func partialSumsStayInTheAccumulators() throws {
        var spec = tinySpec()
        spec.array.accumulators = 4
        let chip = try tinyChip(spec)
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(chip, "mac-array", "mac", .forward).count == 36)
        #expect(entry(chip, "sram", "read", .forward).count == 640)
        #expect(entry(chip, "sram", "write", .forward).count == 160)
        #expect(entry(chip, "accumulators", "read", .forward).count == 320)
        #expect(entry(chip, "accumulators", "write", .forward).count == 320)
        #expect(abs(entry(chip, "accumulators", "read", .forward).joules - 320 * 7e-12 / 64) < 1e-24)
    }

    /// With 2 words only one streamed row's 2 outputs fit: the 2 images go through one at a
    /// time, each loading the weights again (288 bits twice) and streaming its own inputs.
    @Test func longBatchesGoThroughInChunks() throws {
        var spec = tinySpec()
        spec.array.accumulators = 2
        let chip = try tinyChip(spec)
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(chip, "mac-array", "mac", .forward).count == 36)
        // Weights twice (576), streamed inputs as before (352), no partial sums.
        #expect(entry(chip, "sram", "read", .forward).count == 576 + 352)
        #expect(entry(chip, "accumulators", "read", .forward).count == 320)
    }
}
