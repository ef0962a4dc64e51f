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
        compareStreamed(data)
    }

    /// The input read from a file as a stream is what its bytes parsed whole are: the same array,
    /// or refused both ways (the messages may differ: a stream can meet a bad header before a
    /// corrupt gzip block that the whole inflation meets first).
    static func compareStreamed(_ data: Data) {
        func outcome(_ read: () throws -> IDXReader.Array) -> IDXReader.Array? {
            do { return try read() } catch is DataError { return nil } catch { fatalError("an error other than DataError: \(error)") }
        }
        let whole = outcome {
            var bytes = [UInt8](data)
            if Gzip.isCompressed(data) {
                switch Gzip.decompress(data, limit: IDXReader.maximumBytes) {
                case .success(let plain): bytes = plain
                case .failure(let problem): throw DataError(file: "f", problem.description)
                }
            }
            return try IDXReader.parse(bytes, file: "f")
        }
        precondition((try? data.write(to: scratch)) != nil, "cannot write \(scratch.path)")
        let streamed = outcome { try IDXReader.read(path: scratch.path) }
        guard whole?.dimensions == streamed?.dimensions && whole?.bytes == streamed?.bytes else {
            fatalError("streamed \(String(describing: streamed?.dimensions)), whole \(String(describing: whole?.dimensions))")
        }
    }

    /// The file each input is written to for the streamed read.
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-fuzz-\(getpid()).idx")
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
