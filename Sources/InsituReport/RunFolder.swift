import CZlib
import Foundation

/// An output folder that cannot mix or lose runs: a lock while a run writes, refusal of a
/// folder that holds another run (unless forced, which removes that run's files), removal
/// of temporary files a killed run left, and a manifest written last that lists every file
/// of the run with its size and CRC-32, so a complete folder is recognisable.
public final class RunFolder {
    public let path: String
    var lock: FolderLock?

    /// Why a folder cannot be used.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    public static let manifestName = "manifest.json"
    public static let lockName = ".insitu.lock"
    /// Files a run of any command writes (and a forced re-run removes when the old manifest is
    /// missing): train's, compare's, the seeds', a sweep's and the experiments'.
    public static let runFiles = ["report.json", "ledger.json", "costs.csv", "phases.csv", "components.csv", "layers.csv", "curve.csv",
                                  "trace.json", "trace.json.gz", "trace.vcd", "compare.json", "compare.csv", "report.html", "seeds.json",
                                  "seeds.csv", "checkpoint.json", fingerprintName, "sweep-spec.json", "sweep.csv", "sweep.json", "sweep.sbatch",
                                  "points", "calibration.csv", manifestName]
    /// What a checkpointed run records of its design and options before its first checkpoint.
    public static let fingerprintName = ".insitu-fingerprint"
    /// A sweep's own files: a sweep run again into its folder resumes among them.
    public static let sweepFiles: Set<String> = ["sweep-spec.json", "sweep.csv", "sweep.json", "sweep.sbatch", "points", "report.html"]

    /// Takes `path` for a run: creates it, locks it, and refuses it if it holds another run
    /// (with `force`, that run's files are removed first).
    /// With `resuming`, files already there are the interrupted run's own and are kept.
    /// `own` names the files a command keeps between its runs (a sweep's spec, table and
    /// points): they are not another run's. A `shared` lock lets the shards of one sweep in together.
    public init(_ path: String, force: Bool, resuming: Bool = false, shared: Bool = false, own: Set<String> = []) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Refusal(description: "\(path) is a file; give a folder for the run's outputs")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Refusal(description: "\(path): cannot create the folder (is a parent a file, or not writable?)")
        }
        do {
            lock = try FolderLock(path: file(Self.lockName), shared: shared, folder: path)
        } catch let refusal as FolderLock.Refusal {
            throw Refusal(description: refusal.description)
        }
        do {
            try clearTemporaries(shared: shared)
            let earlier = Self.runFiles.filter { !own.contains($0) && FileManager.default.fileExists(atPath: self.file($0)) }
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

    /// Removes temporary files that a killed run left behind.
    func clearTemporaries(shared: Bool) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where Self.isLeftBehind(name, shared: shared) {
            try? FileManager.default.removeItem(atPath: file(name))
        }
    }

    /// Whether `name` is a temporary a killed run left. Under an exclusive lock every temporary
    /// is; under a shared one (a sweep's shards) only one whose writer (the process id in its
    /// name) is gone, so a shard never removes a file another shard is writing.
    public static func isLeftBehind(_ name: String, shared: Bool) -> Bool {
        if name.hasPrefix(".dat.nosync") { return !shared }
        guard let marker = name.range(of: AtomicFile.temporaryMarker) else { return false }
        guard shared else { return true }
        guard let pid = Int32(name[marker.upperBound...].prefix { $0 != "-" }) else { return true }
        return pid != getpid() && kill(pid, 0) != 0 && errno != EPERM
    }

    func listedInManifest() -> [String] {
        (Self.manifest(in: path)?.files ?? []).filter { $0.staysInside && !$0.name.hasPrefix(".") }.map(\.name)
    }

    /// The manifest of `folder`, if it reads.
    static func manifest(in folder: String) -> Manifest? {
        FileManager.default.contents(atPath: URL(fileURLWithPath: folder).appendingPathComponent(manifestName).path)
            .flatMap { try? JSONDecoder().decode(Manifest.self, from: $0) }
    }

    /// What a complete run folder holds.
    public struct Manifest: Codable, Equatable {
        public struct Entry: Codable, Equatable {
            public var name: String
            public var bytes: Int
            public var crc32: String
            /// Whether the name stays inside the folder (no "..", not absolute).
            var staysInside: Bool { !name.contains("..") && !name.hasPrefix("/") }
        }
        public var files: [Entry]
        /// The fingerprint of the resolved design, data and options the run depended on.
        public var fingerprint: String?
        /// The report vocabulary its files follow (absent in folders written before version 2).
        public var schema_version: Int? = ReportSchema.version
    }

    /// Writes manifest.json (last) for the files of the run, then releases the lock.
    public func finish(files names: [String], fingerprint: String? = nil) throws {
        try Self.writeManifest(in: path, files: names, fingerprint: fingerprint)
        release()
    }

    /// Writes `folder`/manifest.json listing `names` (those that exist) with their sizes and
    /// CRC-32s, and the fingerprint of what the run depended on.
    public static func writeManifest(in folder: String, files names: [String], fingerprint: String? = nil) throws {
        let at = { (name: String) in URL(fileURLWithPath: folder).appendingPathComponent(name).path }
        var entries: [Manifest.Entry] = []
        for name in names.sorted() {
            guard let (bytes, crc) = crc32(file: at(name)) else { continue }
            entries.append(.init(name: name, bytes: bytes, crc32: hex(crc)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(Manifest(files: entries, fingerprint: fingerprint)), to: at(manifestName))
    }

    /// Whether `folder` is complete: its manifest.json reads, lists `required`, and every file
    /// it lists has its recorded size and CRC-32 (a damaged or half-copied folder is not).
    public static func isComplete(_ folder: String, requiring required: [String]) -> Bool {
        let at = { (name: String) in URL(fileURLWithPath: folder).appendingPathComponent(name).path }
        guard let manifest = manifest(in: folder), Set(required).isSubset(of: manifest.files.map(\.name)) else { return false }
        return manifest.files.allSatisfy { e in
            e.staysInside && crc32(file: at(e.name)).map { $0.bytes == e.bytes && hex($0.crc) == e.crc32 } == true
        }
    }

    /// Creates the folder `path` below a run's folder, refusing one that is a symbolic link (or
    /// a file): every file of a run stays inside the folder asked for.
    public static func subfolder(_ path: String) throws {
        // mkdir(2) itself, so that of two threads creating it at once the loser finds it made (EEXIST), then checks what is there.
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Refusal(description: "\(path): cannot create the folder: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw Refusal(description: "\(path): cannot create the folder: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let what = info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a folder"
            throw Refusal(description: "\(path) is \(what); every file of a run stays inside the folder asked for: remove it, or give another folder")
        }
    }

    /// Releases the lock (once).
    public func release() { lock?.release() }

    /// Size and CRC-32 of a file, read a megabyte at a time (traces can be large); nil if unreadable.
    /// Only a regular file counts (not a FIFO or a device, which could be endless), and not a
    /// link unless `followingLinks` (a run's files are never links; a data folder's may be).
    static func crc32(file path: String, followingLinks: Bool = false) -> (bytes: Int, crc: UInt32)? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0, info.st_mode & S_IFMT == S_IFREG,
              let f = fopen(path, "rb") else { return nil }
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

    /// A CRC-32 as files record it: eight hex digits.
    public static func hex(_ crc: UInt32) -> String { String(format: "%08x", crc) }

    /// CRC-32 (zlib's) of `data`.
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw in
            UInt32(CZlib.crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
        }
    }
}
