import InsituDevices
import InsituEngine

/// Programming every row on two threads with the bytes of one: the rows from an input boundary
/// on are programmed beside the rows before it, with the programming noise's stream where the
/// first half leaves it (the device model counts the first half's deviates, and
/// `RandomStream.skipGaussians` passes them without their logarithms). Each half writes only its
/// own rows' devices and states and its own inputs' weights and sums, through the layers'
/// storage pointers.
extension Chip {
    /// Devices a programming or read-back must reach before its rows are split (or read beside
    /// its events): some 10 ns a device makes half of them well above the hand-over of a piece of
    /// work (li2018's run with its 7,992 devices split took 0.9 of its time on one thread).
    static let devicesWorthSplitting = 1 << 12
    /// The share of the devices the calling thread programs at first: the other thread also
    /// passes the first half's deviates (about a fifth of the work of drawing them), so it takes
    /// fewer. Each programming of every row then moves the share to where both halves would have
    /// ended together (`Overlap.balance`): which thread programs a row changes no result.
    static let firstShareOfProgramming = 0.55
    /// Layer copies beyond which the rows are programmed on one thread (the storage of every
    /// copy is held open at once).
    static let copiesSplitAtMost = 64

    /// Programs every row job to `targets` (per layer, device layout) in the jobs' order, and
    /// returns each job's result.
    func programEveryRow(_ targets: [[Float]], verified: Bool) -> [UpdateController.RowResult] {
        var results = [UpdateController.RowResult](repeating: UpdateController.RowResult(), count: rowJobs.count)
        guard crossbars.count <= Self.copiesSplitAtMost else {
            for (index, job) in rowJobs.enumerated() {
                results[index] = targets[job.layer].withUnsafeBufferPointer { all in
                    controller.programRow(job.row, of: crossbars[copyIndex[job.layer][job.replica]],
                                          targets: Self.row(job, outputs: layers[job.layer].outputs, of: all),
                                          columns: job.columns, verified: verified, rng: &programRNG)
                }
            }
            return results
        }
        Self.withStorages(crossbars[...]) { storages in
            results.withUnsafeMutableBufferPointer { out in
                let all = 0..<out.count
                // Where the model takes its deviates drawn ahead, both threads program groups of rows.
                if rowJobDevices >= splitProgrammingFrom,
                   programAhead(targets, model: deviceModel, storages: storages, into: out, verified: verified) { return }
                guard let half = halfOfRows(firstShare: programmingShare), let draws = noiseDraws(rowJobs[..<half], targets: targets, storages: storages, verified: verified) else {
                    programJobs(all, targets: targets, storages: storages, into: out, verified: verified, rng: &programRNG)
                    return
                }
                let times = Self.inHalves(&programRNG, skipping: draws, first: {
                    self.programJobs(0..<half, targets: targets, storages: storages, into: out, verified: verified, rng: &$0)
                }, second: {
                    self.programJobs(half..<all.upperBound, targets: targets, storages: storages, into: out, verified: verified, rng: &$0)
                })
                let devices = rowJobDevices
                programmingShare = Overlap.balance(share: Double(rowJobs[..<half].reduce(0) { $0 + $1.columns.count }) / Double(max(devices, 1)),
                                                times: times)
            }
        }
        return results
    }

