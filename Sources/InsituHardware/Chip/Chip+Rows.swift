import InsituEngine

/// Row operations: programming by the update controller and the conductance read-back.
/// Event kind: operation x 256 + hop; payload: row job (or prelude hop).
enum RowKind: Int32 { case program = 0, read = 1, prelude = 2, parallel = 3 }

extension Chip {
    /// Runs `work` on the digital unit (gate-voltage arithmetic and its buffer traffic), then
    /// programs every layer's devices to `targets` (device layout), row by row.
    public func program(targets: [[Float]], phase: Phase, after described: [DigitalWork] = []) throws {
        precondition(targets.count == layers.count && zip(targets, layers).allSatisfy { $0.count == $1.states.count },
                     "one target per device of every layer")
        try programSegment(.states(targets), phase: phase, after: described, trains: nil)
    }

    /// Programs only the devices in `changes` (per layer): the rows without a change are not visited.
    public func program(changes: [StateChanges], phase: Phase, after described: [DigitalWork]) throws {
        precondition(changes.count == layers.count && zip(changes, layers).allSatisfy { ($0.indices.last ?? -1) < $1.states.count },
                     "changes to devices of every layer")
        try programSegment(.changes(changes), phase: phase, after: described, trains: nil)
    }

    /// What a programming segment sets: every device's state, or the states of some devices.
    enum ProgramTargets {
        case states([[Float]])
        case changes([StateChanges])
    }

    /// A programming segment: `described` on the digital unit, then the devices set to `targets`
    /// row by row, or, with `trains`, in one parallel update per tile (`programInParallel`).
    func programSegment(_ targets: ProgramTargets, phase: Phase, after described: [DigitalWork], trains: [PulseTrains]?) throws {
        let dataflow = spec.digital.gradientDataflow, images = trainingBatch, registers = spec.digital.accumulatorRegisters
        let work = countedUpdate.of(described) { dataflow.perUpdate($0, widths: widths, images: images, registers: registers) }
        let start = { [unowned self] in
            parallelTrains = trains
            prelude = work.map(hop)
            if !prelude.isEmpty {
                try simulator.schedule(at: cursor, to: rowWork, kind: RowKind.prelude.rawValue << 8, payload: 0)
            } else {
                try startProgramming(at: cursor)
            }
        }
        guard defersProgrammingEvents && accounting else {
            return try segment(phase, work: { programRows(targets, phase: phase) }, start: start)
        }
        // The rows programmed now, as a segment's work; their events (which read only the rows'
        // results, the cursor and the components) a segment of their own, left to the read-back.
        try runPendingEvents()
        prepared = nil
        self.phase = phase
        programRows(targets, phase: phase)
        pendingEvents = { [unowned self] in try segment(phase, work: {}, start: start) }
    }

    /// Starts what follows a programming segment's digital work at `time`: the rows one by one,
    /// or the parallel update of a segment with pulse trains.
    func startProgramming(at time: SimTime) throws {
        if parallelTrains != nil {
            try simulator.schedule(at: time, to: rowWork, kind: RowKind.parallel.rawValue << 8, payload: 0)
        } else {
            try startRows(.program, at: time)
        }
    }

