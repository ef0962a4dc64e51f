import InsituEngine

/// One step of an image's path that occupies one kind of resource. Each hop is its own event
/// at the time its input is ready, so a resource serves requests in the order they become
/// ready and never sits idle while a ready request waits.
enum Hop {
    /// Buffer port: `bits` read or written (charged to `phase`, or the segment's).
    case buffer(write: Bool, bits: Int, phase: Phase? = nil)
    /// Interconnect between the tiles and the buffer.
    case transfer(bits: Int)
    /// Row drivers of every tile holding the layer.
    case drive(layer: Int)
    /// Arrays and TIAs of every tile holding the layer; `fork` starts a side chain when done.
    case read(layer: Int, fork: Int?)
    /// ADC banks of every tile holding the layer.
    case convert(layer: Int)
    /// Arithmetic on the digital unit's lanes.
    case digital(ActionID, ops: Int, phase: Phase?)
}

extension Chip {
    /// Takes the resources of `hop` for image slot `s` at `now`, charges its energy, and
    /// returns when it is done.
    func perform(_ hop: Hop, slot s: Int, at now: SimTime) throws -> SimTime {
        switch hop {
        case .buffer(let write, let bits, let p): return try bufferAccess(write: write, bits: bits, phase: p ?? phase, at: now)
        case .transfer(let bits): return try transfer(bits: bits, at: now)
        case .drive(let l): return try drive(l, slot: s, at: now)
        case .read(let l, _): return try read(l, slot: s, at: now)
        case .convert(let l): return try convert(l, at: now)
        case .digital(let action, let ops, let p): return try digitalWork(action, ops: ops, phase: p ?? phase, at: now)
        }
    }

    /// Row drivers: each driven row costs one DAC conversion plus charging its line, C_row V^2.
    func drive(_ l: Int, slot s: Int, at now: SimTime) throws -> SimTime {
        let v = slots[s].inputs[l]
        var end = now
        for p in placements[l] {
            var line = 0.0
            for i in p.firstInput..<(p.firstInput + p.inputs) { line += 2 * Double(v[i] * v[i]) }
            let t = tiles[p.tile].dacs
            let grant = try t.resource!.acquire(at: now, for: spec.dac.latency)
            t.charge(DACModel.drive, phase, count: UInt64(2 * p.inputs), magnitude: line, busy: spec.dac.latency)
            span(t.name, phase.name, grant.start, grant.end)
            end = max(end, grant.end)
        }
        return end
    }

    /// Array read with the TIAs: each tile's array is busy for its settling plus the TIA's and
    /// dissipates t x sum V^2 G over its own inputs and conductances; each column's TIA costs
    /// one sample. With an analog interlayer the TIAs of the block holding the layer's first
    /// inputs also charge the next layer's row lines for their columns.
    func read(_ l: Int, slot s: Int, at now: SimTime) throws -> SimTime {
        let slot = slots[s]
        let drivesNext = drivesNextAnalog(l)
        var end = now
        for p in placements[l] {
            let t = tiles[p.tile]
            let grant = try t.array.resource!.acquire(at: now, for: readDuration)
            let power = slot.inputs[l].withUnsafeBufferPointer {
                layers[l].readPower($0, inputs: p.firstInput..<(p.firstInput + p.inputs),
                                    block: layers[l].block(of: p.firstOutput..<(p.firstOutput + p.outputs)))
            }
            t.array.charge(CrossbarModel.read, phase, magnitude: power, busy: readDuration)
            var line = 0.0
            if drivesNext && p.firstInput == 0 {
                for j in p.firstOutput..<(p.firstOutput + p.outputs) { line += 2 * Double(slot.inputs[l + 1][j] * slot.inputs[l + 1][j]) }
            }
            t.tias.charge(TIAModel.sense, phase, count: UInt64(p.outputs), magnitude: line, busy: spec.tia.settling)
            span(t.array.name, phase.name, grant.start, grant.end)
            end = max(end, grant.end)
        }
        return end
    }

    /// ADC conversions of each block's columns, in groups over its tile's ADCs.
    func convert(_ l: Int, at now: SimTime) throws -> SimTime {
        var end = now
        for p in placements[l] {
            let done = try convert(p.outputs, on: tiles[p.tile], at: now)
            end = max(end, done)
        }
        return end
    }

    /// `count` conversions on one tile's ADC bank, all requested at `now`.
    func convert(_ count: Int, on t: TileComponents, at now: SimTime) throws -> SimTime {
        let done = try t.adcs.resource!.acquire(count: count, at: now, for: spec.adc.conversionTime)
        t.adcs.charge(ADCModel.convert, phase, count: UInt64(count),
                      busy: try spec.adc.conversionTime.multiplied(by: UInt64(count)))
        span(t.adcs.name, phase.name, now, done)
        return done
    }

    /// Moving `bits` between the tiles and the buffer over the interconnect.
    func transfer(bits: Int, at time: SimTime) throws -> SimTime {
        let duration = try busClock.time(ofCycle: UInt64((bits + spec.interconnect.bitsPerCycle - 1) / spec.interconnect.bitsPerCycle))
        let grant = try bus.resource!.acquire(at: time, for: duration)
        bus.charge(InterconnectModel.transfer, phase, count: UInt64(bits), busy: duration)
        span("interconnect", phase.name, grant.start, grant.end)
        return grant.end
    }

    /// Buffer transfer of `bits`, queued on the buffer port.
    func bufferAccess(write: Bool, bits: Int, phase p: Phase, at time: SimTime) throws -> SimTime {
        let duration = try bufferClock.time(ofCycle: UInt64((bits + spec.buffer.bitsPerCycle - 1) / spec.buffer.bitsPerCycle))
        let grant = try buffer.resource!.acquire(at: time, for: duration)
        buffer.charge(write ? BufferModel.write : BufferModel.read, p, count: UInt64(bits), busy: duration)
        span("buffer", p.name, grant.start, grant.end)
        return grant.end
    }

    /// `ops` operations of one kind spread over the digital unit's lanes, queued on it.
    func digitalWork(_ action: ActionID, ops: Int, phase p: Phase, at time: SimTime) throws -> SimTime {
        let rounds = (ops + spec.digital.lanes - 1) / spec.digital.lanes
        let duration = try digitalClock.time(ofCycle: UInt64(rounds * digitalModel.cycles(action)))
        let grant = try digital.resource!.acquire(at: time, for: duration)
        digital.charge(action, p, count: UInt64(ops), busy: duration)
        span("digital", p.name, grant.start, grant.end)
        return grant.end
    }
}
