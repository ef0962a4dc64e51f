import InsituEngine

/// Time and energy of each stage of an image's pass (equations in docs/model.md).
extension Chip {
    /// Share of a layer's array energy that falls on one placement (by devices).
    func share(_ p: Placement, ofLayer l: Int) -> Double { Double(p.devices) / Double(2 * widths[l] * widths[l + 1]) }

    /// Row drivers: the inputs come from the buffer over the interconnect; each driven row
    /// costs one DAC conversion plus charging its line, C_row V^2.
    func costDrive(_ l: Int, slot s: Int, at ready: SimTime) throws -> SimTime {
        let v = slots[s].inputs[l]
        let bits = widths[l] * spec.dac.bits
        let now = try transfer(bits: bits, at: bufferAccess(.bufferRead, bits: bits, at: ready))
        var end = now
        for p in placements[l] {
            var line = 0.0
            for i in p.firstInput..<(p.firstInput + p.inputs) { line += 2 * Double(v[i] * v[i]) }
            let grant = try tiles[p.tile].dacs.acquire(at: now, for: spec.dac.latency)
            tiles[p.tile].dacMeter.charge(.drive, phase, joules: Double(2 * p.inputs) * spec.dac.energyJoules
                                          + spec.tile.rowCapacitanceFarads * line, busy: spec.dac.latency, count: UInt64(2 * p.inputs))
            span(tiles[p.tile].dacs.name, phase.name, grant.start, grant.end)
            end = max(end, grant.end)
        }
        return end
    }

    /// Array read with the TIAs: the array is busy for its settling plus the TIA's; the
    /// devices dissipate t x sum V^2 G; each column's TIA costs one sample. With an analog
    /// interlayer the TIAs also charge the next layer's row lines.
    func costRead(_ l: Int, slot s: Int, at now: SimTime) throws -> SimTime {
        let duration = readDuration
        let energy = slots[s].inputs[l].withUnsafeBufferPointer { layers[l].readEnergy($0, seconds: duration.seconds) }
        var lineEnergy = 0.0
        if l < lastLayer && analogInterlayer {
            for x in slots[s].inputs[l + 1] { lineEnergy += 2 * Double(x * x) }
            lineEnergy *= spec.tile.rowCapacitanceFarads
        }
        var end = now
        for p in placements[l] {
            let grant = try tiles[p.tile].array.acquire(at: now, for: duration)
            let f = share(p, ofLayer: l)
            tiles[p.tile].arrayMeter.charge(.read, phase, joules: energy * f, busy: duration)
            tiles[p.tile].tiaMeter.charge(.sense, phase, joules: Double(p.outputs) * spec.tia.energyJoules + lineEnergy * f,
                                          busy: spec.tia.settling, count: UInt64(p.outputs))
            span(tiles[p.tile].array.name, phase.name, grant.start, grant.end)
            end = max(end, grant.end)
        }
        return end
    }

    /// ADC conversions of a layer's columns, in groups over the tile's ADCs, then the
    /// codes are written to the buffer.
    func costConvert(_ l: Int, slot s: Int, at now: SimTime) throws -> SimTime {
        var end = now
        for p in placements[l] {
            let done = try tiles[p.tile].convert(p.outputs, at: now, duration: spec.adc.conversionTime)
            tiles[p.tile].adcMeter.charge(.convert, phase, joules: Double(p.outputs) * adcJoules,
                                          busy: try spec.adc.conversionTime.multiplied(by: UInt64(p.outputs)), count: UInt64(p.outputs))
            span(tiles[p.tile].adcs.name, phase.name, now, done)
            end = max(end, done)
        }
        let bits = widths[l + 1] * spec.adc.bits
        return try bufferAccess(.bufferWrite, bits: bits, at: transfer(bits: bits, at: end))
    }

    /// Moving `bits` between the tiles and the buffer over the interconnect.
    func transfer(bits: Int, at time: SimTime) throws -> SimTime {
        let duration = try busClock.time(ofCycle: UInt64((bits + spec.interconnect.bitsPerCycle - 1) / spec.interconnect.bitsPerCycle))
        let grant = try bus.acquire(at: time, for: duration)
        busMeter.charge(.transfer, phase, joules: Double(bits) * spec.interconnect.energyPerBitJoules, busy: duration, count: UInt64(bits))
        span("interconnect", phase.name, grant.start, grant.end)
        return grant.end
    }

    /// Buffer transfer of `bits`, queued on the buffer port.
    func bufferAccess(_ action: Action, bits: Int, at time: SimTime) throws -> SimTime {
        let duration = try bufferTime(bits: bits)
        let grant = try buffer.acquire(at: time, for: duration)
        bufferMeter.charge(action, phase, joules: Double(bits) * spec.buffer.energyPerBitJoules, busy: duration, count: UInt64(bits))
        span("buffer", phase.name, grant.start, grant.end)
        return grant.end
    }

    /// Digital work of `ops` operations of one kind, queued on the digital unit.
    func digitalWork(_ action: Action, ops: Int, joulesEach: Double, cycles: Int = 1, phase: Phase, at time: SimTime) throws -> SimTime {
        let duration = try digitalTime(ops: ops, cycles: cycles)
        let grant = try digital.acquire(at: time, for: duration)
        digitalMeter.charge(action, phase, joules: Double(ops) * joulesEach, busy: duration, count: UInt64(ops))
        span("digital", phase.name, grant.start, grant.end)
        return grant.end
    }

    /// The class is the largest output: m - 1 comparisons.
    func costClassify(at now: SimTime) throws -> SimTime {
        try digitalWork(.compare, ops: widths.last! - 1, joulesEach: spec.digital.addJoules, phase: phase, at: now)
    }

    /// Softmax (m exponentials, m divisions as MACs), output error (m MACs), and per
    /// hidden layer W^T delta (inputs x outputs MACs) and the mask (two comparisons per unit),
    /// reading the read-back weights from the buffer.
    func costBackward(at now: SimTime) throws -> SimTime {
        let m = widths.last!
        var t = try digitalWork(.exp, ops: m, joulesEach: spec.digital.expJoules, cycles: spec.digital.expCycles, phase: .backward, at: now)
        var macs = 2 * m, compares = 0, weightBits = 0
        for l in 1..<layerCount {
            macs += widths[l] * widths[l + 1]
            compares += 2 * widths[l]
            weightBits += widths[l] * widths[l + 1] * spec.buffer.wordBits
        }
        let saved = phase
        phase = .backward
        defer { phase = saved }
        if weightBits > 0 { t = try bufferAccess(.bufferRead, bits: weightBits, at: t) }
        t = try digitalWork(.mac, ops: macs, joulesEach: spec.digital.macJoules, phase: .backward, at: t)
        if compares > 0 { t = try digitalWork(.compare, ops: compares, joulesEach: spec.digital.addJoules, phase: .backward, at: t) }
        return t
    }

    /// Weight gradients a delta^T for every layer, read-modify-write of the accumulators.
    func costGradient(at now: SimTime) throws -> SimTime {
        var macs = 0
        for l in 0..<layerCount { macs += widths[l] * widths[l + 1] }
        let saved = phase
        phase = .gradient
        defer { phase = saved }
        var t = try bufferAccess(.bufferRead, bits: macs * spec.buffer.wordBits, at: now)
        t = try digitalWork(.mac, ops: macs, joulesEach: spec.digital.macJoules, phase: .gradient, at: t)
        return try bufferAccess(.bufferWrite, bits: macs * spec.buffer.wordBits, at: t)
    }
}
