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
        #expect(inside.contains(".._victim") && inside.contains("x_"))
        // Names that are the same once made safe get folders of their own.
        let out2 = dir.appendingPathComponent("out2").path
        let same = try CLI.run(["compare", dir.appendingPathComponent("a.yaml").path, dir.appendingPathComponent("c.yaml").path,
                                "--images", "50", "--out", out2])
        #expect(same.status == 0, "\(same.err)")
        let both = try FileManager.default.contentsOfDirectory(atPath: out2).sorted()
        #expect(both.contains("a-.._victim") && both.contains("b-.._victim"))
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
