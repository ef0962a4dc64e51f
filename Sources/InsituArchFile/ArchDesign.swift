import Foundation
import InsituHardware
import InsituMapping
import InsituTraining

/// Everything an arch file describes: the chip, the network it trains, how it trains, its inputs.
public struct ArchDesign: Sendable, Equatable {
    public var name = "design"
    public var summary = ""
    /// The crossbar chip; for a digital design, the chip whose float line it trains (its
    /// TIAs and devices define the activation, initial weights and SGD step).
    public var chip = ChipSpec()
    /// The design's own accelerator (a `digital_chip` section: a digital baseline), nil for a crossbar design.
    public var accelerator: AnyAcceleratorSpec?
    public var network = NetworkSpec()
    public var training = TrainingSpec()
    public var input = InputSpec()
    public init() {}

    /// Loads `path` (following `extends:`), applies `--set` overrides, and decodes and
    /// validates the result. Every problem is an `ArchError` naming file, line and column.
    public static func load(path: String, overrides: [String] = []) throws -> ArchDesign {
        let tree = try ArchLoader.applying(overrides: overrides, to: ArchLoader.load(path: path))
        return try decode(tree)
    }

    /// `load(path:overrides:)` and the resolved design as JSON (what report.json records),
    /// from one reading of the files.
    public static func loadResolved(path: String, overrides: [String] = []) throws -> (design: ArchDesign, resolvedJSON: Data) {
        let tree = try ArchLoader.applying(overrides: overrides, to: ArchLoader.load(path: path))
        return (try decode(tree), try resolvedJSON(tree))
    }

    /// Decodes a merged tree.
    public static func decode(_ tree: ArchValue) throws -> ArchDesign {
        // A top-level `device: NAME` swaps in a device of the library (DeviceLibrary).
        let tree = try DeviceLibrary.resolve(tree)
        let top = try MappingReader(tree, path: "", keys: ["name", "description", "extends", "chip", "network", "training", "input"]
                                        + AcceleratorKinds.sections,
                                    optional: Set(["description", "extends"] + AcceleratorKinds.sections))
        var design = ArchDesign()
        try top.string("name", into: &design.name)
        try top.string("description", into: &design.summary)
        design.chip = try ChipDecoding.chip(top.mapping("chip", keys: ChipDecoding.chipKeys, optional: ChipDecoding.optionalChipKeys))
        design.chip.name = design.name
        design.network = try TrainingDecoding.network(top.mapping("network", keys: TrainingDecoding.networkKeys,
                                                                  optional: TrainingDecoding.optionalNetworkKeys))
        design.training = try TrainingDecoding.training(top.mapping("training", keys: TrainingDecoding.trainingKeys,
                                                                    optional: TrainingDecoding.optionalTrainingKeys),
                                                        layers: design.network.layers.count - 1, stateUnit: design.chip.device.model.stateUnit)
        design.input = try TrainingDecoding.input(top.mapping("input", keys: ["crop", "side", "max_voltage"]))
        if let own = try AcceleratorKinds.decode(top) {
            // A design with its own accelerator trains only one way: that accelerator's method.
            design.accelerator = own
            design.training.method = own.spec.method
        } else if let problem = TrainingMethods.mismatch(design.training.method, own: nil, sections: AcceleratorKinds.sections) {
            throw ArchError(top.value("training")?.location ?? top.location, "training.method: \(problem)",
                            hint: "see arch/digital-32nm.yaml, or choose in-situ, ex-situ or float")
        }
        try crossCheck(design, top)
        return design
    }

