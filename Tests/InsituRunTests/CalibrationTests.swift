import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituTraining
import InsituEngine

/// arch/isaac-tile.yaml at full rate against ISAAC's table (docs/calibration.md): one IMA
/// (8 crossbars) streaming 40 random 16-bit vectors through a layer split over its crossbars,
/// and the whole tile with a layer copied onto every crossbar, as ISAAC's pipeline runs it.
@Suite struct CalibrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func isaacIMAWithinTenPercentPerModelledComponent() throws {
        let design = try ArchDesign.load(path: Self.root.appendingPathComponent("arch/isaac-tile.yaml").path, overrides: ["chip.tile.count=8"])
        let run = try Calibration.run(chip: design.chip, workload: .split, images: 40, seed: 1)
        #expect(run.widths == [1024, 16])
        // A vector is 16 planes; a plane takes the ADC 128 conversions at 1.2 GS/s (106.7 ns):
        // 40 vectors keep it busy 68.27 us, plus one vector's drive, read and join before the first conversion.
        #expect(run.seconds > 40 * 16 * 128 / 1.2e9 && run.seconds < 41 * 16 * 128 / 1.2e9)
        for row in PublishedTable.isaacIMA.rows where !row.kinds.isEmpty {
            let power = run.powerWatts(row.kinds), area = run.areaSquareMetres(row.kinds)
            #expect(abs(power / row.powerWatts - 1) < 0.10, "\(row.name): \(power) W against \(row.powerWatts) W")
            #expect(abs(area / row.areaSquareMetres - 1) < 1e-6, "\(row.name): \(area) m^2 against \(row.areaSquareMetres) m^2")
        }
        // Conversions at full rate: 1.6667 pJ x 1.2 GS/s x 8 ADCs, less the fill of the pipeline.
        let adc = run.powerWatts(["adc"])
        #expect(adc < 16e-3 && adc > 16e-3 * 40 / 41)
    }

    /// The whole tile (96 crossbars): the total within 5% of ISAAC's 330 mW, and the bits that
    /// cross the router, the eDRAM and the bus per vector counted by hand.
    @Test func isaacTileTotalWithinFivePercentAndItsTrafficByHand() throws {
        let design = try ArchDesign.load(path: Self.root.appendingPathComponent("arch/isaac-tile.yaml").path)
        let images = 40
        let run = try Calibration.run(chip: design.chip, workload: .split, images: images, seed: 1)
        #expect(run.widths == [12288, 16])
        // At full rate a vector takes an ADC 16 planes x 128 conversions at 1.2 GS/s: the table's
        // 330 mW over that time is the energy a vector costs (the run's own time adds the pipeline's fill).
        let vectorSeconds = 16 * 128 / 1.2e9
        let perVector = run.joulesByKind.values.reduce(0, +) / Double(images)
        #expect(abs(perVector / (PublishedTable.isaacTile.totalPowerWatts * vectorSeconds) - 1) < 0.05, "\(perVector) J a vector")
        // In: 12,288 inputs x 16 bits through the router, written to and read from the eDRAM, over
        // the bus into the input registers. Out: 96 blocks x 16 partial sums of a 16-bit word from
        // the output registers over the bus into the eDRAM; the 16 joined outputs read from it and routed.
        let inBits = 12288.0 * 16, partialBits = 96.0 * 16 * 16, outBits = 16.0 * 16
        let n = Double(images), c = design.chip
        func joules(_ kind: String) -> Double { run.joulesByKind[kind] ?? 0 }
        #expect(abs(joules("router") / (n * (inBits + outBits) * c.router!.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("buffer") / (n * (2 * inBits + partialBits + outBits) * c.buffer.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("interconnect") / (n * (inBits + partialBits) * c.interconnect.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("input-register") / (n * 2 * inBits * c.inputRegister!.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("output-register") / (n * 2 * partialBits * c.outputRegister!.energyPerBitJoules) - 1) < 1e-9)
    }

    /// The whole tile with a 128-input, 16-output layer copied onto its 96 crossbars, 50 vectors a
    /// copy (the command's default): every row of ISAAC's table within 10% and the total within 5%; the bits every unit
    /// moves and the digital unit's operations per vector counted by hand.
    @Test func isaacTileReplicatedWithinTenPercentPerComponentAndItsTrafficByHand() throws {
        let design = try ArchDesign.load(path: Self.root.appendingPathComponent("arch/isaac-tile.yaml").path)
        let c = design.chip, copies = c.tile.count, images = 50 * copies
        let run = try Calibration.run(chip: c, workload: .replicated, images: images, seed: 1)
        #expect(run.widths == [128, 16])
        // 50 rounds of 96 vectors, each round an ADC's 16 planes x 128 conversions at 1.2 GS/s,
        // plus the fill (the first round's inputs through the router before any read).
        let vectorSeconds = 16 * 128 / 1.2e9
        #expect(run.seconds > 50 * vectorSeconds && run.seconds < 51.5 * vectorSeconds)
        for row in PublishedTable.isaacTile.rows {
            let power = run.powerWatts(row.kinds), area = run.areaSquareMetres(row.kinds)
            #expect(abs(power / row.powerWatts - 1) < 0.10, "\(row.name): \(power) W against \(row.powerWatts) W")
            #expect(abs(area / row.areaSquareMetres - 1) < 1e-6, "\(row.name): \(area) m^2 against \(row.areaSquareMetres) m^2")
        }
        #expect(abs(run.totalPowerWatts / PublishedTable.isaacTile.totalPowerWatts - 1) < 0.05)
        // A vector: 128 inputs x 16 bits in through the router, written to and read from the eDRAM,
        // over the bus into the input register; its copy's 16 sums of a 16-bit word out of the output
        // register, over the bus, through the result register, written to and read from the eDRAM, routed.
        let inBits = 128.0 * 16, outBits = 16.0 * 16, n = Double(images)
        func joules(_ kind: String) -> Double { run.joulesByKind[kind] ?? 0 }
        #expect(abs(joules("router") / (n * (inBits + outBits) * c.router!.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("buffer") / (n * 2 * (inBits + outBits) * c.buffer.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("interconnect") / (n * (inBits + outBits) * c.interconnect.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("input-register") / (n * 2 * inBits * c.inputRegister!.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("output-register") / (n * 2 * outBits * c.outputRegister!.energyPerBitJoules) - 1) < 1e-9)
        #expect(abs(joules("result-register") / (n * 2 * outBits * c.resultRegister!.energyPerBitJoules) - 1) < 1e-9)
        // The digital unit: a sigmoid a sum (16 exponentials); the sliced weights' offset (the 128
        // inputs' sum, and its multiple off each of the 16 sums: 144 additions) and the class (15 comparisons).
        let digital = n * (16 * c.digital.expJoules + (128 + 16 + 15) * c.digital.addJoules)
        #expect(abs(joules("digital") / digital - 1) < 1e-9)
    }
}
