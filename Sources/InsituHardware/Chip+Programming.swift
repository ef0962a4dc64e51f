import InsituEngine

/// Row operations: programming by the update controller and the conductance read-back.
enum RowKind: Int32 { case program = 0, read = 1 }

extension Chip {
    /// Programs every device of every layer to a gate voltage drawn from N(mean, spread),
    /// clipped to the gate range (the initial state before training).
    public func programInitial(gateMeanVolts: Double, spreadVolts: Double, seed: UInt64) throws {
        var rng = RandomStream(seed: seed, stream: "initial-gates")
        let targets = layers.map { layer in
            (0..<layer.gateVolts.count).map { _ in
                Float(spec.device.clipGate(gateMeanVolts + spreadVolts * rng.gaussian()))
            }
        }
        try program(targets: targets, phase: .program)
    }

    /// Programs every layer's devices to `targets` (gate volts, device layout), row by row.
    public func program(targets: [[Float]], phase: Phase) throws {
        pendingTargets = targets
        try segment(phase) { try scheduleRows(.program, at: cursor) }
        pendingTargets = []
    }

    /// Applies the batch's gradients: dVg = -eta_l x slope x dL/dW (mean over the batch) on
    /// G+ and the opposite on G-, clipped to the gate range; then programs the rows.
    public func update(learningRatesVoltsSquared rates: [Double], batchSize: Int) throws {
        let slope = spec.device.slopeSiemensPerVolt
        var targets: [[Float]] = []
        for (l, layer) in layers.enumerated() {
            var t = layer.gateVolts
            let m = layer.outputs
            let scale = Float(-rates[l] * slope / Double(batchSize))
            let lo = Float(spec.device.gateMinVolts), hi = Float(spec.device.gateMaxVolts)
            gradients[l].withUnsafeMutableBufferPointer { g in
                t.withUnsafeMutableBufferPointer { t in
                    for i in 0..<layer.inputs {
                        for j in 0..<m {
                            let dv = scale * g[i * m + j]
                            let plus = (2 * i) * m + j, minus = (2 * i + 1) * m + j
                            t[plus] = min(max(t[plus] + dv, lo), hi)
                            t[minus] = min(max(t[minus] - dv, lo), hi)
                        }
                    }
                }
                for k in g.indices { g[k] = 0 }
            }
            targets.append(t)
        }
        pendingTargets = targets
        try segment(.update) {
            var t = cursor
            if accounting {
                let weights = layers.reduce(0) { $0 + $1.inputs * $1.outputs }
                let word = spec.buffer.wordBits
                t = try bufferAccess(.bufferRead, bits: weights * word + 2 * weights * word, at: t)
                t = try digitalWork(.mac, ops: weights, joulesEach: spec.digital.macJoules, phase: .update, at: t)
                t = try digitalWork(.add, ops: 2 * weights, joulesEach: spec.digital.addJoules, phase: .update, at: t)
                t = try digitalWork(.compare, ops: 4 * weights, joulesEach: spec.digital.addJoules, phase: .update, at: t)
                t = try bufferAccess(.bufferWrite, bits: 2 * weights * word, at: t)
            }
            try scheduleRows(.program, at: t)
        }
        pendingTargets = []
    }

    /// Reads every device row by row at the read voltage (unit-vector reads, O(rows)); the
    /// weights for backpropagation become G+ - G- as measured, stuck devices included.
    public func readBack() throws {
        try segment(.readout) { try scheduleRows(.read, at: cursor) }
        for (l, layer) in layers.enumerated() {
            let m = layer.outputs
            measured[l].withUnsafeBufferPointer { g in
                layer.readback.withUnsafeMutableBufferPointer { w in
                    for i in 0..<layer.inputs {
                        for j in 0..<m { w[i * m + j] = g[(2 * i) * m + j] - g[(2 * i + 1) * m + j] }
                    }
                }
            }
        }
    }

    /// One event per row job (see `rowJobs`), or the rows' work directly without accounting.
    /// Every row is requested at `time`; each row's event issues the next one at the same
    /// time, which keeps the queue short without changing the order.
    func scheduleRows(_ kind: RowKind, at time: SimTime) throws {
        if accounting {
            if !rowJobs.isEmpty { try simulator.schedule(at: time, to: rowWork, kind: kind.rawValue, payload: 0) }
            return
        }
        for job in rowJobs {
            if kind == .program { _ = programRow(job.layer, job.row, job.columns) } else { readRow(job.layer, job.row, job.columns) }
        }
    }

    /// Programs the given columns of row r of layer l to their pending gate voltages.
    func programRow(_ l: Int, _ r: Int, _ columns: Range<Int>) -> UpdateController.RowResult {
        let m = layers[l].outputs
        return pendingTargets[l].withUnsafeBufferPointer { all in
            let row = UnsafeBufferPointer(rebasing: all[(r * m)..<((r + 1) * m)])
            return controller.programRow(r, of: layers[l], targets: row, columns: columns, rng: &programRNG)
        }
    }

