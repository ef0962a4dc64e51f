import Foundation

/// The JSON every report file is written in: pretty-printed with sorted keys, so that the
/// same values give the same bytes.
enum ReportJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}
