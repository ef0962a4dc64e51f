/// The phases of training a ledger charges to, with NeuroSim V2's names where they match.
public enum Phase: Int, CaseIterable, Sendable, Comparable, Codable {
    /// Initial programming of the devices and the one-off programming of ex-situ weights.
    case program
    case forward
    /// Output error and hidden error from read-back weights (NeuroSim: activation gradient).
    case backward
    /// Weight gradients over the batch (NeuroSim: weight gradient).
    case gradient
    /// Gate-voltage arithmetic and RESET/SET pulses (NeuroSim: weight update).
    case update
    /// Row-by-row conductance read-back.
    case readout
    /// Evaluation on the test set.
    case test

    public var name: String {
        switch self {
        case .program: "program"
        case .forward: "forward"
        case .backward: "backward"
        case .gradient: "gradient"
        case .update: "update"
        case .readout: "readout"
        case .test: "test"
        }
    }

    /// NeuroSim V2's column name for this phase, where one matches.
    public var neuroSimName: String? {
        switch self {
        case .forward: "forward"
        case .backward: "activation gradient"
        case .gradient: "weight gradient"
        case .update: "weight update"
        default: nil
        }
    }

    public static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
}
