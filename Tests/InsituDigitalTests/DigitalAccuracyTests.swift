import InsituDigital
import InsituEngine
import InsituHardware
import InsituTraining
import Testing

/// Two classes of 2 x 2 images (bright left or right column) with some noise.
func columns(_ n: Int, offset: Int = 0) -> Dataset {
    var pixels: [UInt8] = [], labels: [UInt8] = []
    for k in offset..<(offset + n) {
        let label = UInt8(k % 2), noise = UInt8(k * 37 % 60)
        pixels += label == 0 ? [170 + noise / 2, noise, 190, noise / 2] : [noise, 170 + noise / 2, noise / 2, 190]
        labels.append(label)
    }
    return Dataset(side: 2, pixels: pixels, labels: labels)
}

@Suite struct DigitalAccuracyTests {
    static let data = TrainingData(split: DataSplit(train: columns(300), test: columns(100, offset: 1000), source: "columns"), maxVolts: 0.2)
    static var network: NetworkSpec {
        var n = NetworkSpec()
        n.layers = [4, 3, 2]
        return n
    }
    static func training(_ method: TrainingSpec.Method) -> TrainingSpec {
        var t = TrainingSpec()
        t.method = method
        t.batchSize = 10
        t.images = 300
        t.evaluationInterval = 100
        t.learningRatesVoltsSquared = [0.2, 0.1]
        return t
    }
    static func spec(_ operands: NumberFormat, accumulator: NumberFormat = .fp32) -> DigitalChipSpec {
        var s = tinySpec()
        s.formats.weights = operands
        s.formats.activations = operands
        s.formats.errors = operands
        s.formats.accumulator = accumulator
        return s
    }
    static func run(_ spec: DigitalChipSpec) throws -> TrainingRun {
        try TrainingRun.execute(chip: ChipSpec(), accelerator: AnyAcceleratorSpec(spec), network: network, training: training(.digital), data: data)
    }

    /// In fp32 every rounding is the identity: the digital chip trains exactly as the float line.
    @Test func fp32IsTheFloatLine() throws {
        let float = try TrainingRun.execute(chip: ChipSpec(), network: Self.network, training: Self.training(.float), data: Self.data)
        let digital = try Self.run(Self.spec(.fp32))
        #expect(digital.outcome.finalAccuracy == float.outcome.finalAccuracy)
        #expect(digital.outcome.batchAccuracy == float.outcome.batchAccuracy)
        #expect(digital.accelerator.backpropWeights == float.accelerator.backpropWeights)
        #expect(digital.outcome.finalAccuracy > 0.9)
        #expect(digital.ledger.entries.count > 0)
    }

    /// bf16 and fp16 working weights lie on their formats' grids (in weight units), differ from
    /// fp32's, and still learn the task.
    @Test(arguments: [NumberFormat.bf16, .fp16])
    func narrowFloatsRoundForReal(_ format: NumberFormat) throws {
        let fp32 = try Self.run(Self.spec(.fp32))
        let narrow = try Self.run(Self.spec(format))
        let chip = narrow.accelerator as! DigitalChip
        #expect(chip.weightUnit == Float(ChipSpec().device.model.slopeSiemensPerState))
        for w in chip.working.joined() {
            let stored = w / chip.weightUnit
            #expect(abs(format.roundFloat(stored) - stored) <= abs(stored) * 1e-6)
        }
        #expect(narrow.accelerator.backpropWeights != fp32.accelerator.backpropWeights)
        #expect(narrow.outcome.finalAccuracy > 0.9)
    }

    /// int8 with int32 accumulation: each layer's working weights take at most 255 values
    /// (one scale per tensor), and the network still learns the task.
    @Test func int8RoundsToOneScalePerTensor() throws {
        let run = try Self.run(Self.spec(.int8, accumulator: .int32))
        let chip = run.accelerator as! DigitalChip
        for w in chip.working {
            #expect(Set(w).count <= 255)
            let scale = w.map(abs).max()! / 127
            for x in w { #expect(abs((x / scale).rounded() - x / scale) < 1e-3) }
        }
        #expect(run.outcome.finalAccuracy > 0.8)
    }

    /// Number formats' rounding, by definition: bf16 keeps 8 significand bits (ties to even),
    /// fp16 11 and overflows past 65504; int8 maps max |x| to 127.
    @Test func formatsRound() {
        #expect(NumberFormat.bfloat16(1 + 1.0 / 256) == 1)             // tie: to even
        #expect(NumberFormat.bfloat16(1 + 3.0 / 256) == 1 + 4.0 / 256) // tie: to even (up)
        #expect(NumberFormat.fp16.roundFloat(1 + 1.0 / 4096) == 1)
        #expect(NumberFormat.fp16.roundFloat(70000) == .infinity)
        var v: [Float] = [1, -0.5, 0.25, 0.004]
        NumberFormat.int8.round(&v)
        let scale: Float = 1.0 / 127
        let expected: [Float] = [127 * scale, -64 * scale, 32 * scale, 1 * scale]
        #expect(v == expected)
    }
}
