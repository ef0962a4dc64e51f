import Foundation
import Testing
@testable import InsituArchFile
import InsituDevices

/// Paths of the project's presets and a scratch folder for bad files.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var li2018: String { root.appendingPathComponent("arch/li2018.yaml").path }

    /// Writes `files` (name -> text) into a new temporary folder and returns its path.
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-arch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static func error(loading name: String, in dir: URL, overrides: [String] = []) -> ArchError? {
        do {
            _ = try ArchDesign.load(path: dir.appendingPathComponent(name).path, overrides: overrides)
            return nil
        } catch let e as ArchError {
            return e
        } catch {
            return nil
        }
    }
}

@Suite struct ArchFileTests {
    @Test func presetDecodesThePapersValues() throws {
        let d = try ArchDesign.load(path: Fixtures.li2018)
        #expect(d.chip.tile.rows == 128 && d.chip.tile.columns == 64)
        #expect(gate(d).setVolts == 2.5 && gate(d).resetVolts == 1.6)
        #expect(gate(d).gateMinVolts == 0.6 && gate(d).gateMaxVolts == 1.7)
        #expect(abs(gate(d).stuckLowFraction - 0.11) < 1e-12)
        #expect(abs(gate(d).stuckLowSiemens - 10e-6) < 1e-18)
        #expect(d.chip.tia.gainVoltsPerAmp == 200 && d.chip.tia.clipVolts == 0.2)
        #expect(d.network.layers == [64, 54, 10] && d.network.outputScalePerAmp == 5e5)
        // The paper's board pulsed for 100 ns, its minimum; the integrated preset pulses for 10 ns.
        #expect(gate(d).setPulse.picoseconds == 10_000 && gate(d).resetPulse.picoseconds == 10_000)
        let board = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/li2018-board.yaml").path)
        #expect(gate(board).setPulse.picoseconds == 100_000 && gate(board).resetPulse.picoseconds == 100_000)
        #expect(d.training.batchSize == 50 && d.training.images == 80_000)
    }

