import Foundation
import Testing

/// Names and paths that would write outside the folder asked for, or into a script: refused or made harmless.
@Suite struct HostileFolderTests {
    typealias CLI = CommandLineTests

    @Test func compareKeepsDesignNamesInsideOut() throws {
        let dir = try CLI.scratch([
            "a.yaml": "extends: \(CLI.root.path)/arch/li2018.yaml\nname: ../victim\n",
            "b.yaml": "extends: \(CLI.root.path)/arch/digital-32nm.yaml\nname: \"x/\"\n",
            "c.yaml": "extends: \(CLI.root.path)/arch/digital-32nm.yaml\nname: \"../victim\"\n",
        ])
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["compare", dir.appendingPathComponent("a.yaml").path, dir.appendingPathComponent("b.yaml").path,
                             "--images", "50", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("victim").path))
        let inside = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        // A hidden name (".._victim") gets the design's letter in front.
        #expect(inside.contains("a-.._victim") && inside.contains("x_"), "\(inside)")
        // Names that are the same once made safe get folders of their own.
        let out2 = dir.appendingPathComponent("out2").path
        let same = try CLI.run(["compare", dir.appendingPathComponent("a.yaml").path, dir.appendingPathComponent("c.yaml").path,
                                "--images", "50", "--out", out2])
        #expect(same.status == 0, "\(same.err)")
        let both = try FileManager.default.contentsOfDirectory(atPath: out2).sorted()
        #expect(both.contains("a-.._victim") && both.contains("b-.._victim"))
        // A design named after one of the folder's own files does not take its place.
        let own = try CLI.scratch(["m.yaml": "extends: \(CLI.root.path)/arch/li2018.yaml\nname: manifest.json\n"])
        let out3 = dir.appendingPathComponent("out3").path
        let named = try CLI.run(["compare", own.appendingPathComponent("m.yaml").path, dir.appendingPathComponent("b.yaml").path,
                                 "--images", "50", "--out", out3])
        #expect(named.status == 0, "\(named.err)")
        #expect(FileManager.default.fileExists(atPath: out3 + "/a-manifest.json/report.json"))
        #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out3 + "/manifest.json")))) != nil)
    }

    @Test func aLineBreakNeverReachesASlurmScript() throws {
        let dir = try CLI.scratch([:])
        let out = dir.path + "/x\nrm -rf " + dir.path
        let r = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--out", out, "--slurm", "2"])
        #expect(r.status == 2 && r.err.contains("control character"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let set = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--set", "name=a\nb", "--out", dir.path + "/s", "--slurm", "2"])
        #expect(set.status == 2 && set.err.contains("control character"))
    }
}
