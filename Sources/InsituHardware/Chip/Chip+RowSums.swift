import InsituKernels
extension Chip {
    /// Each row job's conductance summed over its columns, in column order as a read of the
    /// row adds it (what the row's array read dissipates per volt squared), from the copies'
    /// open `storages`. Jobs of one width go up to eight at a time: their chains of additions are
    /// independent, where one chain waits on each addition. A job of a copy whose wires have
    /// resistance is summed as its TIAs see the devices, one at a time. With a `selection`
    /// (a read of some rows), only its jobs (the others' sums are 0).
    func rowConductanceSums(_ storages: [CrossbarLayer.Storage], selection: [Bool]? = nil) -> [Double] {
        var sums = [Double](repeating: 0, count: rowJobs.count)
        let order = selection.map { wanted in rowJobsByWidth.filter { wanted[$0] } } ?? rowJobsByWidth
        // Each copy's conductances and width, taken out once.
        let bases = storages.map(\.conductance), widths = storages.map(\.layer.outputs)
        let plain = crossbars.map { $0.wireOhms == nil }
        func rowStart(_ index: Int) -> UnsafeMutablePointer<Float> {
            let job = rowJobs[index], copy = copyIndex[job.layer][job.replica]
            return bases[copy] + job.row * widths[copy] + job.columns.lowerBound
        }
        var k = 0
        while k < order.count {
            let a = order[k]
            let width = rowJobs[a].columns.count
            // A plain row sixteen devices at a time where the processor has AVX-512 (the same bits).
            if plain[copyIndex[rowJobs[a].layer][rowJobs[a].replica]], insitu_row_sum(rowStart(a), nil, width, &sums[a]) != 0 {
                k += 1
                continue
            }
            // Up to eight plain rows of one width at a time: eight chains of additions keep both
            // adders busy, so fewer rows (the rest repeating the last one, their sums dropped)
            // take no longer than one row's chain alone.
            var n = 0
            while n < 8 && k + n < order.count, rowJobs[order[k + n]].columns.count == width,
                  plain[copyIndex[rowJobs[order[k + n]].layer][rowJobs[order[k + n]].replica]] { n += 1 }
            if n > 0 {
                let p0 = rowStart(order[k]), p1 = rowStart(order[k + min(1, n - 1)]), p2 = rowStart(order[k + min(2, n - 1)])
                let p3 = rowStart(order[k + min(3, n - 1)]), p4 = rowStart(order[k + min(4, n - 1)]), p5 = rowStart(order[k + min(5, n - 1)])
                let p6 = rowStart(order[k + min(6, n - 1)]), p7 = rowStart(order[k + min(7, n - 1)])
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
                for c in 0..<width {
                    s0 += Double(p0[c]); s1 += Double(p1[c]); s2 += Double(p2[c]); s3 += Double(p3[c])
                    s4 += Double(p4[c]); s5 += Double(p5[c]); s6 += Double(p6[c]); s7 += Double(p7[c])
                }
                for (r, sum) in [s0, s1, s2, s3, s4, s5, s6, s7][..<n].enumerated() { sums[order[k + r]] = sum }
                k += n
                continue
            }
            // Through resistive wires, as the TIAs see the devices.
            let job = rowJobs[a], copy = copyIndex[job.layer][job.replica], storage = storages[copy]
            var sum = 0.0
            for j in job.columns { sum += Double(storage.effective(job.row * widths[copy] + j)) }
            sums[a] = sum
            k += 1
        }
        return sums
    }

    /// Every read row job's summed conductance into `rowSums`, for a read segment's events
    /// (its `prepare`); `endSegment` empties them.
    func prepareRowSums() {
        rowSums = Self.withStorages(crossbars[...]) { rowConductanceSums($0, selection: readSelection) }
    }
}
