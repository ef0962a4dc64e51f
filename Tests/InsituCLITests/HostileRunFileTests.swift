import Foundation
import Testing

/// The files a run reads back (checkpoints, sweep specs, sweep points) and the folders it
/// takes, under damage, forgery and races: refused with one message, or the same result.
@Suite(.serialized) struct HostileRunFileTests {
    typealias CLI = CommandLineTests

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-rf-\(UUID().uuidString)").path }

    /// CRC-32 (IEEE, as zlib), computed here independently of the tool.
    static func crc32(_ data: Data) -> String {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return String(format: "%08x", ~crc)
    }

    /// A folder holding a real checkpoint: a run killed once its first checkpoint is on disk.
    static func checkpointed(_ args: [String]) throws -> String? {
        let dir = folder()
        let p = try CLI.start(args + ["--out", dir])
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: dir + "/checkpoint.json") { usleep(5_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return FileManager.default.fileExists(atPath: dir + "/checkpoint.json") ? dir : nil
    }

    /// Checkpoints whose checksum matches but whose values are out of range (a forgery, or a
    /// file of another build): each refused with one message, exit 2, never a crash or a hang
    /// (a zero bin width once hung the resume).
    @Test func forgedCheckpointsAreRangeChecked() throws {
        let args = ["train", "arch/li2018.yaml", "--images", "40000", "--quiet", "--checkpoint-every", "1"]
        guard let dir = try Self.checkpointed(args) else { Issue.record("no checkpoint was written"); return }
        let sealed = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoint.json"))) as! [String: Any]
        let inner = Data(base64Encoded: sealed["checkpoint"] as! String)!
        let nan = Data([0, 0, 0xC0, 0x7F])
        let forgeries: [(String, (inout [String: Any]) -> Void)] = [
            ("images seen below 0", { c in var l = c["loop"] as! [String: Any]; l["seen"] = -5; c["loop"] = l }),
            ("zero bin width", { c in var ch = c["chip"] as! [String: Any]; var t = ch["timeline"] as! [String: Any]; t["binPicoseconds"] = 0; ch["timeline"] = t; c["chip"] = ch }),
            ("time near UInt64's end", { c in var ch = c["chip"] as! [String: Any]; ch["cursorPicoseconds"] = UInt64.max - 5; c["chip"] = ch }),
            // Found by the fuzzer: the next segment was scheduled before the simulator's clock (a trap).
            ("clock after the cursor", { c in
                var ch = c["chip"] as! [String: Any]; ch["simulatorNowPicoseconds"] = (ch["cursorPicoseconds"] as! Int) + 1000; c["chip"] = ch }),
            ("unknown component", { c in
                var ch = c["chip"] as! [String: Any]; var ledger = ch["ledger"] as! [[String: Any]]
                ledger[0]["component"] = "nobody"; ch["ledger"] = ledger; c["chip"] = ch }),
            ("NaN conductance", { c in
                var ch = c["chip"] as! [String: Any]; var g = ch["conductance"] as! [String]
                var bytes = Data(base64Encoded: g[0])!; bytes.replaceSubrange(0..<4, with: nan); g[0] = bytes.base64EncodedString()
                ch["conductance"] = g; c["chip"] = ch }),
            // Found by the fuzzer: a finite but huge read-back weight made the update's targets NaN
            // and an energy charge not finite (a precondition trap).
            ("huge read-back weight", { c in
                var ch = c["chip"] as! [String: Any]; var w = ch["readback"] as! [String]
                var bytes = Data(base64Encoded: w[1])!; bytes.replaceSubrange(0..<4, with: Data([0xD0, 0xCC, 0xCC, 0xE4])); w[1] = bytes.base64EncodedString()
                ch["readback"] = w; c["chip"] = ch }),
            ("sampler position", { c in
                var l = c["loop"] as! [String: Any]; var s = l["sampler"] as! [String: Any]; s["position"] = 1_000_000_000; l["sampler"] = s; c["loop"] = l }),
        ]
        for (what, forge) in forgeries {
            var checkpoint = try JSONSerialization.jsonObject(with: inner) as! [String: Any]
            forge(&checkpoint)
            let body = try JSONSerialization.data(withJSONObject: checkpoint)
            let file = try JSONSerialization.data(withJSONObject: ["crc32": Self.crc32(body), "checkpoint": body.base64EncodedString()])
            let copy = Self.folder()
            try FileManager.default.copyItem(atPath: dir, toPath: copy)
            try file.write(to: URL(fileURLWithPath: copy + "/checkpoint.json"))
            let r = try CLI.run(args + ["--resume", copy])
            #expect(r.status == 2 && r.err.contains("out of range"), "\(what): \(r.status) \(r.err)")
        }
    }

    /// --resume continues only an interrupted run of the same design and options.
    @Test func finishedOrUncheckpointedRunsAreNotResumed() throws {
        let done = Self.folder()
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", done]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: done + "/report.json"))
        let again = try CLI.run(["train", "arch/li2018.yaml", "--images", "200", "--quiet", "--checkpoint-every", "1", "--resume", done])
        #expect(again.status == 2 && again.err.contains("holds a finished run"), "\(again.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: done + "/report.json")) == before)

        // A run killed before its first checkpoint records its fingerprint: other options are refused.
        guard let dir = try Self.checkpointed(["train", "arch/li2018.yaml", "--images", "40000", "--quiet", "--checkpoint-every", "1"]) else { return }
        try FileManager.default.removeItem(atPath: dir + "/checkpoint.json")
        let other = try CLI.run(["train", "arch/li2018.yaml", "--images", "40000", "--seed", "7", "--quiet", "--checkpoint-every", "1", "--resume", dir])
        #expect(other.status == 2 && other.err.contains("belongs to another design or other options"), "\(other.err)")
    }

    /// Commands never write over another command's outputs: a sweep or an experiment into a
    /// finished train folder is refused, and a train run into a sweep's folder too (unless --force).
    @Test func commandsKeepToTheirOwnFolders() throws {
        let done = Self.folder()
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", done]).status == 0)
        let page = try Data(contentsOf: URL(fileURLWithPath: done + "/report.html"))
        let sweep = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "100", "--quiet", "--out", done])
        #expect(sweep.status == 2 && sweep.err.contains("holds the outputs of another run"), "\(sweep.err)")
        let experiment = try CLI.run(["experiment", "stuck-devices", "--fractions", "0", "--seeds", "1", "--images", "100", "--out", done])
        #expect(experiment.status == 2 && experiment.err.contains("holds the outputs of another run"), "\(experiment.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: done + "/report.html")) == page)

