import Foundation
import InsituReport
import InsituTraining

/// checkpoint.json: the run's state sealed with a CRC-32 over its bytes, so that a damaged
/// file (a flipped bit, a cut) is refused instead of trusted.
enum CheckpointFile {
    struct Sealed: Codable {
        var crc32: String
        /// The checkpoint's own JSON (base64 in the file).
        var checkpoint: Data
    }

    static func encode(_ c: RunCheckpoint) throws -> Data {
        let body = try JSONEncoder().encode(c)
        return try JSONEncoder().encode(Sealed(crc32: RunFolder.hex(RunFolder.crc32(body)), checkpoint: body))
    }

    /// The checkpoint, or nil when the file is not a sealed checkpoint or its checksum does not match.
    static func decode(_ data: Data) -> RunCheckpoint? {
        guard let sealed = try? JSONDecoder().decode(Sealed.self, from: data),
              sealed.crc32 == RunFolder.hex(RunFolder.crc32(sealed.checkpoint)) else { return nil }
        return try? JSONDecoder().decode(RunCheckpoint.self, from: sealed.checkpoint)
    }
}
