import InsituDigital
import InsituEngine
import InsituHardware
import InsituTraining
import Testing

/// A 4-3-2 network on a 2 x 2 weight-stationary array at 1 GHz, one SRAM port of 16 bits a
/// cycle without latency, fp16 operands and fp32 accumulation: small enough to work by hand.
func tinySpec() -> DigitalChipSpec {
    var s = DigitalChipSpec()
    s.node = .nm45
    s.clockHertz = 1e9
    s.array.rows = 2
    s.array.columns = 2
    s.array.dataflow = .weightStationary
    s.registerJoulesPerBit = 0
    s.formats = TensorFormats()
    s.vector.lanes = 4
    s.vector.format = .fp32
    s.sram.capacityBytes = 1 << 20
    s.sram.banks = 1
    s.sram.bitsPerCycle = 16
    s.sram.clockHertz = 1e9
    s.sram.latency = .zero
    s.sram.joulesPerBit = 0.1e-12
    s.dram.joulesPerBit = 10e-12
    s.dram.bitsPerCycle = 8
    s.dram.clockHertz = 1e9
    s.dram.latency = .zero
    return s
}

func tinyChip(_ spec: DigitalChipSpec = tinySpec(), widths: [Int] = [4, 3, 2]) throws -> DigitalChip {
    let weights = (0..<(widths.count - 1)).map { l in
        (0..<(widths[l] * widths[l + 1])).map { Float(($0 % 5) - 2) * 1e-4 }
    }
    return try DigitalChip(spec: spec, widths: widths, hiddenGain: 200, hiddenClip: 0.2, weightUnit: 1e-3, errorUnit: 5e5,
                           weights: weights)
}

let twoImages = InputBatch(volts: [0.1, 0.2, 0, 0.05, 0.2, 0, 0.1, 0.15], labels: [0, 1])

/// Count and energy of one component's action in one phase, from the ledger.
/// An action's count and energy in a phase, over every layer it was charged to.
func entry(_ chip: DigitalChip, _ component: String, _ action: String, _ phase: Phase) -> (count: UInt64, joules: Double) {
    let es = chip.ledger.entries.filter { $0.key.component == component && $0.key.action == action && $0.key.phase == phase.name }
    return (es.reduce(0) { $0 + $1.count }, es.reduce(0.0) { $0 + $1.energyQuanta.doubleValue } * Ledger.quantumJoules)
}

