import InsituEngine
import InsituHardware

/// A digital training accelerator as its arch file describes it: a grid of MAC units on a
/// clock, a vector unit for element-wise work, an on-chip SRAM in banks and DRAM behind it,
/// with a number format per tensor. Energies of arithmetic come from the shared
/// `OperationTable` at `node`, SRAM access energy from `SRAMTable`.
public struct DigitalChipSpec: Sendable, Equatable {
    public var node = TechnologyNode.nm32
    public var clockHertz = 1e9
    public var array = MACArraySpec()
    public var formats = TensorFormats()
    /// Pipeline-register energy per bit a MAC moves (operand in, partial sum on).
    public var registerJoulesPerBit = 0.009e-12
    public var vector = VectorUnitSpec()
    public var sram = SRAMSpec()
    public var dram = DRAMSpec()
    public init() {}

    /// The arithmetic table at this design's node.
    public var operations: OperationTable { OperationTable(node: node) }

    /// Energy of one MAC on the array: the product of the widest operand format added into
    /// the accumulator, plus the pipeline registers it clocks.
    public var macJoules: Double {
        operations.macJoules(operand: formats.operand, accumulator: formats.accumulator)
            + registerJoulesPerBit * Double(formats.operand.bits + formats.accumulator.bits)
    }
}

/// The MAC grid: `rows` x `columns` processing elements.
public struct MACArraySpec: Sendable, Equatable {
    public enum Dataflow: String, Sendable, CaseIterable {
        /// A systolic array holding a weight tile per fold while inputs stream through (TPU-style).
        case weightStationary = "weight-stationary"
        /// Independent lanes, rows x columns MACs a cycle, no fill or drain.
        case simd
    }
    public var rows = 16
    public var columns = 16
    public var dataflow = Dataflow.weightStationary
    /// Words of accumulator memory at the array's outputs (TPU-style; 0: none), where a
    /// column fold's partial sums stay between row folds instead of crossing the SRAM.
    public var accumulators = 0
    public var leakageWatts = 0.0
    /// Area of one processing element, square metres.
    public var peAreaSquareMetres = 0.0
    public init() {}
    public var processingElements: Int { rows * columns }
}

/// Number formats of the tensors a training step touches.
public struct TensorFormats: Sendable, Equatable {
    public var weights = NumberFormat.fp16
    public var activations = NumberFormat.fp16
    public var errors = NumberFormat.fp16
    public var gradients = NumberFormat.fp32
    /// Optimizer state: the master copy of the weights that SGD updates.
    public var master = NumberFormat.fp32
    public var accumulator = NumberFormat.fp32
    public init() {}

    /// The widest format among the MAC operands (weights, activations, errors): what a multiplier is built for.
    public var operand: NumberFormat {
        [weights, activations, errors].max { $0.bits < $1.bits } ?? weights
    }
}

/// Element-wise unit: activations, softmax, masks and the SGD step.
public struct VectorUnitSpec: Sendable, Equatable {
    public var lanes = 16
    /// Format of the element-wise arithmetic (softmax, activation, SGD step).
    public var format = NumberFormat.fp32
    public var expJoules = 5e-12
    public var expCycles = 8
    public var leakageWatts = 0.0
    public var areaSquareMetres = 0.0
    public init() {}
}

/// On-chip SRAM: `banks` banks of capacity / banks, each moving `bitsPerCycle` a cycle.
public struct SRAMSpec: Sendable, Equatable {
    public var capacityBytes = 256 * 1024
    public var banks = 4
    public var bitsPerCycle = 64
    public var clockHertz = 1e9
    public var latency = SimTime(picoseconds: 2_000)
    public var leakageWatts = 0.0
    public var areaSquareMetres = 0.0
    public init() {}

    /// Access energy per bit; arch files set it from `SRAMTable` at the capacity of one bank
    /// (a smaller bank is cheaper per access).
    public var joulesPerBit = SRAMTable.joulesPerBit(capacityBytes: 64 * 1024)!
    public var capacityBits: Int { capacityBytes * 8 }
}

/// Off-chip DRAM: energy per bit moved, a port of `bitsPerCycle` at `clockHertz`, access latency.
public struct DRAMSpec: Sendable, Equatable {
    public var joulesPerBit = 8e-12
    public var bitsPerCycle = 32
    public var clockHertz = 3.2e9
    public var latency = SimTime(picoseconds: 100_000)
    /// Background power of the device (refresh, I/O idle).
    public var leakageWatts = 0.0
    public init() {}
}
