import InsituEngine

/// A stage of a tile's signal path between its TIAs and its ADC bank (a sample-and-hold, a
/// buffer amplifier, ...), listed in the arch file's `chip.stages` in the order a sample
/// passes them. Each tile registers one component per stage, so its energy, leakage and
/// area reach the ledger, reports, `describe` and traces like any other component.
public protocol PeripheralStage: Sendable, Equatable {
    /// Kind in arch files; the tile's component is named `tileN.KIND`.
    var kind: String { get }
    /// The stage units of one tile of `columns` columns: the first action is what a pass
    /// charges, once per sample; leakage and area are the tile's whole stage.
    func model(columns: Int) -> any ComponentModel
    /// How long one pass over a block's samples holds the tile's stage.
    var latency: SimTime { get }
}

/// Any peripheral stage as an equatable value (a chip spec's list of stages).
public struct AnyPeripheralStage: Sendable, Equatable {
    public var stage: any PeripheralStage
    public init(_ stage: any PeripheralStage) { self.stage = stage }
    public static func == (a: AnyPeripheralStage, b: AnyPeripheralStage) -> Bool { sameValue(a.stage, b.stage) }
}

