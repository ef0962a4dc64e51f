import Foundation
import InsituFuzzSupport
import InsituArchFile

/// Fuzz target: arbitrary bytes as an architecture file, and lines starting with "--set " as
/// overrides. Anything may be refused with an `ArchError`; nothing may crash, hang or blow up.
enum FuzzArch {
    static func run(_ data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return }
        var overrides: [String] = []
        var yaml: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("--set ") { overrides.append(String(line.dropFirst(6))) } else { yaml.append(line) }
        }
        do {
            let tree = try ArchLoader.applying(overrides: overrides, to: ArchLoader.parse(yaml: yaml.joined(separator: "\n"), file: "fuzz.yaml"))
            _ = try ArchDesign.decode(tree)
        } catch is ArchError {
        } catch {
            fatalError("an error other than ArchError: \(error)")
        }
    }
}

/// libFuzzer's entry: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArch(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzArch.run(FuzzDriver.data(bytes, count))
    return 0
}

@main
struct FuzzArchMain {
    static func main() { FuzzDriver.main(testOneInput: fuzzArch, run: FuzzArch.run) }
}
