/// The stochastic pulse generators of a tile (Gokmen and Vlasov 2016): one per input (its
/// cell's device rows carry the same train) and per column, each turning a probability into a
/// train of pulse slots. Per line and slot a random
/// number is drawn and compared (an 8-bit LFSR step and a comparison); per pulse fired the
/// line is charged, C_line V^2 (magnitude: the farads of the lines pulsed).
public struct PulseGeneratorModel: ComponentModel {
    public static let draw = ActionID(0, "draw")
    public static let pulse = ActionID(1, "pulse")
    public let spec: PulseGeneratorSpec
    /// Generators: one per input the tile's rows hold and one per column.
    public let count: Int
    public init(spec: PulseGeneratorSpec, count: Int) {
        self.spec = spec
        self.count = count
    }
    public var kind: String { "pulse-generator" }
    public var actions: [ActionID] { [Self.draw, Self.pulse] }
    public func price(_ action: ActionID) -> ActionPrice {
        action == Self.draw ? ActionPrice(joulesPerEvent: spec.drawJoules)
            : ActionPrice(joulesPerUnit: spec.volts * spec.volts, unit: "F")
    }
    /// The register and comparator leakage is Aladdin's 2.51e-8 W per 32-bit comparator: below a
    /// nanowatt per 8-bit generator, left out.
    public var leakageWatts: Double { 0 }
    public var units: Int { count }
    public var areaSquareMetres: Double { spec.areaSquareMetres * Double(count) }
}

/// What the stochastic update's pulse generators cost: a random draw and comparison per line
/// and slot, and the pulse amplitude that charges a line.
public struct PulseGeneratorSpec: Sendable, Equatable {
    /// An 8-bit LFSR step (8 register bits at 0.009 pJ) and an 8-bit comparison (a quarter of
    /// the 32-bit comparator's 0.02947 pJ): 0.0794 pJ per line and slot (Aladdin's 40 nm
    /// figures in hwcomponents-library's aladdin.py, width scaled linearly as there).
    public var drawJoules = 0.0794e-12
    /// One generator: 8 register bits of 5.98 um^2 and a quarter of the 32-bit comparator's
    /// 71 um^2, 65.6 um^2 (the same source, 40 nm).
    public var areaSquareMetres = 65.59e-12
    /// Pulse amplitude on a line: 2 V, the generic RRAM cell's SET and RESET (NVSim via hwcomponents-neurosim).
    public var volts = 2.0
    public init() {}
}
