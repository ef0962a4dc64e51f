import Foundation
import InsituArchFile
import InsituEngine
import InsituHardware
import InsituTraining

/// A third accelerator kind, defined outside the library: one MAC unit that does every
/// operation of a step one after another (`mac_energy` per multiply-accumulate,
/// `op_energy` per other operation, one operation per `cycle`), holding float weights.
/// An arch file describes it in a `mac_chip:` section beside `chip:`, which defines the workload.
struct MACChipSpec: AcceleratorSpec {
    var macJoules = 1e-12
    var opJoules = 0.5e-12
    var cycle = SimTime(picoseconds: 1_000)
    var leakageWatts = 1e-3
    var areaSquareMetres = 1e-8

    var kind: String { "mac" }
    var method: TrainingSpec.Method { "mac-sgd" }
    var oneLine: String { "one MAC unit" }
    func make(_ workload: Workload, accounting: Bool) throws -> any WeightStore { MACChip(spec: self, workload: workload) }
    func estimatedBytes(network: NetworkSpec, training: TrainingSpec) -> Double { Double(network.weightCount) * 8 }
    func describe(network: NetworkSpec, training: TrainingSpec) -> [String] {
        ["MAC chip: one unit, \(macJoules * 1e12) pJ per MAC, \(opJoules * 1e12) pJ per other operation, \(cycle) each"]
    }

    /// `mac_chip:` with its own keys; designs with it train by `mac-sgd`, the float line's SGD on it.
    static let entry = AcceleratorKindEntry(section: "mac_chip", keys: ["mac_energy", "op_energy", "cycle", "leakage", "area"],
                                            method: "mac-sgd") { r in
        var s = MACChipSpec()
        try r.quantity("mac_energy", .joule, min: 0, max: 1e-6, into: &s.macJoules)
        try r.quantity("op_energy", .joule, min: 0, max: 1e-6, into: &s.opJoules)
        try r.time("cycle", into: &s.cycle)
        try r.quantity("leakage", .watt, min: 0, max: 100, into: &s.leakageWatts)
        try r.quantity("area", .squareMetre, min: 0, max: 1, into: &s.areaSquareMetres)
        return s
    }
}

/// The machine: the float network for the arithmetic, one event-engine resource for the unit.
final class MACChip: WeightStore {
    struct UnitModel: ComponentModel {
        static let mac = ActionID(0, "mac")
        static let op = ActionID(1, "op")
        let spec: MACChipSpec
        var kind: String { "mac-unit" }
        var actions: [ActionID] { [Self.mac, Self.op] }
        func price(_ action: ActionID) -> ActionPrice {
            ActionPrice(joulesPerEvent: action.index == Self.mac.index ? spec.macJoules : spec.opJoules)
        }
        var leakageWatts: Double { spec.leakageWatts }
        var areaSquareMetres: Double { spec.areaSquareMetres }
    }

    let spec: MACChipSpec
    let software: SoftwareNetwork
    let ledger = Ledger()
    let components: ComponentRegistry
    let unit: Component
    var trace: TraceSink?
    private(set) var simulatedTime = SimTime.zero
    private(set) var phasePicoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)
    let simulator = Simulator()

    init(spec: MACChipSpec, workload: Workload) {
        self.spec = spec
        software = SoftwareNetwork(widths: workload.widths, activation: workload.activation, weights: workload.initialWeights)
        components = ComponentRegistry(ledger: ledger)
        unit = components.register("mac", model: UnitModel(spec: spec), servers: 1)
    }

    var widths: [Int] { software.widths }
    var telemetry: Telemetry { simulator.telemetry }
    var isCosted: Bool { true }
    var census: DeviceCensus? { nil }
    var backpropWeights: [[Float]] { software.weights }

    func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass {
        let macs = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        let forward = [DigitalWork(.mac, macs, phase: phase)]
        try run(Array(repeating: forward + perImage, count: batch.count).flatMap { $0 }, phase: phase)
        return try software.forward(batch, phase: phase, perImage: [])
    }

    func store(_ weights: [[Float]], phase: Phase, after work: [DigitalWork]) throws {
        try run(work, phase: phase)
        try software.store(weights, phase: phase, after: work)
    }

    /// Every operation on the one unit, back to back, charged to the phase its work names.
    private func run(_ work: [DigitalWork], phase: Phase) throws {
        let start = simulatedTime
        var at = start
        for w in work where w.count > 0 {
            let busy = try spec.cycle.multiplied(by: UInt64(w.count))
            let grant = try unit.resource!.acquire(at: at, for: busy)
            unit.charge(w.operation == .mac ? UnitModel.mac : UnitModel.op, w.phase, count: UInt64(w.count), busy: busy)
            at = grant.end
        }
        components.chargeLeakage(phase, from: start, to: at)
        phasePicoseconds[phase.rawValue] += at.picoseconds - start.picoseconds
        simulatedTime = at
    }
}
