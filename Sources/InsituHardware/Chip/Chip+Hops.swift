import InsituEngine

/// One step of an image's path that occupies one kind of resource. Each hop is its own event
/// at the time its input is ready, so a resource serves requests in the order they become
/// ready and never sits idle while a ready request waits. Layers are counted from 0 here
/// and charged to the ledger from 1 (`layer + 1`); -1 marks work of no single layer.
enum Hop {
    /// Buffer port: `bits` read or written (charged to `phase`, or the segment's).
    case buffer(write: Bool, bits: Int, phase: Phase? = nil, layer: Int = -1)
    /// Interconnect between the tiles and the buffer.
    case transfer(bits: Int, layer: Int)
    /// Row drivers of every tile holding the layer, the inputs at their levels.
    case drive(layer: Int)
    /// Arrays and TIAs of every tile holding the layer; `fork` starts a side chain when done.
    case read(layer: Int, fork: Int?)
    /// Stage `index` of `ChipSpec.stages` on every tile holding the layer, one sample a column.
    case stage(index: Int, layer: Int)
    /// ADC banks of every tile holding the layer.
    case convert(layer: Int)
    /// Every bit plane of bit-serial inputs through every tile holding the layer, pipelined
    /// as one vector's work: plane k is driven and read as soon as plane k - 1's read ends
    /// (its columns held by the sample-and-hold stage), then passes the stages, the ADCs and
    /// the shift-and-add units while the next plane is read.
    case serialRead(layer: Int)
    /// Arithmetic on the digital unit's lanes.
    case digital(DigitalActionIndex, ops: Int, phase: Phase?, layer: Int = -1)
    /// The chip's router: `bits` arriving (inputs) or leaving (outputs).
    case route(bits: Int, layer: Int)
    /// Every tile holding the layer writes its block's inputs into its input register, which the
    /// DACs then read (a bit an input a plane, or the code) (`inputs`); or writes the block's
    /// joined sums into its output register, read onto the interconnect.
    case registers(layer: Int, inputs: Bool)
    /// The layer's joined outputs (`bits`) written into the chip's result register and read out.
    case results(bits: Int, layer: Int)
}

/// One of the digital unit's actions by its index (`DigitalUnitModel.actions`): a hop then holds
/// no string, and the hops replayed for every image are copied without counting references.
struct DigitalActionIndex {
    let index: Int
    init(_ action: ActionID) { index = action.index }
    var action: ActionID { DigitalUnitModel.byIndex[index] }
}

extension Chip {
    /// Takes the resources of `hop` for image slot `s` (nil: work of no single image) at
    /// `now`, charges its energy, and returns when it is done.
    func perform(_ hop: Hop, slot s: Int?, at now: SimTime) throws -> SimTime {
        switch hop {
        case .buffer(let write, let bits, let p, let l):
            return try bufferAccess(write: write, bits: bits, phase: p ?? phase, layer: l, slot: s, at: now)
        case .transfer(let bits, let l): return try transfer(bits: bits, layer: l, slot: s, at: now)
        case .drive(let l): return try drive(l, volts: UnsafeBufferPointer(inputs(l, slot: s ?? 0)), slot: s ?? 0, at: now)
        case .read(let l, _): return try read(l, volts: UnsafeBufferPointer(inputs(l, slot: s ?? 0)), slot: s ?? 0, at: now)
        case .serialRead(let l): return try serialRead(l, slot: s ?? 0, at: now)
        case .stage(let k, let l): return try pass(stage: k, layer: l, slot: s, at: now)
        case .convert(let l): return try convert(l, slot: s, at: now)
        case .digital(let action, let ops, let p, let l):
            return try digitalWork(action.action, ops: ops, phase: p ?? phase, layer: l, slot: s, at: now)
        case .route(let bits, let l): return try route(bits: bits, layer: l, slot: s, at: now)
        case .registers(let l, let inputs): return registers(l, inputs: inputs, slot: s, at: now)
        case .results(let bits, let l):
            if let r = resultRegister { chargeRegister(r, bits: UInt64(bits), layer: l, slot: s, at: now) }
            return now
        }
    }

