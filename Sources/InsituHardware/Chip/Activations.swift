import Foundation

/// The nonlinearity of the hidden layers.
public enum HiddenActivation: String, Sendable, CaseIterable, Equatable {
    /// The paper's TIA ReLU, clipped: v = min(max(gain I, 0), clip), in the analog TIA or on the digital unit.
    case relu
    /// 1 / (1 + e^(-k_h I)) on the digital unit after the ADC (MLP+NeuroSim's neurons), driven
    /// to the next layer as that fraction of the DAC's range.
    case sigmoid

    /// The logistic function, in double precision and rounded once (the same on every machine).
    @inlinable
    public static func logistic(_ x: Double) -> Float { Float(1 / (1 + exp(-x))) }
}

/// How the output layer's currents become the loss.
public enum OutputActivation: String, Sendable, CaseIterable, Equatable {
    /// Cross entropy of the softmax of k I (the paper).
    case softmax
    /// Squared error of 1 / (1 + e^(-k I)) against the one-hot label (MLP+NeuroSim).
    case sigmoid
}
