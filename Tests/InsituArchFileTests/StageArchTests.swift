import Testing
@testable import InsituArchFile
import InsituHardware
import InsituTraining

/// `chip.stages` with the built-in `analog` stage: its keys, checks and costs.
@Suite struct StageArchTests {
    static let stage = "chip.stages=[{kind: analog, energy: 0.1 pJ, latency: 3 ns, leakage: 2 uW}]"

    @Test func analogStageIsReadAndChecked() throws {
        let d = try ArchDesign.load(path: Fixtures.li2018, overrides: [Self.stage])
        let s = try #require(d.chip.stages.first?.stage as? AnalogStage)
        #expect(d.chip.stages.count == 1 && s.energyJoules == 0.1e-12 && s.latency.picoseconds == 3_000)
        #expect(s.leakageWattsPerColumn == 2e-6 && s.areaSquareMetresPerColumn == 0)
        #expect(try ArchDesign.load(path: Fixtures.li2018).chip.stages.isEmpty)
        func message(_ set: String) -> String {
            do { _ = try ArchDesign.load(path: Fixtures.li2018, overrides: [set]); return "" } catch { return "\(error)" }
        }
        #expect(message("chip.stages=[{kind: analog, energy: 0.1 pJ, latency: 3 ns, gain: 2}]").contains("unknown key 'chip.stages[0].gain'"))
        #expect(message("chip.stages=[{kind: analgo, energy: 0.1 pJ}]").contains("did you mean analog?"))
        #expect(message("chip.stages=[{kind: analog, latency: 3 ns}]").contains("missing key 'chip.stages[0].energy'"))
        #expect(message("chip.stages=[{energy: 0.1 pJ}]").contains("missing key 'chip.stages[0].kind'"))
    }

    /// One image: a sample per converted column (54 + 10) at 0.1 pJ, 3 ns more on the output
    /// layer's conversion path, and 64 columns x 2 uW of leakage over the pass.
    @Test func analogStageCostsByHand() throws {
        func pass(_ sets: [String]) throws -> Chip {
            let d = try ArchDesign.load(path: Fixtures.li2018, overrides: sets)
            let chip = try ChipBuilder.chip(d.chip, network: d.network, seed: 1)
            _ = try chip.forward(InputBatch(volts: (0..<64).map { Float($0 % 3) * 0.04 }, labels: [1]), phase: .test, perImage: [])
            return chip
        }
        let with = try pass([Self.stage]), without = try pass([])
        #expect(with.simulatedTime.picoseconds == without.simulatedTime.picoseconds + 3_000)
        let samples = with.ledger.entries.filter { $0.key.component == "tile0.analog" && $0.key.action == "sample" }
        let counts: [UInt64] = [54, 10]
        #expect(samples.map(\.count) == counts)
        let joules = samples.reduce(0.0) { $0 + $1.energyQuanta.doubleValue * 1e-24 }
        #expect(abs(joules - 64 * 0.1e-12) < 1e-23)
        let leak = try #require(with.ledger.entries.first { $0.key.component == "tile0.analog" && $0.key.action == "leakage" })
        let expected = 64 * 2e-6 * Double(with.simulatedTime.picoseconds) * 1e-12
        #expect(abs(leak.energyQuanta.doubleValue * 1e-24 - expected) < 1e-6 * expected)
    }
}
