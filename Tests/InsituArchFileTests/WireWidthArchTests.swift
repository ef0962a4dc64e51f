import Foundation
import Testing
@testable import InsituArchFile
import InsituHardware

/// `tile.wire_width` with the cell's pitch: the per-cell wire figures from NeuroSim's table of
/// aspect ratio and resistivity by width, computed here by hand.
@Suite struct WireWidthArchTests {
    static let dropped = ["row_wire_resistance", "column_wire_resistance", "row_wire_capacitance", "column_wire_capacitance"]
        .map { "chip.tile.\($0)=~" }

    static func load(_ overrides: [String]) throws -> ArchDesign {
        try ArchDesign.load(path: Fixtures.li2018, overrides: dropped + overrides)
    }

    @Test func figuresPerCellByHand() throws {
        let d = try Self.load(["chip.tile.wire_width=100 nm", "chip.tile.cell_width=0.5 um", "chip.tile.cell_height=1 um", "chip.tile.cell_area=~"])
        // 100 nm: AR 2.30, rho 2.73e-8 ohm m: 2.73e-8 / (1e-7^2 x 2.3) = 1.18696e6 ohm/m.
        let perMetre = 2.73e-8 / (1e-14 * 2.3)
        #expect(abs(d.chip.tile.rowWireOhmsPerCell / (perMetre * 0.5e-6) - 1) < 1e-12)
        #expect(abs(d.chip.tile.columnWireOhmsPerCell / (perMetre * 1e-6) - 1) < 1e-12)
        // 0.2 fF per um.
        #expect(abs(d.chip.tile.rowWireFaradsPerCell / 0.1e-15 - 1) < 1e-12)
        #expect(abs(d.chip.tile.columnWireFaradsPerCell / 0.2e-15 - 1) < 1e-12)
        // No cell_area: the cell is its width times its height.
        #expect(abs(d.chip.tile.cellAreaSquareMetres / 0.5e-12 - 1) < 1e-12)
        #expect(d.chip.tile.hasWireResistance && d.chip.tile.irDrop == .loaded)
    }

    @Test func betweenAndBeyondTheTable() {
        // 75 nm, halfway between 50 nm (2.34, 3.91e-8) and 100 nm (2.30, 2.73e-8).
        #expect(abs(WireTable.ohmsPerMetre(width: 75e-9) / (3.32e-8 / (75e-9 * 75e-9 * 2.32)) - 1) < 1e-12)
        // Beyond 800 nm the widest line's figures hold: 2 um at 2.42e-8 and 2.1.
        #expect(abs(WireTable.ohmsPerMetre(width: 2e-6) / (2.42e-8 / (4e-12 * 2.1)) - 1) < 1e-12)
        // Narrower lines resist more per square: 32 nm against 100 nm.
        #expect(WireTable.ohmsPerMetre(width: 32e-9) * 32e-9 > WireTable.ohmsPerMetre(width: 100e-9) * 100e-9)
    }

    @Test func refusedWithTheReason() throws {
        func error(_ overrides: [String], keepFigures: Bool = false) -> ArchError? {
            do {
                _ = try ArchDesign.load(path: Fixtures.li2018, overrides: (keepFigures ? [] : Self.dropped) + overrides)
                return nil
            } catch let e as ArchError { return e } catch { return nil }
        }
        let pitch = ["chip.tile.cell_width=0.5 um", "chip.tile.cell_height=1 um"]
        // Beside the figures it would set.
        let both = try #require(error(["chip.tile.wire_width=100 nm"] + pitch, keepFigures: true))
        #expect(both.message.contains("also gives row_wire_resistance") && both.hint?.contains("=~") == true)
        // Without the cell's pitch, and a pitch without a width.
        #expect(error(["chip.tile.wire_width=100 nm"])?.message.contains("needs the cell's") == true)
        #expect(error(["chip.tile.cell_width=1 um"])?.message.contains("'chip.tile.wire_width' is not given") == true)
        // Narrower than the table, and not a length.
        #expect(error(["chip.tile.wire_width=10 nm"] + pitch)?.message.contains("out of range") == true)
        #expect(error(["chip.tile.wire_width=10 V"] + pitch)?.message.contains("a length") == true)
    }
}