        let swept = Self.folder()
        #expect(try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "100", "--quiet", "--out", swept]).status == 0)
        let train = try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", swept])
        #expect(train.status == 2 && train.err.contains("holds the outputs of another run"), "\(train.err)")
    }

    /// A sweep resumed after its arch file changed is refused (its points ran with the old
    /// design); a point whose files were damaged after it finished runs again, so the table is
    /// the same; temporaries in points are cleared; a merge of a hand-made 64-axis spec is
    /// refused without a crash.
    @Test func sweepsAreFingerprintedAndChecked() throws {
        let dir = Self.folder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let arch = dir + "/mine.yaml"
        let root = CLI.root.path
        try "extends: \(root)/arch/li2018.yaml\nname: mine\n".write(toFile: arch, atomically: true, encoding: .utf8)
        let out = dir + "/sweep"
        let args = ["sweep", arch, "--vary", "chip.adc.bits=6,8", "--images", "200", "--quiet", "--out", out]
        #expect(try CLI.run(args).status == 0)
        let table = try Data(contentsOf: URL(fileURLWithPath: out + "/sweep.csv"))

        // A changed digit in a finished point's row: the point runs again, the table is the same.
        let row = out + "/points/00001/point.json"
        var text = try String(contentsOfFile: row, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"test_accuracy\" : 0.", with: "\"test_accuracy\" : 1.")
        try text.write(toFile: row, atomically: true, encoding: .utf8)
        // A temporary an interrupted run left in a point's folder is removed by the next run.
        let stale = out + "/points/00000/.report.json.insitu-tmp-99999"
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("half".utf8)))
        let resumed = try CLI.run(args.filter { $0 != "--quiet" })
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(resumed.status == 0 && resumed.err.contains("1 already done"), "\(resumed.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/sweep.csv")) == table)

        // The arch file changes: resuming or re-running into the folder is refused.
        try "extends: \(root)/arch/li2018.yaml\nname: mine\nchip: {adc: {bits: 5}}\n".write(toFile: arch, atomically: true, encoding: .utf8)
        let changed = try CLI.run(args)
        #expect(changed.status == 2 && changed.err.contains("holds another sweep"), "\(changed.err)")

        // A damaged spec is refused by --merge with the reason.
        let specPath = out + "/sweep-spec.json"
        let spec = try String(contentsOfFile: specPath, encoding: .utf8)
        try spec.replacingOccurrences(of: "\"6\"", with: "\"7\"").write(toFile: specPath, atomically: true, encoding: .utf8)
        let merged = try CLI.run(["sweep", "--merge", out])
        #expect(merged.status == 2 && merged.err.contains("checksum does not match"), "\(merged.err)")

        // 64 axes, hand-made: refused as a plan --vary would refuse.
        let axes = (0..<64).map { "{\"key\": \"chip.k\($0)\", \"values\": [\"1\", \"2\"]}" }.joined(separator: ",")
        let plan = "{\"axes\": [\(axes)], \"zipped\": false}"
        let body = "{\"arch\":\"a\",\"dataset\":\"embedded\",\"fingerprint\":\"f\",\"overrides\":[],\"plan\":\(plan)}"
        let hand = Self.folder()
        try FileManager.default.createDirectory(atPath: hand, withIntermediateDirectories: true)
        try "{\"crc32\": \"00000000\", \"spec\": \(body)}".write(toFile: hand + "/sweep-spec.json", atomically: true, encoding: .utf8)
        let big = try CLI.run(["sweep", "--merge", hand])
        #expect(big.status == 2 && big.err.contains("at most 16 --vary axes"), "\(big.err)")
    }

    /// Random bytes of a finished sweep's files changed, many times: a merge gives the same
    /// table or says what is missing or damaged (exit 1 or 2), and running the sweep again gives
    /// the same table or refuses a damaged spec; never a crash or a different table.
    @Test func flippedBytesInSweepFilesAreRefusedOrHarmless() throws {
        let out = Self.folder()
        let args = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "200", "--quiet", "--out"]
        #expect(try CLI.run(args + [out]).status == 0)
        let table = try Data(contentsOf: URL(fileURLWithPath: out + "/sweep.csv"))
        let files = ["sweep-spec.json", "points/00000/point.json", "points/00001/manifest.json", "points/00000/report.json", "points/00001/design.json"]
        var x: UInt64 = 0x853C_49E6_748F_EA9B
        for k in 0..<15 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let copy = Self.folder()
            try FileManager.default.copyItem(atPath: out, toPath: copy)
            try FileManager.default.removeItem(atPath: copy + "/sweep.csv")
            let name = files[k % files.count]
            var bytes = try Data(contentsOf: URL(fileURLWithPath: copy + "/" + name))
            let at = Int((x >> 17) % UInt64(bytes.count))
            bytes[at] ^= UInt8(1 + (x >> 40) % 255)
            try bytes.write(to: URL(fileURLWithPath: copy + "/" + name))
            let merged = try CLI.run(["sweep", "--merge", copy])
            #expect([0, 1, 2].contains(merged.status), "\(name) byte \(at): merge \(merged.status) \(merged.err)")
            if merged.status == 0 { #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/sweep.csv")) == table, "\(name) byte \(at)") }
            let again = try CLI.run(args + [copy])
            #expect(again.status == 0 || (again.status == 2 && name == "sweep-spec.json"), "\(name) byte \(at): \(again.status) \(again.err)")
            if again.status == 0 { #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/sweep.csv")) == table, "\(name) byte \(at)") }
        }
    }

    /// A row whose manifest matches but whose figures no run can report (a latency of 1e300 s,
    /// as a fuzzed point once crashed the table with): not taken, the point runs again.
    @Test func implausibleRowsAreNotTaken() throws {
        let out = Self.folder()
        let args = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "100", "--quiet", "--out", out]
        #expect(try CLI.run(args).status == 0)
        let table = try Data(contentsOf: URL(fileURLWithPath: out + "/sweep.csv"))
        let point = out + "/points/00001/point.json"
        var row = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: point))) as! [String: Any]
        row["training_latency_per_image_s"] = 1e300
        let bytes = try JSONSerialization.data(withJSONObject: row)
        try bytes.write(to: URL(fileURLWithPath: point))
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/points/00001/manifest.json"))) as! [String: Any]
        manifest["files"] = (manifest["files"] as! [[String: Any]]).map { e in
            var e = e
            if e["name"] as! String == "point.json" { e["bytes"] = bytes.count; e["crc32"] = Self.crc32(bytes) }
            return e
        }
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: out + "/points/00001/manifest.json"))
        let merged = try CLI.run(["sweep", "--merge", out])
        #expect(merged.status == 1 && merged.err.contains("1 point(s) not done"), "\(merged.err)")
        #expect(try CLI.run(args).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/sweep.csv")) == table)
    }

    /// Two different sweeps started into one folder at once: exactly one runs, the other is
    /// refused, and the folder holds only the one's points (run several times).
    @Test func concurrentDifferentSweepsDoNotMix() throws {
        for _ in 0..<3 {
            let out = Self.folder()
            let a = try CLI.start(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "100", "--quiet", "--out", out])
            let b = try CLI.start(["sweep", "arch/li2018.yaml", "--vary", "chip.dac.bits=6,8", "--images", "100", "--quiet", "--out", out])
            a.waitUntilExit()
            b.waitUntilExit()
            let statuses = [a.terminationStatus, b.terminationStatus].sorted()
            #expect(statuses == [0, 2], "\(statuses)")
            let csv = try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8)
            #expect(csv.hasPrefix(a.terminationStatus == 0 ? "point,chip.adc.bits" : "point,chip.dac.bits"), "\(csv.prefix(40))")
        }
    }

    /// Runs racing for one folder, many times: exactly one writes it, the others are refused,
    /// and the folder's files match its manifest. A lock file naming a live process that is not
    /// an insitu run (this test's own process) does not block the folder.
    @Test func runsRacingForAFolderTakeItOnce() throws {
        for _ in 0..<4 {
            let out = Self.folder()
            let runs = try (0..<3).map { _ in try CLI.start(["train", "arch/li2018.yaml", "--images", "200", "--quiet", "--out", out]) }
            for r in runs { r.waitUntilExit() }
            #expect(runs.map(\.terminationStatus).sorted() == [0, 2, 2], "\(runs.map(\.terminationStatus))")
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
            for entry in manifest["files"] as! [[String: Any]] {
                let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + (entry["name"] as! String)))
                #expect(data.count == entry["bytes"] as! Int && Self.crc32(data) == entry["crc32"] as! String)
            }
        }
        let out = Self.folder()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "\(getpid())\n".write(toFile: out + "/.insitu.lock", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", out]).status == 0)
    }

    /// Links planted in a run's folder never lead a write outside it: a lock that links to a
    /// file, a design's subfolder or a sweep's points that link elsewhere, a manifest entry that
    /// links to an endless device. The file linked to is untouched; nothing hangs.
    @Test func plantedLinksAreNotFollowed() throws {
        let victim = Self.folder()
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        try "precious".write(toFile: victim + "/file", atomically: false, encoding: .utf8)

        let lockOut = Self.folder()
        try FileManager.default.createDirectory(atPath: lockOut, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: lockOut + "/.insitu.lock", withDestinationPath: victim + "/file")
        let locked = try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--quiet", "--out", lockOut])
        #expect(locked.status == 2 && locked.err.contains("symbolic link"), "\(locked.err)")
        #expect(try String(contentsOfFile: victim + "/file", encoding: .utf8) == "precious")

        let compareOut = Self.folder()
        try FileManager.default.createDirectory(atPath: compareOut, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: compareOut + "/li2018", withDestinationPath: victim)
        let compared = try CLI.run(["compare", "arch/li2018.yaml", "arch/digital-32nm.yaml", "--images", "100", "--out", compareOut])
        #expect(compared.status == 2 && compared.err.contains("is a symbolic link"), "\(compared.err)")

        let sweepOut = Self.folder()
        try FileManager.default.createDirectory(atPath: sweepOut, withIntermediateDirectories: true)
        let args = ["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "100", "--quiet", "--out", sweepOut]
        #expect(try CLI.run(args).status == 0)
        try FileManager.default.removeItem(atPath: sweepOut + "/points")
        try FileManager.default.createSymbolicLink(atPath: sweepOut + "/points", withDestinationPath: victim)
        let swept = try CLI.run(args)
        #expect(swept.status == 1 && swept.err.contains("is a symbolic link"), "\(swept.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim) == ["file"])

        // A point's manifest naming a link to /dev/zero: the point is not done (no endless read).
        try FileManager.default.removeItem(atPath: sweepOut + "/points")
        #expect(try CLI.run(args).status == 0)
        try FileManager.default.createSymbolicLink(atPath: sweepOut + "/points/00000/zero", withDestinationPath: "/dev/zero")
        var manifest = try String(contentsOfFile: sweepOut + "/points/00000/manifest.json", encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"files\" : [", with: "\"files\" : [{\"name\": \"zero\", \"bytes\": 0, \"crc32\": \"00000000\"},")
        try manifest.write(toFile: sweepOut + "/points/00000/manifest.json", atomically: true, encoding: .utf8)
        let merged = try CLI.run(["sweep", "--merge", sweepOut])
        #expect(merged.status == 1 && merged.err.contains("1 point(s) not done"), "\(merged.err)")
    }

    /// Plans too large to hold are refused with both figures before anything is built.
    @Test(arguments: [
        (["experiment", "stuck-devices", "--fractions", (0..<1000).map { _ in "0" }.joined(separator: ","), "--seeds", "10000"], "is more than 100000"),
        (["experiment", "stuck-devices", "--fractions", ""], "is not a fraction"),
        (["experiment", "stuck-devices", "--methods", ""], "--methods takes in-situ and ex-situ"),
        (["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=1..1000", "--seeds", "1000", "--out", "/tmp/insitu-never-sweep"], "1000 points x 1000 seeds"),
        // 1,500 ranges of 99,999 values in 12 KB: refused as the list grows, not after 150 M values.
        (["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=" + Array(repeating: "1..99999", count: 1500).joined(separator: ","), "--out", "/tmp/insitu-never-sweep"],
         "'chip.adc.bits' has more than 100000 values"),
    ])
    func oversizedPlansAreRefused(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2 && r.err.contains(message), "\(r.err)")
    }
}
