import InsituDevices
import InsituEngine

/// Row drivers of a tile (one DAC per row): a drive costs one conversion per row plus
/// charging the row line, C_row V^2 (magnitude: sum of V^2 over the driven rows).
public struct DACModel: ComponentModel {
    public static let drive = ActionID(0, "drive")
    public let spec: DACSpec
    public let rowCapacitanceFarads: Double
    public let count: Int
    public init(spec: DACSpec, rowCapacitanceFarads: Double, count: Int) {
        self.spec = spec
        self.rowCapacitanceFarads = rowCapacitanceFarads
        self.count = count
    }
    public var kind: String { "dac" }
    public var actions: [ActionID] { [Self.drive] }
    public func price(_ action: ActionID) -> ActionPrice {
        ActionPrice(joulesPerEvent: spec.energyJoules, joulesPerUnit: rowCapacitanceFarads, unit: "V^2")
    }
    /// Leakage and area are per DAC, times the rows.
    public var leakageWatts: Double { spec.leakageWatts * Double(count) }
    public var powerStates: PowerStates { spec.power }
    public var units: Int { count }
    public var areaSquareMetres: Double { spec.areaSquareMetres * Double(count) }
}

/// The crossbar array of a tile: a read dissipates t x sum V^2 G over the conductances
/// present (magnitude: V^2 S); a SET or RESET pulse costs what the device model says per
/// siemens of the conductance it ends at or starts from, drawn through the charge pumps that
/// make the programming voltages (divided by their efficiency).
public struct CrossbarModel: ComponentModel {
    public static let read = ActionID(0, "read")
    public static let set = ActionID(1, "set")
    public static let reset = ActionID(2, "reset")
    /// What the row drivers' rail spends beyond the cells' V^2 G t during a read (magnitude: V^2 S).
    public static let supply = ActionID(3, "supply")
    public let readSeconds: Double
    public let device: any DeviceModel
    public let spec: TileSpec
    public let pumpEfficiency: Double
    public init(spec: TileSpec, readSeconds: Double, device: any DeviceModel, pumpEfficiency: Double = 1) {
        self.spec = spec
        self.readSeconds = readSeconds
        self.device = device
        self.pumpEfficiency = pumpEfficiency
    }
    public var kind: String { "crossbar" }
    public var actions: [ActionID] { [Self.read, Self.set, Self.reset, Self.supply] }
    public func price(_ action: ActionID) -> ActionPrice {
        switch action.index {
        case Self.read.index, Self.supply.index: ActionPrice(joulesPerUnit: readSeconds, unit: "V^2 S")
        case Self.set.index: ActionPrice(joulesPerUnit: device.setJoulesPerSiemens / pumpEfficiency, unit: "S")
        default: ActionPrice(joulesPerUnit: device.resetJoulesPerSiemens / pumpEfficiency, unit: "S")
        }
    }
    public var leakageWatts: Double { spec.arrayLeakageWatts }
    public var areaSquareMetres: Double { spec.arrayAreaSquareMetres }
}

/// TIAs with the activation, one per column: one sample each, plus charging the next
/// layer's row lines when they drive them directly (magnitude: sum of V^2 over those rows).
public struct TIAModel: ComponentModel {
    public static let sense = ActionID(0, "sense")
    public let spec: TIASpec
    public let rowCapacitanceFarads: Double
    public let count: Int
    public init(spec: TIASpec, rowCapacitanceFarads: Double, count: Int) {
        self.spec = spec
        self.rowCapacitanceFarads = rowCapacitanceFarads
        self.count = count
    }
    public var kind: String { "tia" }
    public var actions: [ActionID] { [Self.sense] }
    public func price(_ action: ActionID) -> ActionPrice {
        ActionPrice(joulesPerEvent: spec.energyJoules, joulesPerUnit: rowCapacitanceFarads, unit: "V^2")
    }
    /// Leakage and area are per TIA, times the columns.
    public var leakageWatts: Double { spec.leakageWatts * Double(count) }
    public var powerStates: PowerStates { spec.power }
    public var units: Int { count }
    public var areaSquareMetres: Double { spec.areaSquareMetres * Double(count) }
}

/// A tile's ADC bank: one conversion at the per-conversion figure, or Walden FoM x 2^bits.
public struct ADCModel: ComponentModel {
    public static let convert = ActionID(0, "convert")
    public let spec: ADCSpec
    public init(spec: ADCSpec) { self.spec = spec }
    public var kind: String { "adc" }
    public var actions: [ActionID] { [Self.convert] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.conversionJoules) }
    /// Leakage and area are per ADC, times the ADCs of the tile.
    public var leakageWatts: Double { spec.leakageWatts * Double(spec.perTile) }
    public var powerStates: PowerStates { spec.power }
    public var units: Int { spec.perTile }
    public var areaSquareMetres: Double { spec.areaSquareMetres * Double(spec.perTile) }
}

/// A tile's shift-and-add units: one `shift-add` per ADC code of a bit plane.
public struct ShiftAddModel: ComponentModel {
    public static let shiftAdd = ActionID(0, "shift-add")
    public let spec: ShiftAddSpec
    public init(spec: ShiftAddSpec) { self.spec = spec }
    public var kind: String { "shift-add" }
    public var actions: [ActionID] { [Self.shiftAdd] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.energyJoules) }
    /// Leakage and area are per unit, times the units of the tile.
    public var leakageWatts: Double { spec.leakageWatts * Double(spec.perTile) }
    public var powerStates: PowerStates { spec.power }
    public var units: Int { spec.perTile }
    public var areaSquareMetres: Double { spec.areaSquareMetres * Double(spec.perTile) }
}

/// The update controller: setting one column's gate voltage (gate DAC and gate line).
public struct ControllerModel: ComponentModel {
    public static let gateDrive = ActionID(0, "gate-drive")
    public let spec: ControllerSpec
    public init(spec: ControllerSpec) { self.spec = spec }
    public var kind: String { "controller" }
    public var actions: [ActionID] { [Self.gateDrive] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.gateDriveJoules) }
    public var leakageWatts: Double { spec.leakageWatts }
    public var powerStates: PowerStates { spec.power }
    public var areaSquareMetres: Double { spec.areaSquareMetres }
}