    /// Bits through the chip's router, queued on it.
    func route(bits: Int, layer l: Int, slot s: Int?, at time: SimTime) throws -> SimTime {
        guard let router, let clock = routerClock, let link = spec.router else { return time }
        return try move(bits: bits, over: router, clock: clock, bitsPerCycle: link.bitsPerCycle, layer: l, slot: s, at: time)
    }

    /// The register traffic of `Hop.registers`, charged per bit; registers take no time of their own.
    func registers(_ l: Int, inputs: Bool, slot s: Int?, at now: SimTime) -> SimTime {
        for p in blocks(l, slot: s ?? 0) {
            let t = tiles[p.tile]
            guard let r = inputs ? t.inputRegister : t.outputRegister else { continue }
            let bits = UInt64(inputs ? p.inputs * spec.dac.bits : p.outputs / spec.cell.columnsPerWeight * outputBits)
            chargeRegister(r, bits: bits, layer: l, slot: s, at: now)
        }
        return now
    }

    /// `bits` written into register `r` and read out again, at `now`.
    func chargeRegister(_ r: Component, bits: UInt64, layer l: Int, slot s: Int?, at now: SimTime) {
        for action in [RegisterModel.write, RegisterModel.read] {
            let joules = r.charge(action, phase, layer: l + 1, count: bits, busy: .zero)
            if let trace, trace.isRecording {
                trace.record(TraceSpan(component: r.name, action: action.name, phase: phase.name, layer: l + 1, slot: s,
                                       requested: now, start: now, end: now, energy: EnergyQuanta(joules: joules)))
            }
        }
    }

    /// Row drivers: each driven row costs one DAC conversion plus charging its line, C_row V^2
    /// (an input's rows at their cell's factors: (factor_k v)^2 each; 2 v^2 for a pair), or,
    /// from a rail, the charge C_row |factor_k v| drawn at the rail's cost per volt. `volts` are
    /// layer l's inputs, or a bit plane of them (the full range on the rows whose bit is set).
    /// Without `resources`, only the energy is charged (a compiled replay, `ReplayProgram`).
    func drive(_ l: Int, volts v: UnsafeBufferPointer<Float>, slot s: Int, at now: SimTime, resources: Bool = true) throws -> SimTime {
        var end = now
        let copyBlocks = blockSpans[l * mostReplicas + replica(l, slot: s)], formed = lineSumsReady && planes == 1
        for b in copyBlocks {
            let p = blockTable[b]
            var line = 0.0
            if formed {
                line = slot(s)._withUnsafeGuaranteedRef { $0.lineSums[b].line }
            } else {
                for i in p.firstInput..<(p.firstInput + p.inputs) { line += lineEnergyPerFarad(v[i]) }
            }
            let grant = try tileRefs[p.tile]._withUnsafeGuaranteedRef { tile in
                let t = tile.dacs
                let grant = resources ? try t.resource!.acquire(at: now, for: spec.dac.latency) : nil
                let joules = t.charge(DACModel.drive, phase, layer: l + 1, count: UInt64(rowsPerInput * p.inputs), magnitude: line,
                                      busy: spec.dac.latency)
                if let grant { span(t, DACModel.drive.name, grant, layer: l, slot: s, joules: joules) }
                return grant
            }
            if let grant { end = max(end, grant.end) }
        }
        return end
    }

    /// Array read with the TIAs: each tile's array is busy for its settling plus the TIA's and
    /// dissipates t x sum V^2 G over its own inputs and conductances; each column's TIA costs
    /// one sample (a block's reference column, when the cell has one, included). With an analog interlayer the TIAs of the block holding the layer's first
    /// inputs also charge the next layer's row lines for their columns. `volts` and `resources` as for `drive`.
    func read(_ l: Int, volts inputs: UnsafeBufferPointer<Float>, slot s: Int, at now: SimTime, resources: Bool = true) throws -> SimTime {
        let drivesNext = drivesNextAnalog(l)
        return try withCrossbar(l, slot: s) { devices in
            var end = now
            let copyBlocks = blockSpans[l * mostReplicas + replica(l, slot: s)], formed = lineSumsReady && planes == 1
            for b in copyBlocks {
                let p = blockTable[b]
                let grant = try tileRefs[p.tile]._withUnsafeGuaranteedRef { t in
                    try read(l, block: p, of: devices, volts: inputs, formed: formed ? b : nil, drivingNext: drivesNext, slot: s, on: t, at: now,
                             resources: resources)
                }
                end = max(end, grant)
            }
            return end
        }
    }