    /// Sets every layer's devices to `targets` through the controller, row job by row job,
    /// keeping each job's result for its time and energy; an update's changed
    /// states, and those at an end of the state range, go to the range counts (each device
    /// once, on its layer's first copy).
    func programRows(_ targets: ProgramTargets, phase: Phase) {
        let verified = phase == .program
        // The jobs visited: the others' results are empty.
        var visited: [Int] = []
        switch targets {
        case .states(let targets):
            rowResults = programEveryRow(targets, verified: verified)
            visited = Array(rowJobs.indices)
        case .changes(let changes):
            // Only the jobs of rows with a change are visited, in the order of every job (the
            // programming noise is drawn in that order).
            var touched: [(job: Int, changes: Range<Int>)] = []
            for (l, layerChanges) in changes.enumerated() {
                let m = layers[l].outputs
                layerChanges.indices.withUnsafeBufferPointer { indices in
                    var start = 0
                    while start < indices.count {
                        // The changes of one device row: positions start ..< end.
                        let row = indices[start] / m, rowEnd = (row + 1) * m
                        var end = start + 1
                        while end < indices.count && indices[end] < rowEnd { end += 1 }
                        for job in jobsOfRow[l][row] { touched.append((job, start..<end)) }
                        start = end
                    }
                }
            }
            touched.sort { $0.job < $1.job }
            // The results kept from the last segment are emptied where it set them.
            if rowResults.count != rowJobs.count {
                rowResults = [UpdateController.RowResult](repeating: UpdateController.RowResult(), count: rowJobs.count)
            } else {
                for index in lastVisited { rowResults[index] = UpdateController.RowResult() }
            }
            visited = touched.map(\.job)
            // Each job's changes: a row split over tiles has this job's columns only.
            let work: [ChangedRow] = touched.compactMap { index, rowChanges in
                let job = rowJobs[index], first = job.row * layers[job.layer].outputs
                let at = changes[job.layer].positions(of: (first + job.columns.lowerBound)..<(first + job.columns.upperBound), within: rowChanges)
                return at.isEmpty ? nil : ChangedRow(job: index, at: at)
            }
            programChangedRows(work, changes, verified: verified)
            for row in work where inputsChanged != nil && rowResults[row.job].statesChanged {
                // The weights to take again from the states: these devices' only.
                let job = rowJobs[row.job]
                devicesChanged[copyIndex[job.layer][job.replica]] += changes[job.layer].indices[row.at]
            }
        }
        if phase == .update {
            for index in visited where rowJobs[index].replica == 0 {
                let job = rowJobs[index]
                rangeCounts.layers[job.layer].updates += UInt64(rowResults[index].changed)
                rangeCounts.layers[job.layer].clippedUpdates += UInt64(rowResults[index].atLimit)
            }
        }
        if inputsChanged != nil, case .states = targets {
            for index in visited where rowResults[index].statesChanged {
                let job = rowJobs[index]
                inputsChanged![copyIndex[job.layer][job.replica]][job.row / rowsPerInput] = true
            }
        }
        lastVisited = visited
    }

    /// Reads every device row by row at the read voltage (unit-vector reads, O(rows)); the
    /// weights for backpropagation become G+ - G- as measured, stuck devices included.
    /// On a large chip whose costs are charged, the rows are read on the side thread while the
    /// calling thread runs their events (`readBesideEvents`); else read first, on two threads
    /// from `splitProgrammingFrom` devices.
    public func readBack() throws {
        if accounting, crossbars.count <= Self.copiesSplitAtMost,
           rowJobDevices >= splitProgrammingFrom {
            // The side thread takes the weights too, once it has read the rows.
            try readBesideEvents()
        } else {
            try segment(.readout, replay: .readBack, work: {
                readEveryRow()
            }, start: {
                try startRows(.read, at: cursor)
            }, prepare: prepareRowSums)
            Self.withRows(of: measured) { takeWeights(from: $0) }
        }
    }

    /// Reads the given device rows of layer `layer` (on each of its copies) as `readBack` reads a
    /// row, charged to `phase`, and returns their measured conductances (per row, the layer's
    /// outputs, from its first copy); the weights for backpropagation are left as they are.
    public func readRows(layer: Int, deviceRows: [Int], phase: Phase) throws -> [[Float]] {
        let wanted = Set(deviceRows)
        readSelection = rowJobs.map { $0.layer == layer && wanted.contains($0.row) }
        defer { readSelection = nil }
        try segment(phase, work: {
            for (index, job) in rowJobs.enumerated() where readSelection![index] {
                readRow(copyIndex[job.layer][job.replica], job.row, job.columns)
            }
        }, start: {
            try startRows(.read, at: cursor)
        }, prepare: prepareRowSums)
        let m = layers[layer].outputs, first = copyIndex[layer][0]
        return deviceRows.map { r in Array(measured[first][(r * m)..<((r + 1) * m)]) }
    }

    /// The nominal conductance of every device at its remembered state: G_min of the window
    /// plus the slope times the state's distance from the low end, within the window.
    /// After the first time, only the inputs whose states changed since are taken again (the others'
    /// states and weights stand).
    public func takeWeightsFromStates() {
        let model = deviceModel, low = model.stateRange.lowerBound, slope = model.slopeSiemensPerState
        let gMin = model.windowMinSiemens, gMax = model.windowMaxSiemens
        let nominal = { (state: Float) in Float(min(max(gMin + slope * (Double(state) - low), gMin), gMax)) }
        let changed = inputsChanged ?? crossbars.map { [Bool](repeating: true, count: $0.inputs) }
        for (k, layer) in crossbars.enumerated() {
            let m = layer.outputs, cell = layer.cell, r = cell.rowsPerInput
            // One device against a reference (or none): w = G - G_ref, as `UnitCell.weight` forms it.
            let single = cell.rowFactors == [1], reference = Float(cell.referenceSiemens)
            layer.states.withUnsafeBufferPointer { states in
                layer.readback.withUnsafeMutableBufferPointer { w in
                    for i in 0..<layer.inputs where changed[k][i] {
                        if single {
                            let s = states.baseAddress! + i * m, row = w.baseAddress! + i * m
                            for j in 0..<m { row[j] = nominal(s[j]) - reference }
                        } else {
                            for j in 0..<m { w[i * m + j] = cell.weight { nominal(states[(r * i + $0) * m + j]) } }
                        }
                    }
                    // Devices programmed one by one: the weight each belongs to.
                    for d in devicesChanged.isEmpty ? [] : devicesChanged[k] {
                        let i = d / m / r, j = d % m
                        w[i * m + j] = single ? nominal(states[d]) - reference : cell.weight { nominal(states[(r * i + $0) * m + j]) }
                    }
                }
            }
        }
        inputsChanged = crossbars.map { [Bool](repeating: false, count: $0.inputs) }
        devicesChanged = crossbars.map { _ in [] }
    }