@Suite struct DigitalChipTests {
    /// Forward pass of 2 images, by hand (docs/model.md, digital baseline): layer 1 (4 x 3) is
    /// 2 x 2 folds, layer 2 (3 x 2) 2 x 1 folds, each fold 2R + C + M - 2 = 6 cycles on the array.
    /// The SRAM port moves 1440 bits (960 read: 288 weight, 352 streamed, 320 partial sums;
    /// 480 written) at 16 bits a cycle and is never idle: the segment takes 90 ns.
    @Test func forwardByHand() throws {
        let chip = try tinyChip()
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(chip, "mac-array", "mac", .forward).count == 36)
        #expect(entry(chip, "sram", "read", .forward).count == 960)
        #expect(entry(chip, "sram", "write", .forward).count == 480)
        #expect(entry(chip, "vector", "compare", .forward).count == 12)
        #expect(entry(chip, "dram", "read", .forward).count == 0)
        #expect(chip.simulatedTime == SimTime(picoseconds: 90_000))
        // fp16 multiply + fp32 add at 45 nm: 1.1 + 0.9 pJ.
        #expect(abs(entry(chip, "mac-array", "mac", .forward).joules - 36 * 2.0e-12) < 1e-21)
        #expect(abs(entry(chip, "sram", "read", .forward).joules - 960 * 0.1e-12) < 1e-21)
        #expect(abs(entry(chip, "vector", "compare", .forward).joules - 12 * 0.9e-12) < 1e-21)
    }

    /// A training step's counts by phase: backward = softmax (4 exp, 4 multiply-adds, 4 adds),
    /// layer 2's errors (2 x 2 x 3 MACs) and the mask (12 compares); gradient = 2 x (12 + 6)
    /// MACs; the update one multiply-add per weight (18), reading gradient and master (32 bits
    /// each) and writing master (32) and working weight (16) per weight.
    @Test func trainingStepCountsByHand() throws {
        let chip = try tinyChip()
        _ = try chip.forward(twoImages, phase: .forward, perImage: Backprop.work(widths: [4, 3, 2]))
        #expect(entry(chip, "vector", "exp", .backward).count == 4)
        // Softmax and output error as Backprop describes them: m divisions and m MACs per image.
        #expect(entry(chip, "vector", "mac", .backward).count == 8)
        #expect(entry(chip, "vector", "add", .backward).count == 0)
        #expect(entry(chip, "mac-array", "mac", .backward).count == 12)
        #expect(entry(chip, "vector", "compare", .backward).count == 12)
        #expect(entry(chip, "mac-array", "mac", .gradient).count == 36)
        try chip.store(chip.storedWeights, phase: .update, after: SGDUpdate.work(widths: [4, 3, 2]))
        #expect(entry(chip, "vector", "mac", .update).count == 18)
        #expect(entry(chip, "sram", "read", .update).count == 18 * 64)
        #expect(entry(chip, "sram", "write", .update).count == 18 * 48)
    }

    /// The chip runs the work it is handed, not an algorithm of its own: another algorithm's
    /// product and element-wise step are what it schedules and charges.
    @Test func runsTheWorkItIsGiven() throws {
        let chip = try tinyChip()
        let product = DigitalWork.Product(m: 1, k: 2, n: 3, batched: .m, stationary: (.weights, 1), streamed: (.errors, 2), output: (.errors, 1))
        let work = [DigitalWork.product(product, phase: .gradient, layer: 2),
                    DigitalWork(.exp, 5, phase: .gradient, layer: 1, reads: [.init(.activations, layer: 1, elements: 3)])]
        _ = try chip.forward(twoImages, phase: .forward, perImage: work)
        #expect(entry(chip, "mac-array", "mac", .gradient).count == 2 * 6)      // 2 images x 1 x 2 x 3
        #expect(entry(chip, "vector", "exp", .gradient).count == 2 * 5)
        #expect(entry(chip, "mac-array", "mac", .backward).count == 0 && entry(chip, "vector", "exp", .backward).count == 0)
        try chip.store(chip.storedWeights, phase: .update, after: [DigitalWork(.compare, 7, phase: .update, layer: 1)])
        #expect(entry(chip, "vector", "compare", .update).count == 7 && entry(chip, "vector", "mac", .update).count == 0)
    }

    /// With no SRAM every tensor lives in DRAM: the same 1440 bits move over the DRAM port
    /// (8 bits a cycle: 180 ns, never idle), and energy moves by 1440 x (10 - 0.1) pJ.
    @Test func spillToDRAMByItsEquation() throws {
        let inSRAM = try tinyChip()
        _ = try inSRAM.forward(twoImages, phase: .forward, perImage: [])
        var spec = tinySpec()
        spec.sram.capacityBytes = 0
        let inDRAM = try tinyChip(spec)
        _ = try inDRAM.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(inDRAM, "dram", "read", .forward).count == 960)
        #expect(entry(inDRAM, "dram", "write", .forward).count == 480)
        #expect(entry(inDRAM, "sram", "read", .forward).count == 0)
        #expect(inDRAM.simulatedTime == SimTime(picoseconds: 180_000))
        let delta = inDRAM.ledger.totalEnergyQuanta.doubleValue - inSRAM.ledger.totalEnergyQuanta.doubleValue
        #expect(abs(delta * Ledger.quantumJoules - 1440 * 9.9e-12) < 1e-18)
    }

    /// Weights alone spilled (SRAM of 0 bytes but weights first): only the weight loads go to DRAM.
    @Test func weightsSpillFirstWhenTheyDoNotFit() {
        let formats = TensorFormats()
        // 4-3-2 weights need 192 + 96 bits; 100 bits hold layer 2's weights only.
        let p = TensorPlacement(widths: [4, 3, 2], batch: 2, formats: formats, sramBits: 100)
        #expect(p.level(.weights, 0) == .dram)
        #expect(p.level(.weights, 1) == .sram)
        #expect(p.level(.activations, 0) == .dram)
    }

    /// fp32 operands double the operand words (2240 bits) and price a MAC at 3.7 + 0.9 pJ.
    @Test func wordWidthMovesTrafficAndEnergy() throws {
        var spec = tinySpec()
        spec.formats.weights = .fp32
        spec.formats.activations = .fp32
        spec.formats.errors = .fp32
        let chip = try tinyChip(spec)
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(chip, "sram", "read", .forward).count + entry(chip, "sram", "write", .forward).count == 2240)
        #expect(abs(entry(chip, "mac-array", "mac", .forward).joules - 36 * 4.6e-12) < 1e-20)
    }

    /// A 4 x 4 array holds each layer in one fold: 288 weight bits, 224 streamed, no partial
    /// sums, 160 written; folds of 2R + C + M - 2 = 12 cycles; the MAC count does not change.
    @Test func arraySizeMovesFoldsNotWork() throws {
        var spec = tinySpec()
        spec.array.rows = 4
        spec.array.columns = 4
        let chip = try tinyChip(spec)
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        #expect(entry(chip, "mac-array", "mac", .forward).count == 36)
        #expect(entry(chip, "sram", "read", .forward).count == 288 + 224)
        #expect(entry(chip, "sram", "write", .forward).count == 160)
        #expect(entry(chip, "mac-array", "mac", .forward).count == 36)
        let busy = chip.ledger.entries.filter { $0.key.component == "mac-array" }.reduce(0) { $0 + $1.busyPicoseconds }
        #expect(busy == 2 * 12_000)
    }

    /// SIMD lanes: ceil(MKN / lanes) cycles per GEMM, every operand read once.
    @Test func simdDataflow() throws {
        var spec = tinySpec()
        spec.array.dataflow = .simd
        let chip = try tinyChip(spec)
        _ = try chip.forward(twoImages, phase: .forward, perImage: [])
        let busy = chip.ledger.entries.filter { $0.key.component == "mac-array" }.reduce(0) { $0 + $1.busyPicoseconds }
        #expect(busy == (6 + 3) * 1_000)
        #expect(entry(chip, "sram", "read", .forward).count == (12 + 6) * 16 + (8 + 6) * 16)
    }

    /// DRAM energy per bit re-prices the ledger linearly, as re-simulating does.
    @Test func dramEnergyReprices() throws {
        var spec = tinySpec()
        spec.sram.capacityBytes = 0
        let base = try tinyChip(spec)
        _ = try base.forward(twoImages, phase: .forward, perImage: [])
        spec.dram.joulesPerBit = 20e-12
        let dearer = try tinyChip(spec)
        _ = try dearer.forward(twoImages, phase: .forward, perImage: [])
        let dramBits = 1440.0
        let delta = dearer.ledger.totalEnergyQuanta.doubleValue - base.ledger.totalEnergyQuanta.doubleValue
        #expect(abs(delta * Ledger.quantumJoules - dramBits * 10e-12) < 1e-18)
        // Priced again per ledger entry (one rounding of a Double each) against priced per charge:
        // the same to the last few quanta in 2.9e16.
        let repriced = base.components.reprice(base.ledger, with: ["dram": DRAMModel(spec: spec.dram)])
        let total = dearer.ledger.totalEnergyQuanta.doubleValue
        #expect(abs(repriced.totalEnergyQuanta.doubleValue - total) <= 1e-15 * total)
        #expect(repriced.entries.map(\.key) == dearer.ledger.entries.map(\.key))
    }
}
