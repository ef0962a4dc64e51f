import InsituEngine
import InsituKernels

/// A row of 1T1R cells programmed in two passes: the row's cycle-to-cycle deviates drawn in one
/// loop, then the devices without branches (four at a time where the processor has AVX,
/// `insitu_program_gate_row`). The same deviates in the same order, the same conductances and
/// the same sums as programming the devices one by one (`DeviceModel.programEach`).
extension GateControlledDevice {
    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                        rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        programRow(count, at: nil, g, faults: faults, factors: factors, states: states, targets: targets, rng: &rng)
    }

    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, at indices: UnsafePointer<Int>, targets: UnsafePointer<Float>,
                        count: Int, verified: Bool, rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        programRow(count, at: indices, g, faults: faults, factors: factors, states: states, targets: targets, rng: &rng)
    }

    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                        deviates: UnsafePointer<Double>, draws: Int) -> (pulses: Pulses, driven: Int)? {
        programRow(count, at: nil, g, faults: faults, factors: factors, states: states, targets: targets, noise: deviates, draws: draws)
    }

    public var takesGivenDeviates: Bool { true }

    /// One deviate a working device whose state changes, none without variation (`noiseDraws`).
    public var deviatesPerWorkingChange: Int? { parameters.updateVariation > 0 ? 1 : 0 }

    /// Device `indices[k]` (or k) to `targets[k]` for k = 0 ..< count: RESET where the gate
    /// falls, SET where it changes, each working device's SET with the next deviate. Program-and-
    /// verify programs as open loop does for this cell, so `verified` changes nothing here.
    @inline(__always)
    private func programRow(_ count: Int, at indices: UnsafePointer<Int>?, _ g: UnsafeMutablePointer<Float>,
                            faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                            states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>,
                            rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        let draws = noiseDraws(faults: faults, states: states, targets: targets, count: count, at: indices, verified: false) ?? 0
        // One slot past the deviates, read (times nothing) where a stuck device takes no deviate.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: draws + 1) { buffer in
            let noise = buffer.baseAddress!
            rng.fillGaussians(noise, count: draws)
            noise[draws] = 0
            return programRow(count, at: indices, g, faults: faults, factors: factors, states: states, targets: targets,
                              noise: UnsafePointer(noise), draws: draws)
        }
    }

    /// `programRow` with the row's `draws` deviates in `noise` (and a readable slot past them).
    @inline(__always)
    private func programRow(_ count: Int, at indices: UnsafePointer<Int>?, _ g: UnsafeMutablePointer<Float>,
                            faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                            states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>,
                            noise: UnsafePointer<Double>, draws: Int) -> (pulses: Pulses, driven: Int) {
        let p = parameters
        var cell = InsituGateCell(
            g0: p.conductanceAtGateMinSiemens, slope: p.slopeSiemensPerVolt, gateMin: p.gateMinVolts,
            floor: p.conductanceFloorSiemens, ceiling: p.conductanceCeilingSiemens,
            rangeSigma: draws > 0 ? p.updateVariation * (p.windowMaxSiemens - p.windowMinSiemens) : 0,
            variation: p.updateVariation, relative: draws > 0 && p.variationReference != .range ? 1 : 0)
        var row = InsituGateRow()
        if indices == nil {
            let done = faults.withMemoryRebound(to: UInt8.self, capacity: count) {
                insitu_program_gate_row(g, $0, factors, states, targets, count, noise, draws, &cell, &row) != 0
            }
            if done { return Self.pulses(row) }
        }
        // Selects in place of branches: whether a device changes, RESETs and works are as good
        // as random. Adding 0 to a sum of conductances leaves it as it was.
        var drawn = 0
        for k in 0..<count {
            let d = indices?[k] ?? k
            let old = states[d], new = targets[k], before = g[d]
            let working = faults[d] == .none
            let changes = new != old, falls = new < old, works = changes && working
            row.resets += falls ? 1 : 0
            row.resetFromSiemens += falls ? Double(before) : 0
            // set(gateVolts:factor:variation:rng:) with the deviate drawn ahead; a stuck
            // device keeps its conductance (a working one's RESET level is overwritten by the SET).
            let nominal = p.targetConductance(gateVolts: Double(new), slopeFactor: Double(factors[d]))
            let sigma = cell.relative != 0 ? cell.variation * nominal : cell.rangeSigma
            let set = Float(min(max(nominal + sigma * noise[drawn], cell.floor), cell.ceiling))
            drawn += works && draws > 0 ? 1 : 0
            let after = works ? set : before
            g[d] = after
            row.setToSiemens += changes ? Double(after) : 0
            states[d] = changes ? new : old
            row.sets += changes ? 1 : 0
        }
        return Self.pulses(row)
    }

    /// A row's pulses: every device pulsed side by side, so one round of each kind at most.
    private static func pulses(_ row: InsituGateRow) -> (pulses: Pulses, driven: Int) {
        var pulses = Pulses()
        pulses.resets = row.resets
        pulses.sets = row.sets
        pulses.resetFromSiemens = row.resetFromSiemens
        pulses.setToSiemens = row.setToSiemens
        pulses.resetRounds = row.resets > 0 ? 1 : 0
        pulses.setRounds = row.sets > 0 ? 1 : 0
        return (pulses, row.sets)
    }
}
