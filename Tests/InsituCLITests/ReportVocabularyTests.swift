import Foundation
import Testing

/// docs/reports.md names every field the report files hold: a run's report.json and CSV
/// files, a sweep's and a comparison's, written here by the command line.
@Suite struct ReportVocabularyTests {
    typealias CLI = CommandLineTests
    static let documented: String = (try? String(contentsOfFile: CLI.root.appendingPathComponent("docs/reports.md").path, encoding: .utf8)) ?? ""

    /// Every key path of a JSON value, the last name of each (arrays looked into, `resolved_design` not: it is the arch tree).
    static func names(_ value: Any, into names: inout Set<String>) {
        if let object = value as? [String: Any] {
            for (key, child) in object {
                names.insert(key)
                if key != "resolved_design" && key != "phase_energy_per_image_J" && key != "kind_energy_per_image_J" && key != "kind_static_energy_per_image_J"
                    && key != "kind_utilisation" && key != "phases" && key != "device" { Self.names(child, into: &names) }
            }
        } else if let array = value as? [Any] {
            for child in array { Self.names(child, into: &names) }
        }
    }

    static func json(_ path: String) throws -> Set<String> {
        var found = Set<String>()
        names(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))), into: &found)
        return found
    }

    static func header(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0].split(separator: ",").map(String.init)
    }

    /// Names not in docs/reports.md as a field in backticks, alone or as a segment of a dotted path (`costs.phases[]`).
    static func undocumented(_ names: some Sequence<String>) -> [String] {
        names.filter { n in
            !["`", "."].contains { before in ["`", ".", "[]"].contains { after in documented.contains(before + n + after) } }
        }.sorted()
    }

    @Test func everyFieldIsDocumented() throws {
        #expect(Self.documented.contains("schema version 2"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-vocabulary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = try CLI.run(["train", "arch/li2018.yaml", "--images", "100", "--out", dir + "/run", "--quiet"])
        #expect(train.status == 0, "\(train.err)")
        var names = try Self.json(dir + "/run/report.json").union(Self.json(dir + "/run/manifest.json")).union(Self.json(dir + "/run/ledger.json"))
        #expect(names.contains("schema_version") && names.contains("test_accuracy") && names.contains("training_energy_per_image_J"))
        for file in ["costs.csv", "phases.csv", "components.csv", "layers.csv", "curve.csv"] { names.formUnion(try Self.header(dir + "/run/" + file)) }

        let sweep = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=6,8", "--images", "50", "--out", dir + "/sweep", "--quiet"])
        #expect(sweep.status == 0, "\(sweep.err)")
        names.formUnion(try Self.json(dir + "/sweep/sweep.json"))
        // Per-phase and per-kind columns are documented by their pattern.
        let columns = try Self.header(dir + "/sweep/sweep.csv").filter { $0 != "chip.adc.bits" }
        let phases = ["forward", "backward", "gradient", "update", "readout"]
        let patterned = columns.filter { c in
            (c.hasSuffix("_energy_per_image_J") && !c.hasPrefix("training_") && !c.hasPrefix("test_")) || c.hasSuffix("_utilisation")
        }
        #expect(patterned.contains("forward_energy_per_image_J") && patterned.contains("adc_utilisation"))
        #expect(Self.documented.contains("`P_energy_per_image_J`") && Self.documented.contains("`K_utilisation`")
                && Self.documented.contains("`K_static_energy_per_image_J`"))
        names.formUnion(columns.filter { !patterned.contains($0) })

        let compare = try CLI.run(["compare", "arch/li2018.yaml", "arch/digital-32nm.yaml", "--images", "50", "--out", dir + "/compare"])
        #expect(compare.status == 0, "\(compare.err)")
        names.formUnion(try Self.json(dir + "/compare/compare.json"))
        names.formUnion(try Self.header(dir + "/compare/compare.csv"))
        let keys = try String(contentsOfFile: dir + "/compare/compare.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",")[0]) }
        // Per-phase and per-kind rows are documented by their pattern, as in sweep.csv.
        #expect(keys.contains("adc_energy_per_image_J") && Self.documented.contains("`K_energy_per_image_J`"))
        names.formUnion(keys.filter { k in
            !phases.contains { k == "\($0)_energy_per_image_J" } && !(k.hasSuffix("_energy_per_image_J") && !k.hasPrefix("training_") && !k.hasPrefix("test_"))
        })
        #expect(Self.undocumented(names).isEmpty, "not in docs/reports.md: \(Self.undocumented(names))")
        // The same figure has the same name in the three: the comparison's keys are report.json's and sweep.csv's.
        for key in ["test_accuracy", "training_energy_per_image_J", "test_latency_per_image_s", "inference_TOPS_per_W", "area_m2"] {
            #expect(keys.contains(key) && columns.contains(key), "\(key)")
        }
    }
}
