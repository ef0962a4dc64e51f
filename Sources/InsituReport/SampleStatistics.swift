/// Mean, sample standard deviation (n - 1; 0 for one value), minimum and maximum of values
/// measured over seeds.
public struct SampleStatistics: Equatable, Sendable {
    public let mean: Double
    public let sd: Double
    public let min: Double
    public let max: Double

    public init(_ values: [Double]) {
        precondition(!values.isEmpty)
        let n = Double(values.count)
        let mu = values.reduce(0, +) / n
        mean = mu
        sd = values.count > 1 ? (values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (n - 1)).squareRoot() : 0
        min = values.min()!
        max = values.max()!
    }
}
