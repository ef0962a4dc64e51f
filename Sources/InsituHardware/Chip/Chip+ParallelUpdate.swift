import InsituDevices
import InsituEngine

/// One layer's stochastic pulse trains in a parallel update: the slots of every train, and
/// the pulses each input's row line and each output's column line fired.
public struct PulseTrains: Sendable, Equatable {
    public var slots: Int
    public var rowPulses: [Int]
    public var columnPulses: [Int]
    public init(slots: Int, rowPulses: [Int], columnPulses: [Int]) {
        self.slots = slots
        self.rowPulses = rowPulses
        self.columnPulses = columnPulses
    }
}

/// The parallel update of a chip with stochastic pulse generators (Gokmen and Vlasov 2016):
/// every row and column of every tile fires its train at once, and the devices where pulses
/// coincide take them. The array is busy for the trains' slots twice, a SET cycle and a RESET
/// cycle (a column's polarity sets the direction), and the tiles update side by side.
extension Chip: ParallelProgrammable {
    public var hasPulseGenerators: Bool { spec.pulseGenerators != nil }

    /// Runs `work` on the digital unit, then sets every layer's devices to `targets` (device
    /// layout, the states the coincidences of `trains` leave) in one parallel update per tile.
    public func programInParallel(targets: [[Float]], trains: [PulseTrains], phase: Phase, after described: [DigitalWork]) throws {
        precondition(spec.pulseGenerators != nil, "a parallel update needs the tiles' pulse generators")
        precondition(trains.count == layers.count && zip(trains, layers).allSatisfy { $0.rowPulses.count == $1.inputs && $0.columnPulses.count == $1.outputs },
                     "one train per row and column of every layer")
        precondition(targets.count == layers.count && zip(targets, layers).allSatisfy { $0.count == $1.states.count },
                     "one target per device of every layer")
        try programSegment(.states(targets), phase: phase, after: described, trains: trains)
    }

    /// Each tile's share of the parallel update at `now`: its pulse generators draw every slot
    /// of its lines' trains and fire their pulses (a row's train in both cycles, a column's in
    /// its polarity's), and its devices take the pulses the row jobs found, in slots x (SET
    /// pulse + RESET pulse).
    func updateInParallel(at now: SimTime) throws {
        guard let trains = parallelTrains else { return }
        let model = deviceModel
        for (t, tile) in tiles.enumerated() {
            guard let generators = tile.pulseGenerators else { continue }
            var pulses = [Pulses](repeating: Pulses(), count: layers.count), draws: UInt64 = 0, farads = 0.0, slots = 0
            // The column blocks already counted on this tile (a handful: a linear search).
            var columnsSeen: [(layer: Int, replica: Int, first: Int)] = []
            for (index, job) in rowJobs.enumerated() where job.tile == t {
                let train = trains[job.layer], r = rowsPerInput
                slots = max(slots, train.slots)
                pulses[job.layer] += rowResults[index].pulses
                // An input's generator draws its train once; each of its device rows' lines fires it in both cycles.
                if job.row % r == 0 { draws += UInt64(train.slots) }
                farads += 2 * Double(train.rowPulses[job.row / r]) * spec.tile.rowLineFarads
                // The block's columns: each draws and fires once per update on this tile.
                if !columnsSeen.contains(where: { $0 == (job.layer, job.replica, job.columns.lowerBound) }) {
                    columnsSeen.append((job.layer, job.replica, job.columns.lowerBound))
                    draws += UInt64(train.slots * job.columns.count)
                    for j in job.columns { farads += Double(train.columnPulses[j]) * spec.tile.columnLineFarads }
                }
            }
            guard slots > 0 else { continue }
            let reset = try UpdateController.slots(slots, of: model.resetPulse), set = try UpdateController.slots(slots, of: model.setPulse)
            let duration = try reset.adding(set)
            let (grant, arrayGrant) = try Resource.acquireTogether(&generators.resource!, &tile.array.resource!, at: now, for: duration)
            var joules = generators.charge(PulseGeneratorModel.draw, phase, layer: 0, count: draws, busy: duration)
            joules += generators.charge(PulseGeneratorModel.pulse, phase, layer: 0, magnitude: farads)
            span(generators, "parallel-update", grant, layer: 0, slot: nil, joules: joules)
            // Each layer's pulses on this tile, the array's busy time charged once.
            var resetJoules = 0.0, setJoules = 0.0, busy = true
            for (l, p) in pulses.enumerated() where p.resets + p.sets > 0 {
                if p.resets > 0 {
                    resetJoules += tile.array.charge(CrossbarModel.reset, phase, layer: l + 1, count: UInt64(p.resets), magnitude: p.resetFromSiemens,
                                                     busy: busy ? reset : .zero)
                }
                if p.sets > 0 {
                    setJoules += tile.array.charge(CrossbarModel.set, phase, layer: l + 1, count: UInt64(p.sets), magnitude: p.setToSiemens,
                                                   busy: busy ? set : .zero)
                }
                busy = false
            }
            span(tile.array, "parallel-update", arrayGrant, layer: 0, slot: nil, joules: resetJoules, more: setJoules)
        }
        parallelTrains = nil
    }
}
