import Foundation
import Testing
@testable import InsituArchFile
import InsituTraining

/// `chip.mapping: explicit` with `chip.placement`: blocks placed as listed, checked.
@Suite struct PlacementArchTests {
    static func file(_ blocks: String, count: Int = 2) -> String {
        "extends: \(Fixtures.li2018)\nchip:\n  tile: {count: \(count)}\n  mapping: explicit\n  placement:\n" + blocks
    }
    static let good = """
        - {layer: 1, tile: 0, inputs: 0..31, outputs: 0..53, row: 0, column: 0}
        - {layer: 1, tile: 1, inputs: 32..63, outputs: 0..53, row: 0, column: 0}
        - {layer: 2, tile: 1, inputs: 0..53, outputs: 0..9, row: 0, column: 54}

    """

    /// The many-tile preset: 784-1000-1000-10 in blocks of at most 64 inputs by 128 outputs,
    /// one block per 128 x 128 array: 13 x 8 + 16 x 8 + 16 x 1 = 248 tiles, 3,588,000 devices.
    @Test func manyTilePresetFillsItsTiles() throws {
        let d = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/mlp-784-1000-1000-10.yaml").path)
        let placements = try ChipBuilder.placements(chip: d.chip, network: d.network)
        #expect(placements.map(\.count) == [104, 128, 16])
        #expect(Set(placements.joined().map(\.tile)).count == 248)
        for (l, blocks) in placements.enumerated() {
            #expect(blocks.allSatisfy { $0.inputs <= 64 && $0.outputs <= 128 }, "layer \(l + 1)")
            #expect(blocks.reduce(0) { $0 + $1.inputs * $1.outputs } == d.network.layers[l] * d.network.layers[l + 1])
        }
        #expect(2 * d.network.weightCount == 3_588_000)
    }

    @Test func explicitBlocksArePlacedAsListed() throws {
        let dir = try Fixtures.folder(["a.yaml": Self.file(Self.good)])
        let d = try ArchDesign.load(path: dir.appendingPathComponent("a.yaml").path)
        #expect(d.chip.mapping == "explicit")
        #expect(d.chip.placement.count == 3)
        #expect(d.chip.placement[1].layer == 0 && d.chip.placement[1].firstInput == 32 && d.chip.placement[1].inputs == 32)
        #expect(d.chip.placement[2].columnOffset == 54 && d.chip.placement[2].outputs == 10)
    }

    @Test func badPlacementsNameTheBlock() throws {
        let dir = try Fixtures.folder([
            "overlap.yaml": Self.file(Self.good.replacingOccurrences(of: "column: 54", with: "column: 50")),
            "gap.yaml": Self.file(Self.good.replacingOccurrences(of: "inputs: 32..63", with: "inputs: 33..63")),
            "twice.yaml": Self.file(Self.good.replacingOccurrences(of: "inputs: 32..63", with: "inputs: 31..63")),
            "tile.yaml": Self.file(Self.good, count: 1),
            "range.yaml": Self.file(Self.good.replacingOccurrences(of: "outputs: 0..9", with: "outputs: 9..0")),
            "nomap.yaml": "extends: \(Fixtures.li2018)\nchip:\n  placement:\n" + Self.good,
        ])
        func message(_ name: String) -> String { Fixtures.error(loading: name, in: dir)?.description ?? "" }
        #expect(message("overlap.yaml").contains("placement[2] (layer 2) overlaps placement[1] on tile 1"))
        #expect(message("gap.yaml").contains("weight (input 32, output 0) of layer 1 is in no block"))
        #expect(message("twice.yaml").contains("is in more than one block"))
        #expect(message("tile.yaml").contains("tile 1 is not on the chip"))
        #expect(message("range.yaml").contains("A <= B"))
        #expect(message("nomap.yaml").contains("chip.mapping is 'packed'"))
    }

    /// 257 blocks over one weight: its count of blocks cannot wrap back to one (it once was a
    /// byte, and 256 extra blocks passed as "exactly one").
    @Test func manyBlocksOverOneWeightAreRefused() throws {
        let extra = (2..<258).map { "    - {layer: 1, tile: \($0), inputs: 0..0, outputs: 0..0, row: 0, column: 0}\n" }.joined()
        let dir = try Fixtures.folder(["many.yaml": Self.file(Self.good + extra, count: 258)])
        let message = Fixtures.error(loading: "many.yaml", in: dir)?.description ?? ""
        #expect(message.contains("weight (input 0, output 0) of layer 1 is in more than one block"), "\(message)")
    }

    /// A second copy of layer 1 on a third tile: listed with `replica: 1`, checked like the first.
    @Test func replicasArePlacedAndChecked() throws {
        let copy = """
            - {layer: 1, replica: 1, tile: 2, inputs: 0..31, outputs: 0..53, row: 0, column: 0}
            - {layer: 1, replica: 1, tile: 2, inputs: 32..63, outputs: 0..53, row: 64, column: 0}

        """
        let dir = try Fixtures.folder([
            "copy.yaml": Self.file(Self.good + copy, count: 3),
            "short.yaml": Self.file(Self.good + copy.replacingOccurrences(of: "inputs: 32..63", with: "inputs: 33..63"), count: 3),
            "reshaped.yaml": Self.file(Self.good + """
                - {layer: 1, replica: 1, tile: 2, inputs: 0..63, outputs: 0..53, row: 0, column: 0}

            """, count: 3),
        ])
        let d = try ArchDesign.load(path: dir.appendingPathComponent("copy.yaml").path)
        #expect(d.chip.placement.map(\.replica) == [0, 0, 0, 1, 1])
        func message(_ name: String) -> String { Fixtures.error(loading: name, in: dir)?.description ?? "" }
        #expect(message("short.yaml").contains("weight (input 32, output 0) of layer 1 (replica 1) is in no block"))
        #expect(message("reshaped.yaml").contains("replica 1 of layer 1 splits the layer into other blocks than replica 0"))
    }
}
