import Testing
@testable import InsituEngine
@testable import InsituHardware
import InsituDevices
@testable import InsituTraining

/// Tiki-Taka worked by hand on a 2 x 2 layer of four-row cells (A+, A-, C+, C- per input; ideal
/// device, gates 0.6-1.7 V): the transfer reads and moves exactly the inputs its schedule names,
/// by rate x the read A weight, and version 2's buffer holds a step until it reaches a device step.
@Suite struct TikiTakaTests {
    /// A chip of the hand device with the four-row cell; states: input 0 A = (1.2, 0.8), C = (1.0, 1.0);
    /// input 1 A = (0.9, 1.0), C = (1.1, 0.7), both outputs alike.
    func chip(gamma: Double) throws -> Chip {
        let rows: [[Float]] = [[1.2, 1.2], [0.8, 0.8], [1.0, 1.0], [1.0, 1.0], [0.9, 0.9], [1.0, 1.0], [1.1, 1.1], [0.7, 0.7]]
        return try handChip(cell: TikiTakaUpdate.cell(gamma: gamma), states: rows.flatMap { $0 })
    }

    @Test func transfersMoveTheScheduledInputsInTurn() throws {
        let chip = try chip(gamma: 0.5)
        let slope = chip.deviceModel.slopeSiemensPerState
        let rule = TikiTakaUpdate(learningRates: [0.01], gamma: 0.5, interval: 2, rate: 0.5, rowsPerTransfer: 1, lowPass: nil, widths: [2, 2])
        let zero: [[Float]] = [[0, 0, 0, 0]]
        var scheduled: [[Int]] = []
        for update in 1...6 {
            let before = chip.states[0]
            // What the transfer will read: A's rows of the input due, read the same way now.
            let due = (update / 2 - 1) % 2
            let read = update % 2 == 0 ? try chip.readRows(layer: 0, deviceRows: [4 * due, 4 * due + 1], phase: .update) : []
            try rule.apply(zero, batchSize: 1, to: chip)
            scheduled.append(rule.lastTransferred[0])
            var expected = before
            if update % 2 == 0 {
                for j in 0..<2 {
                    let step = Float(0.5 * (Double(read[0][j]) - Double(read[1][j])) / (2 * slope))
                    expected[(4 * due + 2) * 2 + j] = min(max(before[(4 * due + 2) * 2 + j] + step, 0.6), 1.7)
                    expected[(4 * due + 3) * 2 + j] = min(max(before[(4 * due + 3) * 2 + j] - step, 0.6), 1.7)
                }
            }
            #expect(zip(chip.states[0], expected).allSatisfy { abs($0 - $1) < 1e-6 }, "update \(update): \(chip.states[0]) vs \(expected)")
        }
        // Every second update, input 0 then 1 then 0: A's rows are never stepped by the transfer.
        #expect(scheduled == [[], [0], [], [1], [], [0]])
        // Input 0's A weight, 0.4 V of gate difference, moved a 0.1 V step into each C device.
        #expect(abs(chip.states[0][(2) * 2] - 1.2) < 2e-3 && abs(chip.states[0][(3) * 2] - 0.8) < 2e-3)
    }

    /// Version 2 with a 0.25 V device step: input 0's 0.1 V transfer steps stay in the buffer
    /// (C unchanged) until the third gathers 0.3 V, which programs one step and keeps 0.05 V.
    @Test func lowPassBufferProgramsWholeStepsOnly() throws {
        let chip = try chip(gamma: 0.5)
        let rule = TikiTakaUpdate(learningRates: [0.01], gamma: 0.5, interval: 1, rate: 0.5, rowsPerTransfer: 2, lowPass: (0.25, 0.25), widths: [2, 2])
        let zero: [[Float]] = [[0, 0, 0, 0]]
        let c0 = chip.states[0][2 * 2]
        try rule.apply(zero, batchSize: 1, to: chip)
        try rule.apply(zero, batchSize: 1, to: chip)
        #expect(chip.states[0][2 * 2] == c0)
        #expect(abs(rule.buffers[0][0] - 0.2) < 2e-3)
        try rule.apply(zero, batchSize: 1, to: chip)
        #expect(abs(chip.states[0][2 * 2] - (c0 + 0.25)) < 1e-6 && abs(chip.states[0][3 * 2] - 0.75) < 1e-6)
        #expect(abs(rule.buffers[0][0] - 0.05) < 3e-3)
        // Input 1's A weight is -0.1 V: -0.025 V per transfer, below a step after three.
        #expect(abs(rule.buffers[0][2] + 0.075) < 3e-3)
    }
}
