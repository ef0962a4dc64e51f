import InsituKernels

/// The sums the drive and read hops form over an image's inputs (the rows' line energy, the
/// array's sum V^2 G and the rail's supply, and the next layer's line energy an analog
/// interlayer charges), formed for a replayed batch's slots before its hops: four images at a
/// time, one a lane (`insitu_line_sums`), where each hop formed its own in chains of additions
/// one after another. Each lane adds its image's terms in the hop's order: the same bits.
extension Chip {
    /// Forms the sums of image slots `range` and marks them ready for the hops (`lineSumsReady`);
    /// false, with nothing formed, on a chip of bit planes (its hops drive other volts) or
    /// without the kernel.
    func prepareLineSums(slots range: Range<Int>) -> Bool {
        guard planes == 1, !range.isEmpty else { return false }
        var terms = InsituLineTerms(lineFactor: rail > 0 ? chargeFactor * rail : driveFactor, rail: rail, fromRail: rail > 0 ? 1 : 0)
        for l in 0..<layerCount {
            let next = drivesNextAnalog(l)
            for r in 0..<replicas[l] {
                let copy = range.filter { replica(l, slot: $0) == r }
                guard let first = copy.first else { continue }
                let formed = withCrossbar(l, slot: first) { devices in
                    devices.rowPairSums.withUnsafeBufferPointer { pairSums in
                        for b in blockSpans[l * mostReplicas + r] {
                            let p = blockTable[b], base = devices.block(of: p.firstOutput..<(p.firstOutput + p.outputs)) * devices.inputs
                            let g = pairSums.baseAddress! + base + p.firstInput
                            for group in stride(from: 0, to: copy.count, by: 4) {
                                let slots = copy[group..<min(group + 4, copy.count)]
                                guard form(slots, count: p.inputs, terms: &terms, inputs: { self.inputs(l, slot: $0).baseAddress! + p.firstInput },
                                           sums: g, into: { s, sums in self.slot(s)._withUnsafeGuaranteedRef { $0.lineSums[b] = sums } }) else { return false }
                                guard next && p.firstInput == 0 else { continue }
                                guard form(slots, count: p.outputs, terms: &terms, inputs: { self.inputs(l + 1, slot: $0).baseAddress! + p.firstOutput },
                                           sums: nil, into: { s, sums in self.slot(s)._withUnsafeGuaranteedRef { $0.nextLines[b] = sums.line } }) else { return false }
                            }
                        }
                        return true
                    }
                }
                guard formed else { return false }
            }
        }
        lineSumsReady = true
        return true
    }

    /// One call of the kernel for up to four `slots`: their inputs (`inputs(s)`, `count` each)
    /// with the conductance sums `sums` (every slot's, the copy being one) or none.
    private func form(_ slots: ArraySlice<Int>, count: Int, terms: inout InsituLineTerms, inputs: (Int) -> UnsafeMutablePointer<Float>,
                      sums: UnsafePointer<Double>?, into store: (Int, InsituLineSums) -> Void) -> Bool {
        // Four lanes at most, on the stack: this runs for every block of every batch.
        var v: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) = (nil, nil, nil, nil)
        var g: (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?) = (sums, sums, sums, sums)
        var out = (InsituLineSums(), InsituLineSums(), InsituLineSums(), InsituLineSums())
        let lanes = slots.count
        return withUnsafeMutableBytes(of: &v) { vBytes in
            let v = vBytes.bindMemory(to: UnsafePointer<Float>?.self)
            for (k, s) in slots.enumerated() { v[k] = UnsafePointer(inputs(s)) }
            return withUnsafeMutableBytes(of: &g) { gBytes in
                withUnsafeMutableBytes(of: &out) { outBytes in
                    let out = outBytes.bindMemory(to: InsituLineSums.self)
                    let g = gBytes.bindMemory(to: UnsafePointer<Double>?.self)
                    guard insitu_line_sums(v.baseAddress!, lanes, count, sums == nil ? nil : g.baseAddress!, &terms, out.baseAddress!) != 0 else {
                        return false
                    }
                    for (k, s) in slots.enumerated() { store(s, out[k]) }
                    return true
                }
            }
        }
    }
}
