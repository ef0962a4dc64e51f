/// The energy and area reference table of one kind of component (as Accelergy keeps
/// tables apart from action counts): the price of each action, leakage power and area,
/// all derived from the component's arch parameters.
///
/// A new kind of component brings its own model and actions; leakage is priced by the
/// component itself (watts per second of a segment), so models list only dynamic actions.
public protocol ComponentModel: Sendable {
    /// Kind of component ("dac", "adc", "crossbar", ...), for reports and totals per kind.
    var kind: String { get }
    /// The actions this component performs, indexed by `ActionID.index`.
    var actions: [ActionID] { get }
    /// Price of one action.
    func price(_ action: ActionID) -> ActionPrice
    var leakageWatts: Double { get }
    /// Area of the whole component (all its servers), square metres; 0 when not given.
    var areaSquareMetres: Double { get }
    /// False for parts off the die (DRAM), which have no area to give.
    var occupiesDie: Bool { get }
    /// Power states of one unit, and how many units the component holds (its leakage is all of
    /// theirs): a component with a queue is gated per server, as the policy says.
    var powerStates: PowerStates { get }
    var units: Int { get }
}

extension ComponentModel {
    public var occupiesDie: Bool { true }
    public var powerStates: PowerStates { .alwaysOn }
    public var units: Int { 1 }

    /// The price of an action named `name`, if the model has one; leakage is priced per second.
    public func price(named name: String) -> ActionPrice? {
        if name == Component.leakage.name { return ActionPrice(joulesPerUnit: leakageWatts, unit: "s") }
        if name == Component.offLeakage.name { return ActionPrice(joulesPerUnit: powerStates.offLeakageWatts * Double(units), unit: "s") }
        if name == Component.wake.name { return ActionPrice(joulesPerUnit: powerStates.wakeJoules, unit: "unit") }
        return actions.first { $0.name == name }.map(price)
    }
}
