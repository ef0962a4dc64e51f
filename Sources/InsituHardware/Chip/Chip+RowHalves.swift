import InsituDevices
import InsituEngine

/// Programming every row on two threads with the bytes of one: the rows from an input boundary
/// on are programmed beside the rows before it, with the programming noise's stream where the
/// first half leaves it (the device model counts the first half's deviates, and
/// `RandomStream.skipGaussians` passes them without their logarithms). Each half writes only its
/// own rows' devices and states and its own inputs' weights and sums, through the layers'
/// storage pointers.
extension Chip {
    /// Devices a programming must reach before its rows are split: some 30 ns a device with its
    /// noise makes a half of them about 0.5 ms, well above the hand-over of a piece of work.
    static let devicesWorthSplitting = 1 << 15
    /// The share of the devices the calling thread programs: the other thread also passes the
    /// first half's deviates (about a fifth of the work of drawing them), so it takes fewer.
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
                guard let half = halfOfRows(firstShare: Self.firstShareOfProgramming), let draws = noiseDraws(rowJobs[..<half], targets: targets, storages: storages, verified: verified) else {
                    programJobs(all, targets: targets, storages: storages, into: out, verified: verified, rng: &programRNG)
                    return
                }
                // The side thread passes the first half's deviates itself, while the first half is programmed.
                var second = programRNG
                Overlap.run({
                    second.skipGaussians(draws)
                    self.programJobs(half..<all.upperBound, targets: targets, storages: storages, into: out, verified: verified, rng: &second)
                }, while: {
                    self.programJobs(0..<half, targets: targets, storages: storages, into: out, verified: verified, rng: &self.programRNG)
                })
                programRNG = second
            }
        }
        return results
    }

    /// Programs the jobs of `range` through the copies' `storages`, each job's result into `out`;
    /// then takes again the weights and sums of each input a pulse reached, once (an input's
    /// every row is in the range, so they are those a refresh after its last row would leave).
    func programJobs(_ range: Range<Int>, targets: [[Float]], storages: [CrossbarLayer.Storage],
                     into out: UnsafeMutableBufferPointer<UpdateController.RowResult>, verified: Bool, rng: inout RandomStream) {
        for index in range {
            let job = rowJobs[index]
            out[index] = targets[job.layer].withUnsafeBufferPointer { all in
                controller.programRow(job.row, in: storages[copyIndex[job.layer][job.replica]],
                                      targets: Self.row(job, outputs: layers[job.layer].outputs, of: all),
                                      columns: job.columns, verified: verified, refreshing: false, rng: &rng)
            }
        }
        // The jobs come in row order, so each copy's inputs come in order too.
        var refreshed = [Int](repeating: -1, count: storages.count)
        for index in range where out[index].columnsDriven > 0 {
            let job = rowJobs[index], copy = copyIndex[job.layer][job.replica], input = job.row / rowsPerInput
            if refreshed[copy] != input {
                storages[copy].refresh(input: input)
                refreshed[copy] = input
            }
        }
    }

    /// Job `job`'s row of a layer's targets (`m` outputs a row).
    static func row(_ job: RowJob, outputs m: Int, of all: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: all[(job.row * m)..<((job.row + 1) * m)])
    }

    /// The first job of the second half: the first job of an input's rows once `firstShare` of
    /// the devices are behind it; nil when there are too few devices or no such boundary.
    func halfOfRows(firstShare: Double = 0.5) -> Int? {
        let total = rowJobs.reduce(0) { $0 + $1.columns.count }
        guard total >= splitProgrammingFrom else { return nil }
        let wanted = Int(firstShare * Double(total))
        var before = 0
        for (index, job) in rowJobs.enumerated() {
            // Every job of a row follows the one before (`rowJobs`), so a job whose row starts an
            // input and differs from its predecessor's begins a set of whole inputs.
            if before > 0 && before >= wanted && job.row % rowsPerInput == 0 && job.row != rowJobs[index - 1].row { return index }
            before += job.columns.count
        }
        return nil
    }

    /// The deviates programming `jobs` to `targets` draws, or nil when a device model cannot say.
    func noiseDraws(_ jobs: ArraySlice<RowJob>, targets: [[Float]], storages: [CrossbarLayer.Storage], verified: Bool) -> Int? {
        var draws = 0
        for job in jobs where !job.columns.isEmpty {
            let s = storages[copyIndex[job.layer][job.replica]], first = job.row * layers[job.layer].outputs
            let count = targets[job.layer].withUnsafeBufferPointer { all in
                s.model.noiseDraws(faults: s.faults + first + job.columns.lowerBound, states: s.states + first + job.columns.lowerBound,
                                   targets: all.baseAddress! + first + job.columns.lowerBound, count: job.columns.count, verified: verified)
            }
            guard let count else { return nil }
            draws += count
        }
        return draws
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
                        var second = readRNG
                        Overlap.run({
                            second.skipGaussians(draws)
                            self.readJobs(half..<counts.count, storages: storages, into: out, counts: counts, rng: &second)
                        }, while: {
                            self.readJobs(0..<half, storages: storages, into: out, counts: counts, rng: &self.readRNG)
                        })
                        readRNG = second
                    }
                }
            }
        }
        for (index, job) in rowJobs.enumerated() { countReads(copyIndex[job.layer][job.replica], columns: job.columns, saturated: saturated[index]) }
    }

    /// Reads the jobs of `range` from the copies' `storages` into `out` (per copy), each job's
    /// saturated reads into `counts`.
    func readJobs(_ range: Range<Int>, storages: [CrossbarLayer.Storage], into out: [UnsafeMutablePointer<Float>],
                  counts: UnsafeMutableBufferPointer<UInt64>, rng: inout RandomStream) {
        for index in range {
            let job = rowJobs[index], copy = copyIndex[job.layer][job.replica]
            counts[index] = readRow(copy, job.row, job.columns, from: storages[copy].conductance, into: out[copy], rng: &rng)
        }
    }

    /// Every array of `arrays` held open as a pointer for `body`.
    static func withRows<R>(_ arrays: UnsafeMutableBufferPointer<[Float]>, from k: Int = 0, _ open: [UnsafeMutablePointer<Float>] = [],
                            _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        guard k < arrays.count else { return body(open) }
        return arrays[k].withUnsafeMutableBufferPointer { withRows(arrays, from: k + 1, open + [$0.baseAddress!], body) }
    }

    /// Every layer copy's storage held open for `body`, in the order of `layers`.
    static func withStorages<R>(_ layers: ArraySlice<CrossbarLayer>, _ open: [CrossbarLayer.Storage] = [],
                                _ body: ([CrossbarLayer.Storage]) -> R) -> R {
        guard let first = layers.first else { return body(open) }
        return first.withStorage { withStorages(layers.dropFirst(), open + [$0], body) }
    }
}
