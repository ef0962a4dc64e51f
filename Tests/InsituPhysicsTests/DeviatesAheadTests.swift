import Foundation
import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

/// Programming every row with the stream's deviates drawn ahead (`Chip.programAhead`).
@Suite struct DeviatesAheadTests {
    /// A 1T1R row programmed with its deviates given leaves every conductance, state and pulse
    /// sum as the row drawing them from the stream does (stuck, unchanged, falling and rising
    /// devices; range and relative variation).
    @Test(arguments: [DeviceParameters.VariationReference.range, .value])
    func givenDeviatesProgramAsTheStreamDoes(reference: DeviceParameters.VariationReference) throws {
        var d = handDevice(model: .gateControlled)
        d.updateVariation = 0.05
        d.variationReference = reference
        let model = GateControlledDevice(d.parameters)
        var pick = RandomStream(seed: 11, stream: "row")
        let n = 203
        let faults = (0..<n).map { _ -> DeviceArray.Fault in pick.uniform() < 0.2 ? .stuckLow : .none }
        let factors = (0..<n).map { _ in Float(0.9 + 0.2 * pick.uniform()) }
        let start = (0..<n).map { _ in Float(0.6 + 1.1 * pick.uniform()) }
        let targets = start.map { pick.uniform() < 0.4 ? $0 : Float(0.6 + 1.1 * pick.uniform()) }
        let draws = try #require(model.noiseDraws(faults: faults, states: start, targets: targets, count: n, verified: false))
        #expect(draws > 50 && draws < n)
        var drawnG = [Float](repeating: 300e-6, count: n), drawnStates = start
        var stream = RandomStream(seed: 4, stream: "programming"), given = stream
        let fromStream = model.program(&drawnG, faults: faults, factors: factors, states: &drawnStates, targets: targets, count: n,
                                       verified: false, rng: &stream)
        var deviates = [Double](repeating: 0, count: draws + 1)
        given.fillGaussians(&deviates, count: draws)
        #expect(given == stream)
        var givenG = [Float](repeating: 300e-6, count: n), givenStates = start
        let fromGiven = try #require(model.program(&givenG, faults: faults, factors: factors, states: &givenStates, targets: targets,
                                                   count: n, verified: false, deviates: deviates, draws: draws))
        #expect(givenG == drawnG && givenStates == drawnStates)
        #expect(fromGiven.driven == fromStream.driven && fromGiven.pulses.sets == fromStream.pulses.sets)
        #expect(fromGiven.pulses.setToSiemens == fromStream.pulses.setToSiemens)
        #expect(fromGiven.pulses.resetFromSiemens == fromStream.pulses.resetFromSiemens)
        // A model that does not take them says so.
        #expect(!RowHalvesTests.pulsed.takesGivenDeviates && model.takesGivenDeviates)
    }

    /// Deviates drawn before the total is known, past it, are passed back over: the buffer holds
    /// the stream's deviates and the stream returned stands after exactly the total (an odd one
    /// inside a notice's deviates, whose pair's spare the next draw takes).
    @Test func drawingPastTheTotalPassesBackToIt() throws {
        let start = RandomStream(seed: 21, stream: "programming")
        for total in [3_001, 2_048, 0] {
            let progress = AheadProgress()
            let capacity = 10_000
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: capacity + 1)
            defer { buffer.deallocate() }
            // The drawing on a thread of its own (it spins until it is told the total).
            let drawing = DrawingThread(start: start, buffer: buffer, capacity: capacity, progress: progress)
            // The total told only once more than it are drawn.
            while progress.drawn.load(ordering: .acquiring) < 6_000 {}
            progress.total.store(total, ordering: .releasing)
            var after = drawing.result()
            #expect(progress.drawn.load(ordering: .acquiring) == .max)
            var expected = start
            for k in 0..<total { #expect(buffer[k] == expected.gaussian()) }
            #expect(after == expected)
            #expect(after.gaussian() == expected.gaussian())
        }
    }

    /// Every row programmed ahead, with the other thread counting and programming beside it or
    /// (cores full) the calling thread doing all in turn, leaves the bytes of one thread.
    @Test(arguments: [false, true])
    func rowsProgrammedAheadGiveTheBytesOfOneThread(coresFull: Bool) throws {
        let ahead = try halvesChip(stuck: 0.1, variation: 0.05, splitFrom: 1 << 12)
        let whole = try halvesChip(stuck: 0.1, variation: 0.05, splitFrom: .max)
        var rng = RandomStream(seed: 3, stream: "targets")
        for round in 0..<3 {
            let targets = ahead.layers.map { layer in
                (0..<layer.states.count).map { k in round > 0 && k % 3 == 0 ? layer.states[k] : Float(0.6 + 1.1 * rng.uniform()) }
            }
            try Overlap.whileCoresAreFull(coresFull) { try ahead.program(targets: targets, phase: round == 0 ? .program : .update) }
            try whole.program(targets: targets, phase: round == 0 ? .program : .update)
            expectSameProgramming(ahead, whole)
        }
        #expect(try ahead.ledger.jsonData() == whole.ledger.jsonData())
    }

    /// Groups of eight inputs, each ending where an input ends: on the halves chip (three jobs a
    /// row for rows 0-239, one for rows 240-299, two rows an input) every 48th job up to row 240.
    @Test func groupsHoldWholeInputs() throws {
        let chip = try halvesChip(stuck: 0, variation: 0, splitFrom: 1 << 12)
        let groups = chip.inputGroups
        #expect(groups.first == 0 && groups.last == chip.rowJobs.count)
        for (a, b) in zip(groups, groups.dropFirst()) {
            let inputs = Set(chip.rowJobs[a..<b].map { $0.row / 2 })
            #expect(inputs.count == 8 || b == chip.rowJobs.count)
            if b < chip.rowJobs.count { #expect(chip.rowJobs[b - 1].row / 2 != chip.rowJobs[b].row / 2) }
        }
        #expect(Array(groups.prefix(3)) == [0, 48, 96])
    }
}

/// `Chip.draw` on a thread of its own, its stream handed back when it ends.
private final class DrawingThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var stream: RandomStream

    init(start: RandomStream, buffer: UnsafeMutablePointer<Double>, capacity: Int, progress: AheadProgress) {
        stream = start
        let address = Int(bitPattern: buffer)
        let thread = Thread { [self] in
            stream = Chip.draw(from: start, into: UnsafeMutablePointer(bitPattern: address)!, atMost: capacity, progress: progress)
            done.signal()
        }
        thread.start()
    }

    /// The stream after the drawing, once it has ended.
    func result() -> RandomStream {
        done.wait()
        return stream
    }
}
