import Foundation
import InsituEngine

/// A chip's state between segments, for checkpoints: what its devices hold, what the
/// controller and the read-back remember, its random streams, its clock, ledger and
/// recorded segments. Faults and device factors are not saved: they come from the seed.
public struct ChipState: Codable, Equatable {
    public struct LedgerEntry: Codable, Equatable {
        var component: String
        var action: String
        var phase: String
        /// The network layer from 1 (0 or absent: none).
        var layer: Int?
        var quanta: String
        var busy: UInt64
        var count: UInt64
        var magnitude: Double
    }
    struct Segment: Codable, Equatable {
        var images: Int?
        var work: [DigitalWork]?
        var steps: Packed<SegmentReplay.Step>
    }
    var conductance: [Packed<Float>]
    var states: [Packed<Float>]
    var readback: [Packed<Float>]
    var measured: [Packed<Float>]
    var programRNG: RandomStream
    var readRNG: RandomStream
    var cursorPicoseconds: UInt64
    var simulatorNowPicoseconds: UInt64
    var phasePicoseconds: [UInt64]
    var telemetry: Telemetry
    var ledger: [LedgerEntry]
    var segments: [Segment]
    /// Busy time over simulated time so far (absent in checkpoints of older versions).
    var timeline: UtilisationTimeline.State?
    /// Per component, where a gated resource's idle accounting stands (absent: none gated).
    var idle: [[UInt64]]?
    /// Values beyond the converters' ranges so far (absent in checkpoints of older versions).
    var ranges: RangeCounts?
}


extension Chip {
    /// The chip's state now (between segments; a programming's events left to a read-back have run).
    public func checkpoint() -> ChipState {
        precondition(pendingEvents == nil, "a checkpoint of a chip whose programming's events still wait for its read-back")
        return ChipState(
            conductance: crossbars.map { Packed($0.devices.conductance) }, states: crossbars.map { Packed($0.states) },
            readback: crossbars.map { Packed($0.readback) }, measured: measured.map(Packed.init), programRNG: programRNG, readRNG: readRNG, cursorPicoseconds: cursor.picoseconds,
            simulatorNowPicoseconds: simulator.now.picoseconds,
            phasePicoseconds: phasePicoseconds, telemetry: simulator.telemetry,
            ledger: ledger.entriesInOrder.map {
                .init(component: $0.key.component, action: $0.key.action, phase: $0.key.phase, layer: $0.key.layer, quanta: $0.energyQuanta.description,
                      busy: $0.busyPicoseconds, count: $0.count, magnitude: $0.magnitude)
            },
            segments: replay.recorded.map { key, steps, _ in
                switch key {
                case .forward(let images, let work): .init(images: images, work: work, steps: Packed(steps))
                case .readBack: .init(images: nil, work: nil, steps: Packed(steps))
                }
            },
            timeline: components.timeline.state, idle: components.idleState, ranges: rangeCounts)
    }

    /// Puts a saved state into this chip, built afresh from the same spec, widths, placements
    /// and seed; it then continues exactly as the chip that was saved.
    public func restore(_ s: ChipState) throws {
        pendingEvents = nil
        inputsChanged = nil
        devicesChanged = []
        guard s.conductance.count == crossbars.count, s.states.count == crossbars.count, s.readback.count == crossbars.count,
              zip(s.conductance, crossbars).allSatisfy({ $0.values.count == $1.devices.conductance.count }),
              zip(s.states, crossbars).allSatisfy({ $0.values.count == $1.states.count }),
              zip(s.readback, crossbars).allSatisfy({ $0.values.count == $1.readback.count }),
              s.measured.count == measured.count, zip(s.measured, measured).allSatisfy({ $0.values.count == $1.count }),
              s.phasePicoseconds.count == phasePicoseconds.count else {
            throw CheckpointMismatch(description: "the checkpoint is of a chip with other layers or tiles")
        }
        try checkRanges(s)
        for (l, layer) in crossbars.enumerated() {
            layer.withDevices { $0.restore(conductance: s.conductance[l].values) }
            layer.states = s.states[l].values
            layer.readback = s.readback[l].values
            for i in 0..<layer.inputs { layer.refresh(input: i) }
        }
        measured = s.measured.map(\.values)
        programRNG = s.programRNG
        readRNG = s.readRNG
        cursor = SimTime(picoseconds: s.cursorPicoseconds)
        phasePicoseconds = s.phasePicoseconds
        simulator.restore(now: SimTime(picoseconds: s.simulatorNowPicoseconds), telemetry: s.telemetry)
        for e in s.ledger {
            guard let quanta = ExactInteger(decimal: e.quanta) else {
                throw CheckpointMismatch(description: "a ledger energy in the checkpoint is not an integer")
            }
            ledger.add(.init(key: .init(component: e.component, action: e.action, phase: e.phase, layer: e.layer ?? 0), energyQuanta: quanta,
                             busyPicoseconds: e.busy, count: e.count, magnitude: e.magnitude))
        }
        if let timeline = s.timeline { components.timeline.restore(timeline) }
        if let ranges = s.ranges {
            guard ranges.layers.count == rangeCounts.layers.count else {
                throw CheckpointMismatch(description: "the checkpoint's range counts are of a network with other layers")
            }
            rangeCounts = ranges
        }
        guard components.restoreIdle(s.idle) else {
            throw CheckpointMismatch(description: "the checkpoint's power-gating state does not fit this chip's components")
        }
        replay = SegmentReplay()
        replay.recorded = s.segments.map { seg in
            (seg.images.map { .forward(images: $0, work: seg.work ?? []) } ?? .readBack, seg.steps.values, false)
        }
    }
}

