import Foundation
import InsituEngine
import InsituHardware
import InsituTraining

/// The machine-readable report of one run (report.json).
public struct RunReport: Codable {
    /// A value of a model's report entry: a number where it reads as one, else text.
    public enum Value: Codable, Equatable {
        case number(Double), text(String)
        init(_ s: String) { self = Double(s).map { .number($0) } ?? .text(s) }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .number(let x): try c.encode(x)
            case .text(let t): try c.encode(t)
            }
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let x = try? c.decode(Double.self) { self = .number(x) } else { self = .text(try c.decode(String.self)) }
        }
    }

    /// The choices behind the numbers: the device model's own entry and the training's free parameters.
    public struct ModelChoices: Codable {
        /// The device model's report entry (kind, window, R, variation, noise, ...); absent without devices.
        public var device: [String: Value]?
        /// The initial state, its spread and the learning rates: named in volts for a gate
        /// voltage (the 1T1R cell), else in the device's `state_unit` (and its square).
        public var initial_gate_V: Double?
        public var initial_gate_spread_V: Double?
        public var learning_rates_V2: [Double]?
        public var state_unit: String?
        public var initial_state: Double?
        public var initial_state_spread: Double?
        public var learning_rates_per_unit2: [Double]?
        /// The learning rates' step decay (absent when they are constant): the factor, and the training images between decays.
        public var learning_rate_decay: Double?
        public var learning_rate_decay_every: Int?
        public var preprocessing: String
        public var ex_situ_mapping: String?
        /// Choices other than the paper's, each absent at the paper's (ReLU, softmax, pairs, read-back after every update).
        public var hidden_activation: String?
        public var hidden_scale_per_A: Double?
        public var output_activation: String?
        public var cell: String?
        public var readback: String?
    }

    public struct PhaseCost: Codable {
        public var phase: String
        public var neurosim_name: String?
        public var energy_J: String
        public var time_ps: UInt64
        public var busy_ps: UInt64
    }

    public struct ComponentCost: Codable {
        public var component: String
        public var energy_J: String
        public var busy_ps: UInt64
        public var utilisation: Double
        public var kind: String
        public var area_m2: Double
    }

    /// One network layer's share: every action charged to it (0: work of no single layer).
    public struct LayerCost: Codable {
        /// From 1; 0 for leakage, backpropagation and the update rule's arithmetic.
        public var layer: Int
        /// Inputs x outputs of the layer (absent for 0).
        public var shape: [Int]?
        public var energy_J: String
        public var busy_ps: UInt64
        /// Energy by phase, exact decimal joules.
        public var phases: [String: String]
    }

    public struct Costs: Codable {
        public var total_energy_J: String
        public var simulated_time_ps: UInt64
        public var phases: [PhaseCost]
        public var components: [ComponentCost]
        public var layers: [LayerCost]
        /// Area of the accelerator (sum of its components), square metres; 0 where no area is given.
        public var area_m2: Double
        public var set_pulses: UInt64
        public var reset_pulses: UInt64
        public var training_energy_per_image_J: Double
        public var training_latency_per_image_s: Double
        public var training_throughput_images_per_s: Double
        public var training_TOPS_per_W: Double
        public var test_energy_per_image_J: Double
        public var test_latency_per_image_s: Double
        public var inference_TOPS_per_W: Double
        public var energy_per_MAC_J: Double
    }

    /// One evaluation: accuracy, and the energy and simulated time spent up to it.
    public struct Point: Codable {
        public var images: Int
        public var accuracy: Double
        public var energy_J: Double
        public var simulated_s: Double
    }

    /// The report vocabulary (docs/reports.md).
    public var schema_version: Int? = ReportSchema.version
    public var design: String
    public var method: String
    public var network: [Int]
    public var seed: UInt64
    public var data: String
    public var images_trained: Int
    public var updates: Int
    public var test_images: Int
    public var test_accuracy: Double
    public var accuracy_curve: [Point]
    public var minibatch_accuracy: [Double]
    public var devices: Int
    public var stuck_devices: Int
    public var model: ModelChoices
    public var costs: Costs?
    public var events: UInt64
    public var wall_seconds: Double
    /// The design as run: the arch file with `extends:` merged and every override applied.
    public var resolved_design: DesignTree?
    /// The `--set` overrides given, in order.
    public var overrides: [String]?
    /// Per layer of a crossbar chip: values beyond the converters' ranges and clipped activations.
    public var range_counts: [RangeLayer]?
    /// Settings that clip the crossbar chip's operating point (empty: none).
    public var operating_point_warnings: [String]?

    /// One layer's `RangeCounts`.
    public struct RangeLayer: Codable, Equatable {
        public var layer: Int
        public var conversions: UInt64
        public var saturated: UInt64
        public var activations: UInt64
        public var clipped: UInt64
        public var readbacks: UInt64
        public var saturated_readbacks: UInt64
        public var updates: UInt64
        public var clipped_updates: UInt64
    }

    /// A resolved arch tree: values as their text, mappings and lists as JSON objects and arrays.
    public indirect enum DesignTree: Codable, Equatable {
        case text(String), list([DesignTree]), map([String: DesignTree])

        /// From `JSONSerialization` output of a resolved design.
        public init?(json object: Any) {
            if let s = object as? String { self = .text(s); return }
            if let a = object as? [Any] { self = .list(a.compactMap(DesignTree.init(json:))); return }
            if let d = object as? [String: Any] { self = .map(d.compactMapValues(DesignTree.init(json:))); return }
            return nil
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .text(let s): try c.encode(s)
            case .list(let a): try c.encode(a)
            case .map(let d): try c.encode(d)
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .text(s) }
            else if let a = try? c.decode([DesignTree].self) { self = .list(a) }
            else { self = .map(try c.decode([String: DesignTree].self)) }
        }
    }

    public init(run: TrainingRun, design: String) {
        let o = run.outcome
        self.design = design
        method = o.method.rawValue
        network = run.accelerator.widths
        seed = run.training.seed
        data = o.dataSource
        images_trained = o.imagesTrained
        updates = o.updates
        test_images = o.testImages
        test_accuracy = o.finalAccuracy
        accuracy_curve = o.curve.map { Point(images: $0.images, accuracy: $0.accuracy, energy_J: $0.joules,
                                             simulated_s: Double($0.simulatedPicoseconds) * 1e-12) }
        minibatch_accuracy = o.batchAccuracy
        range_counts = run.accelerator.ranges.map { r in
            r.layers.enumerated().map { l, c in
                RangeLayer(layer: l + 1, conversions: c.conversions, saturated: c.saturated, activations: c.activations, clipped: c.clipped,
                           readbacks: c.readbacks, saturated_readbacks: c.saturatedReadbacks, updates: c.updates, clipped_updates: c.clippedUpdates)
            }
        }
        operating_point_warnings = run.acceleratorSpec == nil ? run.chipSpec.operatingPointWarnings : nil
        devices = o.devices
        stuck_devices = o.stuckDevices
        let t = run.training, volts = run.chipSpec.device.model.stateUnit == "V"
        model = ModelChoices(
            device: run.accelerator.census.map { Dictionary($0.model.map { ($0.0, Value($0.1)) }, uniquingKeysWith: { a, _ in a }) },
            initial_gate_V: volts ? t.initialGateVolts : nil, initial_gate_spread_V: volts ? t.initialGateSpreadVolts : nil,
            learning_rates_V2: volts ? t.learningRatesVoltsSquared : nil,
            state_unit: volts ? nil : run.chipSpec.device.model.stateUnit, initial_state: volts ? nil : t.initialGateVolts,
            initial_state_spread: volts ? nil : t.initialGateSpreadVolts, learning_rates_per_unit2: volts ? nil : t.learningRatesVoltsSquared,
            learning_rate_decay: t.learningRateDecay == 1 ? nil : t.learningRateDecay,
            learning_rate_decay_every: t.learningRateDecay == 1 ? nil : t.learningRateDecayEvery,
            preprocessing: "central crop, anti-aliased bicubic (Pillow's) resize, 8-bit, one scale factor to the maximum voltage",
            ex_situ_mapping: o.method == .exSitu ? run.training.exSituMapping.rawValue : nil,
            hidden_activation: run.network.hidden == .relu ? nil : run.network.hidden.rawValue,
            hidden_scale_per_A: run.network.hidden == .relu ? nil : run.network.hiddenScalePerAmp,
            output_activation: run.network.output == .softmax ? nil : run.network.output.rawValue,
            cell: run.chipSpec.cell.hasReference ? "reference" : nil,
            readback: run.training.readback == .everyUpdate ? nil : run.training.readback.rawValue)
        if run.accelerator.isCosted {
            let b = CostBreakdown(run: run)
            let registry = run.accelerator.components
            costs = Costs(
                total_energy_J: Ledger.joulesDecimal(quanta: b.total.energyQuanta),
                simulated_time_ps: b.simulatedTime.picoseconds,
                phases: b.byPhase.map { p in
                    PhaseCost(phase: p.phase, neurosim_name: Phase.allCases.first { $0.name == p.phase }?.neuroSimName,
                              energy_J: Ledger.joulesDecimal(quanta: p.total.energyQuanta), time_ps: b.phaseTime[p.phase] ?? 0,
                              busy_ps: p.total.busyPicoseconds)
                },
                components: b.byComponent.map { c in
                    ComponentCost(component: c.component, energy_J: Ledger.joulesDecimal(quanta: c.total.energyQuanta),
                                  busy_ps: c.total.busyPicoseconds, utilisation: b.utilisation(c.component, c.total),
                                  kind: registry[c.component]?.model.kind ?? "", area_m2: b.area[c.component] ?? 0)
                },
                layers: b.byLayer.map { l in
                    LayerCost(layer: l.layer, shape: b.shape(ofLayer: l.layer).map { [$0.inputs, $0.outputs] },
                                     energy_J: Ledger.joulesDecimal(quanta: l.total.energyQuanta), busy_ps: l.total.busyPicoseconds,
                                     phases: Dictionary(uniqueKeysWithValues: b.byLayerPhase.filter { $0.layer == l.layer }.map {
                                         ($0.phase, Ledger.joulesDecimal(quanta: $0.total.energyQuanta))
                                     }))
                },
                area_m2: b.totalAreaSquareMetres,
                set_pulses: b.setPulses, reset_pulses: b.resetPulses,
                training_energy_per_image_J: b.trainingJoulesPerImage, training_latency_per_image_s: b.trainingSecondsPerImage,
                training_throughput_images_per_s: b.trainingSecondsPerImage > 0 ? 1 / b.trainingSecondsPerImage : 0,
                training_TOPS_per_W: b.trainingTOPSPerWatt, test_energy_per_image_J: b.testJoulesPerImage,
                test_latency_per_image_s: b.testSecondsPerImage, inference_TOPS_per_W: b.inferenceTOPSPerWatt,
                energy_per_MAC_J: b.testJoulesPerMAC)
        }
        events = o.telemetry.eventsProcessed
        wall_seconds = o.wallSeconds
    }

    /// Pretty JSON with sorted keys. Wall time is left out so that the same inputs give the same bytes.
    public func json() throws -> Data {
        var copy = self
        copy.wall_seconds = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(copy)
    }
}
