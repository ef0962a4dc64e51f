import InsituDevices
import InsituEngine
import InsituKernels
import Synchronization

/// Programming every row on two threads with the programming stream's deviates drawn ahead:
/// each row's deviates are its place in the stream (the draws of the rows before it), so once
/// they are drawn into a buffer, in stream order, any thread can program the row. The calling
/// thread draws them while the other counts each row's draws, then programs groups of rows
/// from a shared count (waiting for deviates not yet drawn), which the calling thread joins
/// once all are drawn: no thread walks past another's deviates (`RandomStream.skipGaussians`)
/// and neither waits for a fixed half of the rows. For device models that take given
/// deviates (`DeviceModel.takesGivenDeviates`).
extension Chip {
    /// Inputs (rows sharing a weight) in a group that one thread programs: their weights and
    /// sums are taken again once, by that thread, when its rows are done. Some 5 us of work on
    /// the paper's large chip, many times the claim of one.
    static let inputsPerGroup = 8
    /// Deviates drawn between two notices to the other thread of how many are ready.
    static let deviatesPerNotice = 2048

    /// Programs every row job to `targets` as `programJobs` does, each job's result into `out`,
    /// when `model` takes given deviates; false (nothing done) else.
    func programAhead<Model: DeviceModel>(_ targets: [[Float]], model: Model, storages: [CrossbarLayer.Storage],
                                          into out: UnsafeMutableBufferPointer<UpdateController.RowResult>, verified: Bool) -> Bool {
        guard model.takesGivenDeviates else { return false }
        // At most one deviate a device, and one slot past the last, read (times nothing) by a row that ends the stream.
        let devices = rowJobDevices, groups = inputGroups
        if programDeviates.count < devices + 1 { programDeviates = [Double](repeating: 0, count: devices + 1) }
        var firsts = [Int](repeating: 0, count: rowJobs.count + 1)
        // Each job's changes, where the counting finds them with its draws (one pass a row).
        var changes = [UpdateController.Changes?](repeating: nil, count: model.deviatesPerWorkingChange == nil ? 0 : rowJobs.count)
        let progress = AheadProgress()
        let outputs = layers.map(\.outputs), controller = self.controller
        programDeviates.withUnsafeMutableBufferPointer { buffer in
            let deviates = buffer.baseAddress!
            Self.withRows(of: targets) { bases in
                storages.withUnsafeBufferPointer { storage in
                    firsts.withUnsafeMutableBufferPointer { firstsBuffer in changes.withUnsafeMutableBufferPointer { changesBuffer in
                        let firsts = firstsBuffer.baseAddress!, changes = changesBuffer.isEmpty ? nil : changesBuffer.baseAddress!
                        /// Every job's first deviate and the total, made known to the drawing thread.
                        func count() {
                            let total = countDeviates(into: firsts, changes: changes, model: model, bases: bases, storages: storage,
                                                      verified: verified)
                            precondition(total <= devices, "\(model.kind) takes at most one given deviate a device")
                            progress.total.store(total, ordering: .releasing)
                        }
                        /// Takes groups until none is left, each once its deviates are drawn.
                        func programGroups() {
                            var inputs: [[Int]] = Array(repeating: [], count: storage.count)
                            while true {
                                let g = progress.claimed.add(1, ordering: .relaxed).oldValue
                                guard g < groups.count - 1 else { return }
                                let jobs = groups[g]..<groups[g + 1]
                                // The group's deviates and the slot past them (or the end of the drawing).
                                while progress.drawn.load(ordering: .acquiring) <= firsts[jobs.upperBound] {}
                                for index in jobs {
                                    let job = rowJobs[index], m = outputs[job.layer], copy = copyIndex[job.layer][job.replica]
                                    out[index] = controller.programRow(job.row, in: storage[copy], model: model,
                                                                       targets: UnsafeBufferPointer(start: bases[job.layer] + job.row * m, count: m),
                                                                       columns: job.columns, verified: verified, deviates: deviates + firsts[index],
                                                                       draws: firsts[index + 1] - firsts[index], counted: changes?[index])
                                    let input = job.row / rowsPerInput
                                    if out[index].columnsDriven > 0 && inputs[copy].last != input { inputs[copy].append(input) }
                                }
                                // The group holds every job of its inputs: their weights and sums are final.
                                for copy in inputs.indices where !inputs[copy].isEmpty {
                                    storage[copy].refresh(inputs: inputs[copy])
                                    inputs[copy].removeAll(keepingCapacity: true)
                                }
                            }
                        }
                        Overlap.run({
                            // After the calling thread (the side thread busy), the count is done.
                            if progress.total.load(ordering: .acquiring) < 0 { count() }
                            programGroups()
                        }, whileTelling: { besideCounting in
                            if !besideCounting { count() }
                            programRNG = Self.draw(from: programRNG, into: deviates, atMost: devices, progress: progress)
                            programGroups()
                        })
                    } }
                }
            }
        }
        return true
    }