    /// `read` of block `p` of layer l (`devices`) on its tile `t`; returns when its array is done.
    /// `formed`: the block's index in the table, whose sums the slot holds (`prepareLineSums`).
    private func read(_ l: Int, block p: Placement, of devices: CrossbarLayer, volts inputs: UnsafeBufferPointer<Float>, formed: Int?,
                      drivingNext: Bool, slot s: Int, on t: TileComponents, at now: SimTime, resources: Bool) throws -> SimTime {
        let grant = resources ? try t.array.resource!.acquire(at: now, for: readDuration) : nil
        if let grant { _ = try t.tias.resource!.acquire(at: grant.start, for: readDuration) }
        let power: (read: Double, supply: Double)
        if let b = formed {
            let sums = slot(s)._withUnsafeGuaranteedRef { $0.lineSums[b] }
            power = (sums.read, rail > 0 ? max(sums.supply, 0) : 0)
        } else {
            power = devices.readAndSupplyPower(inputs, inputs: p.firstInput..<(p.firstInput + p.inputs),
                                               block: devices.block(of: p.firstOutput..<(p.firstOutput + p.outputs)), rail: rail)
        }
        let array = t.array.charge(CrossbarModel.read, phase, layer: l + 1, magnitude: power.read, busy: readDuration)
        var line = 0.0
        if drivingNext && p.firstInput == 0 {
            if let b = formed {
                line = slot(s)._withUnsafeGuaranteedRef { $0.nextLines[b] }
            } else {
                let next = self.inputs(l + 1, slot: s)
                for j in p.firstOutput..<(p.firstOutput + p.outputs) { line += lineEnergyPerFarad(next[j]) }
            }
        }
        var supplied = 0.0
        if rail > 0 { supplied = t.array.charge(CrossbarModel.supply, phase, layer: l + 1, magnitude: power.supply) }
        let tia = t.tias.charge(TIAModel.sense, phase, layer: l + 1, count: UInt64(p.outputs + referenceColumns), magnitude: line,
                                busy: spec.tia.settling)
        guard let grant else { return now }
        span(t.array, CrossbarModel.read.name, grant, layer: l, slot: s, joules: array, more: supplied)
        senseSpan(t, grant, layer: l, slot: s, joules: tia)
        return grant.end
    }

    /// Energy per farad of line capacitance to bring one input's rows to `v`: sum (factor v)^2,
    /// or the charge sum |factor v| drawn at `rail` volts of the chip's supply.
    @inline(__always) func lineEnergyPerFarad(_ v: Float) -> Double {
        rail > 0 ? chargeFactor * rail * Double(abs(v)) : driveFactor * Double(v * v)
    }

    /// A pass of each block's column samples through its tile's stage `k`.
    func pass(stage k: Int, layer l: Int, slot s: Int?, at now: SimTime) throws -> SimTime {
        var end = now
        for p in blocks(l, slot: s ?? 0) { end = max(end, try pass(stage: k, samples: p.outputs, on: tiles[p.tile], layer: l, slot: s, at: now)) }
        return end
    }

    /// `samples` samples through one tile's stage `k`, held for the stage's latency.
    func pass(stage k: Int, samples: Int, on t: TileComponents, layer l: Int, slot s: Int?, at now: SimTime) throws -> SimTime {
        let c = t.stages[k], latency = stageLatencies[k], action = stageActions[k]
        let grant = try c.resource!.acquire(at: now, for: latency)
        let joules = c.charge(action, phase, layer: l + 1, count: UInt64(samples), busy: latency)
        span(c, action.name, grant, layer: l, slot: s, joules: joules)
        return grant.end
    }

