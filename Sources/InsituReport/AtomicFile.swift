import Foundation

/// Writes files so that a reader never sees a half-written one: a temporary file beside the
/// target (`.NAME.insitu-tmp-PID-N`, N counting the process's writes), then a rename. Temporary files in flight are removed if
/// the process is interrupted (see `Interruption`), and a run folder removes ones an earlier,
/// killed process left.
public enum AtomicFile {
    /// Marks the name of a temporary file.
    public static let temporaryMarker = ".insitu-tmp-"

    /// Why a file could not be written: its path and the system's reason.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ data: Data, to path: String) throws {
        let temporary = try writeTemporary(data, beside: path)
        defer { Interruption.untrack(temporary) }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(path: path, reason: reason)
        }
    }

    /// Creates `path` with `data` only if no file is there (a whole file, never a half one):
    /// true when this call created it, false when another had.
    public static func create(_ data: Data, at path: String) throws -> Bool {
        let temporary = try writeTemporary(data, beside: path)
        defer { Interruption.untrack(temporary); unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw Failure(path: path, reason: String(cString: strerror(errno)))
        }
        return true
    }

    private static let counterLock = NSLock()
    nonisolated(unsafe) private static var writes = 0

    /// A number no other write of this process has.
    static func nextWrite() -> Int {
        counterLock.lock()
        defer { counterLock.unlock() }
        writes += 1
        return writes
    }

    /// Creates a fresh temporary file beside `path` (`.NAME.insitu-tmp-PID-N`, never through a
    /// link planted under that name), tracked for interruption: its path and an open descriptor.
    static func openTemporary(beside path: String) throws -> (path: String, descriptor: Int32) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: path, reason: "cannot create its folder (is a parent a file, or not writable?)")
        }
        // One name per write (the process, then a count), so threads writing one file never share a temporary.
        let temporary = dir.appendingPathComponent("." + url.lastPathComponent + temporaryMarker + "\(getpid())-\(nextWrite())").path
        Interruption.track(temporary)
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 && errno == EEXIST {
            unlink(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            Interruption.untrack(temporary)
            throw Failure(path: path, reason: reason)
        }
        return (temporary, fd)
    }

    /// Writes `data` to a temporary file beside `path` (tracked for interruption) and returns its path.
    static func writeTemporary(_ data: Data, beside path: String) throws -> String {
        let (temporary, fd) = try openTemporary(beside: path)
        var failure: String?
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                done += n
            }
        }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            Interruption.untrack(temporary)
            throw Failure(path: path, reason: failure)
        }
        return temporary
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

/// Cleans up after SIGINT and SIGTERM: removes the temporary files being written and the
/// locks held, then exits with 128 + the signal, so an interrupted run leaves only whole files.
public enum Interruption {
    nonisolated(unsafe) private static var paths: [UnsafeMutablePointer<CChar>] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    /// Starts removing `path` on interruption.
    public static func track(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        installIfNeeded()
        if let c = strdup(path) { paths.append(c) }
    }

    /// Stops tracking `path` (it was renamed or removed).
    public static func untrack(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if let i = paths.lastIndex(where: { String(cString: $0) == path }) { free(paths.remove(at: i)) }
    }

    private static func installIfNeeded() {
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { received in
                // unlink and _exit are async-signal-safe; the paths were copied to C strings before.
                for p in Interruption.paths { unlink(p) }
                _exit(128 + received)
            }
        }
    }
}
