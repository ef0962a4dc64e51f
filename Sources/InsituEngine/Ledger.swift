/// Exact totals of energy, busy time and operation counts, keyed by component, action, phase
/// and, where an action belongs to one network layer, that layer.
///
/// Each charge arrives as a Double in joules and is rounded once to the nearest whole number
/// of quanta (1 yJ = 1e-24 J, ties to even); totals are integers (an Int64 fast path that spills into
/// GMP before it could overflow), so they never drift, do not depend on the order of
/// additions, and two ledgers merge into exactly the ledger of the whole run.
///
///     let ledger = Ledger()
///     let read = ledger.account(component: "tile0.array", action: "read", phase: "forward")
///     ledger.charge(read, joules: 3.2e-13, busy: SimTime(picoseconds: 100_000))
public final class Ledger {
    /// Joules per quantum of the exact totals.
    public static let quantumJoules = 1e-24
    /// Decimal places of a joule in one quantum.
    public static let quantumDecimals = 24

    public struct Key: Hashable, Comparable, Sendable, Codable {
        public var component: String
        public var action: String
        public var phase: String
        /// The network layer the action belongs to, from 1; 0 when it serves no single layer
        /// (leakage, the update rule's digital work, backpropagation over all layers).
        public var layer: Int
        public init(component: String, action: String, phase: String, layer: Int = 0) {
            self.component = component
            self.action = action
            self.phase = phase
            self.layer = layer
        }
        public static func < (a: Key, b: Key) -> Bool {
            (a.component, a.action, a.phase, a.layer) < (b.component, b.action, b.phase, b.layer)
        }
    }

    /// A handle to one key's totals, for charging without hashing.
    public struct Account: Hashable, Sendable {
        public let index: Int
        @inlinable init(index: Int) { self.index = index }
    }

    @exclusivity(unchecked) public private(set) var keys: [Key] = []
    @exclusivity(unchecked) private var index: [Key: Int] = [:]
    /// Per account: the Int64 part of its energy, busy time, count and the sum of the charges'
    /// magnitudes (the quantity its price is per unit of: bits, V^2 S, seconds of leakage, ...,
    /// kept so that a run can be priced again), side by side so a charge updates one element.
    struct Totals {
        var pending: Int64 = 0
        var busy: UInt64 = 0
        var count: UInt64 = 0
        var magnitude: Double = 0

        /// Adds a charge; false (energy not added) when `quanta` is nil or would overflow.
        mutating func add(_ quanta: Int64?, busy time: UInt64, count n: UInt64, magnitude m: Double) -> Bool {
            busy &+= time
            count &+= n
            magnitude += m
            guard let quanta, case (let sum, false) = pending.addingReportingOverflow(quanta) else { return false }
            pending = sum
            return true
        }
    }
    @exclusivity(unchecked) var totals: [Totals] = []
    @exclusivity(unchecked) var spilledQuanta: [ExactInteger] = []
    /// When false, `charge` returns at once (to measure what accounting costs).
    public var isEnabled: Bool {
        get { enabled }
        set { enabled = newValue }
    }
    @exclusivity(unchecked) var enabled = true
    /// While true, every charge is also noted in `captured`, so that charges which repeat can
    /// be made again as one sum per account (`charge(_:quanta:busy:count:)`).
    @exclusivity(unchecked) public var isCapturing = false
    @exclusivity(unchecked) public var captured: [Captured] = []

    /// A charge as `captured` notes it: its account, whole quanta (nil above the Int64 path),
    /// busy time, count and magnitude.
    public struct Captured: Sendable {
        public let account: Account
        public let quanta: Int64?
        public let busyPicoseconds: UInt64
        public let count: UInt64
        public let magnitude: Double
    }

    public init() {}

    /// The account for a key, created empty on first use.
    public func account(component: String, action: String, phase: String, layer: Int = 0) -> Account {
        let key = Key(component: component, action: action, phase: phase, layer: layer)
        if let i = index[key] { return Account(index: i) }
        keys.append(key)
        index[key] = keys.count - 1
        totals.append(Totals())
        spilledQuanta.append(ExactInteger())
        return Account(index: keys.count - 1)
    }

