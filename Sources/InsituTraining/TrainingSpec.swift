import Foundation

/// How a run trains and tests: the algorithm, its schedule and its free parameters.
public struct TrainingSpec: Sendable, Equatable {
    /// A training method's name, as arch files give it in `training.method`; the methods
    /// themselves are in `TrainingMethods`.
    public struct Method: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        /// Train on the chip: forward on the crossbars, update by pulses, read back (Li 2018).
        public static let inSitu: Method = "in-situ"
        /// Train a floating-point copy, then program the weights once.
        public static let exSitu: Method = "ex-situ"
        /// Floating-point training only (the paper's TensorFlow line).
        public static let float: Method = "float"
        /// In-situ training whose steps gather in digital accumulators until they reach a device step (Nandakumar 2020).
        public static let mixedPrecision: Method = "mixed-precision"
        /// In-situ training by stochastic pulse trains whose coincidences step the devices, the whole array at once (Gokmen and Vlasov 2016).
        public static let stochasticUpdate: Method = "stochastic-update"
        /// Two arrays per layer: gradient steps on A, A's rows read and moved into C in turn (Gokmen and Haensch 2020).
        public static let tikiTaka: Method = "tiki-taka"
        /// Tiki-Taka with a digital low-pass buffer between A and C (Gokmen 2021).
        public static let tikiTaka2: Method = "tiki-taka-2"
        /// The float line's SGD on a digital accelerator, in its number formats (a design with `digital_chip`).
        public static let digital: Method = "digital"
    }

    /// How ex-situ training maps a weight onto a differential pair.
    public enum ExSituMapping: String, Sendable, CaseIterable {
        /// G+/- = Gmid +/- w / 2 (the paper's mapping).
        case middle
        /// G+ = Gmin + relu(w), G- = Gmin + relu(-w).
        case minimum
    }

    /// Where in-situ training takes the weights that backpropagation uses.
    public enum Readback: String, Sendable, CaseIterable {
        /// Read every device back after every update (Li 2018).
        case everyUpdate = "every-update"
        /// Never read back: the controller's states, each device at its state's nominal
        /// conductance (MLP+NeuroSim, which takes each weight from its conductance for free).
        case never
    }

    public var method: Method = .inSitu
    public var readback: Readback = .everyUpdate
    public var batchSize = 50
    public var images = 80_000
    /// Per-layer learning rate in V^2 (gate-voltage space: dVg = -eta x slope x dL/dW).
    public var learningRatesVoltsSquared = [0.05, 0.05]
    /// Step decay of the learning rates: every `learningRateDecayEvery` training images the
    /// rates are multiplied by `learningRateDecay` (1: constant rates).
    public var learningRateDecay = 1.0
    public var learningRateDecayEvery = Int.max
    /// Test-set evaluations every this many training images (0: only at the end).
    public var evaluationInterval = 8_000
    /// How many test images each evaluation uses (0: all).
    public var testImages = 0
    /// Mean and spread (standard deviation) of the initial gate voltages.
    public var initialGateVolts = 1.0
    public var initialGateSpreadVolts = 0.05
    public var exSituMapping: ExSituMapping = .middle
    /// The state step a device takes per pulse in the methods that count pulses (`DeviceStep`),
    /// in state units (nil: one pulse of each direction of a pulse-programmed device).
    public var deviceStep: Double?
    /// Tiki-Taka's transfer: A's factor in the weight (gamma), updates between transfers, the
    /// fraction of A's read weight moved into C, and inputs per transfer (nil: `TransferSpec`'s defaults).
    public var transfer: TransferSpec?
    /// Pulse slots of the stochastic update's trains (BL; nil: `StochasticUpdate.defaultTrainLength`).
    public var pulseTrainLength: Int?
    public var seed: UInt64 = 1
    public init() {}

    /// The factor on the learning rates of an update made after `images` training images:
    /// decay^floor(images / every).
    public func learningRateFactor(after images: Int) -> Double {
        learningRateDecay == 1 ? 1 : pow(learningRateDecay, Double(images / learningRateDecayEvery))
    }
}

/// Tiki-Taka's transfer settings (`training.transfer_*`); the defaults are the best of a scan
/// on arch/li2018-agsi.yaml (docs/model.md).
public struct TransferSpec: Sendable, Equatable {
    /// A's factor in the weight, w = gamma (A+ - A-) + (C+ - C-).
    public var gamma = 0.5
    /// Updates between transfers.
    public var interval = 1
    /// The fraction of A's read weight moved into C per transfer.
    public var rate = 0.02
    /// Inputs (rows of A) read and moved per transfer.
    public var rows = 4
    public init() {}
}