    /// Programs the jobs of `range` through the copies' `storages`, each job's result into `out`;
    /// then takes again the weights and sums of each input a pulse reached, once (an input's
    /// every row is in the range, so they are those a refresh after its last row would leave).
    func programJobs(_ range: Range<Int>, targets: [[Float]], storages: [CrossbarLayer.Storage],
                     into out: UnsafeMutableBufferPointer<UpdateController.RowResult>, verified: Bool, rng: inout RandomStream) {
        // The targets' rows and the layers' widths taken out once: both threads program from
        // them, and a reference counted per row passes its count between the cores.
        let outputs = layers.map(\.outputs)
        // The controller taken once, each copy's storage borrowed in place: a copy of either per
        // row (and of its device model's box) would count references from both threads.
        // The device model is opened once (every copy's devices are the chip's model).
        let controller = self.controller
        func program<Model: DeviceModel>(through model: Model) {
            Self.withRows(of: targets) { bases in
                storages.withUnsafeBufferPointer { storage in
                    for index in range {
                        let job = rowJobs[index], m = outputs[job.layer]
                        out[index] = controller.programRow(job.row, in: storage[copyIndex[job.layer][job.replica]], model: model,
                                                           targets: UnsafeBufferPointer(start: bases[job.layer] + job.row * m, count: m),
                                                           columns: job.columns, verified: verified, refreshing: false, rng: &rng)
                    }
                }
            }
        }
        program(through: deviceModel)
        // The jobs come in row order, so each copy's inputs come in order too.
        var inputs = [[Int]](repeating: [], count: storages.count)
        for index in range where out[index].columnsDriven > 0 {
            let job = rowJobs[index], copy = copyIndex[job.layer][job.replica], input = job.row / rowsPerInput
            if inputs[copy].last != input { inputs[copy].append(input) }
        }
        for (copy, changed) in inputs.enumerated() where !changed.isEmpty { storages[copy].refresh(inputs: changed) }
    }

