import InsituEngine

/// A replayed segment reduced to what differs from one replay to the next.
///
/// A replay performs the same hops at the same offsets every time (`SegmentReplay`): each
/// resource receives the same requests, and every hop but an image's drive and read and a
/// row's drive and read charges the same energy, busy time and count. So the second replay
/// of a segment (in a phase, on a set of slots) notes each resource's requests and the
/// ledger's charges while it performs the hops as before. Later replays apply each resource's
/// requests at once where their effect does not depend on its past (one server, or a gated
/// bank: `Resource.Effect`), else make them again in one loop (the same grants, waits and idle
/// splits either way); add each account's fixed charges as one sum of whole quanta (the same
/// exact totals); and charge the hops that depend on the data one by one in their order, as
/// the hops do.
struct ReplayProgram {
    /// The components whose resources took requests, with those requests as offsets from the
    /// segment's start and, where it stands for them, their effect.
    var requests: [(component: Component, requests: [Resource.Request], effect: Resource.Effect?)]
    /// Per account, the summed whole quanta, busy time and count of the hops of fixed energy.
    var charges: [(account: Ledger.Account, quanta: Int64, busy: UInt64, count: UInt64)]
    /// The hops whose energy depends on the data, in the segment's order.
    var dataSteps: [SegmentReplay.Step]

    /// Which replays a program serves: a recorded segment, the phase it is charged to and the
    /// slots its images are in.
    struct Key: Hashable {
        var segment: Int
        var phase: Phase
        var slotOffset: Int
    }
}

extension Chip {
    /// Performs recorded segment `k`'s steps at their offsets from the cursor, an image hop of
    /// slot s on slot s + `slotOffset`: through its program once one is compiled, else hop by
    /// hop (compiling the program on the way the second time). The sums the drive and read hops
    /// charge are formed first for the `images` slots (`prepareLineSums`), and dropped after.
    func performSteps(segment k: Int, slotOffset: Int = 0, images: Int = 0) throws {
        if images > 0 { _ = prepareLineSums(slots: slotOffset..<(slotOffset + images)) }
        defer { lineSumsReady = false }
        let key = ReplayProgram.Key(segment: k, phase: phase, slotOffset: slotOffset)
        if let program = replay.programs[key] { return try run(program, slotOffset: slotOffset) }
        let steps = replay.recorded[k].steps
        if compilesReplays, replay.performed.contains(key), !replay.uncompiled.contains(key), ledger.isEnabled {
            if let program = try compile(steps, slotOffset: slotOffset) {
                replay.programs[key] = program
            } else {
                replay.uncompiled.insert(key)
            }
            return
        }
        replay.performed.insert(key)
        try perform(steps, slotOffset: slotOffset)
    }

    /// Performs steps hop by hop; `each` sees every step before it is performed.
    private func perform(_ steps: [SegmentReplay.Step], slotOffset: Int, each: (SegmentReplay.Step) -> Void = { _ in }) throws {
        try hops.withUnsafeBufferPointer { hops in
            for s in steps {
                each(s)
                let at = SimTime(picoseconds: cursor.picoseconds + s.offset)
                if s.image != 0 {
                    _ = try perform(hops[Int(s.index)], slot: Int(s.unit) + slotOffset, at: at)
                } else {
                    _ = try readRowHop(Int(s.index), Int(s.unit), at: at)
                }
            }
        }
    }

    /// Whether a step's energy depends on the data: an image's drive or read, a row's drive or read.
    private func chargesData(_ s: SegmentReplay.Step) -> Bool {
        guard s.image != 0 else { return s.index <= 1 }
        switch hops[Int(s.index)] {
        case .drive, .read: return true
        default: return false
        }
    }

    /// Performs the steps hop by hop, noting what a program needs; nil (the steps performed all
    /// the same) where one cannot stand for them: bit-serial reads, or a charge of fixed
    /// magnitude or too large for whole Int64 quanta.
    private func compile(_ steps: [SegmentReplay.Step], slotOffset: Int) throws -> ReplayProgram? {
        let noted = components.components.filter { $0.resource != nil }
        let start = cursor.picoseconds
        for c in noted { c.resource!.log = [] }
        ledger.captured = []
        var dataSteps: [SegmentReplay.Step] = []
        defer {
            for c in noted { c.resource!.log = nil }
            ledger.isCapturing = false
            ledger.captured = []
        }
        try perform(steps, slotOffset: slotOffset) { s in
            let data = chargesData(s)
            if data { dataSteps.append(s) }
            ledger.isCapturing = !data
        }
        let compilable = !steps.contains { s in s.image != 0 && { if case .serialRead = $0 { true } else { false } }(hops[Int(s.index)]) }
            && ledger.captured.allSatisfy { $0.quanta != nil && $0.magnitude == 0 }
        guard compilable else { return nil }
        var charges: [(account: Ledger.Account, quanta: Int64, busy: UInt64, count: UInt64)] = []
        var position: [Int: Int] = [:]
        for c in ledger.captured {
            let i = position[c.account.index] ?? {
                charges.append((c.account, 0, 0, 0))
                position[c.account.index] = charges.count - 1
                return charges.count - 1
            }()
            let (sum, overflow) = charges[i].quanta.addingReportingOverflow(c.quanta!)
            guard !overflow else { return nil }
            charges[i].quanta = sum
            charges[i].busy &+= c.busyPicoseconds
            charges[i].count &+= c.count
        }
        let requests = try noted.compactMap { c -> (Component, [Resource.Request], Resource.Effect?)? in
            let log = c.resource!.log!
            guard !log.isEmpty else { return nil }
            let offsets = log.map { Resource.Request(time: $0.time - start, duration: $0.duration, count: $0.count) }
            return (c, offsets, try c.resource!.effect(of: offsets))
        }
        return ReplayProgram(requests: requests, charges: charges, dataSteps: dataSteps)
    }

    /// A replay through its program: every resource's requests, the fixed charges, then the
    /// hops that charge the data, in order, without taking resources.
    private func run(_ program: ReplayProgram, slotOffset: Int) throws {
        let shift = cursor.picoseconds
        for (c, requests, effect) in program.requests {
            if let effect {
                try c.resource!.apply(effect, shift: shift)
            } else {
                try requests.withUnsafeBufferPointer { try c.resource!.replay($0, shift: shift) }
            }
        }
        guard ledger.isEnabled else { return }
        for c in program.charges { ledger.charge(c.account, quanta: c.quanta, busy: c.busy, count: c.count) }
        let at = cursor
        for s in program.dataSteps {
            let unit = Int(s.unit)
            if s.image == 0 {
                _ = try readRowHop(Int(s.index), unit, at: at, resources: false)
                continue
            }
            let slot = unit + slotOffset
            switch hops[Int(s.index)] {
            case .drive(let l): _ = try drive(l, volts: UnsafeBufferPointer(inputs(l, slot: slot)), slot: slot, at: at, resources: false)
            case .read(let l, _): _ = try read(l, volts: UnsafeBufferPointer(inputs(l, slot: slot)), slot: slot, at: at, resources: false)
            default: preconditionFailure("a step that charges the data is an image's drive or read")
            }
        }
    }
}
