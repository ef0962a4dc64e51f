import Foundation
import Testing
@testable import InsituReport
@testable import InsituTraining
import InsituEngine

/// Where the energy goes: the cost drivers and the comparison's rows by component kind add up
/// to what the ledger holds.
@Suite struct CostDriverTests {
    @Test func driversAreLedgerGroupsLargestFirst() throws {
        let (design, data) = try DeterminismTests.small()
        let run = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
        let drivers = CostDriver.top(run, count: 10_000)
        let total = run.ledger.totalEnergyQuanta.doubleValue * Ledger.quantumJoules
        #expect(zip(drivers, drivers.dropFirst()).allSatisfy { $0.joules >= $1.joules })
        // Every group is the sum of its ledger entries (tiles of a kind together), and the groups cover the total.
        for d in drivers.prefix(5) {
            let sum = run.ledger.entries.filter {
                CostDriver.baseName($0.key.component) == d.component && $0.key.action == d.action && $0.key.phase == d.phase
            }.reduce(0.0) { $0 + $1.energyQuanta.doubleValue * Ledger.quantumJoules }
            #expect(abs(sum - d.joules) <= 1e-12 * total)
            #expect(abs(d.share - d.joules / total) < 1e-12)
            #expect(d.keys.hasPrefix("chip."))
        }
        #expect(abs(drivers.reduce(0) { $0 + $1.joules } - total) <= 1e-9 * total)
    }

    @Test func kindRowsAddUpToTheTrainingEnergyPerImage() throws {
        let (design, data) = try DeterminismTests.small()
        let a = try TrainingRun.execute(chip: design.chip, network: design.network, training: design.training, data: data)
        var t = design.training
        t.seed = 2
        let b = try TrainingRun.execute(chip: design.chip, network: design.network, training: t, data: data)
        let table = ComparisonTable(a, b, nameA: "a", nameB: "b", inference: false)
        let kinds = table.rows.filter { $0.measure.hasPrefix("  kind ") }
        #expect(kinds.contains { $0.key == "adc_energy_per_image_J" })
        let perImage = table.rows.first { $0.key == "training_energy_per_image_J" }!
        #expect(abs(kinds.reduce(0) { $0 + $1.a } - perImage.a) <= 1e-9 * perImage.a)
        #expect(abs(kinds.reduce(0) { $0 + $1.b } - perImage.b) <= 1e-9 * perImage.b)
    }
}
