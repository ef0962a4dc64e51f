import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware
@testable import InsituMapping
@testable import InsituTraining

/// Every resource is taken at the time its request is made: a ready request never waits
/// while the resource has a free server.
@Suite struct ScheduleTests {
    /// True when, at every instant of [requested, start) of every grant, all servers were busy with other grants.
    static func neverIdleWhileWaiting(_ r: Resource) -> Bool {
        for g in r.grants where g.start > g.requested {
            var points = [g.requested.picoseconds]
            for o in r.grants where o.start.picoseconds > g.requested.picoseconds && o.start < g.start { points.append(o.start.picoseconds) }
            for o in r.grants where o.end.picoseconds > g.requested.picoseconds && o.end < g.start { points.append(o.end.picoseconds) }
            for t in points {
                let busy = r.grants.filter { $0.start.picoseconds <= t && t < $0.end.picoseconds }.count
                if busy < r.capacity { return false }
            }
        }
        return true
    }

    /// A small 3-layer network on a chip drawn from `rng`: tiles small enough to split layers,
    /// 1-3 ADCs per tile, either interlayer, 1-8 digital lanes (and 1-2 write drivers when asked).
    static func randomSmallChip(_ rng: inout RandomStream, varyWriteDrivers: Bool) -> (ChipSpec, NetworkSpec) {
        // Drawn in this order: widths, tile, ADCs, write drivers, interlayer, lanes.
        let widths = [2 + rng.index(below: 5), 2 + rng.index(below: 5), 2 + rng.index(below: 3)]
        let rows = 4 + 2 * rng.index(below: 3), columns = 2 + rng.index(below: 4), adcs = 1 + rng.index(below: 3)
        let writeDrivers = varyWriteDrivers ? 1 + rng.index(below: 2) : nil
        let interlayer: ChipSpec.Interlayer = rng.index(below: 2) == 0 ? .analog : .digital
        var (spec, network) = handDeviceDesign(widths: widths, rows: rows, columns: columns, tiles: 64, adcs: adcs, interlayer: interlayer)
        if let writeDrivers { spec.controller.writeDrivers = writeDrivers }
        spec.digital.lanes = 1 + rng.index(below: 8)
        return (spec, network)
    }

    /// Random small chips (split layers, shared ADCs, both interlayers, batches of 1-5):
    /// the forward pass with its backward work and the read-back never leave a resource
    /// idle while a ready request waits.
    @Test func noResourceIdlesWhileARequestWaits() throws {
        var rng = RandomStream(seed: 42)
        for _ in 0..<40 {
            let (spec, network) = Self.randomSmallChip(&rng, varyWriteDrivers: true)
            let widths = network.layers
            let chip = try ChipBuilder.chip(spec, network: network, seed: 1)
            try chip.program(targets: chip.layers.map { [Float](repeating: 1.0, count: $0.states.count) }, phase: .program)
            for c in chip.components.components { c.resource?.recording = true }
            let n = 1 + rng.index(below: 5)
            let volts = (0..<(n * widths[0])).map { _ in Float(rng.index(below: 200)) * 0.001 }
            _ = try chip.forward(InputBatch(volts: volts, labels: [Int](repeating: 0, count: n)), phase: .forward,
                                 perImage: Backprop.work(widths: widths))
            try chip.readBack()
            for c in chip.components.components {
                guard let r = c.resource else { continue }
                #expect(Self.neverIdleWhileWaiting(r), "\(r.name) idled while a request waited (widths \(widths))")
            }
        }
    }