    /// Job `job`'s row of a layer's targets (`m` outputs a row).
    static func row(_ job: RowJob, outputs m: Int, of all: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: all[(job.row * m)..<((job.row + 1) * m)])
    }

    /// The first job of the second half: the first job of an input's rows once `firstShare` of
    /// the devices are behind it; nil when there are too few devices or no such boundary.
    func halfOfRows(firstShare: Double = 0.5) -> Int? {
        let total = rowJobDevices
        guard total >= splitProgrammingFrom else { return nil }
        return firstInputBoundary(rowJobs.indices, share: firstShare, of: total, job: { $0 }, weight: { rowJobs[$0].columns.count })
    }

    /// The devices of every row job (every copy of a replicated layer): what programming or
    /// reading every row reaches.
    var rowJobDevices: Int { rowJobs.reduce(0) { $0 + $1.columns.count } }

    /// The position in `items` (row jobs in their order, `job` of each, `weight` devices each)
    /// of the first item whose input differs from the one before once `share` of `total` is
    /// behind it: every job of a row follows the one before (`rowJobs`), so the items before
    /// and from it hold different inputs of every copy. Nil when there is no such item.
    func firstInputBoundary<Items: RandomAccessCollection>(_ items: Items, share: Double, of total: Int, job: (Items.Element) -> Int,
                                                           weight: (Items.Element) -> Int) -> Items.Index? {
        let wanted = Int(share * Double(total))
        var before = 0, previous = -1
        for k in items.indices {
            let input = rowJobs[job(items[k])].row / rowsPerInput
            if before > 0 && before >= wanted && input != previous { return k }
            before += weight(items[k])
            previous = input
        }
        return nil
    }

    /// Runs `first` with `stream` and, beside it, `second` with a copy of `stream` passed over
    /// the `draws` deviates `first` takes (on the other thread, while `first` runs); leaves
    /// `stream` where `second` leaves it, as one thread running both in turn would. Returns how
    /// long each took (`Overlap.timed`).
    @discardableResult
    static func inHalves(_ stream: inout RandomStream, skipping draws: Int, first: (inout RandomStream) -> Void,
                         second: (inout RandomStream) -> Void) -> (first: UInt64, second: UInt64) {
        var other = stream
        let times = Overlap.timed({
            other.skipGaussians(draws)
            second(&other)
        }, while: { first(&stream) })
        stream = other
        return (times.main, times.side)
    }

    /// The deviates programming `jobs` to `targets` draws, or nil when a device model cannot say.
    func noiseDraws(_ jobs: ArraySlice<RowJob>, targets: [[Float]], storages: [CrossbarLayer.Storage], verified: Bool) -> Int? {
        // The device model opened once, and the layers' widths, the targets and the storages
        // taken out before the loop (see `programJobs`): counted per row, their references cost
        // more than the count, on the thread the other one waits for.
        let outputs = layers.map(\.outputs)
        func count<Model: DeviceModel>(through model: Model) -> Int? {
            Self.withRows(of: targets) { bases in
                storages.withUnsafeBufferPointer { storage in
                    var draws = 0
                    for job in jobs where !job.columns.isEmpty {
                        let s = storage[copyIndex[job.layer][job.replica]], at = job.row * outputs[job.layer] + job.columns.lowerBound
                        guard let count = model.noiseDraws(faults: s.faults + at, states: s.states + at, targets: bases[job.layer] + at,
                                                           count: job.columns.count, verified: verified) else { return nil }
                        draws += count
                    }
                    return draws
                }
            }
        }
        return count(through: deviceModel)
    }

    /// A row job with changed devices: the job's index and the positions of its changes in its
    /// layer's `StateChanges`.
    struct ChangedRow {
        var job: Int
        var at: Range<Int>
    }

    /// Changed devices from which a programming of some devices is split (each moves along its
    /// curve in some 100 ns). A NeuroSim update of some 600 devices an image ran 10-20% slower
    /// split: the hand-over cost more than it gained.
    static let changesWorthSplitting = 1 << 15

    /// Programs the changed devices of `rows` (in job order), each job's result into
    /// `rowResults`: on two threads as every row is (`programEveryRow`), split at an input boundary.
    func programChangedRows(_ rows: [ChangedRow], _ changes: [StateChanges], verified: Bool) {
        guard crossbars.count <= Self.copiesSplitAtMost else {
            for row in rows { rowResults[row.job] = programChanged(row, changes, in: nil, verified: verified, rng: &programRNG) }
            return
        }
        let total = rows.reduce(0) { $0 + $1.at.count }
        // The copies' storage opened once for every row (a few hundred rows an image on NeuroSim's job).
        Self.withStorages(crossbars[...]) { storages in
            rowResults.withUnsafeMutableBufferPointer { out in
                guard total >= splitChangesFrom,
                      let half = firstInputBoundary(rows, share: Self.firstShareOfProgramming, of: total, job: \.job, weight: \.at.count),
                      let draws = noiseDraws(rows[..<half], changes, storages: storages, verified: verified) else {
                    for row in rows { out[row.job] = programChanged(row, changes, in: storages, verified: verified, rng: &programRNG) }
                    return
                }
                Self.inHalves(&programRNG, skipping: draws, first: { rng in
                    for row in rows[..<half] { out[row.job] = self.programChanged(row, changes, in: storages, verified: verified, rng: &rng) }
                }, second: { rng in
                    for row in rows[half...] { out[row.job] = self.programChanged(row, changes, in: storages, verified: verified, rng: &rng) }
                })
            }
        }
    }

    /// The deviates programming the changed devices of `rows` draws, or nil when a device model cannot say.
    func noiseDraws(_ rows: ArraySlice<ChangedRow>, _ changes: [StateChanges], storages: [CrossbarLayer.Storage], verified: Bool) -> Int? {
        // The device model opened once (see `programJobs`).
        func count<Model: DeviceModel>(through model: Model) -> Int? {
            var draws = 0
            for row in rows {
                let job = rowJobs[row.job], s = storages[copyIndex[job.layer][job.replica]]
                let count = changes[job.layer].indices.withUnsafeBufferPointer { indices in
                    changes[job.layer].targets.withUnsafeBufferPointer { targets in
                        model.noiseDraws(faults: s.faults, states: s.states, targets: targets.baseAddress! + row.at.lowerBound,
                                         count: row.at.count, at: indices.baseAddress! + row.at.lowerBound, verified: verified)
                    }
                }
                guard let count else { return nil }
                draws += count
            }
            return draws
        }
        return count(through: deviceModel)
    }

    /// Programs one job's changed devices, through the copies' `storages` when they are open.
    func programChanged(_ row: ChangedRow, _ changes: [StateChanges], in storages: [CrossbarLayer.Storage]?, verified: Bool,
                        rng: inout RandomStream) -> UpdateController.RowResult {
        let job = rowJobs[row.job], copy = copyIndex[job.layer][job.replica], layerChanges = changes[job.layer]
        return layerChanges.indices.withUnsafeBufferPointer { indices in
            layerChanges.targets.withUnsafeBufferPointer { targets in
                let mine = UnsafeBufferPointer(rebasing: indices[row.at]), to = targets.baseAddress! + row.at.lowerBound
                guard let storages else {
                    return controller.programDevices(mine, of: crossbars[copy], row: job.row, targets: to, verified: verified, rng: &rng)
                }
                return controller.programDevices(mine, in: storages[copy], row: job.row, targets: to, verified: verified, rng: &rng)
            }
        }
    }

    /// Reads every row job into `measured` in the jobs' order, on two threads as programming
    /// splits them (with read noise, the second half's stream skips one deviate a device of the first).
    func readEveryRow() {
        guard crossbars.count <= Self.copiesSplitAtMost, let half = halfOfRows() else {
            for job in rowJobs { readRow(copyIndex[job.layer][job.replica], job.row, job.columns) }
            return
        }
        let draws = rowJobs[..<half].reduce(0) { $0 + (crossbars[copyIndex[$1.layer][$1.replica]].devices.readNoise > 0 ? $1.columns.count : 0) }
        var saturated = [UInt64](repeating: 0, count: rowJobs.count)
        Self.withStorages(crossbars[...]) { storages in
            measured.withUnsafeMutableBufferPointer { copies in
                Self.withRows(copies) { out in
                    saturated.withUnsafeMutableBufferPointer { counts in
                        Self.inHalves(&readRNG, skipping: draws, first: {
                            self.readJobs(0..<half, storages: storages, into: out, counts: counts, rng: &$0)
                        }, second: {
                            self.readJobs(half..<counts.count, storages: storages, into: out, counts: counts, rng: &$0)
                        })
                    }
                }
            }
        }
        for (index, job) in rowJobs.enumerated() { countReads(copyIndex[job.layer][job.replica], columns: job.columns, saturated: saturated[index]) }
    }

    /// The next forward pass's batch, told ahead: a read-back on two threads computes its
    /// images after its reads (`readBesideEvents`), and that forward pass takes them.
    public func expect(_ batch: InputBatch) { expected = batch }

    /// Reads every row job into `measured` in the jobs' order on the side thread (`Overlap`),
    /// while this thread runs the read-back's events: these read the conductances only, and
    /// the reads write only what the events never touch (`measured`, `readRNG` and the range
    /// counts, which are added here after both). Without read noise the rows are read in groups
    /// of inputs, each group's weights for backpropagation taken from its reads (the layers'
    /// read-back copies, which the events do not read), and then the expected batch's images
    /// are computed into the slots (which the events never read) for the next forward pass to
    /// take: all of them items that this thread helps with once its events are done. With read
    /// noise, whose draws go in row order, the side thread reads every row, then takes the weights.
    func readBesideEvents() throws {
        var saturated = [UInt64](repeating: 0, count: rowJobs.count)
        // The next batch's images after the reads, where its reads draw no noise (in image order).
        let upcoming = hasReadNoise ? nil : expected
        expected = nil
        // The stream the images' reads take (unused: they draw nothing), for either thread.
        let unused = readRNG
        if let upcoming { addSlots(upTo: upcoming.count) }
        let groups = hasReadNoise ? [] : inputGroups
        try Self.withStorages(crossbars[...]) { storages in
            try measured.withUnsafeMutableBufferPointer { copies in
                try Self.withRows(copies) { out in
                    try saturated.withUnsafeMutableBufferPointer { open in
                        let counts = open
                        try segment(.readout, replay: .readBack, work: {}, start: {
                            try startRows(.read, at: cursor)
                        }, meanwhile: {
                            guard !groups.isEmpty else {
                                self.readJobs(0..<counts.count, storages: storages, into: out, counts: counts, rng: &self.readRNG)
                                self.takeWeights(from: out.map { UnsafePointer($0) })
                                return
                            }
                            let reads = groups.count - 1, measured = out.map { UnsafePointer($0) }
                            self.sharedImages.announce()
                            self.withReadbackRows { weights in
                                self.sharedImages.open(reads + (upcoming?.count ?? 0)) { k in
                                    guard k < reads else {
                                        return self.drawlessImages((k - reads)..<(k - reads + 1), of: upcoming!, stream: unused)
                                    }
                                    // No read noise: the stream is left as it is.
                                    var noStream = unused
                                    self.readJobs(groups[k]..<groups[k + 1], storages: storages, into: out, counts: counts, rng: &noStream)
                                    let inputs = self.groupInputs(groups[k]..<groups[k + 1])
                                    for (copy, layer) in self.crossbars.enumerated() {
                                        Self.takeWeights(of: layer, inputs: inputs, from: measured[copy], into: weights[copy])
                                    }
                                }
                            }
                        }, prepare: { self.rowSums = self.rowConductanceSums(storages) }, help: sharedImages.help, besidePending: true)
                    }
                }
            }
        }
        prepared = upcoming
        for (index, job) in rowJobs.enumerated() { countReads(copyIndex[job.layer][job.replica], columns: job.columns, saturated: saturated[index]) }
    }

    /// The inputs whose rows the jobs of `jobs` (a group of `inputGroups`) hold.
    func groupInputs(_ jobs: Range<Int>) -> Range<Int> {
        guard let first = jobs.first, let last = jobs.last else { return 0..<0 }
        return (rowJobs[first].row / rowsPerInput)..<(rowJobs[last].row / rowsPerInput + 1)
    }

    /// Reads the jobs of `range` from the copies' `storages` into `out` (per copy), each job's
    /// saturated reads into `counts`.
    func readJobs(_ range: Range<Int>, storages: [CrossbarLayer.Storage], into out: [UnsafeMutablePointer<Float>],
                  counts: UnsafeMutableBufferPointer<UInt64>, rng: inout RandomStream) {
        let conductances = storages.map(\.conductance)
        for index in range {
            let job = rowJobs[index], copy = copyIndex[job.layer][job.replica]
            counts[index] = readRow(copy, job.row, job.columns, from: conductances[copy], into: out[copy], rng: &rng)
        }
    }

    /// Every array of `arrays` held open as a pointer for `body`.
    static func withRows<R>(_ arrays: UnsafeMutableBufferPointer<[Float]>, _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
        try HeldOpen.writing(arrays) { try body($0.map { $0.baseAddress! }) }
    }

    /// Every array of `arrays` held open as a pointer for `body` (arrays read on two threads
    /// reached through their pointers count no references per element read).
    static func withRows<R>(of arrays: [[Float]], _ body: ([UnsafePointer<Float>]) throws -> R) rethrows -> R {
        // An empty array has no address; nothing is read through it.
        try HeldOpen.reading(arrays) { try body($0.map { $0.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Float>.alignment)! }) }
    }

    /// Every layer copy's storage held open for `body`, in the order of `layers`.
    static func withStorages<R>(_ layers: ArraySlice<CrossbarLayer>, _ open: [CrossbarLayer.Storage] = [],
                                _ body: ([CrossbarLayer.Storage]) throws -> R) rethrows -> R {
        guard let first = layers.first else { return try body(open) }
        return try first.withStorage { try withStorages(layers.dropFirst(), open + [$0], body) }
    }
}
