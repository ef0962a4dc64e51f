import InsituEngine

/// A per-column analog stage between the TIAs and the ADCs (a sample-and-hold, a
/// programmable-gain or buffer amplifier), given by its figures: energy per sample, the
/// latency of a pass over a block's columns, and leakage and area per column. The stage kind
/// `analog` of `chip.stages`; other kinds register their own.
public struct AnalogStage: PeripheralStage {
    public var energyJoules = 0.0
    public var latency = SimTime.zero
    public var leakageWattsPerColumn = 0.0
    public var areaSquareMetresPerColumn = 0.0
    public init() {}

    public var kind: String { "analog" }
    public func model(columns: Int) -> any ComponentModel { AnalogStageModel(stage: self, columns: columns) }
}

/// A tile's analog stage units, one per column: `sample` costs the energy per sample.
public struct AnalogStageModel: ComponentModel {
    public static let sample = ActionID(0, "sample")
    public let stage: AnalogStage
    public let columns: Int
    public var kind: String { stage.kind }
    public var actions: [ActionID] { [Self.sample] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: stage.energyJoules) }
    public var leakageWatts: Double { stage.leakageWattsPerColumn * Double(columns) }
    public var areaSquareMetres: Double { stage.areaSquareMetresPerColumn * Double(columns) }
}
