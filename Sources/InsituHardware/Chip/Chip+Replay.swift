import InsituEngine

/// Segments that repeat exactly: a batch of the same size and digital work, a read-back.
///
/// A segment starts with every resource idle (the one before has drained), and no hop's
/// duration depends on the data (only its energy does). So the order and times at which a
/// segment's events take their hops, relative to its start, are the same every time it
/// repeats. The first time, the events run and the hops they perform are recorded; after
/// that the same hops are performed in the same order at the same times without queueing
/// events, which takes the same grants and charges the same ledger (energies from the data
/// of this segment). Segments inside a trace's window always run their events.
struct SegmentReplay {
    /// What repeats: a forward batch of `images` with `work` after each image, or a read-back.
    enum Key: Equatable {
        case forward(images: Int, work: [DigitalWork])
        case readBack
    }

    /// One hop as an event performed it: an image hop (`index` into `Chip.hops`, `unit` the
    /// image slot) or a read-back row hop (`index` the hop step, `unit` the row job); `offset`
    /// from the segment's start.
    struct Step: Codable, Equatable {
        var offset: UInt64
        var index: Int32
        var unit: Int32
        /// 1 for an image hop, 0 for a row hop.
        var image: Int32
        /// Keeps the layout free of padding (checkpoints store steps as bytes).
        var reserved: Int32 = 0
    }

    /// Each segment's steps; `checked` is false for steps restored from a checkpoint until the
    /// first replay has checked them against the chip's hops.
    var recorded: [(key: Key, steps: [Step], checked: Bool)] = []
    /// The steps of the segment being recorded, if one is.
    var recording: [Step]?
    /// Compiled replays (`ReplayProgram`); the replays performed hop by hop once, whose next
    /// replay compiles; the ones that no program can stand for.
    var programs: [ReplayProgram.Key: ReplayProgram] = [:]
    var performed: Set<ReplayProgram.Key> = []
    var uncompiled: Set<ReplayProgram.Key> = []
}

extension Chip {
    /// Notes a hop performed by an event, when a segment is being recorded.
    @inline(__always)
    func record(image: Bool, index: Int, unit: Int, at now: SimTime) {
        guard replay.recording != nil else { return }
        replay.recording!.append(.init(offset: now.picoseconds - cursor.picoseconds, index: Int32(index), unit: Int32(unit), image: image ? 1 : 0))
    }

    /// Runs a segment's events, or replays its recorded hops when it has run before.
    func runEvents(_ key: SegmentReplay.Key, start: () throws -> Void) throws {
        let known = replay.recorded.firstIndex { $0.key == key }
        if let k = known, trace?.isRecording != true {
            if !replay.recorded[k].checked {
                try checkRestored(replay.recorded[k].steps, of: key)
                replay.recorded[k].checked = true
            }
            let images: Int = if case .forward(let n, _) = key { n } else { 0 }
            return try performSteps(segment: k, images: images)
        }
        if known == nil { replay.recording = [] }
        try start()
        try simulator.run()
        if known == nil {
            replay.recorded.append((key, replay.recording!, true))
            replay.recording = nil
        }
    }

    /// Steps restored from a checkpoint name hops of this segment (image hops of its slots for
    /// a forward segment, row hops of its row jobs for a read-back), or the checkpoint is not
    /// this run's: checked once, before their first replay.
    func checkRestored(_ steps: [SegmentReplay.Step], of key: SegmentReplay.Key) throws {
        let images: Int32
        if case .forward = key { images = 1 } else { images = 0 }
        for s in steps {
            let (index, unit) = (Int(s.index), Int(s.unit))
            guard index >= 0, unit >= 0, s.offset <= SimTime.checkpointLimitPicoseconds, s.image == images,
                  s.image != 0 ? index < hops.count && unit < slots.count : unit < rowJobs.count && index < 5 + stageCount else {
                throw CheckpointMismatch(description: "a recorded segment in the checkpoint names a step this chip does not have")
            }
        }
    }
}
