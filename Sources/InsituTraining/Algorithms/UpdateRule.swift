import InsituDevices
import InsituEngine
import InsituHardware

/// How a batch's summed gradients change the weights an accelerator holds.
public protocol UpdateRule {
    /// Applies `gradients` (summed over `batchSize` images) to `accelerator`.
    func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws
}

/// An update rule that takes each image's factors, the inputs of every layer and the errors at
/// its outputs, instead of the batch's summed gradient: an update the array forms itself as an
/// outer product (one image at a time: batches of one).
public protocol OuterProductRule: UpdateRule {
    /// Applies one image's update: `inputs[l]` (widths[l] values) and `errors[l]` (widths[l + 1]).
    func apply(inputs: [[Float]], errors: [[Float]], to accelerator: any Accelerator) throws
}

/// Why an update rule cannot drive an accelerator.
public struct UpdateRuleMismatch: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// In-situ update of Li et al. 2018 on a programmable crossbar: dState = -eta_l x slope x
/// mean dL/dW on the unit cell's plus row (G+) and the opposite on its minus row (G-, when
/// the cell has one; one device against a reference takes the step alone),
/// clipped to the device model's state range (when the model clips targets), then programmed by the update controller
/// (its arithmetic charged to the digital unit first). A cell's other rows keep their states, and
/// so does a device whose step rounds to no pulse (`DeviceModel.stepRounding`).
public struct StateUpdate: UpdateRule {
    /// Per-layer learning rate in state units squared (V^2 for gate voltages).
    public var learningRates: [Double]
    public init(learningRates: [Double]) { self.learningRates = learningRates }

