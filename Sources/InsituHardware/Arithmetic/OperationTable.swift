/// Energy and area of digital arithmetic by number format and process node: the one
/// table every accelerator prices arithmetic from, so that the crossbar chip's digital
/// unit and a digital baseline pay the same for the same operation.
///
/// Figures are Horowitz, ISSCC 2014 (45 nm, 0.9 V); bf16 is derived (see docs/model.md);
/// other nodes scale energy and area by the factors of `TechnologyNode`.
public struct OperationTable: Sendable, Equatable {
    public var node: TechnologyNode
    public init(node: TechnologyNode) { self.node = node }

    /// Energy of one multiplication with operands in `format`, joules.
    public func multiplyJoules(_ format: NumberFormat) -> Double {
        let pJ45: Double = switch format {
        case .int8: 0.2
        case .int32: 3.1
        case .fp16: 1.1
        case .fp32: 3.7
        // bfloat16: an 8 x 8-bit significand product against fp16's 11 x 11: energy scaled by (8/11)^2.
        case .bf16: 1.1 * (8.0 * 8.0) / (11.0 * 11.0)
        }
        return pJ45 * 1e-12 * node.energyFactor
    }

    /// Energy of one addition in `format`, joules.
    public func addJoules(_ format: NumberFormat) -> Double {
        let pJ45: Double = switch format {
        case .int8: 0.03
        case .int32: 0.1
        case .fp16: 0.4
        case .fp32: 0.9
        // bfloat16: alignment and rounding as for fp16, a shorter significand; taken equal to fp16.
        case .bf16: 0.4
        }
        return pJ45 * 1e-12 * node.energyFactor
    }

    /// One multiply-accumulate: a product of `operand`s added into an `accumulator`.
    public func macJoules(operand: NumberFormat, accumulator: NumberFormat) -> Double {
        multiplyJoules(operand) + addJoules(accumulator)
    }
}

/// A CMOS process node with energy and area factors relative to 45 nm
/// (hwcomponents techscaling: x0.659 / x0.294 / x0.139 energy, x0.46 / x0.25 / x0.17 area).
public enum TechnologyNode: Int, Sendable, CaseIterable, Equatable {
    case nm45 = 45, nm32 = 32, nm22 = 22, nm14 = 14

    public var nanometres: Int { rawValue }

    public var energyFactor: Double {
        switch self {
        case .nm45: 1
        case .nm32: 0.659
        case .nm22: 0.294
        case .nm14: 0.139
        }
    }

    public var areaFactor: Double {
        switch self {
        case .nm45: 1
        case .nm32: 0.46
        case .nm22: 0.25
        case .nm14: 0.17
        }
    }
}
