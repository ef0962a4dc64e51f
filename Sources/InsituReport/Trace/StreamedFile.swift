import CZlib
import Foundation

/// A file written piece by piece in bounded memory and published whole: the text goes to a
/// temporary file beside the target (removed if the process is interrupted, see
/// `Interruption`), optionally through gzip, and `finish` renames it into place.
public final class StreamedFile {
    public let path: String
    let temporary: String
    private var handle: UnsafeMutablePointer<FILE>?
    private var pending: [UInt8] = []
    /// The deflate state; on the heap, because zlib keeps a pointer back to it.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var compressed: [UInt8]
    /// Bytes written to the file so far (after compression).
    public private(set) var bytesWritten = 0
    static let chunk = 1 << 20

    /// Opens the temporary file for `path`; `gzip` compresses at zlib's default level.
    public init(path: String, gzip: Bool = false) throws {
        self.path = path
        let (temporary, fd) = try AtomicFile.openTemporary(beside: path)
        self.temporary = temporary
        guard let h = fdopen(fd, "wb") else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            Interruption.untrack(temporary)
            throw AtomicFile.Failure(path: path, reason: reason)
        }
        handle = h
        compressed = []
        if gzip {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            // 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
            guard deflateInit2_(s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                s.deallocate()
                cancel()
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            stream = s
            compressed = [UInt8](repeating: 0, count: Self.chunk)
        }
        pending.reserveCapacity(Self.chunk)
    }

    deinit { cancel() }

    /// Appends text; it reaches the disk in chunks of about a megabyte.
    public func write(_ text: String) throws { try write(bytes: text.utf8) }

    /// Appends bytes as they are.
    public func write<Bytes: Sequence<UInt8>>(bytes: Bytes) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.chunk { try drain(finishing: false) }
    }

    /// Writes what is pending, closes the file and renames it to `path`.
    public func finish() throws {
        try drain(finishing: true)
        endStream()
        let closed = fclose(handle)
        handle = nil
        defer {
            Interruption.untrack(temporary)
            published = true
        }
        guard closed == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Writes what is pending and closes the temporary file without publishing it; returns
    /// its path, to be read back (`cancel` then removes it).
    func closeUnpublished() throws -> String {
        try drain(finishing: true)
        endStream()
        if let h = handle, fclose(h) != 0 {
            handle = nil
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        handle = nil
        return temporary
    }

    /// Abandons the file: closes and removes the temporary file (unless it was published).
    public func cancel() {
        endStream()
        if let h = handle { fclose(h) }
        handle = nil
        guard !published else { return }
        unlink(temporary)
        Interruption.untrack(temporary)
        published = true
    }

    /// Set once the file is renamed into place (or removed).
    private var published = false

    private func endStream() {
        guard let s = stream else { return }
        deflateEnd(s)
        s.deallocate()
        stream = nil
    }

    private func drain(finishing: Bool) throws {
        guard let h = handle else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { pending.removeAll(keepingCapacity: true) }
        guard let stream else {
            try put(pending, count: pending.count, to: h)
            return
        }
        var status: Int32 = Z_OK
        try pending.withUnsafeMutableBufferPointer { input in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = uInt(input.count)
            repeat {
                let produced: Int = compressed.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    status = deflate(stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                    return out.count - Int(stream.pointee.avail_out)
                }
                try put(compressed, count: produced, to: h)
            } while finishing ? status == Z_OK : stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
        }
        guard status != Z_STREAM_ERROR, !finishing || status == Z_STREAM_END else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    private func put(_ bytes: [UInt8], count: Int, to h: UnsafeMutablePointer<FILE>) throws {
        guard count > 0 else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, count, h) }
        guard written == count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        bytesWritten += count
    }
}
