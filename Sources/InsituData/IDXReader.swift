import Foundation

/// Reads IDX files (the MNIST format: magic, dimensions, unsigned bytes), plain or gzip.
public enum IDXReader {
    /// An IDX array of unsigned bytes with its dimensions.
    public struct Array: Sendable {
        public var dimensions: [Int]
        public var bytes: [UInt8]
    }

    public static func read(path: String) throws -> Array {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot read the file; check the path (expected an MNIST IDX file, plain or .gz)")
        }
        if Gzip.isCompressed(data) {
            guard let plain = Gzip.decompress(data) else { throw DataError(file: path, "corrupt gzip stream") }
            data = plain
        }
        return try parse([UInt8](data), file: path)
    }

    /// Parses IDX bytes: 0x00 0x00 type ndim, then ndim big-endian UInt32 sizes, then data.
    public static func parse(_ b: [UInt8], file: String) throws -> Array {
        guard b.count >= 4, b[0] == 0, b[1] == 0 else {
            throw DataError(file: file, "not an IDX file (expected magic bytes 00 00 08 NN at offset 0)")
        }
        guard b[2] == 0x08 else {
            throw DataError(file: file, "IDX element type 0x\(String(b[2], radix: 16)) is not supported (expected 0x08, unsigned bytes)")
        }
        let ndim = Int(b[3])
        guard ndim >= 1, b.count >= 4 + 4 * ndim else { throw DataError(file: file, "IDX header truncated") }
        var dims: [Int] = []
        for d in 0..<ndim {
            let o = 4 + 4 * d
            dims.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        let count = dims.reduce(1, *)
        let start = 4 + 4 * ndim
        guard b.count - start == count else {
            throw DataError(file: file, "IDX data holds \(b.count - start) bytes but the header promises \(count) (\(dims.map(String.init).joined(separator: " x ")))")
        }
        return Array(dimensions: dims, bytes: Swift.Array(b[start...]))
    }
}