    /// Memory a run of this design needs, bytes, estimated from its sizes before anything is
    /// allocated: per device (conductance, state, fault, factor, weight mirrors, read-back),
    /// per mapped block and tile, per image of a batch and of a test chunk.
    public var estimatedBytes: Double {
        if let accelerator { return accelerator.spec.estimatedBytes(network: network, training: training) }
        let widths = network.layers.map(Double.init)
        let weights = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 }
        let units = widths.reduce(0, +)
        let images = Double(max(training.batchSize, 500))
        let rows = Double(max(chip.tile.rows / 2, 1)), columns = Double(max(chip.tile.columns, 1))
        let blocks = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + ($1.0 / rows).rounded(.up) * ($1.1 / columns).rounded(.up) }
        // Two devices a weight (a pair), or a sliced weight's columns.
        let devicesPerWeight = Double(chip.cell.isSliced ? chip.cell.columnsPerWeight : 2)
        return weights * devicesPerWeight * 26 + blocks * 2_000 + images * units * 24
    }

    /// What the crossbar chip stores must fit where its gradient dataflow keeps it: every
    /// accumulator in the register file for `registers`, and the batch's words in a buffer of
    /// given capacity.
    private static func memoryCheck(_ d: ArchDesign, _ top: MappingReader) throws {
        let widths = d.network.layers, digital = d.chip.digital, weights = d.network.weightCount
        let chipKey = { (section: String, key: String) in location(top, "chip", [section, key]) }
        if digital.gradientDataflow == .registers && weights > digital.accumulatorRegisters {
            throw ArchError(chipKey("digital", "accumulator_registers"),
                            "'chip.digital.gradient_dataflow: registers' keeps all \(weights) gradient accumulators in the register file, which has \(digital.accumulatorRegisters) words",
                            hint: "raise chip.digital.accumulator_registers to at least \(weights), or choose gradient_dataflow: batch or buffer")
        }
        let buffer = d.chip.buffer
        guard buffer.capacityBytes > 0 else { return }
        let words = digital.gradientDataflow.bufferWords(widths: widths, images: d.training.batchSize)
        let bytes = Double(words * buffer.wordBits) / 8
        if bytes > buffer.capacityBytes {
            throw ArchError(chipKey("buffer", "capacity"),
                            String(format: "the buffer holds %.0f B, but training stores %d words of %d bits (%.0f B: a batch's inputs and activations, read-back weights, gate states%@)",
                                   buffer.capacityBytes, words, buffer.wordBits, bytes,
                                   digital.gradientDataflow == .registers ? "" : ", the gradient" + (digital.gradientDataflow == .batch ? " and each image's errors" : "")),
                            hint: "raise chip.buffer.capacity to at least \(Int(bytes.rounded(.up))) B, or use a smaller batch or word width")
        }
    }

    /// Where the value at `section.` + `path` is written, or the nearest mapping above it that
    /// is (the file's top when there is no such section).
    private static func location(_ top: MappingReader, _ section: String, _ path: [String]) -> SourceLocation {
        guard var value = top.value(section) else { return top.location }
        for key in path {
            guard let next = entry(value, key) else { break }
            value = next
        }
        return value.location
    }

    /// The value of `key` in the mapping `value`, if it is written there.
    private static func entry(_ value: ArchValue, _ key: String) -> ArchValue? {
        guard case .mapping(let entries, _) = value else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// What keeps a design's training settings from its training method, or nil: the key under
    /// `training` it concerns, the message and a fix. `training.device_step` belongs to the
    /// methods that count pulses (`DeviceStep`), which need it unless the device's steps are
    /// whole pulses; `pulse_train_length` and a batch of one to the stochastic update; the
    /// `transfer_` keys to Tiki-Taka (`written` says which of them a file gives, to name it).
    public static func methodProblem(_ d: ArchDesign, written: (String) -> Bool = { _ in false }) -> (key: String, message: String, hint: String)? {
        let method = d.training.method, device = d.chip.device.model
        let names = DeviceStep.methods.map(\.rawValue).joined(separator: " and ")
        if !DeviceStep.methods.contains(method) {
            if d.training.deviceStep != nil {
                return ("device_step", "training.device_step is the step per pulse of the \(names) methods, but training.method is \(method.rawValue)",
                        "drop device_step, or set 'training.method' to one of \(names)")
            }
        } else if DeviceStep.of(device, given: d.training.deviceStep) == nil {
            return ("device_step", "the \(method.rawValue) method needs training.device_step: a \(device.kind) device's steps are not whole pulses",
                    "give the state step a device takes per pulse, e.g. 'device_step: 0.01 \(device.stateUnit)'")
        }
        if method == .stochasticUpdate && d.training.batchSize != 1 {
            return ("batch", "the stochastic-update method updates from one image's outer product, but training.batch is \(d.training.batchSize)",
                    "set 'training.batch: 1'")
        }
        if method != .tikiTaka && method != .tikiTaka2, d.training.transfer != nil {
            let given = TrainingDecoding.transferKeys.first(where: written) ?? "transfer_*"
            return (given, "training.\(given) is a Tiki-Taka transfer setting, but training.method is \(method.rawValue)",
                    "drop the transfer_ keys, or set 'training.method' to tiki-taka or tiki-taka-2")
        }
        if method != .stochasticUpdate, d.training.pulseTrainLength != nil {
            return ("pulse_train_length", "training.pulse_train_length is the stochastic-update method's train length, but training.method is \(method.rawValue)",
                    "drop pulse_train_length, or set 'training.method: stochastic-update'")
        }
        return nil
    }

    /// Checks that involve more than one key.
    private static func crossCheck(_ d: ArchDesign, _ top: MappingReader) throws {
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        if d.estimatedBytes > available / 2 {
            throw ArchError(top.value("network")?.location ?? top.location,
                            String(format: "the design needs about %.1f GiB of memory to simulate; this machine has %.1f GiB", d.estimatedBytes / 1_073_741_824, available / 1_073_741_824),
                            hint: "use a smaller network, or larger tiles (fewer blocks)")
        }
        let inputs = d.input.side * d.input.side
        if d.network.layers.first != inputs {
            throw ArchError(top.value("network")?.location ?? top.location,
                            "network.layers starts with \(d.network.layers.first ?? 0) inputs, but input.side \(d.input.side) gives \(inputs)",
                            hint: "make the first layer \(inputs) or change input.side")
        }
        let training = top.value("training")
        if let problem = methodProblem(d, written: { key in training.flatMap { entry($0, key) } != nil }) {
            throw ArchError(location(top, "training", [problem.key]), problem.message, hint: problem.hint)
        }
        if d.network.hidden == .sigmoid {
            let at = location(top, "network", ["hidden"])
            if let own = d.accelerator {
                throw ArchError(at, "'network.hidden: sigmoid' runs on the crossbar chip's digital unit; the \(own.spec.kind) accelerator's hidden layers are ReLUs",
                                hint: "use 'network.hidden: relu' with this accelerator")
            }
            if d.chip.interlayer == .analog {
                throw ArchError(at, "'network.hidden: sigmoid' is computed on the digital unit after the ADC, but chip.interlayer is analog (the TIA's ReLU drives the next layer)",
                                hint: "set 'chip.interlayer: digital', or use 'network.hidden: relu'")
            }
        }
        if d.accelerator == nil && d.chip.cell.isSliced && d.training.method != .exSitu {
            throw ArchError(location(top, "chip", ["slicing"]),
                            "'chip.slicing' holds each weight in several cells' levels, programmed once; training.method \(d.training.method.rawValue) updates weights on the chip, which would need carries between the slices",
                            hint: "set 'training.method: ex-situ', or drop chip.slicing")
        }
        if d.accelerator == nil {
            do {
                // Tiki-Taka trains on its own four-row cells: the chip must hold those.
                var mapped = d.chip
                let twoArrays = d.training.method == .tikiTaka || d.training.method == .tikiTaka2
                if twoArrays { mapped.cell = TikiTakaUpdate.cell(gamma: (d.training.transfer ?? TransferSpec()).gamma) }
                let placements = try MappingStrategies.placements(chip: mapped, widths: d.network.layers)
                let tiles = Set(placements.1.joined().map(\.tile)).count
                if d.chip.controller.writeDrivers > tiles {
                    throw ArchError(location(top, "chip", ["controller", "write_drivers"]),
                                    "'chip.controller.write_drivers' is \(d.chip.controller.writeDrivers), but only \(tiles) tile(s) hold the network, and a tile programs one row at a time (its gate voltages are set per column for the row being programmed)",
                                    hint: "use at most \(tiles) write driver(s), or spread the network over more tiles")
                }
            } catch let failure as LayerMapping.Failure {
                let at = d.chip.mapping == MappingStrategies.explicit ? "placement" : "tile"
                let cells = d.training.method == .tikiTaka || d.training.method == .tikiTaka2 ? " in Tiki-Taka's four-row cells (two device pairs per weight)" : ""
                throw ArchError(location(top, "chip", [at]), "the network\(cells) does not fit the chip: \(failure.description)",
                                hint: at == "placement" ? "fix the block in chip.placement: every weight in one block, blocks inside their tiles and apart"
                                    : "raise chip.tile.count, enlarge the tiles, or choose another chip.mapping")
            }
        }
        if d.accelerator == nil { try memoryCheck(d, top) }
        if d.input.cropSide < d.input.side {
            throw ArchError(top.location, "input.crop (\(d.input.cropSide)) must be at least input.side (\(d.input.side))")
        }
    }
}
