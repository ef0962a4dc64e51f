import Foundation
import Testing
@testable import InsituArchFile

/// Arch files and overrides written to hurt: one clear error each, fast, in little memory.
@Suite struct HostileArchTests {
    @Test func aliasesAndAnchorsAreRefusedBeforeExpansion() throws {
        // Nine levels of nine aliases would expand to 387 million values.
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for (p, c) in zip("abcdefgh", "bcdefghi") { laughs += "\(c): &\(c) [" + Array(repeating: "*\(p)", count: 9).joined(separator: ", ") + "]\n" }
        let dir = try Fixtures.folder([
            "laughs.yaml": laughs,
            "alias.yaml": "extends: \(Fixtures.li2018)\nchip:\n  tile:\n    columns: &c 64\n  digital:\n    lanes: *c\n",
        ])
        let start = Date()
        let e = try #require(Fixtures.error(loading: "laughs.yaml", in: dir))
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(e.message.contains("anchors") && e.location.line == 1)
        let alias = try #require(Fixtures.error(loading: "alias.yaml", in: dir))
        #expect(alias.location.line == 4 && alias.message.contains("anchors"))
    }

    @Test func sizeDepthAndEncodingAreBounded() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        var notUTF8 = Data("name: a\n".utf8)
        notUTF8.append(contentsOf: [0xC3, 0x28, 0x0A])
        let dir = try Fixtures.folder(["deep.yaml": "a: " + deep + "\n", "big.yaml": String(repeating: "# padding\n", count: 200_000)])
        try notUTF8.write(to: dir.appendingPathComponent("latin.yaml"))
        #expect(Fixtures.error(loading: "deep.yaml", in: dir)?.message.contains("deeper than 64") == true)
        #expect(Fixtures.error(loading: "big.yaml", in: dir)?.message.contains("more than an architecture file may") == true)
        #expect(Fixtures.error(loading: "latin.yaml", in: dir)?.message.contains("not UTF-8 text (an invalid byte at offset 8)") == true)
    }

    /// Reading keys takes time in proportion to their number (a quadratic scan took 12 s for 80,000):
    /// four times the keys take well under eight times as long, whatever the machine's speed.
    /// Each size is timed three times and its fastest kept, so that other tests running beside
    /// this one do not decide it.
    @Test func manyKeysAreQuick() throws {
        func seconds(_ n: Int) throws -> Double {
            let dir = try Fixtures.folder(["keys.yaml": (0..<n).map { "k\($0): 1" }.joined(separator: "\n")])
            return try (0..<3).map { _ in
                let start = Date()
                #expect(Fixtures.error(loading: "keys.yaml", in: dir)?.message.contains("unknown key") == true)
                return Date().timeIntervalSince(start)
            }.min()!
        }
        _ = try seconds(2_000)
        let small = try seconds(20_000), large = try seconds(80_000)
        #expect(large < 8 * small + 0.05, "20,000 keys: \(small) s; 80,000 keys: \(large) s")
    }

    @Test func overridesAreBounded() throws {
        let path = Array(repeating: "a", count: 40_000).joined(separator: ".") + "=1"
        let e = try #require(throws: ArchError.self) { try ArchDesign.load(path: Fixtures.li2018, overrides: [path]) }
        #expect(e.message.contains("at most 32"))
        for bad in ["1e-9223372036854775808e5 ns", "1e99999999999999999999 ns", "1e400 ns", "nan ns", "inf ns"] {
            #expect(throws: ArchError.self, "\(bad)") { try ArchDesign.load(path: Fixtures.li2018, overrides: ["chip.tile.settling=\(bad)"]) }
        }
    }

    @Test func designsTooLargeForMemoryAreRefused() throws {
        let e = try #require(throws: ArchError.self) {
            try ArchDesign.load(path: Fixtures.li2018, overrides: ["network.layers=[64, 65536, 65536]", "chip.tile.count=1000000"])
        }
        #expect(e.message.contains("GiB of memory"))
    }
}
