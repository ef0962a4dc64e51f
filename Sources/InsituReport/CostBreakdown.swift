import InsituEngine
import InsituHardware
import InsituTraining

/// Exact totals of a run's ledger by phase and by component, and the per-image figures.
public struct CostBreakdown {
    public struct Total {
        public var energyQuanta = ExactInteger()
        public var busyPicoseconds: UInt64 = 0
        public var count: UInt64 = 0
        public var joules: Double { energyQuanta.doubleValue * Ledger.quantumJoules }
        mutating func add(_ e: Ledger.Entry) {
            energyQuanta += e.energyQuanta
            busyPicoseconds &+= e.busyPicoseconds
            count &+= e.count
        }
    }

    public var byPhase: [(phase: String, total: Total)] = []
    public var byComponent: [(component: String, total: Total)] = []
    /// Per network layer (from 1; 0 for work that serves no single layer: leakage,
    /// backpropagation and the update rule's arithmetic), in layer order.
    public var byLayer: [(layer: Int, total: Total)] = []
    /// Per layer and phase.
    public var byLayerPhase: [(layer: Int, phase: String, total: Total)] = []
    public var total = Total()
    /// Simulated time per phase (segment spans), picoseconds.
    public var phaseTime: [String: UInt64] = [:]
    public var simulatedTime = SimTime.zero
    /// Pulses by polarity.
    public var setPulses: UInt64 = 0
    public var resetPulses: UInt64 = 0
    /// Whether the accelerator has memristors (and so pulses to report).
    public var hasDevices = false
    /// Servers behind each component (ADCs per tile, write drivers), for utilisation.
    public var servers: [String: Int] = [:]
    /// Area of each component and of the whole accelerator, square metres (0: not given).
    public var area: [String: Double] = [:]
    public var totalAreaSquareMetres = 0.0
    /// Layer widths of the network, inputs first.
    public var widths: [Int] = []
    /// Multiply-accumulates of one forward pass.
    public var forwardMACs = 0
    public var trainingImages = 0
    public var testImages = 0

    public init(run: TrainingRun) {
        let entries = run.ledger.entries
        var phases: [String: Total] = [:], components: [String: Total] = [:], layers: [Int: Total] = [:]
        var layerPhases: [Int: [String: Total]] = [:]
        for e in entries {
            phases[e.key.phase, default: Total()].add(e)
            layers[e.key.layer, default: Total()].add(e)
            layerPhases[e.key.layer, default: [:]][e.key.phase, default: Total()].add(e)
            components[e.key.component, default: Total()].add(e)
            total.add(e)
            if e.key.action == CrossbarModel.set.name { setPulses &+= e.count }
            if e.key.action == CrossbarModel.reset.name { resetPulses &+= e.count }
        }
        byPhase = Phase.allCases.compactMap { p in phases[p.name].map { (p.name, $0) } }
        byComponent = components.keys.sorted(by: Self.naturalOrder).map { ($0, components[$0]!) }
        let layerOrder = layers.keys.sorted { ($0 == 0 ? Int.max : $0) < ($1 == 0 ? Int.max : $1) }
        byLayer = layerOrder.map { ($0, layers[$0]!) }
        byLayerPhase = layerOrder.flatMap { l in
            Phase.allCases.compactMap { p in layerPhases[l]?[p.name].map { (l, p.name, $0) } }
        }
        let accelerator = run.accelerator
        for p in Phase.allCases { phaseTime[p.name] = accelerator.phasePicoseconds[p.rawValue] }
        simulatedTime = accelerator.simulatedTime
        hasDevices = accelerator.census != nil
        for c in accelerator.components.components {
            servers[c.name] = c.servers
            if c.model.occupiesDie { area[c.name] = c.model.areaSquareMetres }
        }
        totalAreaSquareMetres = accelerator.components.areaSquareMetres
        widths = accelerator.widths
        forwardMACs = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        trainingImages = run.outcome.imagesTrained
        // Test images: every evaluation pass over the test set.
        testImages = run.outcome.testImages * (run.outcome.method == .exSitu ? 1 : run.outcome.curve.count)
    }

