import Foundation
import Testing
import InsituDevices
import InsituEngine
import InsituHardware
import InsituReport
import InsituTraining

/// A device with no gate: its state is a pulse level 0...15; each level is 40 uS above the
/// last from 100 uS; going up takes one SET, going down one RESET to 0 then a SET. Defined
/// here, outside the devices target, to show the seam is real.
struct LevelDevice: DeviceModel {
    var kind: String { "level" }
    var stateUnit: String { "level" }
    var stateRange: ClosedRange<Double> { 0...15 }
    var freshState: Float { -1 }
    var windowMinSiemens: Double { 100e-6 }
    var windowMaxSiemens: Double { 100e-6 + 15 * 40e-6 }
    var slopeSiemensPerState: Double { 40e-6 }
    func state(forConductance siemens: Double) -> Double { min(max(((siemens - 100e-6) / 40e-6).rounded(), 0), 15) }
    var readNoise: Double { 0 }
    var setPulse: SimTime { SimTime(picoseconds: 20_000) }
    var resetPulse: SimTime { SimTime(picoseconds: 30_000) }
    var setJoulesPerSiemens: Double { 1e-9 }
    var resetJoulesPerSiemens: Double { 2e-9 }
    func fresh(count: Int, rng: inout RandomStream) -> DeviceArray.Fresh { DeviceArray.Fresh(count: count, conductance: 1e-6) }
    func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                 rng: inout RandomStream) -> Pulses {
        var p = Pulses()
        let level = new.rounded()
        if level == old.rounded() { return p }
        if level < old {
            p.resets = 1
            p.resetFromSiemens = Double(g)
        }
        p.sets = 1
        g = Float(100e-6 + 40e-6 * Double(level))
        p.setToSiemens = Double(g)
        return p
    }
    var reportEntry: [(String, String)] { [("model", kind), ("levels", "16")] }
}

/// A toy accelerator outside the hardware target: float weights, one MAC unit component
/// priced at 1 pJ per MAC, one event per image on the engine, 1 ns per MAC.
final class ToyAccelerator: WeightStore {
    struct MACModel: ComponentModel {
        static let mac = ActionID(0, "mac")
        var kind: String { "toy-mac" }
        var actions: [ActionID] { [Self.mac] }
        func price(_ action: ActionID) -> ActionPrice { ActionPrice(joulesPerEvent: 1e-12) }
        var leakageWatts: Double { 1e-3 }
        var areaSquareMetres: Double { 1e-9 }
    }

    let widths: [Int]
    let ledger = Ledger()
    let components: ComponentRegistry
    let unit: Component
    let software: SoftwareNetwork
    var trace: TraceSink?
    private(set) var simulatedTime = SimTime.zero
    private(set) var phasePicoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)
    let simulator = Simulator()

    init(widths: [Int], activation: Activation) {
        self.widths = widths
        components = ComponentRegistry(ledger: ledger)
        unit = components.register("toy.mac", model: MACModel(), servers: 1)
        software = SoftwareNetwork(widths: widths, activation: activation,
                                   weights: zip(widths, widths.dropFirst()).map { [Float](repeating: 1e-5, count: $0 * $1) })
    }

    var telemetry: Telemetry { simulator.telemetry }
    var isCosted: Bool { true }
    var census: DeviceCensus? { nil }
    var backpropWeights: [[Float]] { software.weights }
    var macsPerImage: Int { zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Each image's MACs occupy the unit for 1 ns each, one image after another.
    func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass {
        let pass = try software.forward(batch, phase: phase, perImage: [])
        let macs = macsPerImage + perImage.filter { $0.operation == .mac }.reduce(0) { $0 + $1.count }
        let start = simulatedTime
        for _ in 0..<batch.count {
            let grant = try unit.resource!.acquire(at: start, for: SimTime(picoseconds: UInt64(1_000 * macs)))
            unit.charge(MACModel.mac, phase, count: UInt64(macs), busy: SimTime(picoseconds: grant.end.picoseconds - grant.start.picoseconds))
        }
        let end = unit.resource!.drainedAt
        components.chargeLeakage(phase, from: start, to: end)
        phasePicoseconds[phase.rawValue] += end.picoseconds - start.picoseconds
        simulatedTime = end
        return pass
    }

    func store(_ weights: [[Float]], phase: Phase, after work: [DigitalWork]) throws {
        try software.store(weights, phase: phase, after: work)
    }
}

