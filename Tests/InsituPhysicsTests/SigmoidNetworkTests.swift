import Foundation
import Testing
import InsituDevices
import InsituEngine
import InsituHardware
@testable import InsituTraining

/// Sigmoid neurons and squared error (MLP+NeuroSim's network) against a loss written out
/// again here and differentiated numerically, and one device against a reference column.
@Suite struct SigmoidNetworkTests {
    /// A 3-2-2 network: hidden v = V / (1 + e^(-kh I)), outputs y = 1 / (1 + e^(-k I)),
    /// loss sum (t - y)^2, in double precision.
    static func loss(_ w: [[Double]], x: [Double], label: Int, kh: Double, k: Double, volts: Double) -> Double {
        let h = (0..<2).map { j in volts / (1 + exp(-kh * (0..<3).reduce(0.0) { $0 + x[$1] * w[0][$1 * 2 + j] })) }
        let y = (0..<2).map { j in 1 / (1 + exp(-k * (0..<2).reduce(0.0) { $0 + h[$1] * w[1][$1 * 2 + j] })) }
        return (0..<2).reduce(0.0) { $0 + pow((($1 == label) ? 1 : 0) - y[$1], 2) }
    }

    @Test func backpropagationIsTheDerivativeOfTheSquaredError() throws {
        var activation = Activation(gain: 1, clip: 1, outputScalePerAmp: 2e5)
        activation.hidden = .sigmoid
        activation.hiddenScalePerAmp = 3e5
        activation.hiddenVolts = 0.5
        activation.output = .sigmoid
        let widths = [3, 2, 2]
        let w: [[Double]] = [[4e-6, -3e-6, 1e-6, 2e-6, -5e-6, 6e-6], [3e-6, -7e-6, -2e-6, 5e-6]]
        let x: [Double] = [0.2, 0.5, 0.1]
        let network = SoftwareNetwork(widths: widths, activation: activation, weights: w.map { $0.map(Float.init) })
        let pass = try network.forward(InputBatch(volts: x.map(Float.init), labels: [1]), phase: .forward, perImage: [])
        var backprop = Backprop(widths: widths, activation: activation)
        backprop.accumulate(pass, labels: [1], weights: network.weights)
        for l in 0..<2 {
            for k in w[l].indices {
                var up = w, down = w
                let h = 1e-9
                up[l][k] += h
                down[l][k] -= h
                let numeric = (Self.loss(up, x: x, label: 1, kh: 3e5, k: 2e5, volts: 0.5) - Self.loss(down, x: x, label: 1, kh: 3e5, k: 2e5, volts: 0.5)) / (2 * h)
                let analytic = Double(backprop.gradients[l][k])
                #expect(abs(analytic - numeric) <= 1e-3 * max(abs(numeric), 1e3), "layer \(l) weight \(k): \(analytic) vs \(numeric)")
            }
        }
        // The forward pass: the hidden activations are the sigmoid times the drive voltage.
        let i0 = (0..<3).reduce(0.0) { $0 + x[$1] * w[0][$1 * 2] }
        #expect(abs(Double(pass.activations[1][0]) - 0.5 / (1 + exp(-3e5 * i0))) < 1e-6)
    }

    @Test func aReferenceColumnIsSubtractedFromEveryWeight() {
        // Two inputs, one output, one device per weight at Gmin against a reference at the
        // window's middle: the column current is sum_i v_i (Gmin - Gmid).
        let device = PulsedDevice(minSiemens: 10e-6, maxSiemens: 50e-6,
                                  potentiation: .init(levels: 10, nonlinearity: 0, volts: 2, pulse: SimTime(picoseconds: 1_000)),
                                  depression: .init(levels: 10, nonlinearity: 0, volts: 2, pulse: SimTime(picoseconds: 1_000)))
        var rng = RandomStream(seed: 1, stream: "t")
        let cell = UnitCell.reference(siemens: 30e-6)
        let layer = CrossbarLayer(inputs: 2, outputs: 1, device: device, cell: cell, rng: &rng)
        #expect(cell.rowsPerInput == 1 && cell.minusRow == nil)
        #expect(layer.weights.allSatisfy { abs(Double($0) + 20e-6) < 1e-12 })
        var out: [Float] = [0]
        let v: [Float] = [0.2, 0.5]
        v.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { layer.columnCurrents(v, into: $0, rng: &rng) } }
        #expect(abs(Double(out[0]) - 0.7 * -20e-6) < 1e-12)
        // The read dissipates v^2 over the device and the reference column's device of each row.
        let power = v.withUnsafeBufferPointer { layer.readPower($0, inputs: 0..<2, block: 0) }
        #expect(abs(power / ((0.04 + 0.25) * (10e-6 + 30e-6)) - 1) < 1e-6)
        // The in-situ step moves the one device (no minus row to move the other way).
        let rule = StateUpdate(learningRates: [0.1])
        let targets = rule.targets([[-1e6, 2e6]], batchSize: 1, states: [[0.5, 0.5]], widths: [2, 1], device: device, cell: cell)
        #expect(abs(targets[0][0] - (0.5 + 0.1 * 40e-6 * 1e6)) < 1e-6 && abs(targets[0][1] - (0.5 - 0.1 * 40e-6 * 2e6)) < 1e-6)
    }
}