extension Chip {
    /// Every value of a saved state within what this chip can hold, before any is used: a
    /// checkpoint that passes its checksum but was forged or written by another build must not
    /// crash, hang or silently change the run.
    func checkRanges(_ s: ChipState) throws {
        func refuse(_ what: String) -> CheckpointMismatch { CheckpointMismatch(description: "the checkpoint's \(what) is out of range") }
        let range = deviceModel.stateRange
        let slack = (range.upperBound - range.lowerBound) * 1e-3
        let states = (range.lowerBound - slack)...(range.upperBound + slack)
        // No device of this chip conducts more than a thousand times its window's top (or 1 S):
        // a larger value is not a state it reached, and its read energy could overflow.
        let most = Float(max(1, 1000 * deviceModel.windowMaxSiemens, 1000 * deviceModel.reachableMaxSiemens))
        for layer in s.conductance where !layer.values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= most }) { throw refuse("device conductance") }
        for layer in s.states where !layer.values.allSatisfy({ states.contains(Double($0)) }) { throw refuse("programmed device state") }
        for layer in s.readback + s.measured where !layer.values.allSatisfy({ $0.isFinite && abs($0) <= most }) { throw refuse("read-back weight") }
        let limit = SimTime.checkpointLimitPicoseconds
        // Between segments the next one starts at the cursor, never before the simulator's clock.
        guard s.cursorPicoseconds <= limit, s.simulatorNowPicoseconds <= s.cursorPicoseconds, s.phasePicoseconds.allSatisfy({ $0 <= limit }) else {
            throw refuse("simulated time")
        }
        let names = Set(components.components.map(\.name))
        for e in s.ledger {
            guard names.contains(e.component), e.busy <= limit, e.count <= limit, e.magnitude.isFinite,
                  (e.layer ?? 0) >= 0, (e.layer ?? 0) <= crossbars.count, !e.quanta.hasPrefix("-") else { throw refuse("ledger entry \(e.component) \(e.action)") }
        }
        if let t = s.timeline, !components.timeline.isValid(t, over: components.components) { throw refuse("utilisation timeline") }
        if let idle = s.idle, !idle.allSatisfy({ $0.allSatisfy { $0 <= limit } }) { throw refuse("power-gating state") }
        if let r = s.ranges, !r.layers.allSatisfy({ $0.saturated <= $0.conversions && $0.clipped <= $0.activations && $0.saturatedReadbacks <= $0.readbacks && $0.clippedUpdates <= $0.updates && $0.conversions <= limit && $0.activations <= limit && $0.readbacks <= limit && $0.updates <= limit }) { throw refuse("range counts") }
        for seg in s.segments where (seg.images ?? 1) < 1 || (seg.images ?? 1) > slotLimit { throw refuse("recorded segment") }
    }

    /// Most images a recorded segment may hold (a batch).
    var slotLimit: Int { 1 << 20 }
}

/// An array of plain values kept as its bytes (base64 in JSON), so that a checkpoint of many
/// thousands of values is written and read at memory speed.
public struct Packed<Element: BitwiseCopyable>: Codable, Equatable {
    public var values: [Element]
    public init(_ values: [Element]) { self.values = values }

    public init(from decoder: Decoder) throws {
        let data = try decoder.singleValueContainer().decode(Data.self)
        guard data.count % MemoryLayout<Element>.stride == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a whole number of values"))
        }
        values = data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Element.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values.withUnsafeBytes { Data($0) })
    }

    public static func == (a: Packed, b: Packed) -> Bool {
        a.values.withUnsafeBytes { x in b.values.withUnsafeBytes { y in x.elementsEqual(y) } }
    }
}

/// A checkpoint that does not belong to the run resuming from it.
public struct CheckpointMismatch: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
