import InsituArchFile
import InsituEngine
import InsituHardware

/// A sample-and-hold between each column's TIA and the ADC bank, defined outside the
/// library: every sample costs `energy`, a pass over a block's columns takes `latency`
/// (acquisition), and each column's unit leaks `leakage` and takes `area`.
struct SampleHold: PeripheralStage {
    var energyJoules = 0.05e-12
    var latency = SimTime(picoseconds: 2_000)
    var leakageWatts = 1e-6
    var areaSquareMetres = 20e-12

    var kind: String { "sample-hold" }
    func model(columns: Int) -> any ComponentModel { Model(stage: self, columns: columns) }

    struct Model: ComponentModel {
        static let sample = ActionID(0, "sample")
        let stage: SampleHold
        let columns: Int
        var kind: String { "sample-hold" }
        var actions: [ActionID] { [Self.sample] }
        func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: stage.energyJoules) }
        var leakageWatts: Double { stage.leakageWatts * Double(columns) }
        var areaSquareMetres: Double { stage.areaSquareMetres * Double(columns) }
    }

    /// An entry of `chip.stages` with `kind: sample-hold`.
    static let entry = PeripheralStageEntry(kind: "sample-hold", keys: ["energy", "latency", "leakage", "area"]) { r in
        var s = SampleHold()
        try r.quantity("energy", .joule, min: 0, max: 1e-6, into: &s.energyJoules)
        try r.time("latency", into: &s.latency)
        try r.quantity("leakage", .watt, min: 0, max: 1, into: &s.leakageWatts)
        try r.quantity("area", .squareMetre, min: 0, max: 1e-3, into: &s.areaSquareMetres)
        return s
    }
}
