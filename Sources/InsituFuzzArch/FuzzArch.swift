import Foundation
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

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArch(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzArch.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

/// With the fuzzer (-DFUZZING): libFuzzer's driver with its usual options; without: runs
/// each file named on the command line through the target (the seed corpus, a crash to replay).
@main
struct FuzzArchMain {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzArch))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzArch.run(data)
        }
        #endif
    }
}