    public func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        guard let chip = accelerator as? any ProgrammableCrossbar else {
            throw UpdateRuleMismatch(description: "the in-situ state update needs a programmable crossbar")
        }
        let work = work(weights: gradients.reduce(0) { $0 + $1.count })
        // Steps that round to whole pulses leave most devices where they are: only those that move are visited.
        if chip.deviceModel.stepRounding != nil {
            try chip.program(changes: changes(gradients, batchSize: batchSize, states: chip.states, widths: chip.widths,
                                              device: chip.deviceModel, cell: chip.cell),
                             phase: .update, after: work)
        } else {
            try chip.program(targets: targets(gradients, batchSize: batchSize, states: chip.states, widths: chip.widths,
                                              device: chip.deviceModel, cell: chip.cell),
                             phase: .update, after: work)
        }
    }

    /// The devices whose state the update moves by at least one pulse, and their new states
    /// (the entries of `targets` that differ from `states`), per layer in ascending order.
    /// A column whose largest gradient cannot move a device by half a pulse is not visited.
    public func changes(_ gradients: [[Float]], batchSize: Int, states: [[Float]], widths: [Int],
                        device: any DeviceModel, cell: UnitCell = .differentialPair) -> [StateChanges] {
        let r = cell.rowsPerInput, plusRow = cell.plusRow, minusRow = cell.minusRow
        let slope = device.slopeSiemensPerState
        let (lo, hi) = device.targetBounds
        let rounding = device.stepRounding
        // The cell's stepped rows in ascending order, each with its sign.
        let rows = [(plusRow, Float(1))] + (minusRow.map { [($0, Float(-1))] } ?? [])
        let stepped = rows.sorted { $0.0 < $1.0 }
        return states.enumerated().map { l, old in
            var changes = StateChanges()
            let inputs = widths[l], outputs = widths[l + 1]
            let scale = Float(-learningRates[l] * slope / Double(batchSize))
            gradients[l].withUnsafeBufferPointer { g in
                // A row whose gradient is zero (an undriven input) keeps its states.
                let driven = (0..<inputs).filter { VectorMath.anyNonzero(g.baseAddress! + $0 * outputs, outputs) }
                let columns = Self.candidateColumns(g, rows: driven, outputs: outputs, scale: scale, bounds: (lo, hi), rounding: rounding)
                guard !columns.isEmpty else { return }
                let up = Double(rounding?.upLevels ?? 0), down = Double(rounding?.downLevels ?? 0)
                // Every candidate is written and the count advanced by whether it moves: no branch
                // to mispredict on a step near the threshold.
                let capacity = driven.count * stepped.count * columns.count
                var n = 0
                var moved: [Float] = []
                let indices = [Int](unsafeUninitializedCapacity: capacity) { indices, written in
                    moved = [Float](unsafeUninitializedCapacity: capacity) { targets, writtenTargets in
                        old.withUnsafeBufferPointer { s in
                            columns.withUnsafeBufferPointer { columns in
                                for i in driven {
                                    let row = g.baseAddress! + i * outputs
                                    for (k, sign) in stepped {
                                        let base = (r * i + k) * outputs
                                        for j in columns {
                                            let was = s[base + j], new = min(max(was + sign * (scale * row[j]), lo), hi)
                                            // As `StepRounding.pulses(from:to:)`: |d| L of at least one half, finite.
                                            let d = Double(new) - Double(was), v = abs(d) * (d > 0 ? up : down)
                                            let pulses = (v >= 0.5 ? 1 : 0) & (v < .infinity ? 1 : 0)
                                            let differs = new != was ? 1 : 0
                                            indices[n] = base + j
                                            targets[n] = new
                                            n += rounding == nil ? differs : differs & pulses
                                        }
                                    }
                                }
                            }
                        }
                        writtenTargets = n
                    }
                    written = n
                }
                changes = StateChanges(indices: indices, targets: moved)
            }
            return changes
        }
    }

    /// The columns in which some device may move (ascending): all of them, unless the steps
    /// round to whole pulses and the targets are not clipped (a clip can move a device whatever
    /// its step); then those whose largest step x over the gradient's `rows` could reach half a
    /// pulse of the finer direction. A state s and its target fl(s + x) are at most 2|x| apart
    /// (s itself is a float within |x| of s + x), so a column with 2|x| L < 1/2 moves no device.
    static func candidateColumns(_ g: UnsafeBufferPointer<Float>, rows: [Int], outputs: Int, scale: Float,
                                 bounds: (lo: Float, hi: Float), rounding: StepRounding?) -> [Int] {
        guard let rounding, bounds.lo == -.greatestFiniteMagnitude && bounds.hi == .greatestFiniteMagnitude else { return Array(0..<outputs) }
        var largest = [Float](repeating: 0, count: outputs)
        largest.withUnsafeMutableBufferPointer { largest in
            for i in rows {
                let row = g.baseAddress! + i * outputs
                // A NaN is dropped: its step never pulses.
                for j in 0..<outputs { let a = abs(row[j]); largest[j] = a > largest[j] ? a : largest[j] }
            }
        }
        // The margin 2^-20 covers |fl(scale g)| <= |scale| |g| (1 + 2^-24) and this arithmetic.
        let levels = Double(max(rounding.upLevels, rounding.downLevels))
        return (0..<outputs).filter { j in !(2 * Double(abs(scale)) * Double(largest[j]) * levels * (1 + 0x1p-20) < 0.5) }
    }

    /// The new states of every device (device layout) for layers of `widths`.
    public func targets(_ gradients: [[Float]], batchSize: Int, states: [[Float]], widths: [Int],
                        device: any DeviceModel, cell: UnitCell = .differentialPair) -> [[Float]] {
        let r = cell.rowsPerInput, plusRow = cell.plusRow, minusRow = cell.minusRow
        let slope = device.slopeSiemensPerState
        let (lo, hi) = device.targetBounds
        let rounding = device.stepRounding
        return states.enumerated().map { l, old in
            let inputs = widths[l], outputs = widths[l + 1], rows = old.count / max(outputs, 1)
            let scale = Float(-learningRates[l] * slope / Double(batchSize))
            /// Writes to `t` the `outputs` devices `was` stepped by `sign` x the step of each column,
            /// written branch-free so that it vectorises; a step that rounds to no pulse leaves its device.
            func step(_ t: UnsafeMutablePointer<Float>, from was: UnsafePointer<Float>, _ g: UnsafePointer<Float>, sign: Float) {
                guard let rounding else {
                    for j in 0..<outputs { t[j] = min(max(was[j] + sign * (scale * g[j]), lo), hi) }
                    return
                }
                for j in 0..<outputs {
                    let new = min(max(was[j] + sign * (scale * g[j]), lo), hi)
                    t[j] = rounding.pulses(from: was[j], to: new) ? new : was[j]
                }
            }
            return [Float](unsafeUninitializedCapacity: old.count) { t, written in
                gradients[l].withUnsafeBufferPointer { g in
                    old.withUnsafeBufferPointer { old in
                        let new = t.baseAddress!, was = old.baseAddress!, count = old.count
                        /// The states of inputs `part`'s rows (the last part: to the last row): each
                        /// row stepped from its old states, or those states as they were.
                        func update(_ part: Range<Int>) {
                            precondition(r * inputs * outputs <= count, "a layer's states hold every input's rows")
                            for i in part {
                                let row = g.baseAddress! + i * outputs, at = r * i * outputs
                                // A row whose gradient is zero (an undriven input) keeps its states.
                                guard VectorMath.anyNonzero(row, outputs) else {
                                    (new + at).initialize(from: was + at, count: r * outputs)
                                    continue
                                }
                                for k in 0..<r {
                                    let offset = at + k * outputs
                                    if k == plusRow {
                                        step(new + offset, from: was + offset, row, sign: 1)
                                    } else if k == minusRow {
                                        step(new + offset, from: was + offset, row, sign: -1)
                                    } else {
                                        (new + offset).initialize(from: was + offset, count: outputs)
                                    }
                                }
                            }
                            if part.upperBound == inputs, r * inputs * outputs < count {
                                (new + r * inputs * outputs).initialize(from: was + r * inputs * outputs,
                                                                      count: count - r * inputs * outputs)
                            }
                        }
                        // Each input's rows are its own: two threads take half of the inputs each.
                        Overlap.halves(of: inputs, splitting: old.count >= Self.elementsWorthSplitting && rows >= r * inputs, update)
                    }
                }
                written = old.count
            }
        }
    }

    /// Devices from which the targets are formed on two threads (some 100 us of work).
    static let elementsWorthSplitting = 1 << 17

    /// The update's digital work: read the gates and both gradients' words, one MAC per
    /// weight for the step, two additions (G+ and G-), four comparisons for the clip, and
    /// the new gates written back.
    public func work(weights: Int) -> [DigitalWork] {
        [DigitalWork(.read, 2 * weights, phase: .update),
         DigitalWork(.read, weights, phase: .update, reads: [DigitalWork.Tensor(.gradients, layer: 0, elements: weights)]),
         DigitalWork(.mac, weights, phase: .update),
         DigitalWork(.add, 2 * weights, phase: .update), DigitalWork(.compare, 4 * weights, phase: .update),
         DigitalWork(.write, 2 * weights, phase: .update)]
    }
}
