import Foundation
import Testing

/// docs/architecture.md's "How to add ..." stays true: each extension it names is one file in
/// this target, registered with the line it quotes, which this target's tests call, and no
/// library target holds it.
@Suite struct HowToAddTests {
    static let extensions: [(file: String, type: String, registration: String)] = [
        ("ExamplePulsedDevice.swift", "struct ExamplePulsedDevice", "DeviceModels.register(ExamplePulsedDevice.entry)"),
        ("SampleHold.swift", "struct SampleHold", "PeripheralStages.register(SampleHold.entry)"),
        ("MACChip.swift", "struct MACChipSpec", "AcceleratorKinds.register(MACChipSpec.entry)"),
        ("ReplicatedMapping.swift", "struct ReplicateFirstLayer", "MappingStrategies.register(ReplicateFirstLayer())"),
        ("TwoArrayTraining.swift", "struct TwoArrayTraining", "TrainingMethods.register(TwoArrayTraining())"),
    ]

    static func swiftFiles(under folder: URL) -> [URL] {
        (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == "swift" }
    }

    @Test func eachExtensionIsOneFileAndOneRegistration() throws {
        let root = EndToEnd.root
        let doc = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let here = root.appendingPathComponent("Tests/InsituExtensionTests")
        let tests = try Self.swiftFiles(under: here).filter { $0.lastPathComponent.hasSuffix("Tests.swift") && $0.lastPathComponent != "HowToAddTests.swift" }
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        let library = try Self.swiftFiles(under: root.appendingPathComponent("Sources")).map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        for e in Self.extensions {
            #expect(doc.contains("`\(e.registration)`") && doc.contains("`Tests/InsituExtensionTests/\(e.file)`"), "\(e.file) in the doc")
            let source = try String(contentsOf: here.appendingPathComponent(e.file), encoding: .utf8)
            #expect(source.contains(e.type), "\(e.file) defines \(e.type)")
            #expect(tests.components(separatedBy: e.registration).count - 1 == 1, "one registration of \(e.type)")
            #expect(!library.contains(e.type), "\(e.type) is not in a library target")
        }
    }
}
