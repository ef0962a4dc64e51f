import Foundation
import InsituDigital
import InsituHardware
import Testing
@testable import InsituArchFile

/// Digital baseline files: decoding, the shared tables and their errors.
@Suite struct DigitalArchTests {
    static var digital32: String { Fixtures.root.appendingPathComponent("arch/digital-32nm.yaml").path }

    @Test func digitalPresetDecodes() throws {
        let d = try ArchDesign.load(path: Self.digital32)
        let c = try #require(d.accelerator?.spec as? DigitalChipSpec)
        #expect(d.training.method == .digital)
        #expect(c.array.rows == 16 && c.array.columns == 16 && c.array.dataflow == .weightStationary)
        #expect(c.formats.weights == .fp16 && c.formats.master == .fp32 && c.formats.accumulator == .fp32)
        #expect(c.sram.capacityBytes == 64 * 1024 && c.sram.banks == 4)
        // A 16 KiB bank: log-log between 8 KiB (7 pJ) and 32 KiB (16 pJ) per 64 bits: sqrt(7 x 16) / 64.
        #expect(abs(c.sram.joulesPerBit - (7.0 * 16).squareRoot() * 1e-12 / 64) < 1e-18)
        // fp16 x fp16 into fp32 at 32 nm: (1.1 + 0.9) x 0.659 pJ, plus 48 register bits x 0.009 pJ.
        #expect(abs(c.macJoules - (2.0 * 0.659 + 48 * 0.009) * 1e-12) < 1e-20)
        #expect(c.dram.bitsPerCycle == 32 && c.dram.clockHertz == 3.2e9)
    }

    /// The crossbar chip's digital unit and buffer price from the same tables as the baseline.
    @Test func crossbarDigitalUnitUsesTheOperationTable() throws {
        let li = try ArchDesign.load(path: Fixtures.li2018)
        let table = OperationTable(node: .nm32)
        // fp16 x fp16 into fp16: (1.1 + 0.4) x 0.659 pJ, plus 32 register bits x 0.009 pJ, as the baseline charges them.
        #expect(li.chip.digital.macJoules == table.macJoules(operand: .fp16, accumulator: .fp16) + 32 * 0.009e-12)
        #expect(abs(li.chip.digital.macJoules - (0.9885 + 0.288) * 1e-12) < 1e-20)
        // 64 KiB in 4 banks: a 16 KiB bank, between 8 KiB (7 pJ) and 32 KiB (16 pJ) per 64 bits on
        // a log-log scale: sqrt(7 x 16) pJ per 64 bits.
        #expect(abs(li.chip.buffer.energyPerBitJoules - (7.0 * 16).squareRoot() * 1e-12 / 64) < 1e-25)
        let digital = try #require(try ArchDesign.load(path: Self.digital32).accelerator?.spec as? DigitalChipSpec)
        #expect(digital.operations.multiplyJoules(.fp16) == table.multiplyJoules(.fp16))
    }

    @Test func nullRemovesAnInheritedKey() throws {
        let board = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/li2018-board.yaml").path)
        #expect(board.chip.digital.macJoules == 50e-12)
        #expect(board.chip.buffer.energyPerBitJoules == 5e-12)
    }

    @Test func mixingTableAndFiguresIsAnError() throws {
        let dir = try Fixtures.folder(["a.yaml": "extends: \(Fixtures.li2018)\nchip:\n  digital:\n    mac_energy: 1 pJ\n"])
        let e = try #require(Fixtures.error(loading: "a.yaml", in: dir))
        #expect(e.message.contains("prices from the shared table"))
        #expect(e.description.contains("li2018.yaml"))
    }

    @Test func formatRulesAreChecked() throws {
        let base = "extends: \(Self.digital32)\ndigital_chip:\n  formats:\n"
        let dir = try Fixtures.folder([
            "mixed.yaml": base + "    weights: int8\n",
            "acc.yaml": base + "    weights: int8\n    activations: int8\n    errors: int8\n",
            "master.yaml": base + "    master: int8\n",
            "typo.yaml": base + "    weights: fp12\n",
        ])
        #expect(Fixtures.error(loading: "mixed.yaml", in: dir)?.message.contains("all in int8") == true)
        #expect(Fixtures.error(loading: "acc.yaml", in: dir)?.message.contains("int32") == true)
        #expect(Fixtures.error(loading: "master.yaml", in: dir)?.message.contains("float format") == true)
        let typo = try #require(Fixtures.error(loading: "typo.yaml", in: dir))
        #expect(typo.location.line == 4 && typo.hint == "did you mean fp32?")
    }

    @Test func capacitiesNodesAndBanks() throws {
        let d = try ArchDesign.load(path: Self.digital32, overrides: ["digital_chip.sram.capacity=1 MiB", "digital_chip.sram.banks=2"])
        #expect((d.accelerator?.spec as? DigitalChipSpec)?.sram.capacityBytes == 1 << 20)
        let dir = try Fixtures.folder([
            "node.yaml": "extends: \(Self.digital32)\ndigital_chip:\n  node: 28 nm\n",
            "bank.yaml": "extends: \(Self.digital32)\ndigital_chip:\n  sram:\n    capacity: 4 KiB\n",
            "unit.yaml": "extends: \(Self.digital32)\ndigital_chip:\n  sram:\n    capacity: 64 K\n",
        ])
        #expect(Fixtures.error(loading: "node.yaml", in: dir)?.message.contains("32 nm") == true)
        #expect(Fixtures.error(loading: "bank.yaml", in: dir)?.message.contains("outside the SRAM energy table") == true)
        #expect(Fixtures.error(loading: "unit.yaml", in: dir)?.message.contains("capacity") == true)
    }

    @Test func digitalMethodNeedsADigitalChip() throws {
        let e = try #require(throws: ArchError.self) { try ArchDesign.load(path: Fixtures.li2018, overrides: ["training.method=digital"]) }
        #expect(e.message.contains("digital_chip"))
    }
}
