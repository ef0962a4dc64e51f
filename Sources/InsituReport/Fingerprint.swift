import CZlib
import Foundation

/// A fingerprint of what a result depends on (the resolved design, the data's bytes, the
/// options), recorded beside a checkpoint, a sweep and each of its points and checked before
/// a resume or a merge, so results of two designs are never mixed: CRC-32 and Adler-32 of
/// the text (64 bits) and its length.
public enum Fingerprint {
    public static func of(_ parts: [Data]) -> String {
        var crc: uLong = 0, adler: uLong = CZlib.adler32(0, nil, 0), length = 0
        for part in parts + [Data("|".utf8)] {
            // Each part is followed by its length, so parts cannot run into each other.
            for chunk in [part, Data("|\(part.count)|".utf8)] {
                chunk.withUnsafeBytes { raw in
                    let p = raw.bindMemory(to: Bytef.self).baseAddress
                    crc = CZlib.crc32(crc, p, uInt(raw.count))
                    adler = CZlib.adler32(adler, p, uInt(raw.count))
                }
                length += chunk.count
            }
        }
        return String(format: "%08x%08x-%d", UInt32(crc), UInt32(adler), length)
    }

    public static func of(_ texts: [String]) -> String { of([], texts) }

    /// Resolved designs (JSON) followed by options as text.
    public static func of(_ designs: [Data], _ options: [String]) -> String { of(designs + options.map { Data($0.utf8) }) }

    /// The regular files directly inside `folder`, by name, size and content (a data folder).
    public static func folder(_ folder: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var parts: [String] = []
        // Regular files, through links (data folders are often links to a shared copy).
        for name in names where !name.hasPrefix(".") {
            guard let (bytes, crc) = RunFolder.crc32(file: URL(fileURLWithPath: folder).appendingPathComponent(name).path, followingLinks: true) else { continue }
            parts.append("\(name):\(bytes):\(crc)")
        }
        return of(parts)
    }
}
