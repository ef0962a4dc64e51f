import InsituEngine

/// One component of an accelerator: a name, its energy model, its servers (a FIFO
/// `Resource`, if it queues work) and its ledger accounts. Charging costs an array index
/// and a few integer additions; the energy comes from the model's price of the action.
public final class Component {
    /// The action every component has: static power over a segment (magnitude: seconds).
    public static let leakage = ActionID(-1, "leakage")

    public let name: String
    public let model: any ComponentModel
    @exclusivity(unchecked) public var resource: Resource?
    public let ledger: Ledger
    @usableFromInline let prices: [ActionPrice]
    @usableFromInline let actionCount: Int
    /// Accounts per layer: one per phase and action.
    @usableFromInline let accountsPerLayer: Int
    @exclusivity(unchecked) @usableFromInline var accounts: [Ledger.Account?]

    public init(name: String, model: any ComponentModel, servers: Int?, ledger: Ledger) {
        self.name = name
        self.model = model
        self.ledger = ledger
        resource = servers.map { Resource(name: name, capacity: $0) }
        // Slot 0 is leakage; action i sits at i + 1.
        prices = [ActionPrice(joulesPerUnit: model.leakageWatts, unit: "s")] + model.actions.map(model.price)
        actionCount = prices.count
        accountsPerLayer = Phase.allCases.count * prices.count
        accounts = Array(repeating: nil, count: Phase.allCases.count * prices.count)
    }

    /// Servers behind this component (1 when it has no queue).
    public var servers: Int { resource?.capacity ?? 1 }

    /// Charges `count` events of `action` with a summed `magnitude`, priced by the model, to
    /// `phase` and network `layer` (from 1; 0 for work of no single layer). Returns the joules
    /// charged (0 with the ledger off), for traces.
    @inlinable @discardableResult
    public func charge(_ action: ActionID, _ phase: Phase, layer: Int = 0, count: UInt64 = 1, magnitude: Double = 0,
                       busy: SimTime = .zero) -> Double {
        guard ledger.isEnabled else { return 0 }
        let a = action.index + 1
        let slot = layer * accountsPerLayer + phase.rawValue * actionCount + a
        if slot >= accounts.count { accounts += Array(repeating: nil, count: slot + 1 - accounts.count) }
        let account = accounts[slot] ?? open(slot, action, phase, layer)
        let joules = prices[a].joules(count: count, magnitude: magnitude)
        ledger.charge(account, joules: joules, busy: busy, count: count, magnitude: magnitude)
        return joules
    }

    /// Charges leakage over `seconds` to `phase`; returns the joules charged.
    @discardableResult
    public func chargeLeakage(_ phase: Phase, seconds: Double) -> Double {
        guard model.leakageWatts > 0, seconds > 0 else { return 0 }
        return charge(Self.leakage, phase, count: 0, magnitude: seconds)
    }

    /// First charge of an action in a phase: create its ledger account.
    @usableFromInline
    func open(_ slot: Int, _ action: ActionID, _ phase: Phase, _ layer: Int) -> Ledger.Account {
        let account = ledger.account(component: name, action: action.name, phase: phase.name, layer: layer)
        accounts[slot] = account
        return account
    }
}
