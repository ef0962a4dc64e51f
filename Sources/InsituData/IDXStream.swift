import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension IDXReader {
    /// Streams the IDX file at `path` (plain or gzip) without holding it whole: `header` gets
    /// the dimensions once the header has arrived (when their product is a size an IDX file may
    /// have), then `payload` the data bytes in pieces. When the file ends it is checked as `parse`
    /// checks bytes (the same messages): a payload shorter or longer than the header promises is
    /// refused then, so a caller keeps what it built only when this returns.
    public static func stream(path: String, header: ([Int]) throws -> Void,
                              payload: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let unreadable = DataError(file: path, "cannot read the file; check the path (expected an MNIST IDX file, plain or .gz)")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { throw unreadable }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw unreadable }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > maximumBytes {
            throw DataError(file: path, "the file has \(info.st_size) bytes, more than an IDX file may (\(maximumBytes))")
        }
        /// Up to buffer.count bytes of the file; 0 at its end.
        func readSome(_ buffer: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n >= 0 { return n }
                if errno != EINTR { throw unreadable }
            }
        }
        var parser = HeaderParser()
        func take(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            let rest = try parser.take(bytes, file: path, header: header)
            if parser.delivering && !rest.isEmpty { try payload(rest) }
        }
        // The first two bytes tell gzip from plain; they are then handed on as the stream's first.
        let first = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2)
        defer { first.deallocate() }
        var got = 0
        while got < 2 {
            let n = try readSome(UnsafeMutableBufferPointer(rebasing: first[got...]))
            if n == 0 { break }
            got += n
        }
        if got == 2 && first[0] == 0x1f && first[1] == 0x8b {
            var pending = 2
            do {
                try Gzip.inflate(limit: maximumBytes, read: { buffer in
                    guard pending == 0 else {
                        buffer[0] = first[0]; buffer[1] = first[1]
                        pending = 0
                        return 2
                    }
                    return try readSome(buffer)
                }, write: take)
            } catch let problem as Gzip.Problem {
                throw DataError(file: path, problem.description)
            }
        } else {
            try take(UnsafeBufferPointer(rebasing: first[0..<got]))
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Gzip.chunk)
            defer { buffer.deallocate() }
            while true {
                let n = try readSome(buffer)
                if n == 0 { break }
                guard parser.total + n <= maximumBytes else {
                    throw DataError(file: path, "the file has more than \(maximumBytes) bytes, more than an IDX file may")
                }
                try take(UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
        let (dimensions, _) = try Self.header(parser.prefix, count: parser.total, file: path)
        if !parser.delivering { try header(dimensions) }
    }

    /// Gathers an IDX header from the front of a stream, byte by byte (it is at most 1,024 bytes),
    /// and says when the data after it may be handed on.
    struct HeaderParser {
        /// The header's bytes (all the stream's, while it is shorter).
        var prefix: [UInt8] = []
        /// Bytes the stream has brought.
        var total = 0
        /// Whether the header was complete and sound, and handed on: what follows is data.
        var delivering = false

        /// Takes the next bytes of the stream; returns those past the header.
        mutating func take(_ bytes: UnsafeBufferPointer<UInt8>, file: String,
                           header: ([Int]) throws -> Void) throws -> UnsafeBufferPointer<UInt8> {
            total += bytes.count
            var k = 0
            while !delivering && k < bytes.count && (prefix.count < 4 || prefix.count < 4 + 4 * Int(prefix[3])) {
                prefix.append(bytes[k])
                k += 1
                if prefix.count == 3 { try IDXReader.checkKind(prefix[0], prefix[1], prefix[2], file: file) }
                guard prefix.count >= 4, prefix[3] > 0, prefix.count == 4 + 4 * Int(prefix[3]) else { continue }
                // The dimensions are handed on only when their product is a size an IDX file may have;
                // otherwise the check at the end refuses the file.
                var dimensions: [Int] = [], count = 1, sound = true
                for d in 0..<Int(prefix[3]) {
                    let size = (4 + 4 * d..<8 + 4 * d).reduce(0) { $0 << 8 | Int(prefix[$1]) }
                    dimensions.append(size)
                    let (product, overflow) = count.multipliedReportingOverflow(by: size)
                    if overflow || product > IDXReader.maximumBytes { sound = false; break }
                    count = product
                }
                if sound {
                    try header(dimensions)
                    delivering = true
                }
            }
            return UnsafeBufferPointer(rebasing: bytes[k...])
        }
    }
}
