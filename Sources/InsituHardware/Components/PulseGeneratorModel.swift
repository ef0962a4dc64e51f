/// The stochastic pulse generators of a tile (Gokmen and Vlasov 2016): one per row and per
/// column, each turning a probability into a train of pulse slots. Per line and slot a random
/// number is drawn and compared (an 8-bit LFSR step and a comparison); per pulse fired the
/// line is charged, C_line V^2 (magnitude: the farads of the lines pulsed).
public struct PulseGeneratorModel: ComponentModel {
    public static let draw = ActionID(0, "draw")
    public static let pulse = ActionID(1, "pulse")
    public let spec: PulseGeneratorSpec
    public init(spec: PulseGeneratorSpec) { self.spec = spec }
    public var kind: String { "pulse-generator" }
    public var actions: [ActionID] { [Self.draw, Self.pulse] }
    public func price(_ action: ActionID) -> ActionPrice {
        action == Self.draw ? ActionPrice(joulesPerEvent: spec.drawJoules)
            : ActionPrice(joulesPerUnit: spec.volts * spec.volts, unit: "F")
    }
    public var leakageWatts: Double { 0 }
    /// Not given: no sourced area for the generators (reports list the component as without area).
    public var areaSquareMetres: Double { 0 }
}

/// What the stochastic update's pulse generators cost: a random draw and comparison per line
/// and slot, and the pulse amplitude that charges a line.
public struct PulseGeneratorSpec: Sendable, Equatable {
    /// An 8-bit LFSR step (8 register bits at 0.009 pJ) and an 8-bit comparison (0.029 pJ):
    /// 0.101 pJ per line and slot (Aladdin's 40 nm figures via hwcomponents, docs/model.md).
    public var drawJoules = 0.101e-12
    /// Pulse amplitude on a line: 2 V, the generic RRAM cell's SET and RESET (NVSim via hwcomponents-neurosim).
    public var volts = 2.0
    public init() {}
}
