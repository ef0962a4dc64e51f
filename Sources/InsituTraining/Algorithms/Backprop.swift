import Foundation
import InsituEngine
import InsituHardware

/// Backpropagation over what a forward pass left on the digital side: softmax, output error,
/// hidden errors from the weights the digital side holds, and weight gradients summed over
/// the batch in image order (so results never depend on the schedule).
public struct Backprop {
    public let widths: [Int]
    public let activation: Activation
    /// Weight gradients summed over the batch, per layer (inputs x outputs).
    public private(set) var gradients: [[Float]]
    /// The last image's errors at each layer's outputs (widths[l + 1] values): layer l's
    /// gradient for that image is its input times these.
    public private(set) var deltas: [[Float]]
    var probabilities: [Float]
    /// The machine's number formats for errors and gradients, if it rounds them.
    public var rounding: (any TensorRounding)?
    /// Per layer, whether each gradient row is still zero since the last `clear`.
    var zeroRows: [[Bool]]
    /// Per layer, every image's errors of the batch in flight (image-major).
    var batchDeltas: [[Float]]
    /// Threads that share a large gradient's rows (the sums are the same at any count).
    public var threads = min(2, UsableCores.count)
    /// The calling thread's share of the gradients' work when two threads share it (`runs`):
    /// moved after each batch toward where both would have ended together (`Overlap.balance`).
    var firstShare = 0.5

    public init(widths: [Int], activation: Activation) {
        self.widths = widths
        self.activation = activation
        gradients = zip(widths, widths.dropFirst()).map { [Float](repeating: 0, count: $0 * $1) }
        deltas = widths.dropFirst().map { [Float](repeating: 0, count: $0) }
        probabilities = [Float](repeating: 0, count: widths.last!)
        zeroRows = widths.dropLast().map { [Bool](repeating: true, count: $0) }
        batchDeltas = widths.dropFirst().map { [Float](repeating: 0, count: $0) }
    }

    /// Sets every gradient to zero (after an update): the rows added to since the last time.
    /// A large gradient's rows are cleared in two halves on two threads.
    public mutating func clear() {
        for l in gradients.indices {
            let m = widths[l + 1]
            gradients[l].withUnsafeMutableBufferPointer { g in
                zeroRows[l].withUnsafeMutableBufferPointer { zero in
                    func clear(_ rows: Range<Int>) {
                        for i in rows where !zero[i] {
                            (g.baseAddress! + i * m).update(repeating: 0, count: m)
                            zero[i] = true
                        }
                    }
                    Overlap.halves(of: zero.count, splitting: g.count >= Self.clearedApartFrom, clear)
                }
            }
        }
    }

    /// Gradient sums from which `clear` splits the rows over two threads (some 100 us of stores).
    static let clearedApartFrom = 1 << 17

    /// Adds the gradients of every image of `pass` with labels `labels`, using `weights` for the
    /// errors: every image's errors first (the weights do not change within a batch), then each
    /// layer's gradient image after image. Where the machine rounds each sum apart, every layer's
    /// rows are split between `threads` threads when one gradient is large (`runs`), and a smaller one's, given `items`,
    /// go out in blocks that another thread may help with (`SharedItems`); each block adds every
    /// image to its own rows in image order: the same sums, bit for bit, as one thread.
    public mutating func accumulate(_ pass: ForwardPass, labels: [Int], weights: [[Float]], sharing items: SharedItems? = nil) {
        let shared = (rounding?.roundsGradientsApart ?? true) ? items : nil
        shared?.announce()
        computeErrors(pass, labels: labels, weights: weights)
        addGradients(of: pass, sharing: shared)
    }

