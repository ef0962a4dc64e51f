import InsituEngine

extension Chip {
    /// Runs a batch forward: first the functional model, image after image (currents, TIAs,
    /// converters, the class; the batch's two halves on two threads where that pays); then,
    /// with accounting, every image's hops as events, followed by its `perImage` digital work,
    /// run as counts on the digital unit. Returns what the digital side holds.
    public func forward(_ batch: InputBatch, phase: Phase, perImage described: [DigitalWork]) throws -> ForwardPass {
        try forward(batch, phase: phase, perImage: described, beside: nil)
    }

    /// `forward`; `meanwhile` runs beside the events that charge the pass (they read the chip's
    /// components, slots and conductances; it reads only the pass).
    public func forward(_ batch: InputBatch, phase: Phase, perImage described: [DigitalWork],
                        meanwhile: (ForwardPass) -> Void) throws -> ForwardPass {
        try withoutActuallyEscaping(meanwhile) { try forward(batch, phase: phase, perImage: described, beside: $0) }
    }

    private func forward(_ batch: InputBatch, phase: Phase, perImage described: [DigitalWork],
                         beside meanwhile: ((ForwardPass) -> Void)?) throws -> ForwardPass {
        let n = batch.count
        if phase == .forward { trainingBatch = n }
        let dataflow = spec.digital.gradientDataflow
        let perImage = countedPerImage.of(described) { dataflow.perImage($0, widths: widths) }
        addSlots(upTo: n)
        let m0 = widths[0]
        precondition(batch.volts.count == n * m0, "a batch needs \(m0) input voltages per image")
        var pass = ForwardPass(widths: widths, count: n)
        let ready = prepared.map { $0.volts == batch.volts && $0.labels == batch.labels } ?? false
        (prepared, expected) = (nil, nil)
        try segment(phase, replay: .forward(images: n, work: perImage), work: {
            if !ready { computeImages(batch) }
            collect(batch, into: &pass)
            if accounting { setHops(then: perImage) }
        }, start: {
            try simulator.schedule(at: cursor, to: flow, kind: ImageFlow.start, payload: Int64(n))
        }, meanwhile: meanwhile.map { meanwhile in { meanwhile(pass) } }, help: meanwhile == nil ? nil : helpMeanwhile)
        return pass
    }

    /// The images' shared items: `meanwhile` of a batch's pass may open its own there. None
    /// without accounting: `meanwhile` then runs alone, after the pass.
    public var meanwhileItems: SharedItems? { accounting ? sharedImages : nil }

    /// Takes some of the items `meanwhile` opened, once the pass's events are done.
    private func helpMeanwhile() { sharedImages.help() }

    /// Every image of `batch` into slots from `offset` on. Each image's values are in its own
    /// slot; without read noise (no draws) the second half of the images beside the first, each
    /// slot the same either way.
    func computeImages(_ batch: InputBatch, offset: Int = 0) {
        let n = batch.count
        if n >= 2 && n * productSize >= Overlap.worthwhileMultiplyAdds && !hasReadNoise {
            let stream = readRNG
            Overlap.run({ drawlessImages((n / 2)..<n, of: batch, offset: offset, stream: stream) },
                        while: { for s in 0..<(n / 2) { image(s, of: batch, slot: offset + s, rng: &readRNG) } })
        } else {
            for s in 0..<n { image(s, of: batch, slot: offset + s, rng: &readRNG) }
        }
    }

    /// Images `range` of `batch` into slots from `offset` on, where the reads draw no noise: on
    /// any thread, beside other images, reading with `stream` (a copy of the read stream that stays unused).
    func drawlessImages(_ range: Range<Int>, of batch: InputBatch, offset: Int = 0, stream: RandomStream) {
        var unused = stream
        for s in range { image(s, of: batch, slot: offset + s, rng: &unused) }
    }