    /// A 4-3-2 network on one tile with 2 ADCs, two training images, the default periphery
    /// (1 ns buffer, bus and DAC hops, 15 ns reads, 0.781 ns conversions, 64 lanes at 1 GHz).
    /// Worked by hand with every hop taken when it is ready:
    /// - A: buffer 0-1, bus 1-2, DAC 2-3, read0 3-18, read1 33-48 (B's read0, asked at 4, came first);
    ///   its hidden codes: ADCs 18-19.562, bus -20.562, buffer -21.562.
    /// - B: buffer 1-2, bus 2-3, DAC 3-4, read0 18-33, hidden codes 33-36.562, read1 48-63.
    /// - A's output: ADCs 48-48.781, bus -49.781, buffer -50.781; class 50.781-51.781; exp (8 cycles)
    ///   -59.781; weights read -60.781; MACs -61.781; mask -62.781; accumulators read (288 bits,
    ///   2 cycles) -64.781; MACs -65.781; write -67.781.
    /// - B's output: ADCs 63-63.781, bus -64.781, buffer 64.781-65.781 (free just then); class
    ///   65.781-66.781; exp -74.781; read -75.781; MACs -76.781; mask -77.781; read -79.781;
    ///   MACs -80.781; write -82.781. The segment ends at 82.781 ns.
    @Test func twoImagesThroughFourThreeTwoByHand() throws {
        var spec = ChipSpec()
        spec.device = handDevice().spec
        spec.digital.gradientDataflow = .buffer   // accumulators read-modify-written in the buffer per image
        spec.adc.perTile = 2
        let chip = try Chip(spec: spec, widths: [4, 3, 2],
                            placements: [[Placement(tile: 0, firstInput: 0, inputs: 4, firstOutput: 0, outputs: 3)],
                                         [Placement(tile: 0, firstInput: 0, inputs: 3, firstOutput: 0, outputs: 2)]], seed: 1)
        try chip.program(targets: chip.layers.map { [Float](repeating: 1.0, count: $0.states.count) }, phase: .program)
        for c in chip.components.components { c.resource?.recording = true }
        let t0 = chip.simulatedTime.picoseconds
        _ = try chip.forward(InputBatch(volts: [Float](repeating: 0.1, count: 8), labels: [0, 1]), phase: .forward,
                             perImage: Backprop.work(widths: [4, 3, 2]))
        #expect(chip.phasePicoseconds[Phase.forward.rawValue] == 82_781)
        // B's class waits for nothing: asked and granted at 65.781 ns.
        let digital = chip.components["digital"]!.resource!.grants.map { ($0.requested.picoseconds - t0, $0.start.picoseconds - t0) }
        #expect(digital.contains { $0 == (65_781, 65_781) })
        #expect(digital.allSatisfy { $0.0 == $0.1 })   // the digital unit never made a ready request wait here
    }

    /// One 4-input layer split by rows over two tiles: each tile's array pays for its own
    /// inputs and conductances, each block is converted on its own tile, both codes cross
    /// the interconnect, and one addition per output joins the partial sums.
    @Test func splitLayerChargesEachTileForItsOwnInputs() throws {
        var spec = ChipSpec()
        spec.device = handDevice().spec
        spec.tile.rows = 4
        spec.tile.columns = 2
        spec.tile.count = 2
        let chip = try Chip(spec: spec, widths: [4, 1],
                            placements: [[Placement(tile: 0, firstInput: 0, inputs: 2, firstOutput: 0, outputs: 1),
                                          Placement(tile: 1, firstInput: 2, inputs: 2, firstOutput: 0, outputs: 1)]], seed: 1)
        // Every device at gate 1.0 V: 100 uS + 1000 uS/V x 0.4 V = 500 uS; each input's pair sums to 1000 uS.
        try chip.program(targets: [[Float](repeating: 1.0, count: 8)], phase: .program)
        let q = Quantizer(bits: spec.dac.bits, fullScale: spec.dac.rangeVolts, signed: false)
        let v: [Float] = [0.2, 0.1, 0, 0.05]
        _ = try chip.forward(InputBatch(volts: v, labels: [0]), phase: .test, perImage: [])
        func energy(_ component: String, _ action: String) -> Double {
            guard let a = chip.ledger.existing(.init(component: component, action: action, phase: "test", layer: 1)) else { return 0 }
            return chip.ledger.energyQuanta(a).doubleValue * Ledger.quantumJoules
        }
        func sq(_ x: Float) -> Double { Double(q.quantize(x)) * Double(q.quantize(x)) }
        let t = 15e-9   // array settling 10 ns + TIA 5 ns
        #expect(isClose(energy("tile0.array", "read"), t * (sq(0.2) + sq(0.1)) * 1000e-6))
        #expect(isClose(energy("tile1.array", "read"), t * (sq(0) + sq(0.05)) * 1000e-6))
        #expect(energy("tile0.array", "read") != energy("tile1.array", "read"))
        #expect(isClose(energy("tile0.adc", "convert"), spec.adc.energyJoules) && isClose(energy("tile1.adc", "convert"), spec.adc.energyJoules))
        // Inputs 4 x 8 bits in, codes 2 blocks x 1 column x 8 bits out.
        #expect(isClose(energy("interconnect", "transfer"), Double(32 + 16) * spec.interconnect.energyPerBitJoules))
        #expect(isClose(energy("digital", "add"), spec.digital.addJoules))
    }

