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

    /// Bytes read and inflated at a time.
    static let chunk = 1 << 20

    /// Inflates every member in turn; fails past `limit` bytes of output.
    public static func decompress(_ data: Data, limit: Int) -> Result<[UInt8], Problem> {
        var output: [UInt8] = []
        // The trailer's ISIZE (the last member's size mod 2^32) sizes the output once, so that
        // growing it never holds an old and a new copy at the same time.
        if data.count >= 18 {
            let t = data.suffix(4).map(Int.init)
            output.reserveCapacity(min(t[0] | t[1] << 8 | t[2] << 16 | t[3] << 24, limit))
        }
        var offset = data.startIndex
        do {
            try inflate(limit: limit, read: { buffer in
                let n = min(buffer.count, data.endIndex - offset)
                data.copyBytes(to: buffer, from: offset..<(offset + n))
                offset += n
                return n
            }, write: { output.append(contentsOf: $0) })
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(.corrupt("\(error)"))
        }
        return .success(output)
    }

    /// Inflates the gzip stream that `read` supplies piece by piece (it fills the buffer it is
    /// given and returns how many bytes it put there, 0 at the end), every member in turn,
    /// handing the output to `write` as it comes, so that neither side is ever held whole.
    /// Throws a `Problem` past `limit` bytes of output or on a corrupt or truncated stream,
    /// and whatever `read` or `write` throws.
    public static func inflate(limit: Int, read: (UnsafeMutableBufferPointer<UInt8>) throws -> Int,
                               write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header.
        guard inflateInit2_(&stream, 16 + 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Problem.corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        defer { input.deallocate(); output.deallocate() }
        var total = 0, ended = false
        // Input is read only once zlib has taken all it had.
        func refill() throws {
            guard stream.avail_in == 0, !ended else { return }
            let n = try read(input)
            ended = n == 0
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(n)
        }
        while true {
            try refill()
            stream.next_out = output.baseAddress
            stream.avail_out = uInt(chunk)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = chunk - Int(stream.avail_out)
            total += produced
            if total > limit { throw Problem.tooLarge(limit) }
            if produced > 0 { try write(UnsafeBufferPointer(start: output.baseAddress, count: produced)) }
            if status == Z_STREAM_END {
                // Another member may follow (gzip allows several, concatenated).
                try refill()
                guard stream.avail_in > 0 else { return }
                guard inflateReset(&stream) == Z_OK else { throw Problem.corrupt("cannot start the next member") }
                continue
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 { throw Problem.corrupt("truncated") }
            if status != Z_OK { throw Problem.corrupt(status == Z_DATA_ERROR ? "bad data" : "zlib status \(status)") }
        }
    }
}