    /// Whole quanta nearest to an energy in joules.
    /// Rounds to the nearest quantum, ties to even; nil above the Int64 fast path.
    @inlinable
    public static func quanta(joules: Double) -> Int64? {
        let x = joules * 1e24
        // Below 2^51, adding and subtracting 1.5 x 2^52 rounds without a library call.
        if abs(x) < 2251799813685248.0 { return Int64((x + 6755399441055744.0) - 6755399441055744.0) }
        let q = x.rounded(.toNearestOrEven)
        return abs(q) < 9.0e18 ? Int64(q) : nil
    }

    /// Adds one action's energy (joules, finite and non-negative), busy time, count and magnitude.
    /// Not inlined into other modules: there, every access to the totals would be checked for
    /// exclusivity at run time, which costs more than the call.
    public func charge(_ account: Account, joules: Double, busy time: SimTime = .zero, count: UInt64 = 1, magnitude: Double = 0) {
        guard enabled else { return }
        precondition(joules.isFinite && joules >= 0, "energy must be finite and non-negative")
        let i = account.index
        let quanta = Self.quanta(joules: joules)
        if isCapturing {
            captured.append(Captured(account: account, quanta: quanta, busyPicoseconds: time.picoseconds, count: count, magnitude: magnitude))
        }
        if !totals[i].add(quanta, busy: time.picoseconds, count: count, magnitude: magnitude) {
            spill(i, joules: joules)
        }
    }

    /// Adds charges of no magnitude whose whole quanta, busy times and counts sum to these:
    /// the same totals as charging them one by one (integer sums do not depend on grouping).
    public func charge(_ account: Account, quanta: Int64, busy time: UInt64, count: UInt64) {
        guard enabled else { return }
        let i = account.index
        if !totals[i].add(quanta, busy: time, count: count, magnitude: 0) {
            spilledQuanta[i] += totals[i].pending
            totals[i].pending = quanta
        }
    }

    /// The slow path of `charge`: the pending Int64 total would overflow, or the charge is above ~9 uJ.
    func spill(_ i: Int, joules: Double) {
        if let q = Self.quanta(joules: joules) {
            spilledQuanta[i] += totals[i].pending
            totals[i].pending = q
        } else {
            spilledQuanta[i] += Self.largeQuanta(joules: joules)
        }
    }

    /// Quanta of one charge, exactly as `charge` rounds it, at any size.
    public static func exactQuanta(joules: Double) -> ExactInteger {
        quanta(joules: joules).map { ExactInteger($0) } ?? largeQuanta(joules: joules)
    }

