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
        // With accumulators, the streamed rows go through in chunks whose partial sums fit them
        // (each chunk loads the weight tiles again, as a TPU does for a long batch).
        let chunk = max(1, a.accumulators / max(1, min(a.columns, n)))
        if accumulatorMemory != nil && m > chunk {
            var last = dep
            for start in stride(from: 0, to: m, by: chunk) {
                last = try gemm(label, phase, layer: layer, m: min(chunk, m - start), k: k, n: n, stationary: stationary, streamed: streamed,
                                output: output, after: last)
            }
            return last
        }
        let rowFolds = (k + a.rows - 1) / a.rows, columnFolds = (n + a.columns - 1) / a.columns
        // SCALE-Sim's weight-stationary fold: R cycles to shift weights in, then M rows skewed over R + C.
        let foldTime = try arrayClock.time(ofCycle: UInt64(2 * a.rows + a.columns + m - 2))
        var computes: [Int] = []
        var previous = dep
        for j in 0..<columnFolds {
            let nj = min(a.columns, n - j * a.columns)
            // The column fold's partial sums stay in the accumulators when they fit there.
            let held = accumulatorMemory.flatMap { m * nj <= a.accumulators ? $0 : nil }
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
                var charges: [TaskGraph.Charge] = [.init(component: array, action: MACArrayModel.mac, count: UInt64(m * ki * nj))]
                if let held {
                    let bits = UInt64(m * nj * accBits)
                    if i > 0 { charges.append(.init(component: held, action: BufferModel.read, count: bits)) }
                    if !lastFold { charges.append(.init(component: held, action: BufferModel.write, count: bits)) } else { t.write(m * nj * output.bits, to: output) }
                } else {
                    if i > 0 { t.read(m * nj * accBits, from: output) }
                    t.write(m * nj * (lastFold ? output.bits : accBits), to: output)
                }
                previous = try task("\(label) fold", phase, layer: layer, unit: array, hold: foldTime,
                                    charges: charges, traffic: t, after: [lastLoad, previous])
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

    /// Runs an algorithm's work for `batch` images (or once, for an update): each product as
    /// a GEMM on the array, its batched dimension times the images; consecutive element-wise
    /// work of one phase and layer as one task on the vector unit, with its tensors' traffic.
    /// Word counts (`read`, `write`) are left out: this machine's traffic is its tensors'.
    @discardableResult
    func schedule(_ work: [DigitalWork], batch: Int, placement p: TensorPlacement, after start: Int = -1) throws -> Int {
        var dep = start
        var fused: [DigitalWork] = []
        func flush() throws {
            guard let first = fused.first else { return }
            var ops: [(ActionID, Int)] = []
            var traffic = Traffic()
            for w in fused {
                let action = DigitalUnitModel.action(w.operation)!
                if let i = ops.firstIndex(where: { $0.0 == action }) { ops[i].1 += batch * w.count } else { ops.append((action, batch * w.count)) }
                for t in w.reads { let o = operand(t, p); traffic.read(batch * t.elements * o.bits, from: o) }
                for t in w.writes { let o = operand(t, p); traffic.write(batch * t.elements * o.bits, to: o) }
            }
            let label = ops.map(\.0.name).joined(separator: "+") + " L\(first.layer)"
            dep = try vector(label, first.phase, layer: first.layer, ops: ops, traffic: traffic, after: dep)
            fused = []
        }
        for w in work where w.operation != .read && w.operation != .write {
            if let g = w.product {
                try flush()
                let m = g.batched == .m ? g.m * batch : g.m, k = g.batched == .k ? g.k * batch : g.k
                dep = try gemm("\(w.phase.name) L\(w.layer)", w.phase, layer: w.layer, m: m, k: k, n: g.n,
                               stationary: operand(kind(g.stationary), g.stationaryLayer, p), streamed: operand(kind(g.streamed), g.streamedLayer, p),
                               output: operand(kind(g.output), g.outputLayer, p), after: dep)
                continue
            }
            if let first = fused.first, first.phase != w.phase || first.layer != w.layer { try flush() }
            fused.append(w)
        }
        try flush()
        return dep
    }

    func kind(_ k: DigitalWork.Tensor.Kind) -> Kind { Kind(rawValue: k.rawValue)! }
    func operand(_ t: DigitalWork.Tensor, _ p: TensorPlacement) -> Operand { operand(kind(t.kind), t.layer, p) }
}
