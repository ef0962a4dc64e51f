import Foundation
import InsituDevices
import InsituHardware

/// Ex-situ training: train a floating-point copy (weights limited to the device window),
/// then program each weight once onto its differential pair, open loop, through the same
/// devices (stuck devices included), and test on the chip.
public struct ExSituTrainer {
    public let chip: Chip
    public let network: NetworkSpec
    public let training: TrainingSpec

    public init(chip: Chip, network: NetworkSpec, training: TrainingSpec) {
        self.chip = chip
        self.network = network
        self.training = training
    }

    /// Gate voltages (device layout) that map weights onto pairs: around the middle of the
    /// window (G+/- = Gmid +/- w/2) or from its bottom (G+ = Gmin + relu(w), G- = Gmin + relu(-w)).
    public static func targets(weights: [[Float]], widths: [Int], device: InsituDevices.DeviceParameters,
                               mapping: TrainingSpec.ExSituMapping) -> [[Float]] {
        let gMin = device.windowMinSiemens, gMid = (device.windowMinSiemens + device.windowMaxSiemens) / 2
        return weights.enumerated().map { l, w in
            let m = widths[l + 1]
            var t = [Float](repeating: 0, count: 2 * w.count)
            for i in 0..<widths[l] {
                for j in 0..<m {
                    let x = Double(w[i * m + j])
                    let (plus, minus): (Double, Double) = mapping == .middle
                        ? (gMid + x / 2, gMid - x / 2) : (gMin + max(x, 0), gMin + max(-x, 0))
                    t[(2 * i) * m + j] = Float(device.gateVolts(forConductance: plus))
                    t[(2 * i + 1) * m + j] = Float(device.gateVolts(forConductance: minus))
                }
            }
            return t
        }
    }

    public func run(on data: TrainingData) throws -> TrainingOutcome {
        let wallStart = Date()
        let device = chip.spec.device
        let limit = device.windowMaxSiemens - device.windowMinSiemens
        let float = FloatTrainer(network: network, training: training, chip: chip.spec, weightLimit: limit)
        let (weights, floatOutcome) = float.run(on: data)
        try chip.program(targets: Self.targets(weights: weights, widths: network.layers, device: device,
                                               mapping: training.exSituMapping), phase: .program)
        var outcome = TrainingOutcome(method: .exSitu)
        outcome.batchAccuracy = floatOutcome.batchAccuracy
        outcome.curve = floatOutcome.curve.dropLast().map { $0 }
        outcome.imagesTrained = floatOutcome.imagesTrained
        outcome.updates = floatOutcome.updates
        try outcome.finish(testing: chip, network: network, on: data, since: wallStart)
        return outcome
    }
}