    /// Sets every crossbar's read-back weights from conductances `g` (per crossbar, device layout).
    func takeWeights(from conductances: [UnsafePointer<Float>]) {
        for (k, layer) in crossbars.enumerated() {
            layer.readback.withUnsafeMutableBufferPointer { w in
                Self.takeWeights(of: layer, inputs: 0..<layer.inputs, from: conductances[k], into: w.baseAddress!)
            }
        }
    }

    /// Sets the read-back weights `w` of `layer`'s `inputs` (those it has) from its conductances `g`.
    static func takeWeights(of layer: CrossbarLayer, inputs: Range<Int>, from g: UnsafePointer<Float>, into w: UnsafeMutablePointer<Float>) {
        let m = layer.outputs, cell = layer.cell, r = cell.rowsPerInput
        for i in inputs.clamped(to: 0..<layer.inputs) {
            if cell.isDifferentialPair {
                // Through row pointers, so that it vectorises.
                let plus = g + (2 * i) * m, minus = plus + m, out = w + i * m
                for j in 0..<m { out[j] = plus[j] - minus[j] }
            } else {
                for j in 0..<m { w[i * m + j] = cell.weight { g[(r * i + $0) * m + j] } }
            }
        }
    }

    /// Every crossbar's read-back weights held open as a pointer for `body` (threads that write
    /// different inputs' weights reach them through these, neither copying the array).
    func withReadbackRows<R>(from k: Int = 0, _ open: [UnsafeMutablePointer<Float>] = [],
                             _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
        guard k < crossbars.count else { return try body(open) }
        return try crossbars[k].readback.withUnsafeMutableBufferPointer { w in
            // An empty layer has no address; nothing is written through it.
            try withReadbackRows(from: k + 1, open + [w.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)!], body)
        }
    }

    /// Issues the first row job at `time`; each row job's first hop issues the next one at
    /// the same time, which keeps the queue short without changing the order (programming
    /// takes its rows in one event). Programming issues only the rows a pulse reaches: a row
    /// without one takes no time.
    func startRows(_ kind: RowKind, at time: SimTime) throws {
        let first = kind == .program ? nextProgrammedRow(after: -1) : 0
        if first < rowJobs.count { try simulator.schedule(at: time, to: rowWork, kind: kind.rawValue << 8, payload: Int64(first)) }
    }

    /// The first row job after `index` whose programming pulses a device (rowJobs.count if none).
    func nextProgrammedRow(after index: Int) -> Int {
        var next = index + 1
        while next < rowJobs.count && rowResults[next].columnsDriven == 0 { next += 1 }
        return next
    }

    /// Reads device row r's `columns` of crossbar l into `measured`, and counts the reads.
    func readRow(_ l: Int, _ r: Int, _ columns: Range<Int>) {
        let saturated = measured[l].withUnsafeMutableBufferPointer { out in
            crossbars[l].devices.conductance.withUnsafeBufferPointer { g in
                readRow(l, r, columns, from: g.baseAddress!, into: out.baseAddress!, rng: &readRNG)
            }
        }
        countReads(l, columns: columns, saturated: saturated)
    }

    /// Adds a row's reads of crossbar l, `saturated` of them beyond the converter, to the range counts.
    func countReads(_ l: Int, columns: Range<Int>, saturated: UInt64) {
        rangeCounts.layers[layerOfCrossbar[l]].readbacks += UInt64(columns.count)
        rangeCounts.layers[layerOfCrossbar[l]].saturatedReadbacks += saturated
    }

    /// Reads device row r's `columns` of crossbar l from its conductances `g` into `out` (both
    /// in the crossbar's device layout): each device through the read-back gain, the ADC and the
    /// code word, with its read noise from `rng` (one deviate a device). Returns how many reads
    /// were beyond the converter's range; writes nothing else, so rows can be read on two threads.
    func readRow(_ l: Int, _ r: Int, _ columns: Range<Int>, from g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                 rng: inout RandomStream) -> UInt64 {
        let layer = crossbars[l]
        let m = layer.outputs
        let scale = spec.tia.readbackGainVoltsPerAmp * spec.tile.readVolts
        let q = adcQuantizer, codeWord = self.codeWord
        let noise = layer.devices.readNoise
        let wires = layer.wireOhms ?? []
        // Without wires or read noise, with AVX where the processor has it (InsituKernels): the same bits.
        if wires.isEmpty && noise == 0 && !columns.isEmpty {
            let first = r * m + columns.lowerBound
            if let beyond = Quantizer.read(g + first, count: columns.count, scale: scale, adc: q, word: codeWord, into: out + first) {
                return UInt64(beyond)
            }
        }
        var saturated: UInt64 = 0
        for j in columns {
            let i = r * m + j
            // Through resistive wires the device is read as G / (1 + G R).
            let gi = Double(wires.isEmpty ? g[i] : CrossbarLayer.throughWires(g[i], ohms: wires[i]))
            let read = noise > 0 ? gi * (1 + noise * rng.gaussian()) : gi
            if q.saturates(Float(scale * read)) { saturated += 1 }
            let code = q.quantize(Float(scale * read))
            out[i] = Float(Double(codeWord?.quantize(code) ?? code) / scale)
        }
        return saturated
    }

    /// Time and energy of programming one row on one tile (RESET and SET pulses, gate drives).
    /// A row needs a write driver and its tile's array at once: it starts when both are free.
    func programRow(_ index: Int, at now: SimTime) throws {
        let job = rowJobs[index], result = rowResults[index]
        let (duration, resetTime, setTime) = try controller.rowTimes(result)
        guard duration > .zero else { return }
        // The tile held by the chip, without a reference counted per row (as `readRowHop`).
        try tileRefs[job.tile]._withUnsafeGuaranteedRef { try programRow(job, result, duration: duration, resetTime: resetTime, setTime: setTime,
                                                                        on: $0.array, at: now) }
    }

    /// `programRow` of `job` on its tile's `array`, its times worked out.
    private func programRow(_ job: RowJob, _ result: UpdateController.RowResult, duration: SimTime, resetTime: SimTime, setTime: SimTime,
                            on array: Component, at now: SimTime) throws {
        let (grant, arrayGrant) = try Resource.acquireTogether(&controllerUnit.resource!, &array.resource!, at: now, for: duration)
        let p = result.pulses, layer = job.layer + 1
        var reset = 0.0, set = 0.0
        if p.resets > 0 {
            reset = array.charge(CrossbarModel.reset, phase, layer: layer, count: UInt64(p.resets), magnitude: p.resetFromSiemens,
                                 busy: resetTime)
        }
        if p.sets > 0 {
            set = array.charge(CrossbarModel.set, phase, layer: layer, count: UInt64(p.sets), magnitude: p.setToSiemens, busy: setTime)
        }
        let gates = controllerUnit.charge(ControllerModel.gateDrive, phase, layer: layer, count: UInt64(result.columnsDriven), busy: duration)
        span(controllerUnit, ControllerModel.gateDrive.name, grant, layer: job.layer, slot: nil, joules: gates)
        span(array, "program", arrayGrant, layer: job.layer, slot: nil, joules: reset, more: set,
             details: [("row", job.row), ("devices", result.columnsDriven), ("sets", p.sets), ("resets", p.resets)])
    }

    /// Every row is ready at the start of a read-back: all rows ask for their row drivers
    /// now, and each row's array hop is scheduled at its driver's end.
    func requestRowDrivers(at now: SimTime, kind: Int32) throws {
        var job = 0
        while job < rowJobs.count {
            // A read of some rows (`readRows`) drives only those.
            if let selection = readSelection, !selection[job] { job += 1; continue }
            record(image: false, index: 0, unit: job, at: now)
            let end = try readRowHop(0, job, at: now)
            try simulator.schedule(at: end, to: rowWork, kind: kind + 1, payload: Int64(job))
            job += 1
        }
    }

    /// Hops of reading one row: a row driver, the array with its TIAs, each stage, the ADCs,
    /// the interconnect and the buffer.
    var rowReadSteps: Int { 5 + stageCount }

    /// One hop of reading one row's columns on one tile: 0 a row driver at the read voltage,
    /// 1 the array and TIAs, then each of the S stages, then S + 2 the ADCs, S + 3 the
    /// interconnect, S + 4 the buffer. Returns when done. Without `resources`, the row driver's
    /// and the array's hops only charge their energy (a compiled replay, `ReplayProgram`).
    func readRowHop(_ step: Int, _ index: Int, at now: SimTime, resources: Bool = true) throws -> SimTime {
        let job = rowJobs[index]
        return try tileRefs[job.tile]._withUnsafeGuaranteedRef { try readRowHop(step, job, index, on: $0, at: now, resources: resources) }
    }

    /// `readRowHop` on job `index`'s tile `t`, held by the chip.
    private func readRowHop(_ step: Int, _ job: RowJob, _ index: Int, on t: TileComponents, at now: SimTime, resources: Bool) throws -> SimTime {
        let m = job.columns.count
        let v = spec.tile.readVolts
        let layer = job.layer + 1
        let stages = stageCount
        if step >= 2 && step < 2 + stages { return try pass(stage: step - 2, samples: m, on: t, layer: job.layer, slot: nil, at: now) }
        switch step > 1 ? step - stages : step {
        case 0:
            let grant = resources ? try t.dacs.resource!.acquire(at: now, for: spec.dac.latency) : nil
            let joules = t.dacs.charge(DACModel.drive, phase, layer: layer, magnitude: rail > 0 ? rail * v : v * v, busy: spec.dac.latency)
            guard let grant else { return now }
            span(t.dacs, DACModel.drive.name, grant, layer: job.layer, slot: nil, joules: joules)
            return grant.end
        case 1:
            let grant = resources ? try t.array.resource!.acquire(at: now, for: readDuration) : nil
            if let grant { _ = try t.tias.resource!.acquire(at: grant.start, for: readDuration) }
            let rowConductance = rowSums[index]
            let supplied = rail > 0 ? t.array.charge(CrossbarModel.supply, phase, layer: job.layer + 1, magnitude: max(rail * v - v * v, 0) * rowConductance) : 0
            let array = t.array.charge(CrossbarModel.read, phase, layer: job.layer + 1, magnitude: v * v * rowConductance, busy: readDuration)
            let tia = t.tias.charge(TIAModel.sense, phase, layer: job.layer + 1, count: UInt64(m), busy: spec.tia.settling)
            guard let read = grant else { return now }
            span(t.array, CrossbarModel.read.name, read, layer: job.layer, slot: nil, joules: array, more: supplied)
            senseSpan(t, read, layer: job.layer, slot: nil, joules: tia)
            return read.end
        case 2: return try convert(m, on: t, layer: job.layer, slot: nil, at: now)
        case 3: return try transfer(bits: m * spec.adc.bits, layer: job.layer, slot: nil, at: now)
        default: return try bufferAccess(write: true, bits: m * spec.adc.bits, phase: phase, layer: job.layer, slot: nil, at: now)
        }
    }
}

