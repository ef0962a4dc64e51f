import Foundation

/// Writes files so that a reader never sees a half-written one: a temporary file beside the
/// target (`.NAME.insitu-tmp-PID`), then a rename. Temporary files in flight are removed if
/// the process is interrupted (see `Interruption`), and a run folder removes ones an earlier,
/// killed process left.
public enum AtomicFile {
    /// Marks the name of a temporary file.
    public static let temporaryMarker = ".insitu-tmp-"

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temporary = dir.appendingPathComponent("." + url.lastPathComponent + temporaryMarker + String(getpid())).path
        Interruption.track(temporary)
        defer { Interruption.untrack(temporary) }
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
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
