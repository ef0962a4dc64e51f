import InsituEngine

extension Chip {
    /// Runs a batch forward: first the functional model, image after image (currents, TIAs,
    /// converters, the class); then, with accounting, every image's hops as events, followed
    /// by its `perImage` digital work. Returns what the digital side holds.
    public func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass {
        let n = batch.count
        while slots.count < n { slots.append(ImageSlot(widths: widths)) }
        let m0 = widths[0]
        precondition(batch.volts.count == n * m0, "a batch needs \(m0) input voltages per image")
        var pass = ForwardPass(widths: widths, count: n)
        try segment(phase, work: {
            for s in 0..<n {
                let slot = slots[s]
                for i in 0..<m0 { slot.inputs[0][i] = dacQuantizer.quantize(batch.volts[s * m0 + i]) }
                for l in 0..<layerCount {
                    workRead(l, slot: s)
                    workConvert(l, slot: s)
                }
                slot.prediction = slot.digital[lastLayer].withUnsafeBufferPointer { VectorMath.argmax($0) }
                pass.predictions[s] = slot.prediction
                pass.setActivations(layer: 0, image: s, slot.inputs[0])
                for l in 1..<widths.count - 1 { pass.setActivations(layer: l, image: s, slot.digital[l - 1]) }
                pass.setOutputs(image: s, slot.digital[lastLayer])
            }
        }, start: {
            chains = imageChains(then: perImage)
            for s in 0..<n { try simulator.schedule(at: cursor, to: flow, kind: 0, payload: Int64(s) << 20) }
        })
        return pass
    }

    var hiddenGain: Float { Float(spec.tia.gainVoltsPerAmp) }
    var clip: Float { Float(spec.tia.clipVolts) }

    /// Array product of layer l; a hidden layer's TIA output (ReLU, clipped) becomes the
    /// next layer's input when the interlayer path is analog.
    func workRead(_ l: Int, slot s: Int) {
        let slot = slots[s]
        slot.inputs[l].withUnsafeBufferPointer { v in
            slot.currents[l].withUnsafeMutableBufferPointer { out in
                layers[l].columnCurrents(v, into: out, rng: &readRNG)
            }
        }
        if l < lastLayer && analogInterlayer {
            for j in 0..<widths[l + 1] { slot.inputs[l + 1][j] = min(max(hiddenGain * slot.currents[l][j], 0), clip) }
        }
    }

    /// ADC conversion of layer l's outputs: hidden activations in volts, output currents
    /// through the output gain; with a digital interlayer, the DACs drive the codes on.
    func workConvert(_ l: Int, slot s: Int) {
        let slot = slots[s]
        let m = widths[l + 1]
        if l < layerCount - 1 {
            for j in 0..<m {
                let h = min(max(hiddenGain * slot.currents[l][j], 0), clip)
                slot.digital[l][j] = adcQuantizer.quantize(h)
            }
            if !analogInterlayer {
                for j in 0..<m { slot.inputs[l + 1][j] = dacQuantizer.quantize(slot.digital[l][j]) }
            }
        } else {
            let g = Float(spec.tia.outputGainVoltsPerAmp)
            for j in 0..<m { slot.digital[l][j] = adcQuantizer.quantize(g * slot.currents[l][j]) / g }
        }
    }

    /// The hops of one image: the main chain (drive, read, convert, codes to the buffer, per
    /// layer; the class; then `work`) and, with an analog interlayer, one side chain per
    /// hidden layer for its conversion, forked when its read ends.
    func imageChains(then work: [DigitalWork]) -> [[Hop]] {
        var main: [Hop] = []
        var sides: [[Hop]] = []
        let inBits = { (l: Int) in self.widths[l] * self.spec.dac.bits }
        func conversion(_ l: Int) -> [Hop] {
            let bits = placements[l].reduce(0) { $0 + $1.outputs } * spec.adc.bits
            var hops: [Hop] = [.convert(layer: l), .transfer(bits: bits), .buffer(write: true, bits: bits)]
            let adds = partialSumAdditions(l)
            if adds > 0 { hops.append(.digital(DigitalUnitModel.add, ops: adds, phase: nil)) }
            return hops
        }
        for l in 0..<layerCount {
            if l == 0 || !analogInterlayer {
                main += [.buffer(write: false, bits: inBits(l)), .transfer(bits: inBits(l)), .drive(layer: l)]
            }
            if l < lastLayer && analogInterlayer {
                sides.append(conversion(l))
                main.append(.read(layer: l, fork: sides.count))
            } else {
                main.append(.read(layer: l, fork: nil))
                main += conversion(l)
            }
        }
        main.append(.digital(DigitalUnitModel.compare, ops: widths.last! - 1, phase: nil))
        main += work.map(hop)
        return [main] + sides
    }

    /// Additions that join a layer's partial sums when it is split over tiles by rows:
    /// (blocks over a column - 1) per output column.
    func partialSumAdditions(_ l: Int) -> Int {
        var blocksPerColumn = [Int](repeating: 0, count: widths[l + 1])
        for p in placements[l] { for j in p.firstOutput..<(p.firstOutput + p.outputs) { blocksPerColumn[j] += 1 } }
        return blocksPerColumn.reduce(0) { $0 + max($1 - 1, 0) }
    }

    /// The hop that performs one item of digital work.
    func hop(_ w: DigitalWork) -> Hop {
        switch w.operation {
        case .read: .buffer(write: false, bits: w.count * spec.buffer.wordBits, phase: w.phase)
        case .write: .buffer(write: true, bits: w.count * spec.buffer.wordBits, phase: w.phase)
        default: .digital(DigitalUnitModel.action(w.operation)!, ops: w.count, phase: w.phase)
        }
    }
}

/// The entity that moves images through their hops: each event takes one hop's resources at
/// its own time and schedules the next hop when they are done. Kind: chain; payload: image
/// slot x 2^20 + hop index.
final class ImageFlow: Entity {
    let name = "image-flow"
    unowned(unsafe) let chip: Chip
    init(chip: Chip) { self.chip = chip }

    func handle(_ event: Event, in sim: Simulator) throws {
        let chain = Int(event.kind)
        let s = Int(event.payload >> 20)
        var step = Int(event.payload & 0xFFFFF)
        let hops = chip.chains[chain]
        while true {
            let hop = hops[step]
            let end = try chip.perform(hop, slot: s, at: sim.now)
            let fork: Int? = if case .read(_, let f) = hop { f } else { nil }
            guard step + 1 < hops.count else {
                if let fork { try sim.schedule(at: end, to: chip.flow, kind: Int32(fork), payload: Int64(s) << 20) }
                return
            }
            // The next hop is this image's next event; when nothing else is due before it, do it now.
            if fork == nil && sim.isNext(end) {
                sim.advance(to: end)
                step += 1
                continue
            }
            try sim.schedule(at: end, to: chip.flow, kind: event.kind, payload: Int64(s) << 20 | Int64(step + 1))
            if let fork { try sim.schedule(at: end, to: chip.flow, kind: Int32(fork), payload: Int64(s) << 20) }
            return
        }
    }
}