    /// `accumulate` in two steps, on different threads if need be: every image's errors of
    /// `pass` (kept for the gradients), then `addGradients(of:)`.
    public mutating func computeErrors(_ pass: ForwardPass, labels: [Int], weights: [[Float]]) {
        let L = widths.count - 1
        let images = pass.count
        for l in 0..<L where batchDeltas[l].count < images * widths[l + 1] {
            batchDeltas[l] = [Float](repeating: 0, count: images * widths[l + 1])
        }
        // The rounding taken once: read from `self` in each image's backward pass, the machine's
        // reference was counted around every call, on an object the calling thread also counts.
        let rounding = self.rounding
        for s in 0..<images {
            backward(pass, image: s, label: labels[s], weights: weights, rounding: rounding)
            for l in 0..<L {
                let m = widths[l + 1]
                batchDeltas[l].withUnsafeMutableBufferPointer { all in
                    deltas[l].withUnsafeBufferPointer { d in (all.baseAddress! + s * m).update(from: d.baseAddress!, count: m) }
                }
            }
        }
    }

    /// Adds every image's gradient of `pass` from the errors `computeErrors` found for it.
    public mutating func addGradients(of pass: ForwardPass) { addGradients(of: pass, sharing: nil) }

    private mutating func addGradients(of pass: ForwardPass, sharing shared: SharedItems?) {
        let L = widths.count - 1
        let images = pass.count
        let rounding = self.rounding
        let widths = self.widths
        let parts = (0..<L).map { self.parts(images: images, inputs: widths[$0], outputs: widths[$0 + 1]) }
        HeldOpen.reading(pass.activations) { a in
            HeldOpen.reading(batchDeltas) { d in
                gradients.withUnsafeMutableBufferPointer { gradients in
                    zeroRows.withUnsafeMutableBufferPointer { zeroRows in
                        HeldOpen.writing(gradients) { g in
                            HeldOpen.writing(zeroRows) { zero in
                                let layers = (0..<L).map { SharedRows(a: a[$0], d: d[$0], g: g[$0], zero: zero[$0]) }
                                let times = Self.addGradients(layers, widths: widths, images: images, parts: parts, sharing: shared,
                                                              rounding: rounding, firstShare: firstShare)
                                if let times { firstShare = Overlap.balance(share: firstShare, times: times) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds every image's gradient into each layer's rows: in blocks of rows either thread may
    /// take, given `shared` items, else the rows of every layer in runs of equal work on as many
    /// threads as the most `parts` of a layer (all of them on this one when that is one), this
    /// one's run `firstShare` of the work when there are two. Returns how long each of two runs took.
    @discardableResult
    static func addGradients(_ layers: [SharedRows], widths: [Int], images: Int, parts: [Int], sharing shared: SharedItems?,
                             rounding: (any TensorRounding)?, firstShare: Double = 0.5) -> (first: UInt64, second: UInt64)? {
        func add(_ l: Int, rows: Range<Int>) {
            let (a, d, g, zero) = (layers[l].a, layers[l].d, layers[l].g, layers[l].zero)
            let n = widths[l], m = widths[l + 1]
            let block = UnsafeMutableBufferPointer(rebasing: g[(rows.lowerBound * m)..<(rows.upperBound * m)])
            let zeroBlock = UnsafeMutableBufferPointer(rebasing: zero[rows])
            for s in 0..<images {
                let inputs = UnsafeBufferPointer(rebasing: a[(s * n + rows.lowerBound)..<(s * n + rows.upperBound)])
                let errors = UnsafeBufferPointer(rebasing: d[(s * m)..<((s + 1) * m)])
                // Rows split over threads are rounded by those threads; a whole gradient
                // whose sums are not rounded apart is rounded whole by `add`.
                Self.add(inputs, errors, into: block, zeroRows: zeroBlock, rounding: rounding)
            }
        }
        guard let shared else {
            let threads = parts.max() ?? 1
            guard threads > 1 else {
                for l in layers.indices { add(l, rows: 0..<widths[l]) }
                return nil
            }
            let runs = Self.runs(threads, of: layers, widths: widths, images: images, firstShare: firstShare)
            func addRun(_ part: Int) { for run in runs[part] { add(run.layer, rows: run.rows) } }
            guard threads == 2 else {
                forEachPart(threads, addRun)
                return nil
            }
            let times = Overlap.timed({ addRun(1) }, while: { addRun(0) })
            return (times.main, times.side)
        }
        // Each layer's rows in two halves: the thread that opens them takes the first and, most
        // times, the helper the second (finer blocks changed hands from batch to batch, and with
        // them the cache lines of the gradient: 60% more time in the additions).
        var blocks: [(layer: Int, rows: Range<Int>)] = []
        for l in layers.indices {
            let n = widths[l]
            blocks.append((l, 0..<(n / 2)))
            blocks.append((l, (n / 2)..<n))
        }
        shared.open(blocks.count) { k in add(blocks[k].layer, rows: blocks[k].rows) }
        return nil
    }

    /// Every layer's rows, one layer after the other, cut into `count` runs of about equal work
    /// (of two, the first `firstShare` of it): a row adds only the images that drive it (an
    /// input of 0 adds nothing), each over its outputs' vector blocks, after a look at every
    /// image's input. Layers too small to split alone go in a run with the rest, so that no
    /// thread waits while another adds them; which thread adds a row changes none of its sums.
    static func runs(_ count: Int, of layers: [SharedRows], widths: [Int], images: Int,
                     firstShare: Double = 0.5) -> [[(layer: Int, rows: Range<Int>)]] {
        var costs: [[Int]] = []
        var total = 0
        for l in layers.indices {
            let n = widths[l], perDriven = Int32(16 * ((widths[l + 1] + 15) / 16 + 1))
            // Each row's additions: its driven images' cost (a loop that vectorises).
            var additions = [Int32](repeating: 0, count: n)
            additions.withUnsafeMutableBufferPointer { additions in
                let a = layers[l].a.baseAddress!, cost = additions.baseAddress!
                for s in 0..<images {
                    let row = a + s * n
                    for i in 0..<n { cost[i] &+= row[i] != 0 ? perDriven : 0 }
                }
            }
            let layerCosts = additions.map { Int($0) + images }
            total += layerCosts.reduce(0, +)
            costs.append(layerCosts)
        }
        // Where each run ends: its share of the total done.
        let ends = (1..<count).map { k in count == 2 ? firstShare * Double(total) : Double(k * total) / Double(count) }
        var runs = [[(layer: Int, rows: Range<Int>)]](repeating: [], count: count)
        var part = 0, done = 0
        for l in layers.indices {
            var start = 0
            for i in 0..<widths[l] {
                done += costs[l][i]
                if part < count - 1 && Double(done) >= ends[part] {
                    runs[part].append((l, start..<(i + 1)))
                    start = i + 1
                    part += 1
                }
            }
            if start < widths[l] { runs[part].append((l, start..<widths[l])) }
        }
        return runs
    }

    /// The threads a layer's gradient of a batch of `images` (n inputs, m outputs) is split
    /// over: all of them for a product of some size whose sums are rounded apart (two threads
    /// pay for their hand-over only there), else one.
    func parts(images: Int, inputs n: Int, outputs m: Int) -> Int {
        (rounding?.roundsGradientsApart ?? true) && threads > 1 && images * n * m >= Self.parallelProduct ? threads : 1
    }

    /// Whether a batch of `images` splits some layer's gradient over the threads (its errors
    /// are then worth computing beside other work on the second thread, before the split).
    public func splitsGradients(images: Int) -> Bool {
        zip(widths, widths.dropFirst()).contains { parts(images: images, inputs: $0, outputs: $1) > 1 }
    }

    /// Whether a batch of `images` is worth running beside other work on a second thread: its
    /// gradient products are worth a hand-over and none of them is split over the threads (a
    /// split one uses the cores by itself).
    public func overlaps(images: Int) -> Bool {
        let layers = zip(widths, widths.dropFirst())
        return !splitsGradients(images: images)
            && layers.reduce(0) { $0 + images * $1.0 * $1.1 } >= Overlap.worthwhileMultiplyAdds
    }

    /// Gradient products of at least this many multiply-adds are split over the threads.
    static let parallelProduct = 1 << 20

    /// Runs `body(0) ..< body(parts - 1)`, on as many threads when there is more than one part:
    /// two on the calling thread and the run's side thread (`Overlap`, which spins between
    /// pieces: a third thread would share a core with it), more on Dispatch's threads.
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else { return body(0) }
        if parts == 2 { return Overlap.run({ body(1) }, while: { body(0) }) }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
        }
    }

    /// One image's errors: the output error from its outputs and label, then each hidden
    /// layer's from the next one's through `weights`, into `deltas`, each rounded by `rounding`.
    mutating func backward(_ pass: ForwardPass, image s: Int, label: Int, weights: [[Float]], rounding: (any TensorRounding)?) {
        let L = widths.count - 1
        let k = activation.outputScalePerAmp
        let m = widths[L]
        pass.outputs.withUnsafeBufferPointer { all in
            let out = UnsafeBufferPointer(rebasing: all[(s * m)..<((s + 1) * m)])
            probabilities.withUnsafeMutableBufferPointer { p in
                switch activation.output {
                case .softmax: _ = DigitalMath.softmax(out, k: k, label: label, into: p)
                case .sigmoid: _ = DigitalMath.sigmoid(out, k: k, label: label, into: p)
                }
            }
        }
        probabilities.withUnsafeBufferPointer { p in
            deltas[L - 1].withUnsafeMutableBufferPointer { d in
                switch activation.output {
                case .softmax: DigitalMath.outputDelta(p, k: k, label: label, into: d)
                case .sigmoid: DigitalMath.sigmoidOutputDelta(p, k: k, label: label, into: d)
                }
                rounding?.roundErrors(d)
            }
        }
        var l = L - 2
        while l >= 0 {
            let n = widths[l + 1]
            weights[l + 1].withUnsafeBufferPointer { w in
                deltas[l + 1].withUnsafeBufferPointer { next in
                    pass.activations[l + 1].withUnsafeBufferPointer { all in
                        let h = UnsafeBufferPointer(rebasing: all[(s * n)..<((s + 1) * n)])
                        deltas[l].withUnsafeMutableBufferPointer { d in
                            switch activation.hidden {
                            case .relu:
                                DigitalMath.hiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                        gain: activation.gain, clip: activation.clip, into: d)
                            case .sigmoid:
                                DigitalMath.sigmoidHiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                               scale: activation.hiddenScalePerAmp, volts: activation.hiddenVolts, into: d)
                            }
                            rounding?.roundErrors(d)
                        }
                    }
                }
            }
            l -= 1
        }
    }

    /// What one image's backward pass and gradient do on the digital side: softmax (m
    /// exponentials, m divisions as MACs) and output error (m MACs) from the outputs to the
    /// output errors; per hidden layer, from the last, W^T delta (a product with the weights
    /// stationary, read from the buffer) and the mask (two comparisons per unit); then per
    /// layer the outer product a delta^T into the gradient accumulators, read and written.
    /// A counting machine sums these (`DigitalWork.counted`); a tiling one runs them.
    /// A sigmoid output takes m exponentials, m divisions and three multiplies per output for
    /// its error (4 m MACs); a sigmoid hidden layer's derivative a (1 - a) k_h V times the
    /// product, three multiplies per unit, in place of the ReLU's two comparisons.
    public static func work(widths: [Int], hidden: HiddenActivation = .relu, output: OutputActivation = .softmax) -> [DigitalWork] {
        let L = widths.count - 1, m = widths[L]
        typealias T = DigitalWork.Tensor
        var work = [DigitalWork(.exp, m, phase: .backward, layer: L, reads: [T(.activations, layer: L, elements: m)]),
                    DigitalWork(.mac, (output == .softmax ? 2 : 4) * m, phase: .backward, layer: L, writes: [T(.errors, layer: L, elements: m)])]
        for l in stride(from: L - 1, through: 1, by: -1) {
            let n = widths[l], k = widths[l + 1]
            work.append(DigitalWork(.read, n * k, phase: .backward, layer: l + 1))
            work.append(.product(.init(m: 1, k: k, n: n, batched: .m, stationary: (.weights, l), streamed: (.errors, l + 1),
                                       output: (.errors, l)), phase: .backward, layer: l + 1))
            work.append(hidden == .relu ? DigitalWork(.compare, 2 * n, phase: .backward, layer: l) : DigitalWork(.mac, 3 * n, phase: .backward, layer: l))
        }
        for l in 0..<L {
            let n = widths[l], k = widths[l + 1]
            work.append(DigitalWork(.read, n * k, phase: .gradient, layer: l + 1))
            work.append(.product(.init(m: n, k: 1, n: k, batched: .k, stationary: (.errors, l + 1), streamed: (.activations, l),
                                       output: (.gradients, l)), phase: .gradient, layer: l + 1))
            work.append(DigitalWork(.write, n * k, phase: .gradient, layer: l + 1))
        }
        return work
    }

    /// Adds the product of inputs `a` and errors `d` to gradient `g` and rounds the sums it
    /// changed. A row that was zero and takes the same input as an earlier such row of this
    /// product ends up equal to it (the same sums, rounded alike): it is copied, not recomputed.
    static func add(_ a: UnsafeBufferPointer<Float>, _ d: UnsafeBufferPointer<Float>, into g: UnsafeMutableBufferPointer<Float>,
                    zeroRows zero: UnsafeMutableBufferPointer<Bool>, rounding: (any TensorRounding)?) {
        let m = d.count
        // The copies: (row, row it equals).
        var copies: [(row: Int, source: Int)] = []
        // Most images after a batch's first drive no row that is still zero: a branch-free pass
        // finds whether one does before the loop whose branches follow the inputs.
        var touched = 0
        for i in 0..<a.count { touched |= (a[i] != 0 ? 1 : 0) & (zero[i] ? 1 : 0) }
        if touched != 0 {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { seen in
                // The last zero row computed for each input value, by a hash of its bits (a miss only
                // costs a computation); filled when the first zero row comes.
                var seenFilled = false
                for i in 0..<a.count where a[i] != 0 {
                    if zero[i] {
                        if !seenFilled { seen.initialize(repeating: -1); seenFilled = true }
                        let bits = a[i].bitPattern
                        let slot = Int((bits ^ (bits >> 8) ^ (bits >> 16) ^ (bits >> 24)) & 255)
                        if seen[slot] >= 0 && a[seen[slot]].bitPattern == bits { copies.append((i, seen[slot])) } else { seen[slot] = i }
                    }
                    zero[i] = false
                }
            }
        }
        func addRows(_ c: UnsafeBufferPointer<Float>) {
            var rounded = true
            if rounding?.addRoundingChanged(g, inputs: c, errors: d) != true {
                DigitalMath.accumulate(c, d, into: g)
                rounded = rounding.map { $0.roundChangedGradients(g, inputs: c, errors: d) } ?? true
            }
            for (row, source) in copies {
                (g.baseAddress! + row * m).update(from: g.baseAddress! + source * m, count: m)
            }
            if !rounded { rounding!.roundGradients(g) }
        }
        // The rows to compute: the inputs, 0 at the copies (a row whose input is 0 adds nothing).
        guard !copies.isEmpty else { return addRows(a) }
        var computed = Array(a)
        for (row, _) in copies { computed[row] = 0 }
        computed.withUnsafeBufferPointer(addRows)
    }
}

/// A layer's inputs, errors, gradient and zero-row flags, shared by the threads that add to
/// disjoint rows of the gradient.
struct SharedRows: @unchecked Sendable {
    let a: UnsafeBufferPointer<Float>
    let d: UnsafeBufferPointer<Float>
    let g: UnsafeMutableBufferPointer<Float>
    let zero: UnsafeMutableBufferPointer<Bool>
}

/// A value handed to threads that use it without conflict (each its own part).
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