    /// Draws deviates from `stream` into `deviates`, telling `progress` how many are ready, until
    /// the total the counting tells; returns the stream after exactly that many. Drawn before
    /// the total is known, at most `atMost` (the total's bound), and passed back over when too many.
    static func draw(from stream: RandomStream, into deviates: UnsafeMutablePointer<Double>, atMost: Int,
                     progress: AheadProgress) -> RandomStream {
        var stream = stream, drawn = 0
        // The stream before each notice's deviates (notice k's start at k x deviatesPerNotice),
        // to pass back over the deviates past the total.
        var before: [RandomStream] = []
        while true {
            let total = progress.total.load(ordering: .acquiring)
            if total >= 0 && drawn >= total {
                if drawn > total {
                    let k = total / Self.deviatesPerNotice
                    stream = before[k]
                    stream.skipGaussians(total - k * Self.deviatesPerNotice)
                }
                break
            }
            let end = total >= 0 ? total : atMost
            guard drawn < end else { continue }  // every deviate the bound allows is drawn: the count is coming
            let n = min(Self.deviatesPerNotice, end - drawn)
            before.append(stream)
            stream.fillGaussians(deviates + drawn, count: n)
            drawn += n
            progress.drawn.store(drawn, ordering: .releasing)
        }
        // Every deviate drawn: the slot past the last is never written again.
        progress.drawn.store(.max, ordering: .releasing)
        return stream
    }

    /// Writes where each row job's deviates start in the stream from here (the draws of the jobs
    /// before it) into `firsts`, and the total after the last; returns the total. Where the
    /// model's draws are its working changes (`DeviceModel.deviatesPerWorkingChange`), each job's
    /// changes go to `changes` from the same pass (a kernel's, with AVX).
    func countDeviates<Model: DeviceModel>(into firsts: UnsafeMutablePointer<Int>, changes: UnsafeMutablePointer<UpdateController.Changes?>?,
                                           model: Model, bases: [UnsafePointer<Float>],
                                           storages: UnsafeBufferPointer<CrossbarLayer.Storage>, verified: Bool) -> Int {
        var draws = 0
        let range = model.stateRange, lo = Float(range.lowerBound), hi = Float(range.upperBound)
        for index in rowJobs.indices {
            let job = rowJobs[index]
            firsts[index] = draws
            guard !job.columns.isEmpty else { continue }
            let m = layers[job.layer].outputs
            let s = storages[copyIndex[job.layer][job.replica]], at = job.row * m + job.columns.lowerBound
            if let changes, let each = model.deviatesPerWorkingChange {
                var counted = UpdateController.Changes()
                let working = s.faults.withMemoryRebound(to: UInt8.self, capacity: at + job.columns.count) {
                    insitu_count_row_changes($0 + at, s.states + at, bases[job.layer] + at, job.columns.count, lo, hi,
                                             &counted.changed, &counted.atLimit)
                }
                if working >= 0 {
                    changes[index] = counted
                    draws += each * working
                    continue
                }
            }
            guard let count = model.noiseDraws(faults: s.faults + at, states: s.states + at, targets: bases[job.layer] + at,
                                               count: job.columns.count, verified: verified) else {
                preconditionFailure("\(model.kind) takes given deviates but does not count them")
            }
            draws += count
        }
        firsts[rowJobs.count] = draws
        return draws
    }

    /// The first job of each group of `inputsPerGroup` inputs of `jobs`, then the number of jobs:
    /// jobs come row by row over the layers and copies (`rowJobs`), so a group ends where the
    /// input changes and holds every job of its inputs.
    static func inputGroups(of rowJobs: [RowJob], rowsPerInput: Int) -> [Int] {
        var starts = [0], inputs = 0, previous = -1
        for (index, job) in rowJobs.enumerated() {
            let input = job.row / rowsPerInput
            guard input != previous else { continue }
            if inputs == Self.inputsPerGroup {
                starts.append(index)
                inputs = 0
            }
            inputs += 1
            previous = input
        }
        starts.append(rowJobs.count)
        return starts
    }
}

/// How far a programming ahead has come: deviates drawn, their total once counted (-1 before),
/// groups of rows claimed.
final class AheadProgress: @unchecked Sendable {
    let drawn = Atomic<Int>(0)
    let total = Atomic<Int>(-1)
    let claimed = Atomic<Int>(0)
}
