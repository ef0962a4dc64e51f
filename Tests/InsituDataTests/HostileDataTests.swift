import Foundation
import Testing
@testable import InsituData
@testable import InsituTraining

/// Data files written to hurt: every one ends in a `DataError`, quickly and in little memory.
@Suite struct HostileDataTests {
    /// Three dimensions of 0xFFFFFFFF would overflow a product; they are refused as they are multiplied.
    @Test func hugeDimensionsAreRefused() {
        let header: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3]
        #expect(throws: DataError.self) { try IDXReader.parse(header, file: "x") }
        do { _ = try IDXReader.parse(header, file: "x") } catch let e as DataError {
            #expect(e.message.contains("more than the file's"))
        } catch { Issue.record("wrong error") }
    }

    @Test func emptySetsAreRefused() throws {
        let images = IDXReader.Array(dimensions: [0, 28, 28], bytes: [])
        let labels = IDXReader.Array(dimensions: [0], bytes: [])
        do {
            _ = try Preprocessing.dataset(images: images, labels: labels, input: InputSpec(), imagesFile: "i", labelsFile: "l")
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.message.contains("no images"))
        }
    }

    static func gzip(_ bytes: [UInt8]) throws -> Data {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plain = dir.appendingPathComponent("a")
        try Data(bytes).write(to: plain)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-kf", plain.path]
        try p.run()
        p.waitUntilExit()
        return try Data(contentsOf: dir.appendingPathComponent("a.gz"))
    }

    /// Concatenated gzip members are one file (RFC 1952): both are read.
    @Test func multiMemberGzipIsRead() throws {
        let first: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 4, 1, 2], second: [UInt8] = [3, 4]
        let data = try Self.gzip(first) + Self.gzip(second)
        guard case .success(let plain) = Gzip.decompress(data, limit: 1 << 20) else { Issue.record("not read"); return }
        #expect([UInt8](plain) == first + second)
        #expect(try IDXReader.parse([UInt8](plain), file: "x").bytes == [1, 2, 3, 4])
    }

    /// A stream that inflates past the limit stops there instead of filling memory.
    @Test func inflationIsBounded() throws {
        let bomb = try Self.gzip([UInt8](repeating: 0, count: 8 << 20))
        #expect(bomb.count < 100_000)
        guard case .failure(let problem) = Gzip.decompress(bomb, limit: 1 << 20) else { Issue.record("not bounded"); return }
        #expect(problem.description.contains("more than 1048576 bytes"))
        guard case .failure(let truncated) = Gzip.decompress(bomb.prefix(bomb.count / 2), limit: 64 << 20) else {
            Issue.record("truncated stream read"); return
        }
        #expect(truncated.description.contains("corrupt"))
    }
}
