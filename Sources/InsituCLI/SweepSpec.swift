import Foundation
import InsituArchFile
import InsituReport

extension SweepCommand {
    /// What a sweep folder records of its sweep, so that a resume or a merge runs the same one.
    struct Spec: Codable, Equatable {
        var arch: String
        var plan: SweepPlan
        var overrides: [String]
        var images: Int?
        var dataset: String
        var data: String?
        /// The seeds every point trains with (nil: the arch file's seed, one run per point).
        var seeds: [UInt64]?
        /// The resolved design (the arch file, what it extends, the --set overrides), the data's
        /// bytes and the images: a sweep resumed or merged after any of them changed is refused.
        var fingerprint: String
    }

    /// Why sweep-spec.json was refused although it is JSON.
    struct SpecDamaged: Error, CustomStringConvertible {
        let description: String
    }
}

extension SweepCommand.Spec {
    /// sweep-spec.json: the spec with a CRC-32 over its canonical JSON, so that a damaged file
    /// (a changed digit in a value, say) is refused instead of labelling rows with wrong values.
    struct Sealed: Codable {
        var crc32: String
        var spec: SweepCommand.Spec
    }

    static func canonical(_ spec: Self) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(spec)
    }

    func sealed() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Sealed(crc32: RunFolder.hex(RunFolder.crc32(Self.canonical(self))), spec: self))
    }

    /// The spec of a sealed sweep-spec.json; throws when it does not decode, its plan fails the
    /// checks a plan from --vary passes, or its checksum does not match.
    init(sealed data: Data) throws {
        let file = try JSONDecoder().decode(Sealed.self, from: data)
        guard file.crc32 == RunFolder.hex(RunFolder.crc32(try Self.canonical(file.spec))) else {
            throw SweepCommand.SpecDamaged(description: "its checksum does not match its content")
        }
        self = file.spec
    }
}
