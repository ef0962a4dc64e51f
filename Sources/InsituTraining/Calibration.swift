import Foundation
import InsituEngine
import InsituHardware
import InsituMapping

/// A published design's table of component power and area at full rate, each row naming the
/// insitu component kinds that model it (none: the row is not modelled).
public struct PublishedTable: Sendable {
    public struct Row: Sendable {
        public var name: String
        /// Component kinds whose energy and area this row covers.
        public var kinds: [String]
        public var powerWatts: Double
        public var areaSquareMetres: Double
        /// Why the row is left out, when `kinds` is empty.
        public var note: String = ""
    }
    public var name: String
    public var source: String
    public var rows: [Row]
    public var totalPowerWatts: Double
    public var totalAreaSquareMetres: Double

    /// One ISAAC tile (Shafiee et al., ISCA 2016, Table "ISAAC parameters", 32 nm, 1.2 GHz):
    /// 12 IMAs (their rows times 12 here) and the tile's own units; the router is shared by
    /// four tiles, so a quarter of it is the tile's. Transcribed as PUMA's and
    /// hwcomponents-library's ISAAC models use it (docs/calibration.md).
    public static let isaacTile = PublishedTable(
        name: "ISAAC tile", source: "Shafiee et al., ISCA 2016, ISAAC parameters table",
        rows: [
            Row(name: "ADC (12 x 8, 8-bit, 1.2 GS/s)", kinds: ["adc"], powerWatts: 12 * 16e-3, areaSquareMetres: 12 * 0.0096e-6),
            Row(name: "DAC (12 x 8 x 128, 1-bit)", kinds: ["dac"], powerWatts: 12 * 4e-3, areaSquareMetres: 12 * 0.00017e-6),
            Row(name: "S+H (12 x 8 x 128)", kinds: ["analog"], powerWatts: 12 * 10e-6, areaSquareMetres: 12 * 0.00004e-6),
            Row(name: "crossbars (12 x 8, 128 x 128)", kinds: ["crossbar"], powerWatts: 12 * 2.4e-3, areaSquareMetres: 12 * 0.0002e-6),
            Row(name: "IMA S+A (12 x 4)", kinds: ["shift-add"], powerWatts: 12 * 0.2e-3, areaSquareMetres: 12 * 0.00024e-6),
            Row(name: "IMA IR (12 x 2 KB)", kinds: ["input-register"], powerWatts: 12 * 1.24e-3, areaSquareMetres: 12 * 0.0021e-6),
            Row(name: "IMA OR (12 x 256 B)", kinds: ["output-register"], powerWatts: 12 * 0.23e-3, areaSquareMetres: 12 * 0.00077e-6),
            Row(name: "eDRAM (64 KB)", kinds: ["buffer"], powerWatts: 20.7e-3, areaSquareMetres: 0.083e-6),
            Row(name: "eDRAM-IMA bus (384 wires)", kinds: ["interconnect"], powerWatts: 7e-3, areaSquareMetres: 0.090e-6),
            Row(name: "router (1/4)", kinds: ["router"], powerWatts: 42e-3 / 4, areaSquareMetres: 0.151e-6 / 4),
            Row(name: "sigmoid, S+A, max-pool", kinds: ["digital"], powerWatts: 0.52e-3 + 0.05e-3 + 0.4e-3,
                areaSquareMetres: 0.0006e-6 + 0.00006e-6 + 0.00024e-6),
            Row(name: "tile OR (3 KB)", kinds: ["result-register"], powerWatts: 1.68e-3, areaSquareMetres: 0.0032e-6),
        ],
        totalPowerWatts: 330e-3, totalAreaSquareMetres: 0.372e-6)

    /// One ISAAC IMA: the IMA rows of `isaacTile` divided by 12 (for a chip of 8 crossbars).
    public static let isaacIMA: PublishedTable = {
        let ima = isaacTile.rows.prefix(7).map { r in
            Row(name: r.name.replacingOccurrences(of: "12 x ", with: ""), kinds: r.kinds, powerWatts: r.powerWatts / 12, areaSquareMetres: r.areaSquareMetres / 12, note: r.note)
        }
        return PublishedTable(name: "ISAAC IMA", source: isaacTile.source, rows: Array(ima),
                              totalPowerWatts: 289e-3 / 12, totalAreaSquareMetres: 0.157e-6 / 12)
    }()
}

