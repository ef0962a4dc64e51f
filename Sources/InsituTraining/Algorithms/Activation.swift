import InsituHardware

/// The hidden layers' nonlinearity: v = gain x I for I > 0, clipped at `clip` (the paper's
/// TIA ReLU, 200 V/A and 0.2 V), or v = `hiddenVolts` / (1 + e^(-k_h I)) (a sigmoid on the
/// digital unit, driven at that fraction of the DAC range); and how the output layer's
/// currents are scored: softmax of k I (cross entropy) or sigmoid of k I (squared error).
public struct Activation: Sendable, Equatable {
    public var gain: Float
    public var clip: Float
    public var outputScalePerAmp: Double
    public var hidden: HiddenActivation = .relu
    /// k_h of the sigmoid, 1/A.
    public var hiddenScalePerAmp: Double = 0
    /// The voltage a sigmoid of 1 drives the next layer at (the DAC's range).
    public var hiddenVolts: Float = 1
    public var output: OutputActivation = .softmax

    public init(gain: Float, clip: Float, outputScalePerAmp: Double) {
        self.gain = gain
        self.clip = clip
        self.outputScalePerAmp = outputScalePerAmp
    }

    /// The activation of a chip's TIAs (or digital sigmoid) with a network's output scoring.
    public init(chip: ChipSpec, network: NetworkSpec) {
        self.init(gain: Float(chip.tia.gainVoltsPerAmp), clip: Float(chip.tia.clipVolts), outputScalePerAmp: network.outputScalePerAmp)
        hidden = network.hidden
        hiddenScalePerAmp = network.hiddenScalePerAmp
        hiddenVolts = Float(chip.dac.rangeVolts)
        output = network.output
    }

    /// A hidden unit's output voltage for current `amps`.
    @inlinable
    public func hiddenOutput(current amps: Float) -> Float {
        switch hidden {
        case .relu: return min(max(gain * amps, 0), clip)
        case .sigmoid: return hiddenVolts * HiddenActivation.logistic(hiddenScalePerAmp * Double(amps))
        }
    }
}
