/// Errors the engine reports instead of producing a wrong schedule.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    /// Simulated time would pass 2^64 - 1 picoseconds.
    case timeOverflow(String)
    /// A duration that is negative, NaN or infinite.
    case invalidDuration(Double)
    /// An event addressed to an entity that was never added.
    case unknownEntity(Int)
    /// A clock frequency that is zero or not representable.
    case invalidFrequency(String)

    public var description: String {
        switch self {
        case .timeOverflow(let what):
            return "simulated time overflows 2^64 ps (about 213 days) at \(what); the run would take the chip longer than insitu can count: train on fewer images (training.images) or with shorter pulses"
        case .invalidDuration(let s): return "invalid duration \(s) s (must be finite and non-negative)"
        case .unknownEntity(let id): return "event for unknown entity \(id)"
        case .invalidFrequency(let f): return "invalid clock frequency \(f)"
        }
    }
}
