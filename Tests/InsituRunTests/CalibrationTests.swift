import Foundation
import Testing
@testable import InsituArchFile
@testable import InsituTraining
import InsituEngine

/// arch/isaac-tile.yaml at full rate against ISAAC's table (docs/calibration.md): one IMA
/// (8 crossbars) streaming 40 random 16-bit vectors.
@Suite struct CalibrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func isaacIMAWithinTenPercentPerModelledComponent() throws {
        let design = try ArchDesign.load(path: Self.root.appendingPathComponent("arch/isaac-tile.yaml").path, overrides: ["chip.tile.count=8"])
        let run = try Calibration.run(chip: design.chip, images: 40, seed: 1)
        #expect(run.widths == [64, 1024])
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
}
