import InsituEngine

/// Charges one component's actions to the ledger, with the accounts looked up once.
public final class Meter {
    public let component: String
    public let ledger: Ledger
    @usableFromInline var accounts: [Ledger.Account?]

    public init(component: String, ledger: Ledger) {
        self.component = component
        self.ledger = ledger
        accounts = Array(repeating: nil, count: Phase.allCases.count * Action.allCases.count)
    }

    @inlinable
    public func charge(_ action: Action, _ phase: Phase, joules: Double, busy: SimTime = .zero, count: UInt64 = 1) {
        guard ledger.isEnabled else { return }
        let slot = phase.rawValue * Action.allCases.count + action.rawValue
        let account = accounts[slot] ?? open(slot, action, phase)
        ledger.charge(account, joules: joules, busy: busy, count: count)
    }

    /// First charge of an action in a phase: create its ledger account.
    @usableFromInline
    func open(_ slot: Int, _ action: Action, _ phase: Phase) -> Ledger.Account {
        let account = ledger.account(component: component, action: action.name, phase: phase.name)
        accounts[slot] = account
        return account
    }
}
