import InsituHardware

/// The hidden layers' nonlinearity: v = gain x I for I > 0, clipped at `clip` (the paper's
/// TIA ReLU, 200 V/A and 0.2 V), and the softmax scale k of the output layer.
public struct Activation: Sendable, Equatable {
    public var gain: Float
    public var clip: Float
    public var outputScalePerAmp: Double

    public init(gain: Float, clip: Float, outputScalePerAmp: Double) {
        self.gain = gain
        self.clip = clip
        self.outputScalePerAmp = outputScalePerAmp
    }

    /// The activation of a chip's TIAs with a network's softmax scale.
    public init(chip: ChipSpec, network: NetworkSpec) {
        self.init(gain: Float(chip.tia.gainVoltsPerAmp), clip: Float(chip.tia.clipVolts), outputScalePerAmp: network.outputScalePerAmp)
    }
}
