import InsituDevices
import InsituEngine
import InsituHardware

/// Stochastic pulse outer-product update (Gokmen and Vlasov, Front. Neurosci. 10:333, 2016):
/// for one image, every row i of a layer fires a train of BL pulse slots, each slot a pulse
/// with probability p_i = c_x |x_i|, and every column j one with q_j = c_d |delta_j| / step_j;
/// where a row's and a column's pulses coincide the device takes one step of its direction
/// (-sign(x_i delta_j)), so that its expected change is BL p_i q_j step_j = eta_l x slope x
/// |x_i delta_j|, the paper's step. c_x and c_d balance the largest probabilities of rows and
/// columns (update management, as aihwkit's default); probabilities are clipped to 1. The whole
/// array updates at once on the tiles' pulse generators (`Chip.programInParallel`).
public final class StochasticUpdate: OuterProductRule {
    /// aihwkit's default train length (PulsedUpdateParameters.desired_bl).
    public static let defaultTrainLength = 31
    /// A train is the bits of one 64-bit word.
    public static let maximumTrainLength = 64

    public let learningRates: [Double]
    public let trainLength: Int
    /// The state step of one coincidence upward and downward (one pulse of a pulsed device).
    public let upStep: Double
    public let downStep: Double
    public let widths: [Int]
    private var rng: RandomStream
    /// Coincidences (device steps) of the last update, over all layers.
    public private(set) var lastCoincidences = 0

    public init(learningRates: [Double], trainLength: Int, upStep: Double, downStep: Double, widths: [Int], seed: UInt64) {
        precondition(trainLength >= 1 && trainLength <= Self.maximumTrainLength && upStep > 0 && downStep > 0)
        self.learningRates = learningRates
        self.trainLength = trainLength
        self.upStep = upStep
        self.downStep = downStep
        self.widths = widths
        rng = RandomStream(seed: seed, stream: "stochastic-update")
    }

    /// The summed gradient of a batch is not an outer product the array can form.
    public func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        throw UpdateRuleMismatch(description: "the stochastic update takes one image's inputs and errors (training.batch: 1)")
    }

    public func apply(inputs: [[Float]], errors: [[Float]], to accelerator: any Accelerator) throws {
        guard let chip = accelerator as? any ParallelProgrammable, chip.hasPulseGenerators else {
            throw UpdateRuleMismatch(description: "the stochastic update needs a crossbar whose tiles have pulse generators")
        }
        let slope = chip.deviceModel.slopeSiemensPerState
        var targets = chip.states, trains: [PulseTrains] = []
        var coincidences = 0
        for l in 0..<(widths.count - 1) {
            let (p, q) = probabilities(inputs: inputs[l], errors: errors[l], layer: l, slope: slope)
            let rows = p.map { train($0) }, columns = q.map { train($0) }
            trains.append(PulseTrains(slots: trainLength, rowPulses: rows.map(\.nonzeroBitCount), columnPulses: columns.map(\.nonzeroBitCount)))
            coincidences += step(&targets[l], rows: rows, columns: columns, inputs: inputs[l], errors: errors[l], device: chip.deviceModel, cell: chip.cell)
        }
        lastCoincidences = coincidences
        try chip.programInParallel(targets: targets, trains: trains, phase: .update, after: work())
    }

    /// Row and column probabilities of layer `l` for inputs x and errors delta (update
    /// management: the largest row and column probabilities equal), each within [0, 1].
    public func probabilities(inputs x: [Float], errors d: [Float], layer l: Int, slope: Double) -> (rows: [Double], columns: [Double]) {
        let k = learningRates[l] * slope / Double(trainLength)
        let a = x.map { abs(Double($0)) }
        // A column whose devices step up (delta < 0 for x >= 0) takes upward steps.
        let b = d.map { abs(Double($0)) / ($0 < 0 ? upStep : downStep) }
        let ma = a.max() ?? 0, mb = b.max() ?? 0
        guard ma > 0 && mb > 0 && k > 0 else { return (a.map { _ in 0 }, b.map { _ in 0 }) }
        let cx = (k * mb / ma).squareRoot(), cd = (k * ma / mb).squareRoot()
        return (a.map { min($0 * cx, 1) }, b.map { min($0 * cd, 1) })
    }

    /// A train of `trainLength` slots: slot s fires when its uniform draw is below p.
    func train(_ p: Double) -> UInt64 {
        var bits: UInt64 = 0
        for s in 0..<trainLength where rng.uniform() < p { bits |= 1 << UInt64(s) }
        return bits
    }

    /// Steps the devices of one layer's `states` (device layout) by their coincidences: the
    /// plus row n steps in the weight's direction, the minus row (if any) n the other way, each
    /// by its own direction's step. Returns the coincidences.
    func step(_ states: inout [Float], rows: [UInt64], columns: [UInt64], inputs x: [Float], errors d: [Float],
              device: any DeviceModel, cell: UnitCell) -> Int {
        let m = columns.count, r = cell.rowsPerInput
        let clips = device.clipsTargets
        let lo = clips ? device.stateRange.lowerBound : -Double.greatestFiniteMagnitude
        let hi = clips ? device.stateRange.upperBound : Double.greatestFiniteMagnitude
        var total = 0
        for i in rows.indices where rows[i] != 0 {
            for j in 0..<m {
                let n = (rows[i] & columns[j]).nonzeroBitCount
                guard n > 0 else { continue }
                total += n
                let up = (x[i] < 0) == (d[j] > 0)   // -sign(x delta) > 0
                let (plusStep, minusStep) = DeviceStep.onPair(up ? Double(n) : -Double(n), up: upStep, down: downStep)
                let plus = (r * i + cell.plusRow) * m + j
                states[plus] = Float(min(max(Double(states[plus]) + plusStep, lo), hi))
                if let minusRow = cell.minusRow {
                    let minus = (r * i + minusRow) * m + j
                    states[minus] = Float(min(max(Double(states[minus]) + minusStep, lo), hi))
                }
            }
        }
        return total
    }

    /// The digital side of one update: each layer's inputs and errors read, their largest
    /// magnitudes found (a comparison each) and scaled to probabilities (a MAC each); the trains
    /// themselves are the pulse generators' (charged there).
    func work() -> [DigitalWork] {
        let lines = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 + $1.1 }
        return [DigitalWork(.read, lines, phase: .update), DigitalWork(.compare, lines, phase: .update),
                DigitalWork(.mac, lines, phase: .update)]
    }
}
