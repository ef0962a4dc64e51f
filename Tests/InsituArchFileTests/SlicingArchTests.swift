import Foundation
import Testing
@testable import InsituArchFile
import InsituHardware

/// `chip.slicing`, the tile registers and the router: what they set, and what is refused with the reason.
@Suite struct SlicingArchTests {
    static let isaac = Fixtures.root.appendingPathComponent("arch/isaac-tile.yaml").path

    static func error(_ overrides: [String], path: String = isaac) -> ArchError? {
        do {
            _ = try ArchDesign.load(path: path, overrides: overrides)
            return nil
        } catch let e as ArchError {
            return e
        } catch {
            return nil
        }
    }

    @Test func isaacHoldsSixteenBitWeightsInEightTwoBitCells() throws {
        let d = try ArchDesign.load(path: Self.isaac)
        #expect(d.chip.cell.isSliced && d.chip.cell.columnsPerWeight == 8 && d.chip.cell.bitsPerCell == 2 && d.chip.cell.rowsPerInput == 1)
        #expect(d.chip.router != nil && d.chip.inputRegister != nil && d.chip.outputRegister != nil)
        let four = try ArchDesign.load(path: Self.isaac, overrides: ["chip.slicing.cell_bits=4"])
        #expect(four.chip.cell.columnsPerWeight == 4)
    }

    @Test func refusedWithTheReason() throws {
        // Not a whole number of cells.
        let odd = try #require(Self.error(["chip.slicing.weight_bits=15"]))
        #expect(odd.message.contains("whole number") && odd.hint?.contains("16") == true)
        // Beside chip.cell.
        #expect(Self.error(["chip.cell=reference"])?.message.contains("both say how a weight is held") == true)
        // Joined digitally: an analog interlayer cannot.
        #expect(Self.error(["chip.interlayer=analog"])?.message.contains("interlayer is analog") == true)
        // A weight's columns must fit a tile a whole number of times.
        #expect(Self.error(["chip.tile.columns=100"])?.message.contains("not a multiple of 8") == true)
        // A sliced column has its own range: partial_sum_range would do nothing.
        #expect(Self.error(["chip.tia.partial_sum_range=block"])?.message.contains("sensed over the most its rows can carry") == true)
        // Programmed once: an in-situ method is refused.
        let inSitu = try #require(Self.error(["training.method=in-situ"]))
        #expect(inSitu.message.contains("carries between the slices") && inSitu.hint?.contains("ex-situ") == true)
        // A network that does not fit says the tiles' columns were counted in weights.
        #expect(Self.error(["chip.tile.count=4"])?.message.contains("each sliced weight takes 8 of its 128 columns") == true)
        // The register and router keys are checked like any other.
        #expect(Self.error(["chip.input_register.energy_per_bit=-1 pJ"]) != nil)
        #expect(Self.error(["chip.router.bits_per_cycle=0"]) != nil)
        #expect(Self.error(["chip.output_register.speed=1"]) != nil)
        // Registers take no time of their own: no idle spans to gate.
        #expect(Self.error(["chip.input_register.power={policy: gated, off_leakage: 0 W}"])?.message.contains("unknown key") == true)
    }
}