    /// What the digital side holds of every image of `batch`, from its slots from `offset` on
    /// (their range counts added to the chip's).
    func collect(_ batch: InputBatch, offset: Int = 0, into pass: inout ForwardPass) {
        let m0 = widths[0]
        let fromBatch = spec.dac.bits < Self.inputBits
        batch.volts.withUnsafeBufferPointer { volts in
            for s in 0..<batch.count {
                slot(offset + s)._withUnsafeGuaranteedRef { slot in
                    for l in 0..<layerCount { rangeCounts.layers[l].add(slot.counts[l]) }
                    pass.predictions[s] = slot.prediction
                    // What backpropagation reads back from the buffer: the codes as its words hold them.
                    // The buffer holds each input as it arrived (an 8-bit pixel); a DAC of fewer bits drives
                    // a coarser level, but backpropagation reads the input from the buffer.
                    let stored = fromBatch ? UnsafeBufferPointer(rebasing: volts[(s * m0)..<((s + 1) * m0)]) : UnsafeBufferPointer(slot.inputs[0])
                    pass.store(stored, layer: 0, image: s, word: inputWord)
                    for l in 1..<widths.count - 1 { pass.store(UnsafeBufferPointer(slot.digital[l - 1]), layer: l, image: s, word: codeWord) }
                    pass.store(UnsafeBufferPointer(slot.digital[lastLayer]), layer: nil, image: s, word: nil)
                }
            }
        }
    }

    /// Image slot s's layer-l input voltages, column currents and digitised outputs.
    @inline(__always) func inputs(_ l: Int, slot s: Int) -> UnsafeMutableBufferPointer<Float> { slot(s)._withUnsafeGuaranteedRef { $0.inputs[l] } }
    @inline(__always) func currents(_ l: Int, slot s: Int) -> UnsafeMutableBufferPointer<Float> { slot(s)._withUnsafeGuaranteedRef { $0.currents[l] } }
    @inline(__always) func outputs(_ l: Int, slot s: Int) -> UnsafeMutableBufferPointer<Float> { slot(s)._withUnsafeGuaranteedRef { $0.digital[l] } }

    /// Every image's hops (then `perImage`'s), which depend only on the chip and the work.
    func setHops(then perImage: [DigitalWork]) {
        let chains = imageChains(then: perImage)
        hops = Array(chains.joined())
        chainEnds = chains.indices.map { c in chains[0...c].reduce(0) { $0 + $1.count } }
    }

