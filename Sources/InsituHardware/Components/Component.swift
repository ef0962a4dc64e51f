import InsituEngine

/// One component of an accelerator: a name, its energy model, its servers (a FIFO
/// `Resource`, if it queues work) and its ledger accounts. Charging costs an array index
/// and a few integer additions; the energy comes from the model's price of the action.
public final class Component {
    /// The action every component has: static power while powered (magnitude: seconds of the whole component).
    public static let leakage = ActionID(-1, "leakage")
    /// Static power while power-gated (magnitude: seconds of the whole component).
    public static let offLeakage = ActionID(-2, "off-leakage")
    /// Wake-ups from power-gated (magnitude: units woken).
    public static let wake = ActionID(-3, "wake")
    /// Slots of the price list before the model's own actions (wake, off-leakage, leakage).
    @usableFromInline static let staticSlots = 3

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
        if let after = model.powerStates.gateAfter(leakageWatts: model.leakageWatts / Double(max(model.units, 1))) {
            resource?.gate(after: after)
        }
        // Slots 0-2 are wake, off-leakage and leakage; action i sits at i + 3.
        prices = [Self.wake, Self.offLeakage, Self.leakage].map { model.price(named: $0.name)! } + model.actions.map(model.price)
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
        let a = action.index + Self.staticSlots
        let slot = layer * accountsPerLayer + phase.rawValue * actionCount + a
        if slot >= accounts.count { accounts += Array(repeating: nil, count: slot + 1 - accounts.count) }
        let account = accounts[slot] ?? open(slot, action, phase, layer)
        let joules = prices[a].joules(count: count, magnitude: magnitude)
        ledger.charge(account, joules: joules, busy: busy, count: count, magnitude: magnitude)
        return joules
    }

    /// Charges static power over a segment that ends at `end` and lasts `seconds` to `phase`:
    /// leakage over all of it, or, when the component is gated, leakage while busy or idle and
    /// powered, off-leakage while gated, and the wake-ups since the last segment. Returns the
    /// joules charged.
    @discardableResult
    public func chargeStatic(_ phase: Phase, seconds: Double, until end: SimTime) -> Double {
        guard resource?.isGated == true else {
            guard model.leakageWatts > 0, seconds > 0 else { return 0 }
            return charge(Self.leakage, phase, count: 0, magnitude: seconds)
        }
        resource!.settleIdle(until: end)
        let r = resource!, idle = r.idle!
        let now = StaticTally(busy: r.busyPicoseconds, powered: idle.poweredPicoseconds, gated: idle.gatedPicoseconds, wakes: idle.wakes)
        let last = tally
        tally = now
        // Server-picoseconds over the servers: seconds of the whole component.
        let scale = 1e-12 / Double(r.capacity)
        var joules = 0.0
        let powered = Double((now.busy &- last.busy) &+ (now.powered &- last.powered)) * scale
        if powered > 0 && model.leakageWatts > 0 { joules += charge(Self.leakage, phase, count: 0, magnitude: powered) }
        let gated = Double(now.gated &- last.gated) * scale
        if gated > 0 && model.powerStates.offLeakageWatts > 0 { joules += charge(Self.offLeakage, phase, count: 0, magnitude: gated) }
        let wakes = now.wakes &- last.wakes
        if wakes > 0 {
            joules += charge(Self.wake, phase, count: wakes, magnitude: Double(wakes) * Double(model.units) / Double(r.capacity))
        }
        return joules
    }

    /// The resource's busy and idle counters when static power was last charged.
    struct StaticTally {
        var busy: UInt64 = 0, powered: UInt64 = 0, gated: UInt64 = 0, wakes: UInt64 = 0
    }
    @exclusivity(unchecked) var tally = StaticTally()

    /// First charge of an action in a phase: create its ledger account.
    @usableFromInline
    func open(_ slot: Int, _ action: ActionID, _ phase: Phase, _ layer: Int) -> Ledger.Account {
        let account = ledger.account(component: name, action: action.name, phase: phase.name, layer: layer)
        accounts[slot] = account
        return account
    }
}
