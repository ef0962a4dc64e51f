import CZlib
import Foundation

/// Reading gzip streams through zlib's inflate: every member of a multi-member file, and
/// never more output than a limit (a small file can inflate to gigabytes).
public enum Gzip {
    public static func isCompressed(_ data: Data) -> Bool { data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b }

    public enum Problem: Error, CustomStringConvertible {
        case corrupt(String)
        case tooLarge(Int)
        public var description: String {
            switch self {
            case .corrupt(let why): "corrupt gzip stream (\(why))"
            case .tooLarge(let limit): "the gzip stream inflates to more than \(limit) bytes; IDX files are far smaller"
            }
        }
    }

    /// Inflates every member in turn; fails past `limit` bytes of output.
    public static func decompress(_ data: Data, limit: Int) -> Result<[UInt8], Problem> {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header.
        guard inflateInit2_(&stream, 16 + 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(.corrupt("zlib could not start"))
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        // The trailer's ISIZE (the last member's size mod 2^32) sizes the output once, so that
        // growing it never holds an old and a new copy at the same time.
        if data.count >= 18 {
            let t = data.suffix(4).map(Int.init)
            output.reserveCapacity(min(t[0] | t[1] << 8 | t[2] << 16 | t[3] << 24, limit))
        }
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var problem: Problem?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let inBuf = raw.bindMemory(to: UInt8.self)
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while problem == nil {
                var status: Int32 = Z_OK
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: UnsafeBufferPointer(start: out.baseAddress, count: chunk - Int(stream.avail_out)))
                }
                if output.count > limit { problem = .tooLarge(limit); break }
                if status == Z_STREAM_END {
                    // Another member may follow (gzip allows several, concatenated).
                    guard stream.avail_in > 0 else { break }
                    guard inflateReset(&stream) == Z_OK else { problem = .corrupt("cannot start the next member"); break }
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { problem = .corrupt("truncated"); break }
                if status != Z_OK { problem = .corrupt(status == Z_DATA_ERROR ? "bad data" : "zlib status \(status)"); break }
            }
        }
        if let problem { return .failure(problem) }
        return .success(output)
    }
}
