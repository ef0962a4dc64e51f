/// An exact energy in ledger quanta (1e-24 J), summed from charges in joules exactly as the
/// ledger rounds them (each charge to the nearest quantum): an Int64 while it fits, GMP beyond.
/// Traces carry it so that a window's spans add up to the ledger to the quantum.
public struct EnergyQuanta: Sendable, Equatable {
    private var small: Int64 = 0
    private var large: ExactInteger?

    public init() {}

    public init(joules: Double) { add(joules: joules) }

    public init(_ exact: ExactInteger) { large = exact }

    /// Adds one charge, rounded to quanta the way `Ledger.charge` rounds it.
    public mutating func add(joules: Double) {
        if let q = Ledger.quanta(joules: joules), case (let sum, false) = small.addingReportingOverflow(q) {
            small = sum
        } else {
            add(Ledger.exactQuanta(joules: joules))
        }
    }

    public mutating func add(_ other: EnergyQuanta) {
        if other.large == nil, case (let sum, false) = small.addingReportingOverflow(other.small) {
            small = sum
        } else {
            add(other.exact)
        }
    }

    private mutating func add(_ exact: ExactInteger) {
        var total = large ?? ExactInteger()
        total += exact
        total += small
        large = total
        small = 0
    }

    /// The whole sum.
    public var exact: ExactInteger { (large ?? ExactInteger()) + ExactInteger(small) }

    /// The sum when it fits an Int64 (nearly always: up to 9.2 uJ).
    public var int64: Int64? { large == nil ? small : nil }

    public var isZero: Bool { large == nil ? small == 0 : exact == ExactInteger() }

    public var joules: Double { (large == nil ? Double(small) : exact.doubleValue) * Ledger.quantumJoules }

    /// Shares proportional to `weights` (non-negative, not all zero) that add up exactly to
    /// this energy: each share is rounded down and the remainder goes to the first share.
    public func split(_ weights: [Int]) -> [EnergyQuanta] {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "split weights must be non-negative with a positive sum")
        if let whole = int64, whole >= 0 {
            var shares = weights.map { w -> Int64 in
                let (hi, lo) = whole.multipliedFullWidth(by: Int64(w))
                return Int64(total).dividingFullWidth((hi, lo)).quotient
            }
            shares[0] += whole - shares.reduce(0, +)
            return shares.map { var e = EnergyQuanta(); e.small = $0; return e }
        }
        let whole = exact
        var shares = weights.map { whole * ExactInteger(Int64($0)) / ExactInteger(Int64(total)) }
        var rest = whole
        for s in shares { rest -= s }
        shares[0] += rest
        return shares.map(EnergyQuanta.init)
    }
}