    /// Measures the given columns of row r of layer l: each device's current at the read
    /// voltage, through the read-back gain and the ADC, back to siemens.
    func readRow(_ l: Int, _ r: Int, _ columns: Range<Int>) {
        let layer = layers[l]
        let m = layer.outputs
        let scale = spec.tia.readbackGainVoltsPerAmp * spec.tile.readVolts
        let q = adcQuantizer
        let noise = layer.devices.readNoise
        measured[l].withUnsafeMutableBufferPointer { out in
            layer.devices.conductance.withUnsafeBufferPointer { g in
                for j in columns {
                    let i = r * m + j
                    let read = noise > 0 ? Double(g[i]) * (1 + noise * readRNG.gaussian()) : Double(g[i])
                    out[i] = Float(Double(q.quantize(Float(scale * read))) / scale)
                }
            }
        }
    }

    /// Time and energy of programming one row on one tile (RESET and SET pulses, gate drives).
    func costProgramRow(on tile: Int, _ result: UpdateController.RowResult, at now: SimTime) throws {
        let duration = try controller.rowTime(result)
        guard duration > .zero else { return }
        // A row needs a write driver and its tile's array at once: it starts when both are free.
        let start = max(writeDrivers.earliestStart(at: now), tiles[tile].array.earliestStart(at: now))
        let grant = try writeDrivers.acquire(at: start, for: duration)
        let arrayGrant = try tiles[tile].array.acquire(at: start, for: duration)
        let d = spec.device
        let meter = tiles[tile].arrayMeter
        if result.resets > 0 {
            meter.charge(.reset, phase, joules: result.resetJoules, busy: d.resetPulse, count: UInt64(result.resets))
        }
        if result.sets > 0 {
            meter.charge(.set, phase, joules: result.setJoules, busy: d.setPulse, count: UInt64(result.sets))
        }
        controllerMeter.charge(.gateDrive, phase, joules: Double(result.columnsDriven) * spec.controller.gateDriveJoules,
                               busy: duration, count: UInt64(result.columnsDriven))
        span("controller", phase.name, grant.start, grant.end)
        span(tiles[tile].array.name, phase.name, arrayGrant.start, arrayGrant.end)
    }

    /// Time and energy of reading one row's columns on one tile: one row driver, the array
    /// and TIAs, the ADCs, the interconnect and the buffer.
    func costReadRow(_ l: Int, _ r: Int, on tile: Int, _ columns: Range<Int>, at now: SimTime) throws {
        let m = columns.count
        let width = layers[l].outputs
        let v = spec.tile.readVolts
        let drive = try tiles[tile].dacs.acquire(at: now, for: spec.dac.latency)
        tiles[tile].dacMeter.charge(.drive, phase, joules: spec.dac.energyJoules + spec.tile.rowCapacitanceFarads * v * v,
                                    busy: spec.dac.latency)
        let duration = readDuration
        let read = try tiles[tile].array.acquire(at: drive.end, for: duration)
        let rowConductance = layers[l].devices.conductance.withUnsafeBufferPointer { g in
            var sum = 0.0
            for j in columns { sum += Double(g[r * width + j]) }
            return sum
        }
        tiles[tile].arrayMeter.charge(.read, phase, joules: v * v * rowConductance * duration.seconds, busy: duration)
        tiles[tile].tiaMeter.charge(.sense, phase, joules: Double(m) * spec.tia.energyJoules, busy: spec.tia.settling, count: UInt64(m))
        let converted = try tiles[tile].convert(m, at: read.end, duration: spec.adc.conversionTime)
        tiles[tile].adcMeter.charge(.convert, phase, joules: Double(m) * adcJoules,
                                    busy: try spec.adc.conversionTime.multiplied(by: UInt64(m)), count: UInt64(m))
        _ = try bufferAccess(.bufferWrite, bits: m * spec.adc.bits, at: transfer(bits: m * spec.adc.bits, at: converted))
        span(tiles[tile].array.name, phase.name, read.start, read.end)
    }
}

/// The entity that performs row operations (programming and read-back) as events.
final class RowWork: Entity {
    let name = "row-work"
    unowned(unsafe) let chip: Chip
    init(chip: Chip) { self.chip = chip }

    func handle(_ event: Event, in sim: Simulator) throws {
        let index = Int(event.payload)
        let job = chip.rowJobs[index]
        if index + 1 < chip.rowJobs.count {
            try sim.schedule(at: sim.now, to: chip.rowWork, kind: event.kind, payload: event.payload + 1)
        }
        switch RowKind(rawValue: event.kind)! {
        case .program:
            let result = chip.programRow(job.layer, job.row, job.columns)
            try chip.costProgramRow(on: job.tile, result, at: sim.now)
        case .read:
            chip.readRow(job.layer, job.row, job.columns)
            try chip.costReadRow(job.layer, job.row, on: job.tile, job.columns, at: sim.now)
        }
    }
}
