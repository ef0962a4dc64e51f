/// A data file that cannot be used, with the file and what was expected.
public struct DataError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): error: \(message)" }
}
