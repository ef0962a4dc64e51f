import Testing
@testable import InsituDevices
import InsituEngine
import InsituHardware
@testable import InsituTraining

/// The in-situ rule's new states (`StateUpdate.targets`) against the rule written out: each
/// input's plus row stepped by -rate x slope / batch x its gradient row, its minus row by the
/// opposite, clipped to the state range; every other row, and every row of an input whose
/// gradient row is zero, as it was.
@Suite struct StateUpdateTargetsTests {
    @Test(arguments: [(3, 5, 2), (300, 502, 3), (484, 300, 2)])
    func targetsAreTheRuleWrittenOut(inputs: Int, outputs: Int, rowsPerInput: Int) {
        var rng = RandomStream(seed: UInt64(inputs * outputs), stream: "state-update")
        let device = GateControlledDevice(handDevice(model: .gateControlled).parameters)
        // Three rows an input: the pair and a row that the rule leaves (a reference's).
        let cell = rowsPerInput == 3 ? UnitCell(rowFactors: [1, 1, 0.5], plusRow: 2, minusRow: 0) : .differentialPair
        let (lo, hi) = device.targetBounds
        let states = (0..<(rowsPerInput * inputs * outputs)).map { _ in Float(lo + (hi - lo) * Float(rng.uniform())) }
        // A fifth of the inputs undriven (a zero gradient row); large steps clip at both ends.
        let gradients = (0..<inputs).flatMap { i -> [Float] in
            (0..<outputs).map { _ in i % 5 == 2 ? 0 : Float(4 * rng.uniform() - 2) }
        }
        let rule = StateUpdate(learningRates: [0.7])
        let batch = 4
        let out = rule.targets([gradients], batchSize: batch, states: [states], widths: [inputs, outputs], device: device, cell: cell)
        let scale = Float(-0.7 * device.slopeSiemensPerState / Double(batch))
        var expected = states
        for i in 0..<inputs where gradients[(i * outputs)..<((i + 1) * outputs)].contains(where: { $0 != 0 }) {
            for j in 0..<outputs {
                let g = gradients[i * outputs + j]
                let plus = (rowsPerInput * i + cell.plusRow) * outputs + j, minus = (rowsPerInput * i + cell.minusRow!) * outputs + j
                expected[plus] = min(max(states[plus] + scale * g, lo), hi)
                expected[minus] = min(max(states[minus] - scale * g, lo), hi)
            }
        }
        #expect(out.count == 1 && out[0] == expected)
        #expect(inputs < 100 || (expected.contains(lo) && expected.contains(hi)))
        #expect(zip(expected, states).contains { $0 != $1 })
    }
}