    /// The tile a component belongs to ("tile3" of "tile3.adc"), or nil for a chip-wide one.
    public static func tile(of component: String) -> Substring? {
        guard component.hasPrefix("tile"), let dot = component.firstIndex(of: ".") else { return nil }
        return component[..<dot]
    }

    /// The number of tiles among `components`' names.
    public static func tileCount<S: Sequence<String>>(_ components: S) -> Int { Set(components.compactMap(tile(of:))).count }

    /// A tile component's name with its tile as "tile*" ("tile*.adc"), for totals or means over
    /// tiles; other names as they are.
    public static func acrossTiles(_ component: String) -> String {
        guard let tile = tile(of: component) else { return component }
        return "tile*" + component[tile.endIndex...]
    }

    /// A network layer for tables and charts: "layer 1 (64x54)", or "no single layer" for 0.
    public func layerName(_ layer: Int) -> String {
        guard layer > 0 else { return "no single layer" }
        return shape(ofLayer: layer).map { "layer \(layer) (\($0.inputs)x\($0.outputs))" } ?? "layer \(layer)"
    }

    /// Inputs and outputs of network layer `layer` (from 1), or nil if there is none.
    public func shape(ofLayer layer: Int) -> (inputs: Int, outputs: Int)? {
        layer > 0 && layer < widths.count ? (widths[layer - 1], widths[layer]) : nil
    }

    /// Names in natural order: digits compare as numbers, so tile2 comes before tile10.
    public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [(String, Int?)] {
            var out: [(String, Int?)] = [], current = "", digits = false
            for c in s {
                if c.isNumber != digits, !current.isEmpty { out.append((current, digits ? Int(current) : nil)); current = "" }
                digits = c.isNumber
                current.append(c)
            }
            if !current.isEmpty { out.append((current, digits ? Int(current) : nil)) }
            return out
        }
        for (x, y) in zip(parts(a), parts(b)) where x.0 != y.0 {
            if let m = x.1, let n = y.1 { return m != n ? m < n : x.0 < y.0 }
            return x.0 < y.0
        }
        return parts(a).count < parts(b).count
    }

    /// Busy time over (simulated time x servers).
    public func utilisation(_ component: String, _ t: Total) -> Double {
        let span = Double(simulatedTime.picoseconds) * Double(servers[component] ?? 1)
        return span > 0 ? Double(t.busyPicoseconds) / span : 0
    }

    func phase(_ name: String) -> Total { byPhase.first { $0.phase == name }?.total ?? Total() }

    /// Energy of training (every phase but test and the one-off programming) per training image.
    public var trainingJoulesPerImage: Double {
        guard trainingImages > 0 else { return 0 }
        let e = ["forward", "backward", "gradient", "update", "readout"].reduce(0.0) { $0 + phase($1).joules }
        return e / Double(trainingImages)
    }

    public var trainingSecondsPerImage: Double {
        guard trainingImages > 0 else { return 0 }
        let t = ["forward", "backward", "gradient", "update", "readout"].reduce(UInt64(0)) { $0 + (phaseTime[$1] ?? 0) }
        return Double(t) * 1e-12 / Double(trainingImages)
    }

    public var testJoulesPerImage: Double { testImages > 0 ? phase("test").joules / Double(testImages) : 0 }
    public var testSecondsPerImage: Double { testImages > 0 ? Double(phaseTime["test"] ?? 0) * 1e-12 / Double(testImages) : 0 }

    /// Inference efficiency: 2 operations per MAC of the forward pass over the test energy per image.
    public var inferenceTOPSPerWatt: Double { testJoulesPerImage > 0 ? 2 * Double(forwardMACs) / testJoulesPerImage / 1e12 : 0 }
    /// Training efficiency: forward, backward and gradient counted as 3 x the forward MACs.
    public var trainingTOPSPerWatt: Double { trainingJoulesPerImage > 0 ? 6 * Double(forwardMACs) / trainingJoulesPerImage / 1e12 : 0 }
    public var testJoulesPerMAC: Double { forwardMACs > 0 ? testJoulesPerImage / Double(forwardMACs) : 0 }
}
