import InsituDevices
import InsituHardware

/// Tiki-Taka (Gokmen and Haensch, Front. Neurosci. 14:103, 2020) and its second version with a
/// digital low-pass buffer (Gokmen, Front. Artif. Intell. 4:699148, 2021): each weight is held
/// on two arrays, w = gamma (A+ - A-) + (C+ - C-), four device rows per input driven at +gamma v,
/// -gamma v, +v and -v. Gradient steps go to the A pair, as the paper's scheme steps its pair
/// (`StateUpdate`). Every `interval` updates, `rowsPerTransfer` inputs' A rows are read (the
/// next ones in turn, cyclically) and each read weight moves into C: C's pair is stepped by
/// +/- rate x w_A / (2 slope) (version 1), or that step is added to a digital buffer H that
/// programs C by whole device steps when it reaches one and keeps the rest (version 2).
/// A is not reset: its devices' own asymmetry pulls it back toward their symmetry point.
public final class TikiTakaUpdate: UpdateRule {
    public let steps: StateUpdate
    public let gamma: Double
    public let interval: Int
    public let rate: Double
    public let rowsPerTransfer: Int
    /// Version 2's device steps (up, down) for the buffer, or nil for version 1.
    public let lowPass: (up: Float, down: Float)?
    public let widths: [Int]
    /// Version 2's buffers, one per weight of each layer (inputs x outputs), in state units.
    public private(set) var buffers: [[Float]]
    /// The next input of each layer to transfer.
    public private(set) var nextInput: [Int]
    public private(set) var updates = 0
    /// The inputs each layer transferred in the last update (empty between transfers).
    public private(set) var lastTransferred: [[Int]] = []

    public init(learningRates: [Double], gamma: Double, interval: Int, rate: Double, rowsPerTransfer: Int,
                lowPass: (up: Double, down: Double)?, widths: [Int]) {
        precondition(interval >= 1 && rowsPerTransfer >= 1 && gamma > 0)
        steps = StateUpdate(learningRates: learningRates)
        self.gamma = gamma
        self.interval = interval
        self.rate = rate
        self.rowsPerTransfer = rowsPerTransfer
        self.lowPass = lowPass.map { (Float($0.up), Float($0.down)) }
        self.widths = widths
        buffers = zip(widths, widths.dropFirst()).map { [Float](repeating: 0, count: $0 * $1) }
        nextInput = [Int](repeating: 0, count: widths.count - 1)
    }

    /// Initial states with A at zero weight: both A devices of every cell at `state` (the mean of
    /// the drawn states, near the devices' symmetric point), C as drawn.
    public func initialStates(_ drawn: [[Float]], state: Float) -> [[Float]] {
        drawn.enumerated().map { l, layer in
            var t = layer
            let m = widths[l + 1]
            for i in 0..<widths[l] { for j in 0..<m { t[(4 * i) * m + j] = state; t[(4 * i + 1) * m + j] = state } }
            return t
        }
    }

    /// The four-row cell: A+ and A- at +/- gamma, C+ and C- at +/- 1; gradient steps on A.
    public static func cell(gamma: Double) -> UnitCell { UnitCell(rowFactors: [gamma, -gamma, 1, -1], plusRow: 0, minusRow: 1) }

    public func apply(_ gradients: [[Float]], batchSize: Int, to accelerator: any Accelerator) throws {
        guard let chip = accelerator as? any ProgrammableCrossbar, chip.cell == Self.cell(gamma: gamma) else {
            throw UpdateRuleMismatch(description: "Tiki-Taka needs a crossbar of its four-row cells (gamma \(gamma))")
        }
        var targets = steps.targets(gradients, batchSize: batchSize, states: chip.states, widths: chip.widths,
                                    device: chip.deviceModel, cell: chip.cell)
        var work = steps.work(weights: gradients.reduce(0) { $0 + $1.count })
        updates += 1
        lastTransferred = widths.dropFirst().map { _ in [] }
        if updates % interval == 0 {
            for l in 0..<(widths.count - 1) {
                let inputs = (0..<min(rowsPerTransfer, widths[l])).map { (nextInput[l] + $0) % widths[l] }
                nextInput[l] = (nextInput[l] + inputs.count) % widths[l]
                lastTransferred[l] = inputs
                let read = try chip.readRows(layer: l, deviceRows: inputs.flatMap { [4 * $0, 4 * $0 + 1] }, phase: .update)
                transfer(inputs, read: read, layer: l, into: &targets[l], device: chip.deviceModel)
                work += transferWork(weights: inputs.count * widths[l + 1])
            }
        }
        try chip.program(targets: targets, phase: .update, after: work)
    }

    /// Moves the read A weights of `inputs` into C's rows of `states` (device layout).
    func transfer(_ inputs: [Int], read: [[Float]], layer l: Int, into states: inout [Float], device: any DeviceModel) {
        let m = widths[l + 1], slope = device.slopeSiemensPerState
        let (lo, hi) = device.targetBounds
        for (n, i) in inputs.enumerated() {
            for j in 0..<m {
                let weightA = Double(read[2 * n][j]) - Double(read[2 * n + 1][j])
                var plus = Float(rate * weightA / (2 * slope)), minus = -plus
                if let (up, down) = lowPass {
                    // Version 2: the buffer gathers the step; C takes whole device steps of it.
                    let h = buffers[l][i * m + j] + plus
                    let k = h >= up ? (h / up).rounded(.down) : (h <= -down ? -(-h / down).rounded(.down) : 0)
                    (plus, minus) = DeviceStep.onPair(k, up: up, down: down)
                    buffers[l][i * m + j] = h - plus
                    if k == 0 { continue }
                }
                let cp = (4 * i + 2) * m + j, cm = (4 * i + 3) * m + j
                states[cp] = min(max(states[cp] + plus, lo), hi)
                states[cm] = min(max(states[cm] + minus, lo), hi)
            }
        }
    }

    /// A transfer's digital work per weight moved: the read weight scaled (a MAC) and C's two
    /// states read, stepped and written; version 2 also reads, compares (twice) and writes its buffer.
    func transferWork(weights: Int) -> [DigitalWork] {
        var work = [DigitalWork(.mac, weights, phase: .update), DigitalWork(.read, 2 * weights, phase: .update),
                    DigitalWork(.add, 2 * weights, phase: .update), DigitalWork(.write, 2 * weights, phase: .update)]
        if lowPass != nil {
            work += [DigitalWork(.read, weights, phase: .update), DigitalWork(.compare, 2 * weights, phase: .update),
                     DigitalWork(.write, weights, phase: .update)]
        }
        return work
    }
}
