import Foundation
import Testing
@testable import InsituData
@testable import InsituTraining

/// IDX files read as streams (inflated and preprocessed piece by piece) give what the whole
/// bytes give, whatever the pieces, and are refused with the whole bytes' messages.
@Suite struct StreamingDataTests {
    /// A folder of its own for a test's files.
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("insitu-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// An IDX file of `count` side x side images with a deterministic pattern.
    static func images(_ count: Int, side: Int) -> [UInt8] {
        let header: [UInt8] = [0, 0, 8, 3] + [count, side, side].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        return header + (0..<(count * side * side)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
    }

    /// The message `read(path:)` gives for `bytes` written to a file, plain and gzip.
    static func messages(_ bytes: [UInt8]) throws -> [String?] {
        let dir = try folder()
        let plain = dir.appendingPathComponent("f")
        try Data(bytes).write(to: plain)
        try Data(HostileDataTests.gzip(bytes)).write(to: dir.appendingPathComponent("f.gz"))
        return ["f", "f.gz"].map { name in
            do { _ = try IDXReader.read(path: dir.appendingPathComponent(name).path); return nil } catch let e as DataError { return e.message } catch { return "\(error)" }
        }
    }

    /// The same bytes inflated one input byte at a time, in 1 MiB pieces and whole give the same output.
    @Test func inflationDoesNotDependOnThePieces() throws {
        let plain = Self.images(300, side: 28)
        let gz = try HostileDataTests.gzip(plain) + HostileDataTests.gzip([1, 2, 3])
        var offset = 0, out: [UInt8] = []
        try Gzip.inflate(limit: 1 << 24, read: { buffer in
            guard offset < gz.count else { return 0 }
            buffer[0] = gz[offset]
            offset += 1
            return 1
        }, write: { out.append(contentsOf: $0) })
        #expect(out == plain + [1, 2, 3])
        guard case .success(let whole) = Gzip.decompress(gz, limit: 1 << 24) else { Issue.record("not read"); return }
        #expect(whole == out)
    }

    /// A file read as a stream is the file parsed whole: plain and gzip, one image to many.
    @Test func streamedFilesAreTheParsedBytes() throws {
        let dir = try Self.folder()
        for count in [1, 7, 2_000] {
            let bytes = Self.images(count, side: 28)
            let parsed = try IDXReader.parse(bytes, file: "x")
            let plain = dir.appendingPathComponent("i\(count)"), gz = dir.appendingPathComponent("i\(count).gz")
            try Data(bytes).write(to: plain)
            try HostileDataTests.gzip(bytes).write(to: gz)
            for url in [plain, gz] {
                let read = try IDXReader.read(path: url.path)
                #expect(read.dimensions == parsed.dimensions && read.bytes == parsed.bytes, "\(url.lastPathComponent)")
            }
        }
    }

    /// A header that arrives a byte at a time is read as one that arrives whole.
    @Test func headerArrivingByteByByte() throws {
        let bytes = Self.images(2, side: 5)
        var parser = IDXReader.HeaderParser(), dimensions: [Int] = [], payload: [UInt8] = []
        for b in bytes {
            try [b].withUnsafeBufferPointer { one in
                let rest = try parser.take(one, file: "x", header: { dimensions = $0 })
                if parser.delivering { payload += rest }
            }
        }
        #expect(dimensions == [2, 5, 5] && parser.total == bytes.count)
        #expect(payload == Array(bytes.dropFirst(16)))
    }

    /// Broken files get the messages the whole bytes get, plain and gzip.
    @Test func streamedFilesAreRefusedAsParsedBytes() throws {
        let good = Self.images(3, side: 4)
        let cases: [[UInt8]] = [
            Array(good.dropLast()),                      // a byte short
            good + [9],                                  // a byte long
            [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3],   // dimensions that overflow
            [0, 0, 8, 2, 0, 0, 0, 3],                    // header cut short
            [0, 0, 8, 0, 1, 2],                          // no dimensions
            [0, 0, 9, 1, 0, 0, 0, 1, 5],                 // not unsigned bytes
            [1, 2, 3, 4, 5],                             // not IDX
            [0, 0],                                      // shorter than a magic number
        ]
        for bytes in cases {
            var expected: String?
            do { _ = try IDXReader.parse(bytes, file: "f"); expected = nil } catch let e as DataError { expected = e.message }
            #expect(expected != nil)
            let got = try Self.messages(bytes)
            #expect(got == [expected, expected], "\(bytes.prefix(8))")
        }
    }

    /// Images preprocessed as their bytes arrive in pieces of any size are the images preprocessed whole.
    @Test func imagesPreprocessedInPiecesAreTheWholeSet() throws {
        let bytes = Self.images(50, side: 28)
        let array = try IDXReader.parse(bytes, file: "i")
        let labels = IDXReader.Array(dimensions: [50], bytes: (0..<50).map { UInt8($0 % 10) })
        for input in [InputSpec(), { var s = InputSpec(); s.cropSide = 22; s.side = 22; return s }()] {
            let whole = try Preprocessing.dataset(images: array, labels: labels, input: input, imagesFile: "i", labelsFile: "l")
            for piece in [1, 3, 783, 784, 785, 10_000] {
                var stream = try ImageStream(dimensions: array.dimensions, labels: labels, input: input, imagesFile: "i", labelsFile: "l")
                array.bytes.withUnsafeBufferPointer { all in
                    var k = 0
                    while k < all.count {
                        stream.take(UnsafeBufferPointer(rebasing: all[k..<min(k + piece, all.count)]))
                        k += piece
                    }
                }
                #expect(stream.dataset == whole, "pieces of \(piece)")
            }
        }
    }

    /// A folder of MNIST files as plain IDX gives the set its gzip files give.
    @Test func mnistFolderReadsPlainAndGzipAlike() throws {
        let dir = try Self.folder(), gzDir = try Self.folder()
        let names = [("train-images-idx3-ubyte", Self.images(40, side: 28)), ("t10k-images-idx3-ubyte", Self.images(12, side: 28)),
                     ("train-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 40] + (0..<40).map { UInt8($0 % 10) }),
                     ("t10k-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 12] + (0..<12).map { UInt8(9 - $0 % 10) })]
        for (name, bytes) in names {
            try Data(bytes).write(to: dir.appendingPathComponent(name))
            try HostileDataTests.gzip(bytes).write(to: gzDir.appendingPathComponent(name + ".gz"))
        }
        let plain = try MNIST.load(folder: dir.path, input: InputSpec()), gz = try MNIST.load(folder: gzDir.path, input: InputSpec())
        #expect(plain.train == gz.train && plain.test == gz.test)
        #expect(plain.train.count == 40 && plain.test.count == 12 && plain.train.side == 8)
        let expected = try Preprocessing.dataset(images: IDXReader.parse(names[0].1, file: "i"),
                                                 labels: IDXReader.parse(names[2].1, file: "l"), input: InputSpec(),
                                                 imagesFile: "i", labelsFile: "l")
        #expect(plain.train == expected)
    }
}
