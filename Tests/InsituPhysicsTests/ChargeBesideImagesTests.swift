import Testing
import InsituEngine
import InsituTraining
@testable import InsituHardware

/// Batches run forward in one call (an evaluation's chunks), each batch charged beside the
/// next batch's images, give what running them one at a time gives: every pass, the range
/// counts, the ledger, every grant and the time.
@Suite struct ChargeBesideImagesTests {
    /// A chip of hand devices on four 256 x 128 tiles for a network of `widths`.
    static func chip(widths: [Int], interlayer: ChipSpec.Interlayer, adcs: Int = 8) -> (ChipSpec, NetworkSpec) {
        handDeviceDesign(widths: widths, rows: 256, columns: 128, tiles: 4, adcs: adcs, interlayer: interlayer)
    }

    /// Random chips big enough to hand over (64-99 inputs, 48-79 hidden units, both interlayers,
    /// 1-3 ADCs a tile), chunks of 50-60 images and a smaller last one, inputs that differ
    /// between chunks, a programming between two calls.
    @Test func chunksInOneCallEqualOneAtATime() throws {
        var rng = RandomStream(seed: 11)
        for trial in 0..<6 {
            let widths = [64 + rng.index(below: 36), 48 + rng.index(below: 32), 10]
            let (spec, network) = Self.chip(widths: widths, interlayer: trial % 2 == 0 ? .analog : .digital,
                                            adcs: 1 + rng.index(below: 3))
            let n = 50 + rng.index(below: 11), last = 1 + rng.index(below: n - 1)
            let sizes = [n, n, n, n, last]
            let chunks = sizes.map { size in
                InputBatch(volts: (0..<(size * widths[0])).map { _ in Float(rng.index(below: 200)) * 0.001 },
                           labels: (0..<size).map { _ in rng.index(below: 10) })
            }
            // Device targets of two programmings, at random over the window.
            let shape = try ChipBuilder.chip(spec, network: network, seed: 3).layers.map(\.states.count)
            let targets = (0..<2).map { _ in shape.map { count in (0..<count).map { _ in Float(0.2 + 1.2 * rng.uniform()) } } }
            func run(together: Bool) throws -> (Chip, [ForwardPass]) {
                let chip = try ChipBuilder.chip(spec, network: network, seed: 3)
                for c in chip.components.components { c.resource?.recording = true }
                var passes: [ForwardPass] = []
                for round in 0..<2 {
                    try chip.program(targets: targets[round], phase: .update)
                    if together {
                        try chip.forward(batches: chunks.count, { chunks[$0] }, phase: .test, perImage: []) { k, pass in
                            #expect(k == passes.count % chunks.count)
                            passes.append(pass)
                        }
                    } else {
                        for chunk in chunks { passes.append(try chip.forward(chunk, phase: .test, perImage: [])) }
                    }
                }
                return (chip, passes)
            }
            let (alone, passesAlone) = try run(together: false), (together, passesTogether) = try run(together: true)
            // The batches after the first of each size were charged beside the next one's images.
            #expect(together.chargesBesideImages(n, key: .forward(images: n, work: [])), "widths \(widths), \(n) images")
            #expect(passesTogether.count == passesAlone.count)
            #expect(Set(passesAlone.flatMap(\.predictions)).count > 1, "the outputs tell the images apart")
            for (a, b) in zip(passesTogether, passesAlone) {
                #expect(a.outputs == b.outputs && a.predictions == b.predictions && a.activations == b.activations, "widths \(widths)")
            }
            #expect(together.rangeCounts == alone.rangeCounts)
            #expect(together.ledger.entries == alone.ledger.entries, "widths \(widths), \(n) images")
            #expect(together.simulatedTime == alone.simulatedTime)
            for (a, b) in zip(together.components.components, alone.components.components) {
                #expect(a.resource?.grants == b.resource?.grants, "\(a.name)")
            }
        }
    }
}
