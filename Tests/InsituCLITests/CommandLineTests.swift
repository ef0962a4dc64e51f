import Foundation
import Testing

/// Runs the built `insitu` executable as a user would and checks exit codes and messages.
@Suite struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable sits beside the test bundle in the build folder.
    static var executable: URL {
        var dir = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") || dir.path.contains(".xctest/") {
            while dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        }
        return dir.appendingPathComponent("insitu")
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs `insitu` with `arguments`, or with `shell` the command given as arguments[0] and the rest.
    static func run(_ arguments: [String], shell: Bool = false) throws -> Result {
        let process = Process()
        process.executableURL = shell ? URL(fileURLWithPath: arguments[0]) : executable
        process.arguments = shell ? Array(arguments.dropFirst()) : arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Starts `insitu` with `arguments` without waiting (its output discarded).
    static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = root
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "expected \(Self.executable.path)")
    }

    @Test func validateExitCodes() throws {
        #expect(try Self.run(["validate", "arch/li2018.yaml"]).status == 0)
        let preset = Self.root.appendingPathComponent("arch/li2018.yaml").path
        let dir = try Self.scratch([
            "typo.yaml": "extends: \(preset)\nchip:\n  adc:\n    bts: 6\n",
            "unit.yaml": "extends: \(preset)\nchip:\n  device:\n    set_pulse: 100\n",
            "ext.yaml": "extends: missing.yaml\n",
        ])
        let typo = try Self.run(["validate", dir.appendingPathComponent("typo.yaml").path])
        #expect(typo.status == 2)
        #expect(typo.err.contains("typo.yaml:4:5: error: unknown key 'chip.adc.bts'"))
        #expect(typo.err.contains("did you mean chip.adc.bits?"))
        let unit = try Self.run(["validate", dir.appendingPathComponent("unit.yaml").path])
        #expect(unit.status == 2 && unit.err.contains("unit.yaml:4:16"))
        let ext = try Self.run(["validate", dir.appendingPathComponent("ext.yaml").path])
        #expect(ext.status == 2 && ext.err.contains("ext.yaml:1:10"))
        let option = try Self.run(["validate", "arch/li2018.yaml", "--set", "chip.adc.bits=40"])
        #expect(option.status == 2 && option.err.contains("option --set chip.adc.bits=40"))
    }

    @Test func badOptionsExitWithTwo() throws {
        #expect(try Self.run(["train", "arch/li2018.yaml", "--images", "0"]).status == 2)
        let data = try Self.run(["train", "arch/li2018.yaml", "--dataset", "mnist", "--data", "/nonexistent"])
        #expect(data.status == 2 && data.err.contains("train-images-idx3-ubyte"))
        #expect(try Self.run(["train", "arch/li2018.yaml", "--method", "sideways"]).status != 0)
    }

    @Test func trainWritesItsReport() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-run-\(UUID().uuidString)")
        let r = try Self.run(["train", "arch/li2018.yaml", "--images", "100", "--set", "training.test_images=100",
                              "--quiet", "--out", out.path, "--trace"])
        #expect(r.status == 0)
        #expect(r.out.contains("test accuracy:"))
        for file in ["report.json", "ledger.json", "costs.csv", "phases.csv", "components.csv", "curve.csv", "trace.json", "trace.vcd"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(report?["images_trained"] as? Int == 100)
    }
}
