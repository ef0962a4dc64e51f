import InsituEngine
import InsituKernels

/// Working values of one image in flight through the chip: per layer, its input voltages,
/// column currents and digitised outputs (hidden activations in volts, output currents in
/// amperes), and its range counts. The vectors are memory the slot owns, reached through
/// pointers: both threads compute images, and an array's reference count touched per access
/// passes between the cores.
final class ImageSlot {
    let inputs: [UnsafeMutableBufferPointer<Float>]
    let currents: [UnsafeMutableBufferPointer<Float>]
    let digital: [UnsafeMutableBufferPointer<Float>]
    @exclusivity(unchecked) var prediction = 0
    /// The last image's range counts per layer, added to the chip's once the batch's values are in.
    let counts: UnsafeMutableBufferPointer<RangeCounts.Layer>
    /// Per block of the chip's table: the sums its drive and read hops charge from this image's
    /// inputs, and the next layer's line energy per farad (`Chip.prepareLineSums`).
    let lineSums: UnsafeMutableBufferPointer<InsituLineSums>
    let nextLines: UnsafeMutableBufferPointer<Double>

    init(widths: [Int], blocks: Int) {
        let layers = widths.count - 1
        func zeros(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let vector = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            vector.initialize(repeating: 0)
            return vector
        }
        inputs = (0..<layers).map { zeros(widths[$0]) }
        currents = (0..<layers).map { zeros(widths[$0 + 1]) }
        digital = (0..<layers).map { zeros(widths[$0 + 1]) }
        counts = .allocate(capacity: layers)
        counts.initialize(repeating: RangeCounts.Layer())
        lineSums = .allocate(capacity: blocks)
        lineSums.initialize(repeating: InsituLineSums())
        nextLines = .allocate(capacity: blocks)
        nextLines.initialize(repeating: 0)
    }

    deinit {
        for vector in inputs + currents + digital { vector.deallocate() }
        counts.deallocate()
        lineSums.deallocate()
        nextLines.deallocate()
    }
}

extension Chip {
    /// Image slot `s`, unretained (see `slotTable`); valid while the chip lives.
    @inline(__always) func slot(_ s: Int) -> Unmanaged<ImageSlot> { slotTable[s] }

    /// Makes at least `count` image slots; only between segments, on the calling thread.
    func addSlots(upTo count: Int) {
        guard slots.count < count else { return }
        while slots.count < count { slots.append(ImageSlot(widths: widths, blocks: blockTable.count)) }
        slotTable.deallocate()
        slotTable = .allocate(capacity: slots.count)
        _ = slotTable.initialize(from: slots.map { Unmanaged.passUnretained($0) })
    }
}
