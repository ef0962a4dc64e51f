import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituData
@testable import InsituReport
@testable import InsituTraining
import InsituEngine

/// Every run is a pure function of arch file, data and seed.
@Suite struct DeterminismTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func small() throws -> (ArchDesign, TrainingData) {
        var design = try ArchDesign.load(path: root.appendingPathComponent("arch/li2018.yaml").path)
        design.training.images = 300
        design.training.evaluationInterval = 100
        design.training.testImages = 200
        let split = try EmbeddedMNIST.load(input: design.input)
        return (design, TrainingData(split: split, maxVolts: design.input.maxVolts, testImages: 200))
    }

    @Test func sameSeedSameBytes() throws {
        let (design, data) = try Self.small()
        func bytes() throws -> (Data, Data) {
            let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
            return (try RunReport(run: run, design: design.name).json(), try run.ledger.jsonData())
        }
        let a = try bytes(), b = try bytes()
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        var other = design
        other.training.seed = 2
        let c = try TrainingRun.execute(chip: other.chip, network: other.network, training: other.training, data: data)
        #expect(try RunReport(run: c, design: design.name).json() != a.0)
    }

    /// Accounting changes what is measured, never what is computed.
    @Test func accountingDoesNotChangeResults() throws {
        let (design, data) = try Self.small()
        let with = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
        let without = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data,
                                              accounting: false)
        #expect(with.outcome.curve.map(\.accuracy) == without.outcome.curve.map(\.accuracy))
        #expect(with.outcome.curve.map(\.images) == without.outcome.curve.map(\.images))
        #expect(with.outcome.curve.last!.joules > 0 && without.outcome.curve.last!.joules == 0)
        #expect(with.outcome.batchAccuracy == without.outcome.batchAccuracy)
        #expect(with.ledger.entries.count > 10)
        #expect(without.ledger.entries.isEmpty)
    }

    /// The digital baseline too: same bytes twice, and accounting leaves its results alone.
    @Test func digitalRunsAreRepeatable() throws {
        var (design, data) = try Self.small()
        let digital = try ArchDesign.load(path: Self.root.appendingPathComponent("arch/digital-32nm.yaml").path)
        design.accelerator = digital.accelerator
        design.training.method = .digital
        func run(_ accounting: Bool = true) throws -> TrainingRun {
            try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network, training: design.training,
                                    data: data, accounting: accounting)
        }
        let a = try run(), b = try run(), plain = try run(false)
        #expect(try RunReport(run: a, design: "d").json() == RunReport(run: b, design: "d").json())
        #expect(try a.ledger.jsonData() == b.ledger.jsonData())
        #expect(a.outcome.curve.map(\.accuracy) == plain.outcome.curve.map(\.accuracy))
        #expect(plain.ledger.entries.isEmpty)
    }

    /// A batch's images split over two threads and backpropagation beside the pass's costs
    /// (`Overlap`), or all of it on one thread: the same report (range counts included) and ledger bytes.
    @Test func overlappedWorkGivesTheSameBytes() throws {
        let (design, data) = try Self.small()
        func bytes() throws -> (Data, Data) {
            let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
            return (try RunReport(run: run, design: design.name).json(), try run.ledger.jsonData())
        }
        let overlapped = try bytes(), sequential = try Overlap.whileCoresAreFull { try bytes() }
        #expect(overlapped.0 == sequential.0)
        #expect(overlapped.1 == sequential.1)
    }

    @Test func sweepIsTheSameAtAnyThreadCount() throws {
        let (design, data) = try Self.small()
        let sweep = StuckDeviceSweep(chip: design.chip, network: design.network, training: design.training,
                                     fractions: [0, 0.3], methods: [.inSitu, .exSitu], seeds: [1, 2])
        let one = try sweep.run(on: data, threads: 1).map(\.accuracy)
        let two = try sweep.run(on: data, threads: 2).map(\.accuracy)
        #expect(one == two)
        #expect(one.count == 8)
    }
}
