import Foundation
import InsituTraining

/// The embedded default data: all 70,000 MNIST images already cropped to 20 x 20 and
/// resized to 8 x 8 by `Preprocessing` (docs/data.md gives provenance and licence).
///
/// File format (gzip-compressed): "INSITU88", then little-endian UInt32 train count,
/// test count and side, then train pixels, train labels, test pixels, test labels.
public enum EmbeddedMNIST {
    static let magic = Array("INSITU88".utf8)

    /// The embedded 8 x 8 split; other input geometries need `--dataset mnist`.
    public static func load(input: InputSpec) throws -> DataSplit {
        guard input.cropSide == 20, input.side == 8 else {
            throw DataError(file: "embedded data", "the embedded data is 8 x 8 from a 20 x 20 crop; input.crop \(input.cropSide) and input.side \(input.side) need --dataset mnist --data DIR")
        }
        guard let url = Bundle.module.url(forResource: "mnist8x8.bin", withExtension: "gz"),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError(file: "mnist8x8.bin.gz", "the embedded data set is missing from the installation")
        }
        guard case .success(let plain) = Gzip.decompress(data, limit: IDXReader.maximumBytes) else {
            throw DataError(file: url.path, "corrupt gzip stream")
        }
        return try decode([UInt8](plain), file: url.path)
    }

    /// Serialises a split in the embedded format (uncompressed).
    public static func encode(_ split: DataSplit) -> [UInt8] {
        var out = magic
        for v in [split.train.count, split.test.count, split.train.side] {
            let u = UInt32(v)
            out += [UInt8(u & 0xff), UInt8(u >> 8 & 0xff), UInt8(u >> 16 & 0xff), UInt8(u >> 24)]
        }
        return out + split.train.pixels + split.train.labels + split.test.pixels + split.test.labels
    }

    public static func decode(_ b: [UInt8], file: String) throws -> DataSplit {
        guard b.count >= 20, Array(b[0..<8]) == magic else { throw DataError(file: file, "not an insitu 8x8 data file") }
        func u32(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
        let nTrain = u32(8), nTest = u32(12), side = u32(16)
        let px = side * side
        guard b.count == 20 + (nTrain + nTest) * (px + 1) else { throw DataError(file: file, "truncated data file") }
        var o = 20
        func take(_ n: Int) -> [UInt8] { defer { o += n }; return Array(b[o..<(o + n)]) }
        let trainPixels = take(nTrain * px), trainLabels = take(nTrain)
        let testPixels = take(nTest * px), testLabels = take(nTest)
        return DataSplit(train: Dataset(side: side, pixels: trainPixels, labels: trainLabels),
                         test: Dataset(side: side, pixels: testPixels, labels: testLabels),
                         source: "embedded MNIST 8x8 (derived, see docs/data.md)")
    }
}
