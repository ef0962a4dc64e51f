import InsituEngine

/// Batches forward one after another (an evaluation's chunks), each batch's recorded hops
/// replayed (`SegmentReplay`) on the calling thread while the side thread computes the next
/// batch's images into a second set of slots. A batch's hops read only its own slots, which
/// the next batch's images do not touch, and each image is computed exactly as alone, so the
/// ledger, the range counts and every pass are the same bytes as running the batches in turn.
extension Chip {
    public func forward(batches count: Int, _ batch: (Int) -> InputBatch, phase: Phase, perImage described: [DigitalWork],
                        each: (Int, ForwardPass) throws -> Void) throws {
        // Its chunks' segments are charged here, not through `segment`: a programming's events first.
        try runPendingEvents()
        (prepared, expected) = (nil, nil)
        var k = 0, next = count > 0 ? batch(0) : nil
        while let current = next {
            let n = current.count
            let perImage = countedPerImage.of(described) { spec.digital.gradientDataflow.perImage($0, widths: widths) }
            guard k + 1 < count, chargesBesideImages(n, key: .forward(images: n, work: perImage)) else {
                try each(k, try forward(current, phase: phase, perImage: described))
                k += 1
                next = k < count ? batch(k) : nil
                continue
            }
            // From here the batches of n images alternate between slots 0..<n and n..<2n.
            addSlots(upTo: 2 * n)
            computeImages(current)
            var pending = current, offset = 0
            while true {
                var following: InputBatch?
                let unused = readRNG
                try chargeSegment(phase, images: n, perImage: perImage, slotOffset: offset, beside: {
                    guard k + 1 < count else { return }
                    sharedImages.announce()
                    let b = batch(k + 1)
                    following = b
                    // The next batch alike: its images into the other slots, the calling thread
                    // taking some once it has charged this one.
                    sharedImages.open(b.count == n ? n : 0) { drawlessImages($0..<($0 + 1), of: b, offset: n - offset, stream: unused) }
                })
                var pass = ForwardPass(widths: widths, count: n)
                collect(pending, offset: offset, into: &pass)
                try each(k, pass)
                k += 1
                guard let b = following, b.count == n else {
                    next = following
                    break
                }
                pending = b
                offset = n - offset
            }
        }
    }

    /// Whether batches of `n` images whose segment is `key` can be charged beside the next
    /// batch's images: costs charged by replaying a segment recorded (and checked) before,
    /// outside a trace window, without read noise (its draws go in image order), with each
    /// layer's copies taking the same images in either set of slots, and a batch large enough
    /// to hand over.
    func chargesBesideImages(_ n: Int, key: SegmentReplay.Key) -> Bool {
        accounting && replayEnabled && trace?.isRecording != true && n >= 2 && !hasReadNoise
            && n * productSize >= Overlap.worthwhileMultiplyAdds && replicas.allSatisfy { n % $0 == 0 }
            && replay.recorded.contains { $0.key == key && $0.checked }
    }

    /// A forward segment of `images` images whose values are in the slots from `slotOffset`
    /// on: its recorded hops replayed, `beside` on the side thread meanwhile (this thread then
    /// helps with its shared images).
    func chargeSegment(_ phase: Phase, images n: Int, perImage: [DigitalWork], slotOffset: Int, beside: () -> Void) throws {
        self.phase = phase
        if phase == .forward { trainingBatch = n }
        setHops(then: perImage)
        let key = SegmentReplay.Key.forward(images: n, work: perImage)
        guard let k = replay.recorded.firstIndex(where: { $0.key == key }) else { preconditionFailure("a replayed segment was recorded") }
        try Overlap.run(beside, while: {
            try performSteps(segment: k, slotOffset: slotOffset, images: n)
            sharedImages.help()
        })
        endSegment(phase)
    }
}