/// A full-rate inference workload on a chip, measured as power and area per component kind:
/// random programmed states and random inputs from `seed`, `images` vectors streamed back to
/// back through one layer whose every output then passes the digital unit's activation (an
/// exponential a sum, ISAAC's sigmoid unit), as a hidden layer of a larger network does.
public struct Calibration: Sendable {
    /// How the layer sits on the tiles.
    public enum Workload: String, Sendable, CaseIterable {
        /// A tile's rows of inputs and columns of outputs, copied onto every tile; vectors take
        /// the copies in turn, so every tile reads inputs of its own and its sums leave the chip
        /// (ISAAC's pipeline, which replicates a layer's weights to keep every crossbar busy).
        case replicated
        /// Tiles x rows of inputs split by rows over every tile, the partial sums of an output
        /// joined on the chip: every tile reads inputs of its own, one output vector leaves.
        case split
    }
    /// Per component kind: energy of the run and area.
    public var joulesByKind: [String: Double]
    public var areaByKind: [String: Double]
    /// Simulated time of the run, seconds.
    public var seconds: Double
    public var images: Int
    /// The workload layer's widths.
    public var widths: [Int]

    public func powerWatts(_ kinds: [String]) -> Double { kinds.reduce(0) { $0 + (joulesByKind[$1] ?? 0) } / seconds }
    public func areaSquareMetres(_ kinds: [String]) -> Double { kinds.reduce(0) { $0 + (areaByKind[$1] ?? 0) } }
    public var totalPowerWatts: Double { joulesByKind.values.reduce(0, +) / seconds }
    public var totalAreaSquareMetres: Double { areaByKind.values.reduce(0, +) }

    public static func run(chip given: ChipSpec, workload: Workload = .replicated, images: Int, seed: UInt64) throws -> Calibration {
        precondition(images >= 1)
        var spec = given
        let inputs = spec.tile.rows / spec.cell.rowsPerInput, outputs = spec.tile.columns / spec.cell.columnsPerWeight
        let widths: [Int]
        switch workload {
        case .split:
            widths = [inputs * spec.tile.count, outputs]
        case .replicated:
            guard spec.tile.count <= LayerMapping.maximumCopies else {
                throw LayerMapping.Failure(description: "the replicated workload copies its layer onto every tile, at most \(LayerMapping.maximumCopies) copies, but chip.tile.count is \(spec.tile.count); use fewer tiles or --workload split")
            }
            widths = [inputs, outputs]
            spec.mapping = MappingStrategies.explicit
            spec.placement = (0..<spec.tile.count).map {
                Placement(replica: $0, tile: $0, firstInput: 0, inputs: inputs, firstOutput: 0, outputs: outputs)
            }
        }
        var network = NetworkSpec()
        network.layers = widths
        let chip = try ChipBuilder.chip(spec, network: network, seed: seed)
        var rng = RandomStream(seed: seed, stream: "calibration")
        let range = chip.deviceModel.stateRange
        let states = (0..<(spec.cell.rowsPerInput * widths[0] * spec.cell.deviceColumns(widths[1]))).map { _ in
            Float(range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound))
        }
        try chip.program(targets: [states], phase: .program)
        let levels = Double((1 << UInt64(spec.dac.bits)) - 1)
        let volts = (0..<(images * widths[0])).map { _ in Float((rng.uniform() * levels).rounded() / levels * spec.dac.rangeVolts) }
        let activation = DigitalWork(.exp, widths[1], phase: .test)
        _ = try chip.forward(InputBatch(volts: volts, labels: [Int](repeating: 0, count: images)), phase: .test, perImage: [activation])
        var joules: [String: Double] = [:], area: [String: Double] = [:]
        let kinds = Dictionary(chip.components.components.map { ($0.name, $0.model.kind) }, uniquingKeysWith: { a, _ in a })
        for e in chip.ledger.entries where e.key.phase == Phase.test.name {
            joules[kinds[e.key.component] ?? e.key.component, default: 0] += e.energyQuanta.doubleValue * Ledger.quantumJoules
        }
        for c in chip.components.components { area[c.model.kind, default: 0] += c.model.areaSquareMetres }
        let seconds = Double(chip.phasePicoseconds[Phase.test.rawValue]) * 1e-12
        return Calibration(joulesByKind: joules, areaByKind: area, seconds: seconds, images: images, widths: widths)
    }
}
