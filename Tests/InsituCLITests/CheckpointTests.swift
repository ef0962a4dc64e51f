import Foundation
import Testing

/// Killed runs resumed: every output byte as an uninterrupted run's.
@Suite(.serialized) struct CheckpointTests {
    typealias CLI = CommandLineTests

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-ck-\(UUID().uuidString)").path }

    /// Runs `arguments` and kills the process (SIGKILL) after `seconds`; true when it finished first.
    static func runKilled(_ arguments: [String], after seconds: Double) throws -> Bool {
        let p = try CLI.start(arguments)
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return p.terminationReason == .exit && p.terminationStatus == 0
    }

    /// Whether `folder` holds a finished run: its manifest written, its checkpoint removed.
    static func holdsFinishedRun(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/manifest.json") && !FileManager.default.fileExists(atPath: folder + "/checkpoint.json")
    }

    /// Kill points drawn from a fixed sequence, so the test is the same every time.
    static func delays(_ n: Int, from low: Double, to high: Double) -> [Double] {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<n).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return low + (high - low) * Double(x >> 11) / Double(1 << 53)
        }
    }

    @Test func killedTrainingResumesToTheSameBytes() throws {
        let whole = Self.folder(), killed = Self.folder()
        let args = ["train", "arch/li2018.yaml", "--images", "4000", "--quiet", "--checkpoint-every", "3"]
        #expect(try CLI.run(args + ["--out", whole]).status == 0)
        var finished = false, kills = 0
        for d in Self.delays(60, from: 0.3, to: 1.5) where !finished {
            finished = try Self.runKilled(args + ["--resume", killed], after: d)
            if !finished { kills += 1 }
            // A kill after the last output was written and the checkpoint removed, before the
            // process exited, leaves the finished run (which --resume then refuses to redo).
            if !finished && Self.holdsFinishedRun(killed) { finished = true }
        }
        if !finished { finished = try CLI.run(args + ["--resume", killed]).status == 0 }
        #expect(finished)
        #expect(kills >= 1, "the run was never interrupted; the delays are too long for this machine")
        for name in ["report.json", "ledger.json", "costs.csv", "phases.csv", "components.csv", "curve.csv", "manifest.json"] {
            #expect(FileManager.default.contents(atPath: killed + "/" + name) == FileManager.default.contents(atPath: whole + "/" + name), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: killed + "/checkpoint.json"))
    }

    @Test func resumingAnotherRunIsRefused() throws {
        let dir = Self.folder()
        #expect(try Self.runKilled(["train", "arch/li2018.yaml", "--images", "4000", "--quiet", "--checkpoint-every", "1", "--out", dir], after: 1.0) == false)
        if FileManager.default.fileExists(atPath: dir + "/checkpoint.json") {
            let other = try CLI.run(["train", "arch/li2018.yaml", "--images", "4000", "--seed", "9", "--quiet", "--resume", dir])
            #expect(other.status == 2 && other.err.contains("belongs to another design or other options"))
        }
        let float = try CLI.run(["train", "arch/li2018.yaml", "--method", "float", "--checkpoint-every", "2", "--out", Self.folder()])
        #expect(float.status == 2 && float.err.contains("in-situ"))
    }

    /// checkpoint.json is sealed with a CRC-32: any one flipped bit, anywhere in it, is refused
    /// with one message (never a crash, a hang or a different result).
    @Test func flippedBitsInACheckpointAreRefused() throws {
        let dir = Self.folder()
        let args = ["train", "arch/li2018.yaml", "--images", "4000", "--quiet", "--checkpoint-every", "1"]
        var made = false
        for d in Self.delays(10, from: 0.4, to: 1.2) where !made {
            try? FileManager.default.removeItem(atPath: dir)
            _ = try Self.runKilled(args + ["--out", dir], after: d)
            made = FileManager.default.fileExists(atPath: dir + "/checkpoint.json")
        }
        guard made else { return }
        let original = try Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoint.json"))
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<30 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let copy = Self.folder()
            try FileManager.default.copyItem(atPath: dir, toPath: copy)
            var bytes = original
            let at = Int((x >> 20) % UInt64(bytes.count))
            bytes[at] ^= UInt8(1 << ((x >> 8) % 8))
            try bytes.write(to: URL(fileURLWithPath: copy + "/checkpoint.json"))
            let r = try CLI.run(args + ["--resume", copy])
            #expect(r.status == 2 && r.err.contains("checkpoint.json is damaged"), "byte \(at): \(r.status) \(r.err)")
        }
    }

    @Test func killedSweepResumesToTheSameTable() throws {
        let whole = Self.folder(), killed = Self.folder()
        let args = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,6,8", "--vary", "chip.adc.per_tile=1,8", "--images", "300",
                    "--threads", "2", "--quiet"]
        #expect(try CLI.run(args + ["--out", whole]).status == 0)
        var finished = false
        for d in Self.delays(30, from: 0.2, to: 1.0) where !finished { finished = try Self.runKilled(args + ["--out", killed], after: d) }
        if !finished { finished = try CLI.run(args + ["--out", killed]).status == 0 }
        #expect(finished)
        #expect(FileManager.default.contents(atPath: killed + "/sweep.csv") == FileManager.default.contents(atPath: whole + "/sweep.csv"))
        #expect(FileManager.default.contents(atPath: killed + "/sweep.json") == FileManager.default.contents(atPath: whole + "/sweep.json"))
    }
}
