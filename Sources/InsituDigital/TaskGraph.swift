import InsituEngine
import InsituHardware

/// A segment's work as a graph of tasks on the discrete-event engine. A task becomes ready
/// when every task it depends on has finished; it is then an event at its ready time that
/// takes each resource it uses at the earliest time all of them are free (FIFO, in the
/// order requests are made), holds each for its own duration, charges its energy, and
/// finishes `latency` after the longest hold. So latency comes from contention.
final class TaskGraph: Entity {
    /// One resource a task holds and for how long.
    struct Use {
        var component: Component
        var hold: SimTime
    }
    /// Energy a task charges when it starts.
    struct Charge {
        var component: Component
        var action: ActionID
        var count: UInt64
    }
    struct Task {
        var label: String
        var phase: Phase
        /// The network layer the task serves, from 1; 0 for none.
        var layer: Int
        var uses: [Use]
        var charges: [Charge]
        var latency: SimTime
        var dependencies: [Int]
    }

    let name = "digital-schedule"
    @exclusivity(unchecked) private(set) var tasks: [Task] = []
    @exclusivity(unchecked) private var pending: [Int] = []
    @exclusivity(unchecked) private var readyAt: [SimTime] = []
    @exclusivity(unchecked) private var dependents: [[Int]] = []
    /// When each task started and finished (for tests and traces).
    @exclusivity(unchecked) private(set) var started: [SimTime] = []
    @exclusivity(unchecked) private(set) var finished: [SimTime] = []
    @exclusivity(unchecked) var trace: TraceSink?
    private weak var simulator: Simulator?
    @exclusivity(unchecked) private var id: EntityID?

    /// Adds a task and returns its index; dependencies must already be in the graph.
    @discardableResult
    func add(_ label: String, _ phase: Phase, layer: Int = 0, uses: [Use], charges: [Charge] = [], latency: SimTime = .zero,
             after dependencies: [Int]) -> Int {
        let deps = Array(Set(dependencies.filter { $0 >= 0 })).sorted()
        precondition(deps.allSatisfy { $0 < tasks.count }, "a task depends on one not yet added")
        tasks.append(Task(label: label, phase: phase, layer: layer, uses: uses, charges: charges, latency: latency, dependencies: deps))
        return tasks.count - 1
    }

    /// Index of the last task added (-1 when empty), for chaining.
    var last: Int { tasks.count - 1 }

    func reset() {
        tasks.removeAll(keepingCapacity: true)
    }

    /// Runs every task from `start` and returns when the last finishes.
    func run(on simulator: Simulator, from start: SimTime) throws -> SimTime {
        if id == nil { id = simulator.add(self) }
        self.simulator = simulator
        let n = tasks.count
        pending = tasks.map(\.dependencies.count)
        readyAt = Array(repeating: start, count: n)
        dependents = Array(repeating: [], count: n)
        started = Array(repeating: .zero, count: n)
        finished = Array(repeating: .zero, count: n)
        for (t, task) in tasks.enumerated() { for d in task.dependencies { dependents[d].append(t) } }
        for t in 0..<n where pending[t] == 0 { try simulator.schedule(at: start, to: id!, kind: 0, payload: Int64(t)) }
        try simulator.run()
        return finished.max() ?? start
    }

    func handle(_ event: Event, in simulator: Simulator) throws {
        let t = Int(event.payload)
        let task = tasks[t]
        let now = simulator.now
        var start = now
        for u in task.uses { start = max(start, u.component.resource!.earliestStart(at: now)) }
        var end = start
        var grants: [Resource.Grant] = []
        for u in task.uses {
            let grant = try u.component.resource!.acquire(at: start, for: u.hold)
            end = max(end, grant.end)
            grants.append(grant)
        }
        // Each use's busy time goes with the first charge to its component, so it is counted once.
        var charged: [(component: Component, energy: EnergyQuanta)] = []
        for c in task.charges where c.count > 0 {
            if let i = charged.firstIndex(where: { $0.component === c.component }) {
                charged[i].energy.add(joules: c.component.charge(c.action, task.phase, layer: task.layer, count: c.count))
            } else {
                let busy = task.uses.first { $0.component === c.component }?.hold ?? .zero
                let joules = c.component.charge(c.action, task.phase, layer: task.layer, count: c.count, busy: busy)
                charged.append((c.component, EnergyQuanta(joules: joules)))
            }
        }
        if let trace, trace.isRecording { report(task, grants: grants, charged: charged, at: now, to: trace) }
        let done = try end.adding(task.latency)
        started[t] = start
        finished[t] = done
        for d in dependents[t] {
            readyAt[d] = max(readyAt[d], done)
            pending[d] -= 1
            if pending[d] == 0 { try simulator.schedule(at: readyAt[d], to: event.target, kind: 0, payload: Int64(d)) }
        }
    }

    /// Reports a task to a recording trace: a span per resource it held, carrying the energy
    /// charged to that component; a component charged without holding a resource gets an
    /// instant span at the task's start, so that every charge is in some span.
    private func report(_ task: Task, grants: [Resource.Grant], charged: [(component: Component, energy: EnergyQuanta)],
                        at now: SimTime, to trace: TraceSink) {
        var reported: [ObjectIdentifier] = []
        for (u, grant) in zip(task.uses, grants) where u.hold > .zero {
            let id = ObjectIdentifier(u.component)
            let energy = reported.contains(id) ? EnergyQuanta() : charged.first { $0.component === u.component }?.energy ?? EnergyQuanta()
            reported.append(id)
            trace.record(TraceSpan(component: u.component.name, server: u.component.servers > 1 ? grant.server : nil, action: task.label,
                                   phase: task.phase.name, layer: task.layer, requested: now, start: grant.start, end: grant.end, energy: energy))
        }
        let start = grants.map(\.start).min() ?? now
        for c in charged where !reported.contains(ObjectIdentifier(c.component)) {
            trace.record(TraceSpan(component: c.component.name, action: task.label, phase: task.phase.name, layer: task.layer, requested: now,
                                   start: start, end: start, energy: c.energy))
        }
    }
}
