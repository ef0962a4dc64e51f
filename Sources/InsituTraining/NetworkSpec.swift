import InsituHardware

/// The network a chip trains: layer widths and the output scaling of the softmax.
public struct NetworkSpec: Sendable, Equatable {
    /// Widths from input to output, e.g. [64, 54, 10]; no biases.
    public var layers = [64, 54, 10]
    /// k of the softmax (or sigmoid) of k x I (the paper: 5e5 1/A).
    public var outputScalePerAmp = 5e5
    /// The hidden layers' nonlinearity, and k_h of a sigmoid's k_h x I (1/A).
    public var hidden = HiddenActivation.relu
    public var hiddenScalePerAmp = 0.0
    /// How the output currents are scored.
    public var output = OutputActivation.softmax
    public init() {}

    /// Weights in all layers.
    public var weightCount: Int { zip(layers, layers.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }
}
