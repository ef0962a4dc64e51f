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
                               mapping: TrainingSpec.ExSituMapping, cell: UnitCell = .differentialPair) -> [[Float]] {
        if cell.isSliced { return slicedTargets(weights: weights, widths: widths, device: device, cell: cell) }
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

    /// States that hold weights sliced over cells of 2^c levels (`UnitCell.sliceLevels`): level
    /// d at G_min + d (G_max - G_min) / (2^c - 1); device (i, j S + s) holds slice s of w_ij.
    static func slicedTargets(weights: [[Float]], widths: [Int], device: any DeviceModel, cell: UnitCell) -> [[Float]] {
        let gMin = device.windowMinSiemens, limit = device.windowMaxSiemens - gMin
        let step = cell.levelStepSiemens(floor: gMin, ceiling: device.windowMaxSiemens), slices = cell.columnsPerWeight
        let levels = (0..<(1 << cell.bitsPerCell)).map { Float(device.state(forConductance: gMin + Double($0) * step)) }
        return weights.enumerated().map { l, w in
            let m = widths[l + 1]
            var t = [Float](repeating: 0, count: w.count * slices)
            for i in 0..<widths[l] {
                for j in 0..<m {
                    for (s, d) in cell.sliceLevels(weight: Double(w[i * m + j]), limit: limit).enumerated() {
                        t[i * m * slices + j * slices + s] = levels[d]
                    }
                }
            }
            return t
        }
    }

    public static func run(on chip: any ProgrammableCrossbar, training: TrainingSpec, activation: Activation,
                           data: TrainingData) throws -> TrainingOutcome {
        let wallStart = Date()
        guard chip.cell.isDifferentialPair || chip.cell.isSliced else {
            throw MethodMismatch(description: "ex-situ training maps each weight onto a differential pair or sliced cells; this chip's cells have \(chip.cell.rowsPerInput) rows")
        }
        let device = chip.deviceModel
        let (network, float) = try FloatTraining.run(widths: chip.widths, training: training, activation: activation,
                                                     slopeSiemensPerState: device.slopeSiemensPerState, data: data,
                                                     weightLimit: device.windowMaxSiemens - device.windowMinSiemens)
        try chip.program(targets: targets(weights: network.weights, widths: chip.widths, device: device,
                                          mapping: training.exSituMapping, cell: chip.cell), phase: .program, after: [])
        var outcome = TrainingOutcome(method: .exSitu)
        outcome.batchAccuracy = float.batchAccuracy
        outcome.curve = float.curve.dropLast().map { $0 }
        outcome.imagesTrained = float.imagesTrained
        outcome.updates = float.updates
        try outcome.finish(testing: chip, on: data, since: wallStart)
        return outcome
    }
}
