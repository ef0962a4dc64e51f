import InsituArchFile
import InsituEngine
import InsituHardware

/// A sample-and-hold between each column's TIA and the ADC bank, defined outside the
/// library: a sample charges its hold capacitor over the signal swing, E = C_hold V^2; a pass
/// over a block's columns takes the acquisition time; each column's unit leaks and takes area.
struct SampleHold: PeripheralStage {
    var holdFarads = 50e-15
    var swingVolts = 0.2
    var acquisition = SimTime(picoseconds: 2_000)
    var leakageWatts = 1e-6
    var areaSquareMetres = 20e-12

    var kind: String { "sample-hold" }
    var latency: SimTime { acquisition }
    func model(columns: Int) -> any ComponentModel { Model(stage: self, columns: columns) }

    struct Model: ComponentModel {
        static let sample = ActionID(0, "sample")
        let stage: SampleHold
        let columns: Int
        var kind: String { "sample-hold" }
        var actions: [ActionID] { [Self.sample] }
        func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: stage.holdFarads * stage.swingVolts * stage.swingVolts) }
        var leakageWatts: Double { stage.leakageWatts * Double(columns) }
        var areaSquareMetres: Double { stage.areaSquareMetres * Double(columns) }
    }

    /// An entry of `chip.stages` with `kind: sample-hold`.
    static let entry = PeripheralStageEntry(kind: "sample-hold", keys: ["hold_capacitance", "swing", "acquisition", "leakage", "area"]) { r in
        var s = SampleHold()
        try r.quantity("hold_capacitance", .farad, min: 0, max: 1e-9, into: &s.holdFarads)
        try r.quantity("swing", .volt, min: 0, max: 10, into: &s.swingVolts)
        try r.time("acquisition", into: &s.acquisition)
        try r.quantity("leakage", .watt, min: 0, max: 1, into: &s.leakageWatts)
        try r.quantity("area", .squareMetre, min: 0, max: 1e-3, into: &s.areaSquareMetres)
        return s
    }
}