/// The entity that performs row operations (programming and read-back) and the digital
/// work before programming, one hop per event.
final class RowWork: Entity {
    let name = "row-work"
    unowned(unsafe) let chip: Chip
    init(chip: Chip) { self.chip = chip }

    func handle(_ event: Event, in sim: Simulator) throws {
        // The chip reached without a strong reference taken and dropped at each use of it.
        try Unmanaged.passUnretained(chip)._withUnsafeGuaranteedRef { try handle(event, in: sim, on: $0) }
    }

    private func handle(_ event: Event, in sim: Simulator, on chip: Chip) throws {
        let index = Int(event.payload)
        let step = Int(event.kind & 255)
        switch RowKind(rawValue: event.kind >> 8)! {
        case .prelude:
            let end = try chip.perform(chip.prelude[index], slot: nil, at: sim.now)
            if index + 1 < chip.prelude.count {
                try sim.schedule(at: end, to: chip.rowWork, kind: event.kind, payload: event.payload + 1)
            } else {
                try chip.startProgramming(at: end)
            }
        case .program:
            // Every row is ready now and takes its turn at the controller and its tile's array
            // in row order: one event programs them all, each starting when both are free.
            var row = index
            while row < chip.rowJobs.count {
                try chip.programRow(row, at: sim.now)
                row = chip.nextProgrammedRow(after: row)
            }
        case .parallel:
            try chip.updateInParallel(at: sim.now)
        case .read:
            if step == 0 { return try chip.requestRowDrivers(at: sim.now, kind: event.kind) }
            chip.record(image: false, index: step, unit: index, at: sim.now)
            let end = try chip.readRowHop(step, index, at: sim.now)
            if step < chip.rowReadSteps - 1 { try sim.schedule(at: end, to: chip.rowWork, kind: event.kind + 1, payload: event.payload) }
        }
    }
}
