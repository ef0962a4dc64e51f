import InsituDevices
import InsituHardware

/// Mixed-precision in-situ update (Nandakumar et al., Front. Neurosci. 2020): each weight's
/// step dState = -eta_l x slope x mean dL/dW is added to a digital accumulator chi in the
/// buffer instead of being programmed; a device is programmed only when its chi reaches the
/// device's step epsilon, by n = floor(|chi| / epsilon) steps of epsilon (n pulses of a
/// pulse-programmed device), and chi keeps the rest. The cell's plus row takes the step and
/// its minus row (if any) as many steps the other way, each of that direction's size.
public final class MixedPrecisionUpdate: UpdateRule {
    /// Per-layer learning rate in state units squared, as `StateUpdate`'s.
    public let learningRates: [Double]
    /// The step a device is programmed by when chi rises to it (`up`) or falls to minus it
    /// (`down`), in state units: one pulse of each direction for a pulse-programmed device.
    public let upThreshold: Float
    public let downThreshold: Float
    /// The accumulators, one per weight of each layer (inputs x outputs), in state units.
    public private(set) var accumulators: [[Float]]
    /// Weights whose accumulators crossed a threshold in the last update, and their count.
    public private(set) var lastCrossings = 0
    private var crossed: [[Int]] = []
    /// The last update's steps (weight layout), kept between updates to be cleared where set.
    private var steps: [[Float]] = []
    /// Layer widths, inputs first.
    public let widths: [Int]

    public init(learningRates: [Double], upThreshold: Double, downThreshold: Double, widths: [Int]) {
        precondition(upThreshold > 0 && downThreshold > 0, "positive thresholds")
        self.learningRates = learningRates
        self.upThreshold = Float(upThreshold)
        self.downThreshold = Float(downThreshold)
        self.widths = widths
        accumulators = zip(widths, widths.dropFirst()).map { [Float](repeating: 0, count: $0 * $1) }
    }

    public func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        guard let chip = accelerator as? any ProgrammableCrossbar else {
            throw UpdateRuleMismatch(description: "the mixed-precision update needs a programmable crossbar")
        }
        guard chip.widths == widths else { throw UpdateRuleMismatch(description: "the mixed-precision accumulators are for layers \(widths), the chip's are \(chip.widths)") }
        _ = accumulate(gradients, batchSize: batchSize, slope: chip.deviceModel.slopeSiemensPerState)
        let weights = gradients.reduce(0) { $0 + $1.count }
        try chip.program(targets: targets(states: chip.states, device: chip.deviceModel, cell: chip.cell),
                         phase: .update, after: work(weights: weights, crossings: lastCrossings, rowsPerInput: chip.cell.rowsPerInput))
    }

    /// Adds each weight's step to its accumulator and takes out whole thresholds: returns the
    /// steps to program (weight layout, 0 where the accumulator stays below its threshold).
    /// Rows whose gradient is zero (undriven inputs) are left as they are; the others are
    /// stepped branch-free, so that the loop vectorises.
    public func accumulate(_ gradients: [[Float]], batchSize: Int, slope: Double) -> [[Float]] {
        let up = upThreshold, down = downThreshold
        precondition(gradients.map(\.count) == accumulators.map(\.count), "one gradient per accumulator")
        if steps.isEmpty {
            steps = gradients.map { [Float](repeating: 0, count: $0.count) }
            crossed = gradients.map { _ in [] }
        }
        var crossings = 0
        for l in gradients.indices {
            let n = gradients[l].count, outputs = widths[l + 1]
            let scale = Float(-learningRates[l] * slope / Double(batchSize))
            // The last update's steps are cleared where they were set.
            for k in crossed[l] { steps[l][k] = 0 }
            crossed[l].removeAll(keepingCapacity: true)
            gradients[l].withUnsafeBufferPointer { g in
                accumulators[l].withUnsafeMutableBufferPointer { chi in
                    steps[l].withUnsafeMutableBufferPointer { step in
                        var row = 0
                        while row < n {
                            defer { row += outputs }
                            guard VectorMath.anyNonzero(g.baseAddress! + row, outputs) else { continue }
                            var rowCrossings = 0
                            for k in row..<(row + outputs) {
                                let c = chi[k] + scale * g[k]
                                let s = c >= up ? (c / up).rounded(.down) * up : (c <= -down ? -(-c / down).rounded(.down) * down : 0)
                                chi[k] = c - s
                                step[k] = s
                                rowCrossings &+= s != 0 ? 1 : 0
                            }
                            if rowCrossings > 0 { for k in row..<(row + outputs) where step[k] != 0 { crossed[l].append(k) } }
                        }
                    }
                }
            }
            crossings += crossed[l].count
        }
        lastCrossings = crossings
        return steps
    }

    /// The devices' new states (device layout) after the last `accumulate`: each crossing
    /// weight's plus row stepped by its step, its minus row (if any) the other way; the other
    /// devices keep their states.
    public func targets(states: [[Float]], device: any DeviceModel, cell: UnitCell) -> [[Float]] {
        let r = cell.rowsPerInput
        let (lo, hi) = device.targetBounds
        return states.enumerated().map { l, old in
            let outputs = widths[l + 1]
            var t = old
            for k in crossed[l] {
                let s = steps[l][k], i = k / outputs, j = k % outputs
                // The whole steps s holds, on the plus device and (the other way) the minus device.
                let n = s > 0 ? (s / upThreshold).rounded() : -(-s / downThreshold).rounded()
                let (plusStep, minusStep) = DeviceStep.onPair(n, up: upThreshold, down: downThreshold)
                let plus = (r * i + cell.plusRow) * outputs + j
                t[plus] = min(max(t[plus] + plusStep, lo), hi)
                if let minusRow = cell.minusRow {
                    let minus = (r * i + minusRow) * outputs + j
                    t[minus] = min(max(t[minus] + minusStep, lo), hi)
                }
            }
            return t
        }
    }

    /// The update's digital work: every accumulator read, stepped (one MAC), compared with both
    /// thresholds and written back, with the gradient's words read; for each of the `crossings`
    /// weights a MAC for n and the rest, and its devices' states read, stepped and written.
    public func work(weights: Int, crossings: Int, rowsPerInput: Int) -> [DigitalWork] {
        let devices = crossings * rowsPerInput
        return [DigitalWork(.read, weights, phase: .update),
                DigitalWork(.read, weights, phase: .update, reads: [DigitalWork.Tensor(.gradients, layer: 0, elements: weights)]),
                DigitalWork(.mac, weights + crossings, phase: .update), DigitalWork(.compare, 2 * weights, phase: .update),
                DigitalWork(.write, weights, phase: .update),
                DigitalWork(.read, devices, phase: .update), DigitalWork(.add, devices, phase: .update),
                DigitalWork(.write, devices, phase: .update)]
    }
}
