import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituHardware
@testable import InsituTraining
import InsituEngine

/// The crossbar chip's gradient dataflows: the same weights, and the buffer and register
/// traffic worked out by hand for 300 images of li2018 (6 batches of 50; 64-54-10: 3,996
/// weights, 64 errors per image).
@Suite struct GradientDataflowTests {
    static func run(_ dataflow: GradientDataflow) throws -> TrainingRun {
        var (design, data) = try DeterminismTests.small()
        design.chip.digital.gradientDataflow = dataflow
        design.chip.digital.accumulatorRegisters = dataflow == .registers ? 4096 : 64
        return try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
    }

    /// Words (16 bits) of `action` on `component` in `phase`, over every layer.
    static func words(_ run: TrainingRun, _ component: String, _ action: String, _ phase: String, bits: UInt64 = 16) -> UInt64 {
        run.ledger.entries.filter { $0.key.component == component && $0.key.action == action && $0.key.phase == phase }
            .reduce(0) { $0 + $1.count } / bits
    }

    @Test func sameWeightsAndTrafficByHand() throws {
        let buffer = try Self.run(.buffer), registers = try Self.run(.registers), batch = try Self.run(.batch)
        let states = { (r: TrainingRun) in (r.accelerator as! Chip).states }
        #expect(states(buffer) == states(registers) && states(buffer) == states(batch))
        let accuracy = { (r: TrainingRun) in r.outcome.curve.map(\.accuracy) + [r.outcome.finalAccuracy] }
        #expect(accuracy(buffer) == accuracy(batch) && accuracy(buffer) == accuracy(registers))

        // Buffer: every image reads and writes all 3,996 accumulators; the update reads two
        // gate states and the gradient per weight.
        #expect(Self.words(buffer, "buffer", "read", "gradient") == 300 * 3_996)
        #expect(Self.words(buffer, "buffer", "write", "gradient") == 300 * 3_996)
        #expect(Self.words(buffer, "buffer", "read", "update") == 6 * 3 * 3_996)
        // Registers: the same words in the register file, none in the buffer.
        #expect(Self.words(registers, "buffer", "read", "gradient") == 0 && Self.words(registers, "buffer", "write", "gradient") == 0)
        #expect(Self.words(registers, "digital", "register", "gradient", bits: 1) == 300 * 2 * 3_996)
        #expect(Self.words(registers, "digital", "register", "update", bits: 1) == 6 * 3_996)
        #expect(Self.words(registers, "buffer", "read", "update") == 6 * 2 * 3_996)
        // Batch: each image writes its 64 errors; each batch forms dW in 8 x 8 tiles of 64
        // accumulators (layer 1: 8 x 7 tiles x 16 words x 50 images = 44,800; layer 2, 54 x 10:
        // 6 x 10 tiles, 9 of them x 16 x 50 = 7,200) and writes it once.
        #expect(Self.words(batch, "buffer", "write", "gradient") == 300 * 64 + 6 * 3_996)
        #expect(Self.words(batch, "buffer", "read", "gradient") == 6 * (44_800 + 7_200))
        #expect(Self.words(batch, "digital", "mac", "gradient", bits: 1) == 300 * 3_996)
        #expect(GradientDataflow.productReads(n: 64, k: 54, images: 50, registers: 64) == 44_800)
        #expect(GradientDataflow.productReads(n: 54, k: 10, images: 50, registers: 64) == 7_200)
    }

    /// Each dataflow's storage is checked against where it keeps it.
    @Test func storageMustFit() throws {
        let path = DeterminismTests.root.appendingPathComponent("arch/li2018.yaml").path
        #expect(throws: ArchError.self) {
            try ArchDesign.load(path: path, overrides: ["chip.digital.gradient_dataflow=registers"])
        }
        _ = try ArchDesign.load(path: path, overrides: ["chip.digital.gradient_dataflow=registers", "chip.digital.accumulator_registers=3996"])
        do {
            _ = try ArchDesign.load(path: path, overrides: ["chip.buffer.capacity=32 KiB", "chip.buffer.banks=2"])
            Issue.record("a 32 KiB buffer holds less than li2018 stores")
        } catch let e as ArchError {
            // Batch: 50 x 118 activations + 3 x 3,996 + 50 x 64 errors + 3,996 = 25,084 words of 16 bits.
            #expect(e.description.contains("25084 words") && e.description.contains("50168 B"))
        }
    }

    /// The register file beyond one accumulator per lane adds its bits' area to the digital
    /// unit's: li2018 (64 accumulators, 64 lanes) keeps its 0.192 mm^2; 4,096 accumulators of
    /// 16 bits add (4,096 - 64) x 16 x 5.98 um^2 = 0.3858 mm^2; the key sets the bit's area; the
    /// `buffer` dataflow has none.
    @Test func registerFileAreaByHand() throws {
        let path = DeterminismTests.root.appendingPathComponent("arch/li2018.yaml").path
        let li2018 = try ArchDesign.load(path: path).chip.digital
        #expect(abs(li2018.totalAreaSquareMetres - 0.192e-6) < 1e-15)
        let file = try ArchDesign.load(path: path, overrides: ["chip.digital.gradient_dataflow=registers", "chip.digital.accumulator_registers=4096"])
        #expect(abs(file.chip.digital.registerFileAreaSquareMetres - 4_032 * 16 * 5.98e-12) < 1e-15)
        #expect(abs(DigitalUnitModel(spec: file.chip.digital).areaSquareMetres - (0.192e-6 + 0.38579e-6)) < 1e-11)
        let small = try ArchDesign.load(path: path, overrides: ["chip.digital.gradient_dataflow=registers", "chip.digital.accumulator_registers=4096",
                                                                "chip.digital.register_area_per_bit=2 um^2"])
        #expect(abs(small.chip.digital.registerFileAreaSquareMetres - 4_032 * 16 * 2e-12) < 1e-15)
        #expect(throws: ArchError.self) { try ArchDesign.load(path: path, overrides: ["chip.digital.register_area_per_bit=-1 um^2"]) }
        // Accumulating in the buffer needs no register file.
        let buffer = try ArchDesign.load(path: path, overrides: ["chip.digital.gradient_dataflow=buffer", "chip.digital.accumulator_registers=4096"])
        #expect(buffer.chip.digital.registerFileAreaSquareMetres == 0)
    }
}