    /// ADC conversions of each block's columns, in groups over its tile's ADCs.
    func convert(_ l: Int, slot s: Int?, at now: SimTime) throws -> SimTime {
        var end = now
        for p in blocks(l, slot: s ?? 0) {
            let done = try tileRefs[p.tile]._withUnsafeGuaranteedRef { try convert(p.outputs + referenceColumns, on: $0, layer: l, slot: s, at: now) }
            end = max(end, done)
        }
        return end
    }

    /// `count` conversions on one tile's ADC bank, all requested at `now`.
    func convert(_ count: Int, on t: TileComponents, layer l: Int, slot s: Int?, at now: SimTime) throws -> SimTime {
        let busy = try spec.adc.conversionTime.multiplied(by: UInt64(count))
        guard let trace, trace.isRecording else {
            let done = try t.adcs.resource!.acquire(count: count, at: now, for: spec.adc.conversionTime)
            t.adcs.charge(ADCModel.convert, phase, layer: l + 1, count: UInt64(count), busy: busy)
            return done
        }
        // Traced: the same grants one by one, so that each ADC of the bank gets its own span.
        var lanes: [Int: (start: SimTime, end: SimTime, count: Int)] = [:]
        var done = now
        for _ in 0..<count {
            let g = try t.adcs.resource!.acquire(at: now, for: spec.adc.conversionTime)
            let lane = lanes[g.server]
            lanes[g.server] = (lane?.start ?? g.start, g.end, (lane?.count ?? 0) + 1)
            done = max(done, g.end)
        }
        let joules = t.adcs.charge(ADCModel.convert, phase, layer: l + 1, count: UInt64(count), busy: busy)
        let servers = lanes.keys.sorted()
        let shares = EnergyQuanta(joules: joules).split(servers.map { lanes[$0]!.count })
        for (server, share) in zip(servers, shares) {
            let lane = lanes[server]!
            trace.record(TraceSpan(component: t.adcs.name, server: t.adcs.servers > 1 ? server : nil, action: ADCModel.convert.name,
                                   phase: phase.name, layer: l + 1, slot: s, requested: now, start: lane.start, end: lane.end,
                                   energy: share))
        }
        return done
    }

    /// The pipelined bit planes of layer l for image slot s (see `Hop.serialRead`); returns
    /// when the last plane's codes are joined.
    func serialRead(_ l: Int, slot s: Int, at now: SimTime) throws -> SimTime {
        var start = now, end = now
        for k in 0..<planes {
            let read = try planeVolts(l, slot: s, plane: k).withUnsafeBufferPointer { volts in
                try self.read(l, volts: volts, slot: s, at: try drive(l, volts: volts, slot: s, at: start))
            }
            var t = read
            for stage in 0..<stageCount { t = try pass(stage: stage, layer: l, slot: s, at: t) }
            end = max(end, try shiftAdd(l, slot: s, at: try convert(l, slot: s, at: t)))
            start = read
        }
        return end
    }

    /// Each block's column codes through its tile's shift-and-add units, in groups over the units.
    func shiftAdd(_ l: Int, slot s: Int?, at now: SimTime) throws -> SimTime {
        var end = now
        for p in blocks(l, slot: s ?? 0) {
            let units = tiles[p.tile].shiftAdds!
            let latency = spec.shiftAdd.latency
            let done = try units.resource!.acquire(count: p.outputs, at: now, for: latency)
            let joules = units.charge(ShiftAddModel.shiftAdd, phase, layer: l + 1, count: UInt64(p.outputs),
                                      busy: try latency.multiplied(by: UInt64(p.outputs)))
            if let trace, trace.isRecording {
                trace.record(TraceSpan(component: units.name, action: ShiftAddModel.shiftAdd.name, phase: phase.name, layer: l + 1, slot: s,
                                       requested: now, start: now, end: done, energy: EnergyQuanta(joules: joules)))
            }
            end = max(end, done)
        }
        return end
    }

