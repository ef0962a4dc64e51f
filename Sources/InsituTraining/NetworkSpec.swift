/// The network a chip trains: layer widths and the output scaling of the softmax.
public struct NetworkSpec: Sendable, Equatable {
    /// Widths from input to output, e.g. [64, 54, 10]; no biases.
    public var layers = [64, 54, 10]
    /// k of the softmax of k x I (the paper: 5e5 1/A).
    public var outputScalePerAmp = 5e5
    public init() {}

    /// Weights in all layers.
    public var weightCount: Int { zip(layers, layers.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }
    /// Devices: two per weight (differential pairs).
    public var deviceCount: Int { 2 * weightCount }
}