    /// Quanta of a charge too large for the Int64 path (above about 9 uJ), taken from the
    /// shortest decimal that round-trips the Double, so that "2.0" J is exactly 2e24 quanta.
    static func largeQuanta(joules: Double) -> ExactInteger {
        // The decimal's digits as one integer (at most 17 significant ones, so they fit), the
        // digits after its point, and its exponent: value = digits x 10^(exponent - fraction).
        var digits: UInt64 = 0, fraction = 0, exponent = 0, negativeExponent = false
        var inFraction = false, inExponent = false, negative = false
        for c in joules.description.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = Int(c - UInt8(ascii: "0"))
                if inExponent { exponent = exponent * 10 + d } else {
                    digits = digits * 10 + UInt64(d)
                    if inFraction { fraction += 1 }
                }
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): if inExponent { negativeExponent = true } else { negative = true }
            default: break
            }
        }
        // quanta = value x 10^24, the digits below one quantum dropped.
        let shift = (negativeExponent ? -exponent : exponent) - fraction + quantumDecimals
        var whole = digits
        for _ in 0..<min(max(-shift, 0), 20) { whole /= 10 }
        let magnitude = ExactInteger(whole, timesTenToThe: max(shift, 0))
        return negative ? ExactInteger() - magnitude : magnitude
    }

    /// Energy of one account in quanta (1e-24 J).
    public func energyQuanta(_ account: Account) -> ExactInteger {
        spilledQuanta[account.index] + ExactInteger(totals[account.index].pending)
    }

    public func busyPicoseconds(_ account: Account) -> UInt64 { totals[account.index].busy }
    public func count(_ account: Account) -> UInt64 { totals[account.index].count }
    public func magnitude(_ account: Account) -> Double { totals[account.index].magnitude }

    /// The account of a key if it exists.
    public func existing(_ key: Key) -> Account? { index[key].map { Account(index: $0) } }

    /// Sum of all energies in quanta.
    public var totalEnergyQuanta: ExactInteger {
        var total = ExactInteger()
        for i in keys.indices {
            total += spilledQuanta[i]
            total += totals[i].pending
        }
        return total
    }

    /// Adds one entry's totals to its key's account (creating it after the existing ones).
    public func add(_ e: Entry) {
        let i = account(component: e.key.component, action: e.key.action, phase: e.key.phase, layer: e.key.layer).index
        spilledQuanta[i] += e.energyQuanta
        totals[i].busy &+= e.busyPicoseconds
        totals[i].count &+= e.count
        totals[i].magnitude += e.magnitude
    }

    /// Every account in the order it was opened (`entries` may sort them).
    public var entriesInOrder: [Entry] {
        keys.indices.map { i in
            Entry(key: keys[i], energyQuanta: spilledQuanta[i] + ExactInteger(totals[i].pending), busyPicoseconds: totals[i].busy,
                  count: totals[i].count, magnitude: totals[i].magnitude)
        }
    }

    /// Adds another ledger's totals into this one, key by key (exact, order-free).
    public func merge(_ other: Ledger) {
        for (j, key) in other.keys.enumerated() {
            let i = account(component: key.component, action: key.action, phase: key.phase, layer: key.layer).index
            spilledQuanta[i] += other.spilledQuanta[j]
            spilledQuanta[i] += other.totals[j].pending
            totals[i].busy &+= other.totals[j].busy
            totals[i].count &+= other.totals[j].count
            totals[i].magnitude += other.totals[j].magnitude
        }
    }

    /// One key's totals as plain values.
    public struct Entry: Equatable, Sendable {
        public var key: Key
        public var energyQuanta: ExactInteger
        public var busyPicoseconds: UInt64
        public var count: UInt64
        /// Sum of the charges' magnitudes, in the unit of the action's price.
        public var magnitude: Double
        public init(key: Key, energyQuanta: ExactInteger, busyPicoseconds: UInt64, count: UInt64, magnitude: Double = 0) {
            self.key = key
            self.energyQuanta = energyQuanta
            self.busyPicoseconds = busyPicoseconds
            self.count = count
            self.magnitude = magnitude
        }
    }

    /// All entries, sorted by key, so that output does not depend on the order of first use.
    public var entries: [Entry] {
        keys.indices.sorted { keys[$0] < keys[$1] }.map { i in
            Entry(key: keys[i], energyQuanta: spilledQuanta[i] + ExactInteger(totals[i].pending),
                  busyPicoseconds: totals[i].busy, count: totals[i].count, magnitude: totals[i].magnitude)
        }
    }

    /// Builds a ledger from entries (e.g. read back from JSON).
    public convenience init(entries: [Entry]) {
        self.init()
        for e in entries {
            let a = account(component: e.key.component, action: e.key.action, phase: e.key.phase, layer: e.key.layer)
            spilledQuanta[a.index] += e.energyQuanta
            totals[a.index].busy &+= e.busyPicoseconds
            totals[a.index].count &+= e.count
            totals[a.index].magnitude += e.magnitude
        }
    }
}

extension Ledger {
    /// The same counts, busy times and magnitudes with energies from another price list:
    /// `price(key)` gives an entry's new energy from its count and magnitude (nil keeps it).
    /// Prices energy again without simulating again.
    public func repriced(_ price: (Entry) -> Double?) -> Ledger {
        Ledger(entries: entries.map { e in
            var copy = e
            if let joules = price(e) {
                copy.energyQuanta = Self.quanta(joules: joules).map { ExactInteger($0) } ?? Self.largeQuanta(joules: joules)
            }
            return copy
        })
    }
}

extension Ledger: Equatable {
    /// Equal when every key has the same totals.
    public static func == (a: Ledger, b: Ledger) -> Bool { a.entries == b.entries }
}