    /// Moving `bits` between the tiles and the buffer over the interconnect.
    func transfer(bits: Int, layer l: Int, slot s: Int?, at time: SimTime) throws -> SimTime {
        try move(bits: bits, over: bus, clock: busClock, bitsPerCycle: spec.interconnect.bitsPerCycle, layer: l, slot: s, at: time)
    }

    /// `bits` over a link (`InterconnectModel`) of `bitsPerCycle` at `clock`, queued on it.
    func move(bits: Int, over link: Component, clock: ClockDomain, bitsPerCycle: Int, layer l: Int, slot s: Int?, at time: SimTime) throws -> SimTime {
        let duration = try clock.time(ofCycle: UInt64((bits + bitsPerCycle - 1) / bitsPerCycle))
        let grant = try link.resource!.acquire(at: time, for: duration)
        let joules = link.charge(InterconnectModel.transfer, phase, layer: l + 1, count: UInt64(bits), busy: duration)
        span(link, InterconnectModel.transfer.name, grant, layer: l, slot: s, joules: joules)
        return grant.end
    }

    /// Buffer transfer of `bits`, queued on the buffer port.
    func bufferAccess(write: Bool, bits: Int, phase p: Phase, layer l: Int, slot s: Int?, at time: SimTime) throws -> SimTime {
        let duration = try bufferClock.time(ofCycle: UInt64((bits + spec.buffer.bitsPerCycle - 1) / spec.buffer.bitsPerCycle))
        let grant = try buffer.resource!.acquire(at: time, for: duration)
        let action = write ? BufferModel.write : BufferModel.read
        let joules = buffer.charge(action, p, layer: l + 1, count: UInt64(bits), busy: duration)
        span(buffer, action.name, grant, phase: p, layer: l, slot: s, joules: joules)
        return grant.end
    }

    /// `ops` operations of one kind spread over the digital unit's lanes, queued on it.
    func digitalWork(_ action: ActionID, ops: Int, phase p: Phase, layer l: Int, slot s: Int?, at time: SimTime) throws -> SimTime {
        let rounds = (ops + spec.digital.lanes - 1) / spec.digital.lanes
        let duration = try digitalClock.time(ofCycle: UInt64(rounds * digitalModel.cycles(action)))
        let grant = try digital.resource!.acquire(at: time, for: duration)
        let joules = digital.charge(action, p, layer: l + 1, count: UInt64(ops), busy: duration)
        span(digital, action.name, grant, phase: p, layer: l, slot: s, joules: joules)
        return grant.end
    }

    /// Reports a granted hop to a recording trace sink: its component (and server, for a bank),
    /// action, phase, layer (0-based here), image slot and the joules charged for it.
    @inline(__always)
    func span(_ c: Component, _ action: String, _ grant: Resource.Grant, phase p: Phase? = nil, layer l: Int, slot s: Int?,
              joules: Double, more: Double = 0, details: @autoclosure () -> [(name: String, value: Int)] = []) {
        guard let trace, trace.isRecording else { return }
        var energy = EnergyQuanta(joules: joules)
        if more > 0 { energy.add(joules: more) }
        var traced = TraceSpan(component: c.name, server: c.servers > 1 ? grant.server : nil, action: action,
                               phase: (p ?? phase).name, layer: l + 1, slot: s, requested: grant.requested, start: grant.start,
                               end: grant.end, energy: energy)
        traced.details = details()
        trace.record(traced)
    }

    /// The TIAs of a tile are powered for its array's read and settle at its end.
    @inline(__always)
    func senseSpan(_ t: TileComponents, _ read: Resource.Grant, layer l: Int, slot s: Int?, joules: Double) {
        guard let trace, trace.isRecording else { return }
        let start = SimTime(picoseconds: read.end.picoseconds - min(spec.tia.settling.picoseconds, read.end.picoseconds - read.start.picoseconds))
        trace.record(TraceSpan(component: t.tias.name, action: TIAModel.sense.name, phase: phase.name, layer: l + 1, slot: s,
                               requested: start, start: start, end: read.end, energy: EnergyQuanta(joules: joules)))
    }
}
