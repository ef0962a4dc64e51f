import CZlib
import Foundation

/// An output folder that cannot mix or lose runs: a lock while a run writes, refusal of a
/// folder that holds another run (unless forced, which removes that run's files), removal
/// of temporary files a killed run left, and a manifest written last that lists every file
/// of the run with its size and CRC-32, so a complete folder is recognisable.
public final class RunFolder {
    public let path: String
    let lockPath: String

    /// Why a folder cannot be used.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    public static let manifestName = "manifest.json"
    public static let lockName = ".insitu.lock"
    /// Files a run writes (and a forced re-run removes when the old manifest is missing).
    public static let runFiles = ["report.json", "ledger.json", "costs.csv", "phases.csv", "components.csv", "layers.csv", "curve.csv",
                                  "trace.json", "trace.json.gz", "trace.vcd", "compare.json", "compare.csv", "report.html", manifestName]

    /// Takes `path` for a run: creates it, locks it, and refuses it if it holds another run
    /// (with `force`, that run's files are removed first).
    /// With `resuming`, files already there are the interrupted run's own and are kept.
    public init(_ path: String, force: Bool, resuming: Bool = false) throws {
        self.path = path
        lockPath = URL(fileURLWithPath: path).appendingPathComponent(Self.lockName).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Refusal(description: "\(path) is a file; give a folder for the run's outputs")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Refusal(description: "\(path): cannot create the folder (is a parent a file, or not writable?)")
        }
        try takeLock()
        do {
            try clearTemporaries()
            let earlier = Self.runFiles.filter { FileManager.default.fileExists(atPath: self.file($0)) }
            if !earlier.isEmpty && !resuming {
                guard force else {
                    throw Refusal(description: "\(path) holds the outputs of another run (\(earlier.joined(separator: ", "))); give a new folder, or --force to replace them")
                }
                for name in Set(earlier + listedInManifest()) { try? FileManager.default.removeItem(atPath: file(name)) }
            }
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    func file(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    /// Creates the lock file exclusively; a lock whose process is gone is taken over.
    func takeLock() throws {
        for _ in 0..<2 {
            let fd = open(lockPath, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let pid = "\(getpid())\n"
                _ = pid.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                Interruption.track(lockPath)
                return
            }
            guard errno == EEXIST else { throw Refusal(description: "\(path): cannot create \(Self.lockName) (is the folder writable?)") }
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let holder, holder != getpid(), Self.isAlive(holder) {
                throw Refusal(description: "another insitu run (process \(holder)) is writing into \(path); wait for it or give another folder")
            }
            unlink(lockPath)   // left by a run that no longer exists
        }
        throw Refusal(description: "\(path): cannot take \(Self.lockName)")
    }

    /// Whether process `pid` runs: on Linux from /proc (a zombie, killed but not yet reaped, is
    /// not running), elsewhere by signal 0.
    static func isAlive(_ pid: Int32) -> Bool {
        if FileManager.default.fileExists(atPath: "/proc/self/stat") {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
            return state != "Z" && state != "X"
        }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Removes temporary files that a killed run left behind.
    func clearTemporaries() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.contains(AtomicFile.temporaryMarker) || name.hasPrefix(".dat.nosync") {
            try? FileManager.default.removeItem(atPath: file(name))
        }
    }

    func listedInManifest() -> [String] {
        guard let data = FileManager.default.contents(atPath: file(Self.manifestName)),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.files.map(\.name).filter { !$0.contains("..") && !$0.hasPrefix("/") && !$0.hasPrefix(".") }
    }

    /// What a complete run folder holds.
    public struct Manifest: Codable, Equatable {
        public struct Entry: Codable, Equatable {
            public var name: String
            public var bytes: Int
            public var crc32: String
        }
        public var files: [Entry]
        /// The report vocabulary its files follow (absent in folders written before version 2).
        public var schema_version: Int? = ReportSchema.version
    }

    /// Writes manifest.json (last) for the files of the run, then releases the lock.
    public func finish(files names: [String]) throws {
        var entries: [Manifest.Entry] = []
        for name in names.sorted() {
            guard let (bytes, crc) = Self.crc32(file: file(name)) else { continue }
            entries.append(.init(name: name, bytes: bytes, crc32: String(format: "%08x", crc)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(Manifest(files: entries)), to: file(Self.manifestName))
        release()
    }

    /// Removes the lock (once).
    public func release() {
        guard FileManager.default.fileExists(atPath: lockPath),
              let text = try? String(contentsOfFile: lockPath, encoding: .utf8),
              Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) == getpid() else { return }
        unlink(lockPath)
        Interruption.untrack(lockPath)
    }

    /// CRC-32 (zlib's) of `data`.
    /// Size and CRC-32 of a file, read a megabyte at a time (traces can be large); nil if unreadable.
    static func crc32(file path: String) -> (bytes: Int, crc: UInt32)? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var crc: uLong = 0, total = 0
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            crc = buffer.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt(n)) }
            total += n
        }
        return ferror(f) == 0 ? (total, UInt32(crc)) : nil
    }

    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw in
            UInt32(CZlib.crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
        }
    }
}
