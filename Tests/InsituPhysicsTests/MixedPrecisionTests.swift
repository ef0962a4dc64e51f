import Testing
@testable import InsituEngine
@testable import InsituHardware
import InsituDevices
import InsituTraining

/// The mixed-precision update worked by hand: accumulators gather each weight's step and a
/// device is programmed exactly when its accumulator reaches a threshold, by whole thresholds.
@Suite struct MixedPrecisionTests {
    /// Dyadic steps (exact in floats), thresholds 1/4 up and 1/8 down, scale -1 (eta = slope = batch = 1):
    /// w0 0.125 then 0.1875 (crosses on the second: 0.25, rest 0.0625); w1 -0.3125 (two downward
    /// thresholds: -0.25, rest -0.0625); w2 0.75 (three: 0.75, rest 0); w3 0.234375 then -0.09375 (never).
    @Test func accumulatorsCrossExactlyAtTheirThresholds() {
        let rule = MixedPrecisionUpdate(learningRates: [1], upThreshold: 0.25, downThreshold: 0.125, widths: [2, 2])
        let first = rule.accumulate([[-0.125, 0.3125, -0.75, -0.234375]], batchSize: 1, slope: 1)
        #expect(first == [[0, -0.25, 0.75, 0]])
        #expect(rule.lastCrossings == 2)
        #expect(rule.accumulators == [[0.125, -0.0625, 0, 0.234375]])
        let second = rule.accumulate([[-0.1875, 0, 0, 0.09375]], batchSize: 1, slope: 1)
        #expect(second == [[0.25, 0, 0, 0]])
        #expect(rule.lastCrossings == 1)
        #expect(rule.accumulators == [[0.0625, -0.0625, 0, 0.140625]])
        // A batch of 4 divides the summed gradient: 1.0 summed is a 0.25 step, exactly one threshold.
        let batch = MixedPrecisionUpdate(learningRates: [1], upThreshold: 0.25, downThreshold: 0.125, widths: [1, 1])
        #expect(batch.accumulate([[-1]], batchSize: 4, slope: 1) == [[0.25]] && batch.accumulators == [[0]])
    }

    /// A pulse-programmed device's threshold is one pulse of each direction: 1/97 up, 1/100 down.
    @Test func pulsedDevicesStepByOnePulse() throws {
        let d = PulsedDeviceTests.agSi()
        let t = try #require(DeviceStep.of(d, given: nil))
        #expect(t.up == 1.0 / 97 && t.down == 1.0 / 100)
        #expect(DeviceStep.of(d, given: 0.02)! == (0.02, 0.02))
        #expect(DeviceStep.of(handDevice(model: .gateControlled).deviceModel, given: nil) == nil)
    }

    /// On the hand 2 x 2 chip (pair cells, gates 0.6-1.7 V; G+ rows [1.0, 0.8] and [0.6, 0.6],
    /// G- rows [0.7, 1.2] and [0.6, 0.6]) with a 0.125 V threshold, steps (0.2, -0.1, 0.05, -0.3) V
    /// cross for w0 (one threshold) and w3 (two): only their devices are programmed (w0: G+ 1.0 to
    /// 1.125, G- 0.7 to 0.575, clipped to 0.6; w3: G+ stays at its 0.6 floor, G- 0.6 to 0.85).
    @Test func onlyDevicesWhoseAccumulatorsCrossAreProgrammed() throws {
        let chip = try handTwoByTwoChip()
        let slope = chip.deviceModel.slopeSiemensPerState
        let steps: [Double] = [0.2, -0.1, 0.05, -0.3]
        let rule = MixedPrecisionUpdate(learningRates: [1], upThreshold: 0.125, downThreshold: 0.125, widths: [2, 2])
        try rule.apply([steps.map { Float(-$0 / slope) }], batchSize: 1, to: chip)
        #expect(rule.lastCrossings == 2)
        let expected: [Float] = [1.125, 0.8, 0.6, 1.2, 0.6, 0.6, 0.6, 0.85]
        #expect(zip(chip.states[0], expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(chip.states[0])")
        let rest: [Float] = [0.075, -0.1, 0.05, -0.05]
        #expect(zip(rule.accumulators[0], rest).allSatisfy { abs($0 - $1) < 1e-6 }, "\(rule.accumulators[0])")
        // Three devices changed state; the update's digital work read and wrote all four accumulators.
        #expect(chip.rangeCounts.layers[0].updates == 3)
        let work = rule.work(weights: 4, crossings: 2, rowsPerInput: 2)
        #expect(work.filter { $0.operation == .write }.map(\.count) == [4, 4])
        #expect(work.filter { $0.operation == .compare }.map(\.count) == [8])
    }
}
