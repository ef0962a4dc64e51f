import InsituEngine

/// Stages of one image's pass through the chip; an event's kind is stage x 256 + layer.
enum Stage: Int32 {
    case drive = 0, read, convert, classify, backward, gradient

    /// The event kind of this stage for `layer`.
    func kind(layer: Int) -> Int32 { rawValue << 8 | Int32(layer) }
}

extension Chip {
    /// Results of a batch of images.
    public struct BatchResult: Sendable {
        public var predictions: [Int]
        public var losses: [Double]
        public var correct: Int
    }

    /// Runs a batch of images through the chip. With `train`, also computes the errors
    /// from the read-back weights and adds the weight gradients (applied by `update`).
    /// `volts` holds each image's input voltages, `inputCount` per image.
    public func runBatch(volts: [Float], labels: [Int], train: Bool) throws -> BatchResult {
        let n = labels.count
        while slots.count < n { slots.append(ImageSlot(widths: widths)) }
        let m0 = widths[0]
        for s in 0..<n {
            let slot = slots[s]
            slot.label = labels[s]
            for i in 0..<m0 { slot.inputs[0][i] = dacQuantizer.quantize(volts[s * m0 + i]) }
        }
        training = train
        try segment(train ? .forward : .test) {
            if accounting {
                for s in 0..<n { try simulator.schedule(at: cursor, to: flow, kind: Stage.drive.kind(layer: 0), payload: Int64(s)) }
            } else {
                for s in 0..<n { try runFunctionally(slot: s) }
            }
        }
        var result = BatchResult(predictions: [], losses: [], correct: 0)
        for s in 0..<n {
            result.predictions.append(slots[s].prediction)
            result.losses.append(slots[s].loss)
            if slots[s].prediction == slots[s].label { result.correct += 1 }
        }
        return result
    }

    /// The same stages as the event flow, in order, without time or energy.
    func runFunctionally(slot s: Int) throws {
        for l in 0..<layerCount {
            workRead(l, slot: s)
            workConvert(l, slot: s)
        }
        workClassify(slot: s)
        if training {
            workBackward(slot: s)
            workGradient(slot: s)
        }
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

    func workClassify(slot s: Int) {
        let slot = slots[s]
        slot.prediction = slot.digital[layerCount - 1].withUnsafeBufferPointer { DigitalMath.argmax($0) }
    }

    /// Softmax, output error and hidden errors from the read-back weights.
    func workBackward(slot s: Int) {
        let slot = slots[s]
        let last = layerCount - 1
        slot.digital[last].withUnsafeBufferPointer { out in
            slot.probabilities.withUnsafeMutableBufferPointer { p in
                slot.loss = DigitalMath.softmax(out, k: outputScalePerAmp, label: slot.label, into: p)
            }
        }
        slot.probabilities.withUnsafeBufferPointer { p in
            slot.deltas[last].withUnsafeMutableBufferPointer { d in
                DigitalMath.outputDelta(p, k: outputScalePerAmp, label: slot.label, into: d)
            }
        }
        var l = last - 1
        while l >= 0 {
            layers[l + 1].readback.withUnsafeBufferPointer { w in
                slot.deltas[l + 1].withUnsafeBufferPointer { next in
                    slot.digital[l].withUnsafeBufferPointer { h in
                        slot.deltas[l].withUnsafeMutableBufferPointer { d in
                            DigitalMath.hiddenDelta(weights: w, outputs: widths[l + 2], nextDelta: next, activation: h,
                                                    gain: hiddenGain, clip: clip, into: d)
                        }
                    }
                }
            }
            l -= 1
        }
    }

    /// Adds this image's weight gradients: dL/dW_l = a_l delta_l^T, with a_0 the input
    /// voltages and a_l the digitised hidden activations.
    func workGradient(slot s: Int) {
        let slot = slots[s]
        for l in 0..<layerCount {
            let a = l == 0 ? slot.inputs[0] : slot.digital[l - 1]
            a.withUnsafeBufferPointer { a in
                slot.deltas[l].withUnsafeBufferPointer { d in
                    gradients[l].withUnsafeMutableBufferPointer { g in DigitalMath.accumulate(a, d, into: g) }
                }
            }
        }
    }
}

/// The entity that moves images through their stages, charging each stage's time and energy.
final class ImageFlow: Entity {
    let name = "image-flow"
    unowned(unsafe) let chip: Chip
    init(chip: Chip) { self.chip = chip }

    func handle(_ event: Event, in sim: Simulator) throws {
        let stage = Stage(rawValue: event.kind >> 8)!
        let l = Int(event.kind & 0xff)
        let s = Int(event.payload)
        let next: (Stage, Int)?
        let end: SimTime
        switch stage {
        case .drive:
            end = try chip.costDrive(l, slot: s, at: sim.now)
            next = (.read, l)
        case .read:
            chip.workRead(l, slot: s)
            end = try chip.costRead(l, slot: s, at: sim.now)
            if l < chip.lastLayer && chip.analogInterlayer {
                try sim.schedule(at: end, to: chip.flow, kind: Stage.read.kind(layer: l + 1), payload: event.payload)
            }
            next = (.convert, l)
        case .convert:
            chip.workConvert(l, slot: s)
            end = try chip.costConvert(l, slot: s, at: sim.now)
            if l < chip.lastLayer {
                next = chip.analogInterlayer ? nil : (.drive, l + 1)
            } else {
                next = (.classify, 0)
            }
        case .classify:
            chip.workClassify(slot: s)
            end = try chip.costClassify(at: sim.now)
            next = chip.training ? (.backward, 0) : nil
        case .backward:
            chip.workBackward(slot: s)
            end = try chip.costBackward(at: sim.now)
            next = (.gradient, 0)
        case .gradient:
            chip.workGradient(slot: s)
            end = try chip.costGradient(at: sim.now)
            next = nil
        }
        if let (stage, layer) = next {
            try sim.schedule(at: end, to: chip.flow, kind: stage.kind(layer: layer), payload: event.payload)
        }
    }
}
