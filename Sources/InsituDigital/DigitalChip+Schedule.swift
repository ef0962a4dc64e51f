import InsituEngine
import InsituHardware

/// Where an operand of a GEMM or a vector step lives and how wide its words are.
struct Operand {
    var level: TensorPlacement.Level
    var bits: Int
}

extension DigitalChip {
    typealias Kind = TensorPlacement.Kind

    func operand(_ kind: Kind, _ layer: Int, _ placement: TensorPlacement) -> Operand {
        let f = spec.formats
        let bits = switch kind {
        case .weights: f.weights.bits
        case .activations: f.activations.bits
        case .errors: f.errors.bits
        case .gradients: f.gradients.bits
        case .master: f.master.bits
        }
        return Operand(level: placement.level(kind, layer), bits: bits)
    }

    func port(_ level: TensorPlacement.Level) -> Component { level == .sram ? sram : dram }

    /// How long moving `bits` occupies a level's port.
    func portTime(_ bits: Int, _ level: TensorPlacement.Level) throws -> SimTime {
        let width = level == .sram ? spec.sram.bitsPerCycle * spec.sram.banks : spec.dram.bitsPerCycle
        let cycles = UInt64((bits + width - 1) / width)
        return try (level == .sram ? sramClock : dramClock).time(ofCycle: cycles)
    }

    func latency(_ level: TensorPlacement.Level) -> SimTime { level == .sram ? spec.sram.latency : spec.dram.latency }

    /// Bits read and written per level by one task, turned into port holds and charges.
    struct Traffic {
        var read: [TensorPlacement.Level: Int] = [:]
        var written: [TensorPlacement.Level: Int] = [:]
        mutating func read(_ bits: Int, from o: Operand) { read[o.level, default: 0] += bits }
        mutating func write(_ bits: Int, to o: Operand) { written[o.level, default: 0] += bits }
    }

    /// Adds a task that holds `unit` for `hold` and moves `traffic` over the ports at once;
    /// `layer` is the network layer it serves (from 1; 0 for none).
    @discardableResult
    func task(_ label: String, _ phase: Phase, layer: Int, unit: Component?, hold: SimTime, charges: [TaskGraph.Charge],
              traffic: Traffic, after deps: [Int]) throws -> Int {
        var uses: [TaskGraph.Use] = []
        var all = charges
        if let unit { uses.append(.init(component: unit, hold: hold)) }
        var wait = SimTime.zero
        for level in [TensorPlacement.Level.sram, .dram] {
            let r = traffic.read[level] ?? 0, w = traffic.written[level] ?? 0
            guard r + w > 0 else { continue }
            let p = port(level)
            uses.append(.init(component: p, hold: try portTime(r + w, level)))
            all.append(.init(component: p, action: BufferModel.read, count: UInt64(r)))
            all.append(.init(component: p, action: BufferModel.write, count: UInt64(w)))
            wait = max(wait, latency(level))
        }
        return graph.add(label, phase, layer: layer, uses: uses, charges: all, latency: wait, after: deps)
    }

    /// C (M x N) = A (M x K) B (K x N) with B stationary: tiled onto the array fold by fold
    /// (weight-stationary) or spread over all lanes (SIMD). Returns the last task.
    func gemm(_ label: String, _ phase: Phase, layer: Int, m: Int, k: Int, n: Int, stationary: Operand, streamed: Operand,
              output: Operand, after dep: Int) throws -> Int {
        let a = spec.array
        let accBits = spec.formats.accumulator.bits
        if a.dataflow == .simd {
            var t = Traffic()
            t.read(k * n * stationary.bits, from: stationary)
            t.read(m * k * streamed.bits, from: streamed)
            t.write(m * n * output.bits, to: output)
            let macs = m * k * n
            let cycles = UInt64((macs + a.processingElements - 1) / a.processingElements)
            return try task(label, phase, layer: layer, unit: array, hold: arrayClock.time(ofCycle: cycles),
                            charges: [.init(component: array, action: MACArrayModel.mac, count: UInt64(macs))], traffic: t, after: [dep])
        }
        let rowFolds = (k + a.rows - 1) / a.rows, columnFolds = (n + a.columns - 1) / a.columns
        // SCALE-Sim's weight-stationary fold: R cycles to shift weights in, then M rows skewed over R + C.
        let foldTime = try arrayClock.time(ofCycle: UInt64(2 * a.rows + a.columns + m - 2))
        var computes: [Int] = []
        var previous = dep
        for j in 0..<columnFolds {
            let nj = min(a.columns, n - j * a.columns)
            for i in 0..<rowFolds {
                let ki = min(a.rows, k - i * a.rows)
                var load = Traffic()
                load.read(ki * nj * stationary.bits, from: stationary)
                // Double buffering: a tile loads while the one before computes, once the one two back is done.
                let twoBack = computes.count >= 2 ? computes[computes.count - 2] : -1
                lastLoad = try task("\(label) load", phase, layer: layer, unit: nil, hold: .zero, charges: [], traffic: load, after: [lastLoad, twoBack])
                var t = Traffic()
                t.read(m * ki * streamed.bits, from: streamed)
                let lastFold = i == rowFolds - 1
                if i > 0 { t.read(m * nj * accBits, from: output) }
                t.write(m * nj * (lastFold ? output.bits : accBits), to: output)
                previous = try task("\(label) fold", phase, layer: layer, unit: array, hold: foldTime,
                                    charges: [.init(component: array, action: MACArrayModel.mac, count: UInt64(m * ki * nj))],
                                    traffic: t, after: [lastLoad, previous])
                computes.append(previous)
            }
        }
        return previous
    }

