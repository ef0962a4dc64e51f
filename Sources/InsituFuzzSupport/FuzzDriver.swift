import Foundation

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

/// The `main` of a fuzz target. With the fuzzer (-DFUZZING): libFuzzer's driver with its
/// usual options, calling `testOneInput` (the target's `LLVMFuzzerTestOneInput`); without:
/// each file named on the command line through `run` (the seed corpus, a crash to replay).
public enum FuzzDriver {
    public static func main(testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt, run: (Data) -> Void) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            run(data)
        }
        exit(0)
        #endif
    }

    /// libFuzzer's input as `Data`, for `LLVMFuzzerTestOneInput`.
    public static func data(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Data {
        bytes.map { Data(bytes: $0, count: count) } ?? Data()
    }
}