    @Test func everyPresetLoads() throws {
        let dir = Fixtures.root.appendingPathComponent("arch")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 3)
        for f in files {
            let d = try ArchDesign.load(path: dir.appendingPathComponent(f).path)
            #expect(d.network.layers.first == d.input.side * d.input.side, "\(f)")
        }
    }

    @Test func extendsInheritsAndOverrides() throws {
        let ideal = try ArchDesign.load(path: Fixtures.root.appendingPathComponent("arch/li2018-ideal.yaml").path)
        let base = try ArchDesign.load(path: Fixtures.li2018)
        #expect(gate(ideal).stuckLowFraction == 0)
        #expect(gate(ideal).stuckLowSiemens == gate(base).stuckLowSiemens)
        #expect(ideal.chip.adc == base.chip.adc)
    }

    @Test func commandLineOverrides() throws {
        let d = try ArchDesign.load(path: Fixtures.li2018, overrides: ["chip.adc.bits=6", "chip.device.stuck_low.fraction=30%",
                                                                     "training.learning_rate=[0.1 V^2, 0.2 V^2]", "chip.tile.settling=2 us"])
        #expect(d.chip.adc.bits == 6)
        #expect(abs(gate(d).stuckLowFraction - 0.3) < 1e-12)
        #expect(d.training.learningRatesVoltsSquared == [0.1, 0.2])
        #expect(d.chip.tile.settling.picoseconds == 2_000_000)
    }

    @Test func misspeltKeyNamesPositionAndSuggestion() throws {
        let dir = try Fixtures.folder(["a.yaml": "extends: \(Fixtures.li2018)\nchip:\n  adc:\n    bts: 6\n"])
        let e = try #require(Fixtures.error(loading: "a.yaml", in: dir))
        #expect(e.location.line == 4 && e.location.column == 5)
        #expect(e.description.contains("a.yaml:4:5"))
        #expect(e.hint == "did you mean chip.adc.bits?")
    }

    @Test func valueWithoutUnit() throws {
        let dir = try Fixtures.folder(["a.yaml": "extends: \(Fixtures.li2018)\nchip:\n  device:\n    set_pulse: 100\n"])
        let e = try #require(Fixtures.error(loading: "a.yaml", in: dir))
        #expect(e.location.line == 4 && e.location.column == 16)
        #expect(e.message.contains("needs a unit"))
    }

    @Test func wrongUnitAndOutOfRange() throws {
        let dir = try Fixtures.folder([
            "u.yaml": "extends: \(Fixtures.li2018)\nchip:\n  tile:\n    settling: 3 V\n",
            "r.yaml": "extends: \(Fixtures.li2018)\nchip:\n  adc:\n    bits: 33\n",
            "n.yaml": "extends: \(Fixtures.li2018)\nchip:\n  tile:\n    settling: -1 ns\n",
        ])
        #expect(Fixtures.error(loading: "u.yaml", in: dir)?.message.contains("unit 'V'") == true)
        #expect(Fixtures.error(loading: "r.yaml", in: dir)?.message.contains("out of range") == true)
        #expect(Fixtures.error(loading: "n.yaml", in: dir)?.location.line == 4)
    }

    @Test func badAndCircularExtends() throws {
        let dir = try Fixtures.folder([
            "missing.yaml": "extends: nowhere.yaml\n",
            "a.yaml": "extends: b.yaml\nname: a\n",
            "b.yaml": "name: b\nextends: a.yaml\n",
        ])
        let missing = try #require(Fixtures.error(loading: "missing.yaml", in: dir))
        #expect(missing.location.line == 1 && missing.location.column == 10)
        #expect(missing.message.contains("does not exist"))
        let circular = try #require(Fixtures.error(loading: "a.yaml", in: dir))
        #expect(circular.message.contains("circular"))
        #expect(circular.location.line == 2)
    }

    /// A file that does not extend another must state every value: no silent defaults.
    @Test func missingKeyIsNamed() throws {
        let preset = try String(contentsOfFile: Fixtures.li2018, encoding: .utf8)
        let withoutBits = preset.replacingOccurrences(of: "    bits: 8\n    full_scale: 0.2 V", with: "    full_scale: 0.2 V")
        #expect(withoutBits != preset)
        let dir = try Fixtures.folder(["m.yaml": withoutBits, "top.yaml": "name: x\n"])
        let e = try #require(Fixtures.error(loading: "m.yaml", in: dir))
        #expect(e.message.hasPrefix("missing key 'chip.adc.bits'"))
        #expect(e.hint?.contains("extends") == true)
        let top = try #require(Fixtures.error(loading: "top.yaml", in: dir))
        #expect(top.message.hasPrefix("missing key 'chip'"))
        #expect(top.location.line == 1)
    }

    @Test func yamlSyntaxErrorHasPosition() throws {
        let dir = try Fixtures.folder(["s.yaml": "chip:\n  adc: [1,\n"])
        let e = try #require(Fixtures.error(loading: "s.yaml", in: dir))
        #expect(e.location.line == 3)
        #expect(e.message.hasPrefix("invalid YAML"))
    }

    @Test func badOverrideNamesTheOption() throws {
        let e = try #require(throws: ArchError.self) {
            try ArchDesign.load(path: Fixtures.li2018, overrides: ["chip.adc.bits=many"])
        }
        #expect(e.location.option == "chip.adc.bits=many")
        #expect(ArchError.exitCode == 2)
    }

    @Test func unitParsing() throws {
        #expect(try PhysicalUnit.hertz.parse("1.28 GHz").get() == 1.28e9)
        #expect(try PhysicalUnit.siemens.parse("10 uS").get() == 10e-6)
        #expect(try PhysicalUnit.second.parse("100ns").get() == 100e-9)
        #expect(try PhysicalUnit.siemens.parse("1.2 mS").get() == 1.2e-3)
        #expect(try PhysicalUnit.perAmpere.parse("5e5 1/A").get() == 5e5)
        #expect(try PhysicalUnit.voltPerAmpere.parse("200 V/A").get() == 200)
        #expect((try? PhysicalUnit.second.parse("1 mS").get()) == nil)
        #expect(nearest("bts", in: ["bits", "full_scale"]) == "bits")
    }
}

/// The 1T1R parameters a design's device model holds.
func gate(_ d: ArchDesign) -> DeviceParameters { (d.chip.device.model as! GateControlledDevice).parameters }
