import Foundation
import InsituFuzzSupport
import InsituData
import InsituTraining

/// Fuzz target: arbitrary bytes as an IDX file (plain or gzip) and as the embedded data
/// format; anything may be refused with a `DataError`, nothing may crash or blow up.
enum FuzzData {
    static func run(_ data: Data) {
        var bytes = [UInt8](data)
        if Gzip.isCompressed(data) {
            guard case .success(let plain) = Gzip.decompress(data, limit: 16 << 20) else { return }
            bytes = [UInt8](plain)
        }
        do {
            let array = try IDXReader.parse(bytes, file: "fuzz.idx")
            if array.dimensions.count == 3 {
                let labels = IDXReader.Array(dimensions: [array.dimensions[0]], bytes: [UInt8](repeating: 1, count: array.dimensions[0]))
                _ = try Preprocessing.dataset(images: array, labels: labels, input: InputSpec(), imagesFile: "i", labelsFile: "l")
            }
        } catch is DataError {
        } catch {
            fatalError("an error other than DataError: \(error)")
        }
        do { _ = try EmbeddedMNIST.decode(bytes, file: "fuzz.bin") } catch is DataError {} catch { fatalError("\(error)") }
    }
}

/// libFuzzer's entry: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzData(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzData.run(FuzzDriver.data(bytes, count))
    return 0
}

@main
struct FuzzDataMain {
    static func main() { FuzzDriver.main(testOneInput: fuzzData, run: FuzzData.run) }
}
