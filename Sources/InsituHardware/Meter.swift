import InsituEngine

/// Charges one component's actions to the ledger, with the accounts looked up once.
public final class Meter {
    public let component: String
    public let ledger: Ledger
    private var accounts: [Ledger.Account?]

    public init(component: String, ledger: Ledger) {
        self.component = component
        self.ledger = ledger
        accounts = Array(repeating: nil, count: Phase.allCases.count * Action.allCases.count)
    }

    @inline(__always)
    public func charge(_ action: Action, _ phase: Phase, joules: Double, busy: SimTime = .zero, count: UInt64 = 1) {
        guard ledger.isEnabled else { return }
        let slot = phase.rawValue * Action.allCases.count + action.rawValue
        let account: Ledger.Account
        if let a = accounts[slot] {
            account = a
        } else {
            account = ledger.account(component: component, action: action.name, phase: phase.name)
            accounts[slot] = account
        }
        ledger.charge(account, joules: joules, busy: busy, count: count)
    }
}