    /// Multiply-adds of one image's products (every layer's inputs x outputs).
    var productSize: Int { zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Whether a read draws noise (the reads must then take their draws in image order).
    var hasReadNoise: Bool { crossbars.contains { $0.devices.readNoise > 0 } }

    /// Image i of `batch` through every layer into slot s: the DACs' levels, each layer's
    /// product and conversion, the class; its range counts in the slot.
    func image(_ i: Int, of batch: InputBatch, slot s: Int, rng: inout RandomStream) {
        let m0 = widths[0]
        let dac = dacQuantizer, v = inputs(0, slot: s), counts = slot(s)._withUnsafeGuaranteedRef { $0.counts }
        batch.volts.withUnsafeBufferPointer { all in dac.levels(of: UnsafeBufferPointer(rebasing: all[(i * m0)..<((i + 1) * m0)]), into: v) }
        for l in 0..<layerCount {
            counts[l] = RangeCounts.Layer()
            if digitalSums[l] {
                workPartialSums(l, slot: s, rng: &rng)
            } else {
                workRead(l, slot: s, rng: &rng)
                workConvert(l, slot: s)
            }
        }
        slot(s)._withUnsafeGuaranteedRef { $0.prediction = VectorMath.argmax(UnsafeBufferPointer($0.digital[lastLayer])) }
    }

    /// Bits of an input as it arrives (MNIST pixels).
    static let inputBits = 8

    var hiddenGain: Float { Float(spec.tia.gainVoltsPerAmp) }
    var clip: Float { Float(spec.tia.clipVolts) }

    /// Array product of layer l; a hidden layer's TIA output (ReLU, clipped) becomes the
    /// next layer's input when the interlayer path is analog.
    func workRead(_ l: Int, slot s: Int, rng: inout RandomStream) {
        let current = currents(l, slot: s)
        withCrossbar(l, slot: s) { $0.columnCurrents(UnsafeBufferPointer(inputs(l, slot: s)), into: current, rng: &rng) }
        if drivesNextAnalog(l) {
            let gain = hiddenGain, clip = self.clip, next = inputs(l + 1, slot: s)
            for j in 0..<current.count { next[j] = min(max(gain * current[j], 0), clip) }
        }
    }

    /// ADC conversion of layer l's outputs: hidden activations in volts, output currents
    /// through the output gain; with a digital interlayer, the DACs drive the codes on.
    func workConvert(_ l: Int, slot s: Int) {
        let q = adcQuantizer, current = currents(l, slot: s), out = outputs(l, slot: s)
        if l < layerCount - 1 {
            let gain = hiddenGain, clip = self.clip
            var clipped: UInt64 = 0, saturated: UInt64 = 0
            if let (beyond, over) = q.levels(of: UnsafeBufferPointer(current), gain: gain, clip: clip, into: out) {
                (saturated, clipped) = (UInt64(beyond), UInt64(over))
            } else {
                for j in 0..<current.count {
                    let v = gain * current[j]
                    if v > clip { clipped += 1 }
                    let a = min(max(v, 0), clip)
                    if q.saturates(a) { saturated += 1 }
                    out[j] = q.quantize(a)
                }
            }
            count(layer: l, slot: s, conversions: widths[l + 1], saturated: saturated, activations: widths[l + 1], clipped: clipped)
            if !drivesNextAnalog(l) { dacQuantizer.levels(of: UnsafeBufferPointer(out), into: inputs(l + 1, slot: s)) }
        } else {
            let g = Float(spec.tia.outputGainVoltsPerAmp)
            var saturated: UInt64 = 0
            if let (beyond, _) = q.levels(of: UnsafeBufferPointer(current), gain: g, into: out) {
                saturated = UInt64(beyond)
                for j in 0..<out.count { out[j] /= g }
            } else {
                for j in 0..<current.count {
                    if q.saturates(g * current[j]) { saturated += 1 }
                    out[j] = q.quantize(g * current[j]) / g
                }
            }
            count(layer: l, slot: s, conversions: widths[l + 1], saturated: saturated)
        }
    }

    /// A layer whose sums are joined digitally, as the hardware does it: each block's partial
    /// currents (of each bit plane, for bit-serial inputs) go through a linear TIA (the hidden
    /// gain, or the output gain) to its ADC, the codes are added digitally (a plane's shifted
    /// by its significance, 2^k / (2^bits - 1) of the full range), and a hidden layer's ReLU and
    /// clip are applied to the sum in the digital unit; the next layer is then driven by DACs.
    func workPartialSums(_ l: Int, slot s: Int, rng: inout RandomStream) {
        let m = widths[l + 1]
        let hidden = l < lastLayer
        let gain = hidden ? hiddenGain : Float(spec.tia.outputGainVoltsPerAmp)
        // A sliced weight's columns carry currents of one sign: the ADC reads them unipolar (ISAAC).
        let sliced = spec.cell.isSliced, q = sliced ? sliceADC : adcQuantizer
        var sums = [Float](repeating: 0, count: m), exact = sums
        // A sliced weight's columns are joined into its output: device column d holds slice d % S of output d / S.
        let slices = spec.cell.columnsPerWeight, sliceWeights = self.sliceWeights, sliceRange = sliceRangePerRow
        var part = [Float](repeating: 0, count: m * slices)
        var conversions = 0
        var saturated: UInt64 = 0
        let devices = crossbar(l, slot: s)
        for k in 0..<planes {
            let plane = planes == 1 ? nil : planeVolts(l, slot: s, plane: k)
            let significance: Float = planes == 1 ? 1 : Float(1 << k) / Float((1 << planes) - 1)
            plane.withInputs(or: inputs(l, slot: s)) { v in
                part.withUnsafeMutableBufferPointer { out in
                    for p in blocks(l, slot: s) {
                        let columns = p.firstOutput..<(p.firstOutput + p.outputs)
                        devices.partialCurrents(v, inputs: p.firstInput..<(p.firstInput + p.inputs), columns: columns, into: out, rng: &rng)
                        // A block sensed in its own range: the gain times sqrt(layer inputs / block inputs); a
                        // sliced weight's column (all its currents of one sign) over the most its rows can carry.
                        let scale = sliced ? sliceRange / (Float(p.inputs) * gain)
                            : spec.tia.partialSumRange == .block ? (Float(widths[l]) / Float(p.inputs)).squareRoot() : 1
                        let blockGain = gain * scale
                        conversions += columns.count
                        for (c, d) in columns.enumerated() {
                            if q.saturates(blockGain * out[c]) { saturated += 1 }
                            let j = slices == 1 ? d : d / slices, k = sliced ? significance * sliceWeights[d % slices] : significance
                            sums[j] += k * (q.quantize(blockGain * out[c]) / scale)
                            exact[j] += k * out[c]
                        }
                    }
                }
            }
        }
        if sliced {
            // Every slice conducts its floor and the codes are offset: the digital unit takes off
            // beta x the input's sum (the inputs' volts, whichever planes carried them).
            let bias = Float(sliceBiasPerVolt * inputs(l, slot: s).reduce(0.0) { $0 + Double($1) })
            for j in 0..<m {
                sums[j] -= gain * bias
                exact[j] -= bias
            }
        }
        _ = currents(l, slot: s).update(fromContentsOf: exact)
        let digital = outputs(l, slot: s), next = hidden ? inputs(l + 1, slot: s) : .init(start: nil, count: 0)
        if hidden && self.hidden == .sigmoid {
            // The joined sum in volts is gain x I: the sigmoid of k_h I, driven at that fraction of the DAC range.
            let dac = dacQuantizer, k = hiddenScalePerAmp / Double(gain), full = Float(spec.dac.rangeVolts)
            for j in 0..<m {
                digital[j] = full * HiddenActivation.logistic(k * Double(sums[j]))
                next[j] = dac.quantize(digital[j])
            }
            count(layer: l, slot: s, conversions: conversions, saturated: saturated, activations: m)
        } else if hidden {
            let clip = self.clip, dac = dacQuantizer
            var clipped: UInt64 = 0
            for j in 0..<m {
                if sums[j] > clip { clipped += 1 }
                digital[j] = min(max(sums[j], 0), clip)
                next[j] = dac.quantize(digital[j])
            }
            count(layer: l, slot: s, conversions: conversions, saturated: saturated, activations: m, clipped: clipped)
        } else {
            count(layer: l, slot: s, conversions: conversions, saturated: saturated)
            for j in 0..<m { digital[j] = sums[j] / gain }
        }
    }

    /// Adds an image's conversions and activations in layer l to its slot's range counts.
    @inline(__always)
    func count(layer l: Int, slot s: Int, conversions: Int, saturated: UInt64, activations: Int = 0, clipped: UInt64 = 0) {
        slot(s)._withUnsafeGuaranteedRef { slot in
            slot.counts[l].conversions += UInt64(conversions)
            slot.counts[l].saturated += saturated
            slot.counts[l].activations += UInt64(activations)
            slot.counts[l].clipped += clipped
        }
    }

    /// Bit plane k of layer l's inputs for image slot s: the full range on the rows whose input
    /// code has bit k set, 0 elsewhere.
    func planeVolts(_ l: Int, slot s: Int, plane k: Int) -> [Float] {
        // Inputs are DAC levels v = code x step >= 0, so adding half a step and truncating gives the code.
        let perStep = 1 / dacQuantizer.step, full = Float(spec.dac.rangeVolts)
        return inputs(l, slot: s).map { v in (Int(Double(v) * perStep + 0.5) >> k) & 1 == 1 ? full : 0 }
    }

    /// The hops of one image: the main chain (drive, read, convert, codes to the buffer, per
    /// layer; the class; then `work`) and, with an analog interlayer, one side chain per
    /// hidden layer for its conversion, forked when its read ends.
    func imageChains(then work: [DigitalWork]) -> [[Hop]] {
        var main: [Hop] = []
        var sides: [[Hop]] = []
        let inBits = { (l: Int) in self.widths[l] * self.spec.dac.bits }
        let slices = spec.cell.columnsPerWeight
        let registers = spec.inputRegister != nil || spec.outputRegister != nil
        func conversion(_ l: Int) -> [Hop] {
            let bits = replicaBlocks[l][0].reduce(0) { $0 + $1.outputs } / slices * outputBits
            var hops: [Hop] = planes > 1 ? [] : (0..<stageCount).map { .stage(index: $0, layer: l) } + [.convert(layer: l)]
            if registers { hops.append(.registers(layer: l, inputs: false)) }
            hops += [.transfer(bits: bits, layer: l), .buffer(write: true, bits: bits, layer: l)]
            // Sliced weights: the inputs' sum once, and its multiple taken off every output; without
            // bit-serial inputs (no shift-and-add units) the slices are joined on the digital unit too.
            let joins = spec.cell.isSliced ? widths[l] + widths[l + 1] + (planes == 1 ? (slices - 1) * widths[l + 1] : 0) : 0
            let adds = partialSumAdditions(l) + joins
            if adds > 0 { hops.append(.digital(.init(DigitalUnitModel.add), ops: adds, phase: nil, layer: l)) }
            if spec.resultRegister != nil { hops.append(.results(bits: widths[l + 1] * outputBits, layer: l)) }
            return hops
        }
        for l in 0..<layerCount {
            if l == 0 || !drivesNextAnalog(l - 1) {
                main += [.buffer(write: false, bits: inBits(l), layer: l), .transfer(bits: inBits(l), layer: l)]
                if registers { main.append(.registers(layer: l, inputs: true)) }
                main.append(planes > 1 ? .serialRead(layer: l) : .drive(layer: l))
            }
            if drivesNextAnalog(l) {
                sides.append(conversion(l))
                main.append(.read(layer: l, fork: sides.count))
            } else {
                if planes == 1 { main.append(.read(layer: l, fork: nil)) }
                main += conversion(l)
                // A hidden layer joined digitally has its ReLU and clip on the digital unit (two comparisons per
                // output), or its sigmoid (an exponential, and a division and the scaling as two MACs, per output).
                if digitalSums[l] && l < lastLayer {
                    if hidden == .sigmoid {
                        main += [.digital(.init(DigitalUnitModel.exp), ops: widths[l + 1], phase: nil, layer: l),
                                 .digital(.init(DigitalUnitModel.mac), ops: 2 * widths[l + 1], phase: nil, layer: l)]
                    } else {
                        main.append(.digital(.init(DigitalUnitModel.compare), ops: 2 * widths[l + 1], phase: nil, layer: l))
                    }
                }
            }
        }
        main.append(.digital(.init(DigitalUnitModel.compare), ops: widths.last! - 1, phase: nil, layer: lastLayer))
        if spec.router != nil {
            // The image arrives through the router into the buffer; the outputs leave the same way.
            let outBits = widths.last! * outputBits
            main = [.route(bits: inBits(0), layer: 0), .buffer(write: true, bits: inBits(0), layer: 0)] + main
                + [.buffer(write: false, bits: outBits, layer: lastLayer), .route(bits: outBits, layer: lastLayer)]
        }
        main += work.map(hop)
        return [main] + sides
    }

    /// Bits of one output of a layer as it leaves its tile: a code, a bit-serial sum (planes - 1
    /// bits more), or a sliced weight's joined sum, which the shift-and-add keeps in a buffer word
    /// (ISAAC keeps 16 bits).
    var outputBits: Int { spec.cell.isSliced ? spec.buffer.wordBits : spec.adc.bits + planes - 1 }

    /// Additions that join a layer's partial sums when it is split over tiles by rows:
    /// (blocks over a column - 1) per output column (every copy of a layer is split alike).
    func partialSumAdditions(_ l: Int) -> Int {
        // Counted per output: a sliced weight's device columns all sit in one block.
        let slices = spec.cell.columnsPerWeight
        var blocksPerColumn = [Int](repeating: 0, count: widths[l + 1])
        for p in replicaBlocks[l][0] {
            for j in stride(from: p.firstOutput, to: p.firstOutput + p.outputs, by: slices) { blocksPerColumn[j / slices] += 1 }
        }
        return blocksPerColumn.reduce(0) { $0 + max($1 - 1, 0) }
    }

    /// The hop that performs one item of digital work.
    func hop(_ w: DigitalWork) -> Hop {
        switch w.operation {
        case .read: .buffer(write: false, bits: w.count * spec.buffer.wordBits, phase: w.phase)
        case .write: .buffer(write: true, bits: w.count * spec.buffer.wordBits, phase: w.phase)
        default: .digital(.init(DigitalUnitModel.action(w.operation)!), ops: w.count, phase: w.phase)
        }
    }
}

/// The entity that moves images through their hops: each event takes one hop's resources at
/// its own time and schedules the next hop when they are done. Kind: chain; payload: image
/// slot x 2^20 + index of the hop in `Chip.hops`. A batch starts with one event whose kind is
/// `start` and payload the number of images: every image asks for its first hop then.
final class ImageFlow: Entity {
    static let start: Int32 = -1
    let name = "image-flow"
    unowned(unsafe) let chip: Chip
    init(chip: Chip) { self.chip = chip }