    /// Element-wise work on the vector unit: `ops` (action, count), with its memory traffic.
    func vector(_ label: String, _ phase: Phase, layer: Int, ops: [(ActionID, Int)], traffic: Traffic, after dep: Int) throws -> Int {
        var cycles: UInt64 = 0
        var charges: [TaskGraph.Charge] = []
        for (action, count) in ops where count > 0 {
            cycles += UInt64((count + spec.vector.lanes - 1) / spec.vector.lanes * vectorModel.cycles(action))
            charges.append(.init(component: vectorUnit, action: action, count: UInt64(count)))
        }
        return try task(label, phase, layer: layer, unit: vectorUnit, hold: arrayClock.time(ofCycle: cycles), charges: charges, traffic: traffic, after: [dep])
    }

    /// Forward pass of a batch: one GEMM per layer, the hidden activation applied on the
    /// array's output path (ReLU and clip: two comparisons per value).
    func scheduleForward(batch: Int, phase: Phase, placement p: TensorPlacement) throws {
        var dep = -1
        let L = widths.count - 1
        for l in 0..<L {
            dep = try gemm("forward L\(l + 1)", phase, layer: l + 1, m: batch, k: widths[l], n: widths[l + 1], stationary: operand(.weights, l, p),
                           streamed: operand(.activations, l, p), output: operand(.activations, l + 1, p), after: dep)
            if l < L - 1 {
                dep = try vector("activation L\(l + 1)", phase, layer: l + 1, ops: [(DigitalUnitModel.compare, 2 * batch * widths[l + 1])],
                                 traffic: Traffic(), after: dep)
            }
        }
    }

    /// Softmax and output error (an exponential, a multiplication by the reciprocal sum and
    /// a subtraction per output), then each hidden layer's error as a GEMM with the weights
    /// and its ReLU mask (two comparisons per value).
    func scheduleBackward(batch: Int, placement p: TensorPlacement) throws {
        let L = widths.count - 1, m = widths[L]
        var t = Traffic()
        t.read(batch * m * operand(.activations, L, p).bits, from: operand(.activations, L, p))
        t.write(batch * m * operand(.errors, L, p).bits, to: operand(.errors, L, p))
        var dep = try vector("softmax", .backward, layer: L, ops: [(DigitalUnitModel.exp, batch * m), (DigitalUnitModel.mac, batch * m),
                                                         (DigitalUnitModel.add, batch * m)], traffic: t, after: -1)
        var l = L - 1
        while l >= 1 {
            dep = try gemm("backward L\(l + 1)", .backward, layer: l + 1, m: batch, k: widths[l + 1], n: widths[l], stationary: operand(.weights, l, p),
                           streamed: operand(.errors, l + 1, p), output: operand(.errors, l, p), after: dep)
            dep = try vector("mask L\(l)", .backward, layer: l, ops: [(DigitalUnitModel.compare, 2 * batch * widths[l])], traffic: Traffic(), after: dep)
            l -= 1
        }
    }

    /// Each layer's weight gradient over the batch: (inputs x batch) x (batch x outputs),
    /// the errors stationary and the activations streamed.
    func scheduleGradient(batch: Int, placement p: TensorPlacement) throws {
        var dep = -1
        for l in 0..<(widths.count - 1) {
            dep = try gemm("gradient L\(l + 1)", .gradient, layer: l + 1, m: widths[l], k: batch, n: widths[l + 1], stationary: operand(.errors, l + 1, p),
                           streamed: operand(.activations, l, p), output: operand(.gradients, l, p), after: dep)
        }
    }

    /// SGD on every weight: read its gradient and master copy, one multiply-add, write the
    /// master copy and the working weight.
    func scheduleUpdate(phase: Phase, placement p: TensorPlacement) throws {
        var dep = -1
        for l in 0..<(widths.count - 1) {
            let count = widths[l] * widths[l + 1]
            var t = Traffic()
            let g = operand(.gradients, l, p), w = operand(.master, l, p), work = operand(.weights, l, p)
            t.read(count * g.bits, from: g)
            t.read(count * w.bits, from: w)
            t.write(count * w.bits, to: w)
            t.write(count * work.bits, to: work)
            dep = try vector("sgd L\(l + 1)", phase, layer: l + 1, ops: [(DigitalUnitModel.mac, count)], traffic: t, after: dep)
        }
    }
}