    /// A repeated segment performs its recorded hops instead of events: the ledger, every
    /// grant and the time are what running the events again gives, for random small chips
    /// and data that changes between repeats (energies differ, schedules do not). Replayed
    /// images take their drive and read sums from the four-lane kernel (`prepareLineSums`),
    /// the events from one chain after another: with and without a supply rail, the same bits.
    @Test func replayedSegmentsEqualEvents() throws {
        var rng = RandomStream(seed: 7)
        for k in 0..<20 {
            var (spec, network) = Self.randomSmallChip(&rng, varyWriteDrivers: false)
            if k % 2 == 1 { spec.dac.supplyVolts = 1.2 }
            let widths = network.layers
            let n = 1 + rng.index(below: 6)
            let batches = (0..<3).map { _ in (0..<(n * widths[0])).map { _ in Float(rng.index(below: 200)) * 0.001 } }
            func run(replay: Bool) throws -> Chip {
                let chip = try ChipBuilder.chip(spec, network: network, seed: 1)
                chip.replayEnabled = replay
                for c in chip.components.components { c.resource?.recording = true }
                for (k, volts) in batches.enumerated() {
                    try chip.program(targets: chip.layers.map { [Float](repeating: 0.8 + 0.2 * Float(k), count: $0.states.count) },
                                     phase: .update)
                    _ = try chip.forward(InputBatch(volts: volts, labels: [Int](repeating: 0, count: n)), phase: .forward,
                                         perImage: Backprop.work(widths: widths))
                    try chip.readBack()
                }
                return chip
            }
            let events = try run(replay: false), replayed = try run(replay: true)
            #expect(replayed.ledger.entries == events.ledger.entries, "widths \(widths)")
            #expect(replayed.simulatedTime == events.simulatedTime)
            #expect(replayed.telemetry.eventsProcessed < events.telemetry.eventsProcessed)
            for (a, b) in zip(replayed.components.components, events.components.components) {
                #expect(a.resource?.grants == b.resource?.grants, "\(a.name)")
            }
        }
    }

    /// Re-pricing a run's counts with other tables gives what simulating with those tables gives.
    @Test func repricingMatchesSimulatingAgain() throws {
        func run(_ spec: ChipSpec) throws -> Chip {
            var network = NetworkSpec()
            network.layers = [4, 3, 2]
            let chip = try ChipBuilder.chip(spec, network: network, seed: 3)
            try chip.program(targets: chip.layers.map { [Float](repeating: 1.1, count: $0.states.count) }, phase: .program)
            try chip.readBack()
            _ = try chip.forward(InputBatch(volts: [0.1, 0.02, 0.05, 0.2, 0.0, 0.1, 0.15, 0.05], labels: [0, 1]),
                                 phase: .forward, perImage: Backprop.work(widths: [4, 3, 2]))
            try StateUpdate(learningRates: [0.1, 0.1]).apply([[Float](repeating: 3, count: 12), [Float](repeating: -2, count: 6)],
                                                              batchSize: 2, to: chip)
            return chip
        }
        var a = ChipSpec()
        var gate = handDevice(model: .gateControlled)
        a.device = gate.spec
        a.dac.leakageWatts = 1e-4
        var b = a
        b.dac.energyJoules *= 3
        b.dac.leakageWatts = 2e-4
        b.buffer.energyPerBitJoules = 1e-12
        b.digital.macJoules = 0.5e-12
        b.controller.gateDriveJoules = 2e-12
        gate.setVolts = 3.0
        b.device = gate.spec
        let first = try run(a), second = try run(b)
        var models: [String: any ComponentModel] = [:]
        for c in second.components.components { models[c.name] = c.model }
        let repriced = first.components.reprice(first.ledger, with: models)
        let expected = second.ledger.entries
        #expect(repriced.entries.count == expected.count)
        for (x, y) in zip(repriced.entries, expected) {
            #expect(x.key == y.key)
            #expect(isClose(x.energyQuanta.doubleValue, y.energyQuanta.doubleValue, relative: 1e-9), "\(x.key)")
        }
        #expect(first.ledger.entries.map(\.energyQuanta) != expected.map(\.energyQuanta))
    }

    /// The layer-per-tile strategy gives each layer tiles of its own; packing shares one.
    @Test func mappingStrategiesAreNamed() throws {
        var spec = ChipSpec()
        spec.tile.count = 4
        let packed = try MappingStrategies.placements(chip: spec, widths: [64, 54, 10]).1
        spec.mapping = "layer-per-tile"
        let own = try MappingStrategies.placements(chip: spec, widths: [64, 54, 10]).1
        #expect(packed.map { $0.map(\.tile) } == [[0], [0]])
        #expect(own.map { $0.map(\.tile) } == [[0], [1]])
        spec.mapping = "nonsense"
        #expect(throws: LayerMapping.Failure.self) { try MappingStrategies.placements(chip: spec, widths: [4, 2]) }
    }
}