    func handle(_ event: Event, in sim: Simulator) throws {
        if event.kind == Self.start {
            for s in 0..<Int(event.payload) { try advance(chain: 0, slot: s, hop: 0, in: sim, inline: false) }
            return
        }
        try advance(chain: Int(event.kind), slot: Int(event.payload >> 20), hop: Int(event.payload & 0xFFFFF), in: sim, inline: true)
    }

    /// Performs hop `index` of `chain` for image `s` and the hops after it that can be done at
    /// once (nothing else due before them); schedules the first that cannot.
    func advance(chain: Int, slot s: Int, hop index: Int, in sim: Simulator, inline: Bool) throws {
        let chip = self.chip
        let last = chip.chainEnds[chain] - 1
        var i = index
        while true {
            let hop = chip.hops[i]
            chip.record(image: true, index: i, unit: s, at: sim.now)
            let end = try chip.perform(hop, slot: s, at: sim.now)
            let fork: Int? = if case .read(_, let f) = hop { f } else { nil }
            guard i < last else {
                if let fork { try sim.schedule(at: end, to: chip.flow, kind: Int32(fork), payload: Int64(s) << 20 | Int64(chip.chainEnds[fork - 1])) }
                return
            }
            // The next hop is this image's next event; when nothing else is due before it, do it now.
            if inline && fork == nil && sim.isNext(end) {
                sim.advance(to: end)
                i += 1
                continue
            }
            try sim.schedule(at: end, to: chip.flow, kind: Int32(chain), payload: Int64(s) << 20 | Int64(i + 1))
            if let fork { try sim.schedule(at: end, to: chip.flow, kind: Int32(fork), payload: Int64(s) << 20 | Int64(chip.chainEnds[fork - 1])) }
            return
        }
    }
}

fileprivate extension Optional where Wrapped == [Float] {
    /// `body` over the array's values when there is one, else over `values`.
    func withInputs<R>(or values: UnsafeMutableBufferPointer<Float>, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard let array = self else { return try body(UnsafeBufferPointer(values)) }
        return try array.withUnsafeBufferPointer(body)
    }
}

fileprivate extension ForwardPass {
    /// Stores image s's values (`layer` l's input activations, or the outputs when nil), each
    /// through `word` when there is one (the buffer's word).
    mutating func store(_ values: UnsafeBufferPointer<Float>, layer l: Int?, image s: Int, word: Quantizer?) {
        let n = values.count
        func copy(into target: UnsafeMutableBufferPointer<Float>) {
            precondition(s >= 0 && (s + 1) * n <= target.count, "image outside the batch")
            let to = target.baseAddress! + s * n
            if let word { for k in 0..<n { to[k] = word.quantize(values[k]) } } else { to.update(from: values.baseAddress!, count: n) }
        }
        if let l { activations[l].withUnsafeMutableBufferPointer { copy(into: $0) } } else { outputs.withUnsafeMutableBufferPointer { copy(into: $0) } }
    }
}
