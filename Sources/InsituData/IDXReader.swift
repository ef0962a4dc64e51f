import Foundation

/// Reads IDX files (the MNIST format: magic, dimensions, unsigned bytes), plain or gzip.
public enum IDXReader {
    /// An IDX array of unsigned bytes with its dimensions.
    public struct Array: Sendable {
        public var dimensions: [Int]
        public var bytes: [UInt8]
        public init(dimensions: [Int], bytes: [UInt8]) {
            self.dimensions = dimensions
            self.bytes = bytes
        }
    }

    /// Largest IDX file read (plain or inflated): MNIST's largest is 47 MB.
    public static let maximumBytes = 512 << 20

    public static func read(path: String) throws -> Array {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              var data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot read the file; check the path (expected an MNIST IDX file, plain or .gz)")
        }
        guard data.count <= maximumBytes else {
            throw DataError(file: path, "the file has \(data.count) bytes, more than an IDX file may (\(maximumBytes))")
        }
        var bytes: [UInt8]
        if Gzip.isCompressed(data) {
            switch Gzip.decompress(data, limit: maximumBytes) {
            case .success(let plain): bytes = plain
            case .failure(let problem): throw DataError(file: path, problem.description)
            }
        } else {
            bytes = [UInt8](data)
        }
        data = Data()
        // The header is dropped in place: the payload is never copied.
        let (dims, start) = try header(bytes, file: path)
        bytes.removeSubrange(0..<start)
        return Array(dimensions: dims, bytes: bytes)
    }

    /// Parses IDX bytes: 0x00 0x00 type ndim, then ndim big-endian UInt32 sizes, then data.
    public static func parse<Bytes: RandomAccessCollection>(_ bytes: Bytes, file: String) throws -> Array
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let (dims, start) = try header(bytes, file: file)
        return Array(dimensions: dims, bytes: Swift.Array(bytes[(bytes.startIndex + start)...]))
    }

    /// The dimensions an IDX file's header gives and where its data starts, checked against its size.
    static func header<Bytes: RandomAccessCollection>(_ bytes: Bytes, file: String) throws -> (dimensions: [Int], start: Int)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let s = bytes.startIndex, n = bytes.count
        let b = { (i: Int) in bytes[s + i] }
        guard n >= 4, b(0) == 0, b(1) == 0 else {
            throw DataError(file: file, "not an IDX file (expected magic bytes 00 00 08 NN at offset 0)")
        }
        guard b(2) == 0x08 else {
            throw DataError(file: file, "IDX element type 0x\(String(b(2), radix: 16)) is not supported (expected 0x08, unsigned bytes)")
        }
        let ndim = Int(b(3))
        guard ndim >= 1, n >= 4 + 4 * ndim else { throw DataError(file: file, "IDX header truncated") }
        var dims: [Int] = []
        var count = 1
        for d in 0..<ndim {
            let o = 4 + 4 * d
            let size = Int(b(o)) << 24 | Int(b(o + 1)) << 16 | Int(b(o + 2)) << 8 | Int(b(o + 3))
            dims.append(size)
            // Sizes are checked against the data as they are multiplied, so the product cannot overflow.
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= n else {
                throw DataError(file: file, "IDX header promises \(dims.map(String.init).joined(separator: " x "))\(d + 1 < ndim ? " x ..." : "") values, more than the file's \(n) bytes hold")
            }
            count = product
        }
        let start = 4 + 4 * ndim
        guard n - start == count else {
            throw DataError(file: file, "IDX data holds \(n - start) bytes but the header promises \(count) (\(dims.map(String.init).joined(separator: " x ")))")
        }
        return (dims, start)
    }
}
