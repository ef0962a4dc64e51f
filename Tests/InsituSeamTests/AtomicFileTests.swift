import Foundation
import Testing
@testable import InsituReport

/// Whole files or none, and failures that name the file and the system's reason.
@Suite struct AtomicFileTests {
    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("insitu-af-\(UUID().uuidString)").path }

    @Test func failedWritesNameTheFileAndTheReason() throws {
        let dir = Self.folder()
        try FileManager.default.createDirectory(atPath: dir + "/report.json/inside", withIntermediateDirectories: true)
        #expect {
            try AtomicFile.write("{}", to: dir + "/report.json")
        } throws: { error in
            "\(error)" == "cannot write \(dir)/report.json: Is a directory"
        }
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        #expect {
            try AtomicFile.write("{}", to: dir + "/file/report.json")
        } throws: { error in
            "\(error)".hasPrefix("cannot write \(dir)/file/report.json: cannot create its folder")
        }
        // Nothing half-written is left beside the target.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["file", "report.json"])
    }

    /// A link planted under the temporary's name is replaced, not written through.
    @Test func aPlantedTemporaryLinkIsNotFollowed() throws {
        let dir = Self.folder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "precious".write(toFile: dir + "/victim", atomically: false, encoding: .utf8)
        // The next writes' temporaries (other tests of this process may write in between).
        let next = AtomicFile.nextWrite()
        for k in (next + 1)...(next + 200) {
            try FileManager.default.createSymbolicLink(atPath: dir + "/.report.json" + AtomicFile.temporaryMarker + "\(getpid())-\(k)", withDestinationPath: dir + "/victim")
        }
        try AtomicFile.write("{}", to: dir + "/report.json")
        #expect(try String(contentsOfFile: dir + "/victim", encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: dir + "/report.json", encoding: .utf8) == "{}")
    }

    /// Of many threads creating one file at once, exactly one creates it, and it is whole.
    @Test func exclusiveCreationHasOneWinner() throws {
        for round in 0..<20 {
            let path = Self.folder() + "/spec.json"
            let winners = Counter()
            DispatchQueue.concurrentPerform(iterations: 8) { k in
                if (try? AtomicFile.create(Data("writer \(k) round \(round)".utf8), at: path)) == true { winners.add() }
            }
            #expect(winners.value == 1)
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("writer "))
        }
    }

    /// A data folder whose files are links to a shared copy: the fingerprint follows the links,
    /// so it changes when the linked data do.
    @Test func dataFingerprintsFollowLinks() throws {
        let shared = Self.folder(), data = Self.folder()
        for dir in [shared, data] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try "images v1".write(toFile: shared + "/train-images", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: data + "/train-images", withDestinationPath: shared + "/train-images")
        let before = Fingerprint.folder(data)
        try "images v2".write(toFile: shared + "/train-images", atomically: false, encoding: .utf8)
        #expect(Fingerprint.folder(data) != before)
        #expect(before != Fingerprint.of([String]()))
    }

    /// Threads creating one subfolder at once (a sweep's points/, by two point runs): none fails.
    @Test func racingSubfoldersAllSucceed() throws {
        for _ in 0..<50 {
            let dir = Self.folder()
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { try RunFolder.subfolder(dir + "/points") } catch { failures.add() }
            }
            #expect(failures.value == 0)
        }
    }

    /// Threads racing for one folder lock, many times: never two holders at once.
    @Test func aFolderLockHasOneHolderAtATime() throws {
        let dir = Self.folder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let holders = Counter(), most = Counter(), taken = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 {
                guard let lock = try? FolderLock(path: dir + "/.insitu.lock", shared: false, folder: dir) else { continue }
                taken.add()
                most.raise(to: holders.add())
                usleep(50)
                holders.subtract()
                lock.release()
            }
        }
        #expect(most.value == 1)
        #expect(taken.value > 0)
        // Shared holders coexist; an exclusive taker is refused while they hold it, naming them.
        let a = try FolderLock(path: dir + "/.insitu.lock", shared: true, folder: dir)
        let b = try FolderLock(path: dir + "/.insitu.lock", shared: true, folder: dir)
        #expect(throws: FolderLock.Refusal.self) { try FolderLock(path: dir + "/.insitu.lock", shared: false, folder: dir) }
        a.release()
        b.release()
        #expect((try? FolderLock(path: dir + "/.insitu.lock", shared: false, folder: dir)) != nil)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var value = 0
        @discardableResult func add() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
        func subtract() { lock.lock(); value -= 1; lock.unlock() }
        func raise(to v: Int) { lock.lock(); value = max(value, v); lock.unlock() }
    }
}
