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

    /// Reads a whole IDX file (plain or gzip), checked as `parse` checks bytes.
    public static func read(path: String) throws -> Array {
        var dimensions: [Int] = [], bytes: [UInt8] = []
        try stream(path: path, header: { dimensions = $0 }, payload: { bytes.append(contentsOf: $0) })
        return Array(dimensions: dimensions, bytes: bytes)
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
        try header(bytes, count: bytes.count, file: file)
    }

    /// The dimensions the header of an IDX file of `n` bytes gives and where its data starts,
    /// checked against n; `prefix` holds the file's first bytes, at least its header's (or all n).
    static func header<Bytes: RandomAccessCollection>(_ prefix: Bytes, count n: Int, file: String) throws -> (dimensions: [Int], start: Int)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let s = prefix.startIndex
        let b = { (i: Int) in prefix[s + i] }
        guard n >= 4 else { throw notIDX(file) }
        try checkKind(b(0), b(1), b(2), file: file)
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

    static func notIDX(_ file: String) -> DataError {
        DataError(file: file, "not an IDX file (expected magic bytes 00 00 08 NN at offset 0)")
    }

    /// Refuses a file whose first three bytes are not an IDX array of unsigned bytes.
    static func checkKind(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, file: String) throws {
        guard b0 == 0, b1 == 0 else { throw notIDX(file) }
        guard b2 == 0x08 else {
            throw DataError(file: file, "IDX element type 0x\(String(b2, radix: 16)) is not supported (expected 0x08, unsigned bytes)")
        }
    }
}
