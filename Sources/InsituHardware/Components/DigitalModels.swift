import InsituEngine

/// The digital unit's operation table: energy per operation by type, and the cycles one
/// lane needs for each. The one table every accelerator prices digital arithmetic from.
public struct DigitalUnitModel: ComponentModel {
    public static let mac = ActionID(0, "mac")
    public static let add = ActionID(1, "add")
    public static let exp = ActionID(2, "exp")
    public static let compare = ActionID(3, "compare")
    /// One word read or written in the register file (accumulators kept next to the lanes).
    public static let register = ActionID(4, "register")
    public let spec: DigitalSpec
    public init(spec: DigitalSpec) { self.spec = spec }
    public var kind: String { "digital" }
    public var actions: [ActionID] { Self.byIndex }
    /// The actions in the order of their indices.
    static let byIndex = [mac, add, exp, compare, register]
    public func price(_ action: ActionID) -> ActionPrice {
        switch action.index {
        case Self.mac.index: ActionPrice(joulesPerEvent: spec.macJoules)
        case Self.exp.index: ActionPrice(joulesPerEvent: spec.expJoules)
        case Self.register.index: ActionPrice(joulesPerEvent: spec.registerJoulesPerBit * Double(spec.registerWordBits))
        default: ActionPrice(joulesPerEvent: spec.addJoules)
        }
    }
    /// Cycles one lane spends on one operation (a register access rides along with the
    /// operation it feeds, in the same cycle).
    public func cycles(_ action: ActionID) -> Int { action == Self.exp ? spec.expCycles : action == Self.register ? 0 : 1 }
    /// The action of an arithmetic operation.
    public static func action(_ op: DigitalWork.Operation) -> ActionID? {
        switch op {
        case .mac: mac
        case .add: add
        case .exp: exp
        case .compare: compare
        case .register: register
        case .read, .write: nil
        }
    }
    public var leakageWatts: Double { spec.leakageWatts }
    public var powerStates: PowerStates { spec.power }
    /// The lanes and the register file beyond one accumulator per lane.
    public var areaSquareMetres: Double { spec.totalAreaSquareMetres }
}

/// An SRAM buffer: energy per bit read or written.
public struct BufferModel: ComponentModel {
    public static let read = ActionID(0, "read")
    public static let write = ActionID(1, "write")
    public let spec: BufferSpec
    public init(spec: BufferSpec) { self.spec = spec }
    public var kind: String { "buffer" }
    public var actions: [ActionID] { [Self.read, Self.write] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.energyPerBitJoules) }
    public var leakageWatts: Double { spec.leakageWatts }
    public var powerStates: PowerStates { spec.power }
    public var areaSquareMetres: Double { spec.areaSquareMetres }
}

/// The bus between tiles and buffer: energy per bit moved.
public struct InterconnectModel: ComponentModel {
    public static let transfer = ActionID(0, "transfer")
    public let spec: InterconnectSpec
    /// "interconnect" for the tiles' bus, "router" for the chip's port.
    public let kind: String
    public init(spec: InterconnectSpec, kind: String = "interconnect") {
        self.spec = spec
        self.kind = kind
    }
    public var actions: [ActionID] { [Self.transfer] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.energyPerBitJoules) }
    public var leakageWatts: Double { spec.leakageWatts }
    public var powerStates: PowerStates { spec.power }
    public var areaSquareMetres: Double { spec.areaSquareMetres }
}

/// A tile's input or output register file: every bit written and every bit read costs `energy_per_bit`.
public struct RegisterModel: ComponentModel {
    public static let write = ActionID(0, "write")
    public static let read = ActionID(1, "read")
    public let spec: RegisterSpec
    public let kind: String
    public init(spec: RegisterSpec, kind: String) {
        self.spec = spec
        self.kind = kind
    }
    public var actions: [ActionID] { [Self.write, Self.read] }
    public func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: spec.energyPerBitJoules) }
    public var leakageWatts: Double { spec.leakageWatts }
    public var areaSquareMetres: Double { spec.areaSquareMetres }
}
