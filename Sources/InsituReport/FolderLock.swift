import Foundation

/// A folder's lock, `.insitu.lock`, held with flock(2) for as long as the process writes: the
/// kernel releases it when the process ends, however it ends, so a lock is stale exactly when
/// no live process holds it (never judged by a process id that may have been reused). The
/// file names its holder (process id, start time in clock ticks since boot, boot id) for the
/// message a refused run prints. Runs take it exclusively; the shards of one sweep share it,
/// so they run side by side while a train run into the same folder is refused.
public final class FolderLock {
    public let path: String
    public let shared: Bool
    private var descriptor: Int32 = -1

    /// Why a lock cannot be taken: held by `holder` (its text), or an I/O error.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Takes the lock at `path` without waiting, or throws naming the holder.
    public init(path: String, shared: Bool, folder: String) throws {
        self.path = path
        self.shared = shared
        // A holder that releases unlinks the file: a lock taken on the unlinked file is taken
        // again on the new one (a few rounds at most, when runs race).
        for _ in 0..<100 {
            // Never through a link: a lock planted as a link to another file would have that file overwritten.
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                let reason = errno == ELOOP ? "it is a symbolic link; remove it" : String(cString: strerror(errno))
                throw Refusal(description: "\(folder): cannot take \(URL(fileURLWithPath: path).lastPathComponent): \(reason)")
            }
            if flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
                let holder = Self.holder(fd)
                close(fd)
                throw Refusal(description: "another insitu run (\(holder)) is writing into \(folder); wait for it or give another folder")
            }
            var held = stat(), named = stat()
            guard fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else {
                close(fd)
                continue
            }
            descriptor = fd
            // Held shared, no exclusive holder exists: a process named in the file is a killed one's.
            if shared { _ = ftruncate(fd, 0) }
            if !shared {
                let text = Self.identity()
                _ = ftruncate(fd, 0)
                _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
                Interruption.track(path)
            }
            return
        }
        throw Refusal(description: "\(folder): cannot take \(URL(fileURLWithPath: path).lastPathComponent) (other runs keep replacing it)")
    }

    deinit { release() }

    /// Releases the lock (once). An exclusive holder removes the file first, while it still
    /// holds it, so no run ever sees a file without its holder.
    public func release() {
        guard descriptor >= 0 else { return }
        if !shared {
            var held = stat(), named = stat()
            if fstat(descriptor, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino { unlink(path) }
            Interruption.untrack(path)
        }
        close(descriptor)
        descriptor = -1
    }

    /// This process as the lock file names it: "process PID started at T ticks, boot B".
    static func identity() -> String {
        "process \(getpid()) started at \(startTicks(getpid()) ?? 0) ticks, boot \(bootID())\n"
    }

    /// What a held lock's file says of its holder, or "a process" when it says nothing readable.
    static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, 255, 0)
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        if let line = text.split(separator: "\n").first, line.hasPrefix("process ") {
            return String(line.split(separator: " ").prefix(2).joined(separator: " "))
        }
        return "a sweep's shards"
    }

    /// Start time of process `pid` in clock ticks since boot (field 22 of /proc/PID/stat), or nil off Linux.
    static func startTicks(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    static func bootID() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }
}
