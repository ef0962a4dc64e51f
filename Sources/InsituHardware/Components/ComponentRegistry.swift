import InsituEngine

/// Every component of an accelerator, in the order they registered. Drain, leakage,
/// utilisation, area and re-pricing iterate over it, so a new component is counted
/// everywhere by registering once.
public final class ComponentRegistry {
    @exclusivity(unchecked) public private(set) var components: [Component] = []
    @exclusivity(unchecked) private var byName: [String: Int] = [:]
    public let ledger: Ledger
    /// Busy time of each queued component over simulated time, sampled at every segment's end.
    public let timeline = UtilisationTimeline()

    public init(ledger: Ledger) { self.ledger = ledger }

    /// Registers a component; `servers` gives it a FIFO resource of that many servers.
    @discardableResult
    public func register(_ name: String, model: any ComponentModel, servers: Int? = nil) -> Component {
        precondition(byName[name] == nil, "component \(name) registered twice")
        let c = Component(name: name, model: model, servers: servers, ledger: ledger)
        byName[name] = components.count
        components.append(c)
        return c
    }

    public subscript(name: String) -> Component? { byName[name].map { components[$0] } }

    /// The time at which every component's servers are idle.
    public func drainedAt(_ floor: SimTime) -> SimTime {
        var end = floor
        for c in components { if let r = c.resource { end = max(end, r.drainedAt) } }
        return end
    }

    /// Leakage of every component over a segment, charged to `phase`; the segment's busy time
    /// goes to the timeline, and with a recording `trace` the segment's end is reported with
    /// each component's leakage energy.
    public func chargeLeakage(_ phase: Phase, from: SimTime, to: SimTime, trace: TraceSink? = nil) {
        timeline.sample(components, from: from, to: to)
        let seconds = to > from ? Double(to.picoseconds - from.picoseconds) * 1e-12 : 0
        guard let trace, trace.isRecording else {
            for c in components { c.chargeStatic(phase, seconds: seconds, until: to) }
            return
        }
        var leakage: [(component: String, energy: EnergyQuanta)] = []
        for c in components {
            let joules = c.chargeStatic(phase, seconds: seconds, until: to)
            if joules > 0 { leakage.append((c.name, EnergyQuanta(joules: joules))) }
        }
        trace.endSegment(phase: phase.name, start: from, end: max(from, to), leakage: leakage)
    }

    /// Per component, where its gated resource's idle accounting stands (nil when none is gated).
    public var idleState: [[UInt64]]? {
        let states = components.map { $0.resource?.idleState ?? [] }
        return states.allSatisfy(\.isEmpty) ? nil : states
    }

    /// Continues the idle accounting of `idleState` in fresh components; false when it does not fit them.
    public func restoreIdle(_ states: [[UInt64]]?) -> Bool {
        guard let states else { return components.allSatisfy { $0.resource?.idle == nil } }
        guard states.count == components.count else { return false }
        for (c, state) in zip(components, states) {
            if c.resource == nil { if !state.isEmpty { return false } else { continue } }
            if !c.resource!.restoreIdle(state) { return false }
        }
        return true
    }

    /// Total area, square metres.
    public var areaSquareMetres: Double { components.reduce(0) { $0 + $1.model.areaSquareMetres } }

    /// The ledger priced again with other models (by component name), without simulating:
    /// each entry's energy becomes the new price of its action applied to its count and magnitude.
    public func reprice(_ ledger: Ledger, with models: [String: any ComponentModel]) -> Ledger {
        ledger.repriced { e in
            guard let model = models[e.key.component], let p = model.price(named: e.key.action) else { return nil }
            return p.joules(count: e.count, magnitude: e.magnitude)
        }
    }
}