/// Two classes of 2 x 2 images: bright left column or bright right column.
func stripes(_ n: Int) -> Dataset {
    var pixels: [UInt8] = [], labels: [UInt8] = []
    for k in 0..<n {
        let label = UInt8(k % 2), noise = UInt8(k * 37 % 40)
        pixels += label == 0 ? [200 + noise / 2, noise, 210, noise / 2] : [noise, 200 + noise / 2, noise / 2, 210]
        labels.append(label)
    }
    return Dataset(side: 2, pixels: pixels, labels: labels)
}

@Suite struct SeamTests {
    static let data = TrainingData(split: DataSplit(train: stripes(200), test: stripes(50), source: "stripes"), maxVolts: 0.2)
    static var training: TrainingSpec {
        var t = TrainingSpec()
        t.batchSize = 10
        t.images = 200
        t.evaluationInterval = 100
        t.learningRatesVoltsSquared = [0.5]
        t.initialGateSpreadVolts = 0.05
        return t
    }

    /// The toy accelerator trains through the ordinary loop and is reported like the chip.
    @Test func toyAcceleratorRunsThroughTrainingAndReports() throws {
        let activation = Activation(gain: 200, clip: 0.2, outputScalePerAmp: 5e5)
        let toy = ToyAccelerator(widths: [4, 2], activation: activation)
        var outcome = TrainingOutcome(method: .float)
        let loop = TrainingLoop(accelerator: toy, training: Self.training, activation: activation,
                                rule: SGDUpdate(steps: [2 * 0.5 * 1e-4 * 1e-4]))
        try loop.run(on: Self.data, into: &outcome)
        try outcome.finish(testing: toy, on: Self.data, since: Date())
        #expect(outcome.finalAccuracy == 1.0)
        let run = TrainingRun(chipSpec: ChipSpec(), network: NetworkSpec(), training: Self.training, outcome: outcome, accelerator: toy)
        let costs = CostBreakdown(run: run)
        // Training: 200 images x (8 forward MACs + the backward and gradient MACs the loop asked for).
        let backwardMACs = Backprop.work(widths: [4, 2]).filter { $0.operation == .mac }.reduce(0) { $0 + $1.count }
        let trainingMACs = 200 * (8 + backwardMACs)
        // Tests: 2 evaluations of 50 images, 8 MACs each.
        let testMACs = 2 * 50 * 8
        let dynamic = Double(trainingMACs + testMACs) * 1e-12
        let seconds = Double(trainingMACs + testMACs) * 1e-9
        #expect(abs(costs.total.joules - (dynamic + 1e-3 * seconds)) < 1e-18)
        #expect(costs.totalAreaSquareMetres == 1e-9)
        #expect(costs.simulatedTime.picoseconds == UInt64(1_000 * (trainingMACs + testMACs)))
        let report = try RunReport(run: run, design: "toy").json()
        let text = String(decoding: report, as: UTF8.self)
        #expect(text.contains("\"toy.mac\"") && text.contains("\"toy-mac\""))
        #expect(RunSummary.text(run, design: "toy").contains("test accuracy: 100.00%"))
    }

    /// A device model defined outside the devices target trains in situ on the chip and is reported.
    @Test func toyDeviceTrainsInSitu() throws {
        var spec = ChipSpec()
        spec.tile.rows = 8
        spec.tile.columns = 2
        spec.tia.outputGainVoltsPerAmp = 2_000
        var network = NetworkSpec()
        network.layers = [4, 2]
        let chip = try ChipBuilder.chip(spec, network: network, seed: 1, device: LevelDevice())
        var t = Self.training
        t.initialGateVolts = 7
        t.initialGateSpreadVolts = 2
        t.learningRatesVoltsSquared = [0.3]
        let outcome = try InSituTraining.run(on: chip, training: t, activation: Activation(chip: spec, network: network),
                                             data: Self.data)
        #expect(outcome.finalAccuracy >= 0.9)
        // Every state the controller remembers is a level the model allows.
        #expect(chip.states.joined().allSatisfy { $0 >= 0 && $0 <= 15 })
        let run = TrainingRun(chipSpec: spec, network: network, training: t, outcome: outcome, accelerator: chip)
        let text = String(decoding: try RunReport(run: run, design: "levels").json(), as: UTF8.self)
        #expect(text.contains("\"levels\" : 16") || text.contains("\"levels\":16"))
        #expect(CostBreakdown(run: run).setPulses > 0)
    }
}
