import Foundation
import InsituDevices
import InsituHardware

/// Ex-situ training: train a floating-point copy (weights limited to the device window),
/// then program each weight once onto its differential pair, open loop, through the same
/// devices (stuck devices included), and test on the chip.
public enum ExSituTraining {
    /// States (device layout) that map weights onto pairs: around the middle of the window
    /// (G+/- = Gmid +/- w/2) or from its bottom (G+ = Gmin + relu(w), G- = Gmin + relu(-w)).
    public static func targets(weights: [[Float]], widths: [Int], device: any DeviceModel,
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
                    t[(2 * i) * m + j] = Float(device.state(forConductance: plus))
                    t[(2 * i + 1) * m + j] = Float(device.state(forConductance: minus))
                }
            }
            return t
        }
    }

    public static func run(on chip: any ProgrammableCrossbar, training: TrainingSpec, activation: Activation,
                           data: TrainingData) throws -> TrainingOutcome {
        let wallStart = Date()
        guard chip.cell.isDifferentialPair else {
            throw MethodMismatch(description: "ex-situ training maps each weight onto a differential pair; this chip's cells have \(chip.cell.rowsPerInput) rows")
        }
        let device = chip.deviceModel
        let (network, float) = try FloatTraining.run(widths: chip.widths, training: training, activation: activation,
                                                     slopeSiemensPerState: device.slopeSiemensPerState, data: data,
                                                     weightLimit: device.windowMaxSiemens - device.windowMinSiemens)
        try chip.program(targets: targets(weights: network.weights, widths: chip.widths, device: device,
                                          mapping: training.exSituMapping), phase: .program, after: [])
        var outcome = TrainingOutcome(method: .exSitu)
        outcome.batchAccuracy = float.batchAccuracy
        outcome.curve = float.curve.dropLast().map { $0 }
        outcome.imagesTrained = float.imagesTrained
        outcome.updates = float.updates
        try outcome.finish(testing: chip, on: data, since: wallStart)
        return outcome
    }
}
