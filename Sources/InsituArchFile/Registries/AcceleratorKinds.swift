import InsituDigital
import InsituEngine
import InsituTraining

/// How one accelerator kind is read from an arch file: the top-level section that holds it,
/// the keys of that section (and which may be left out), and a decoder.
public struct AcceleratorKindEntry: Sendable {
    public var section: String
    public var keys: [String]
    public var optional: Set<String>
    /// The training method its designs train by (registered as the float line's SGD on it
    /// unless a method of that name is registered already).
    public var method: TrainingSpec.Method
    public var decode: @Sendable (MappingReader) throws -> any AcceleratorSpec

    public init(section: String, keys: [String], optional: Set<String> = [], method: TrainingSpec.Method,
                decode: @escaping @Sendable (MappingReader) throws -> any AcceleratorSpec) {
        self.section = section
        self.keys = keys
        self.optional = optional
        self.method = method
        self.decode = decode
    }
}

/// The accelerators a design may describe in a section of its own beside `chip:` (which then
/// defines the workload it trains). A new kind is one file (its `AcceleratorSpec`, its
/// `WeightStore` and this entry) and one line: `AcceleratorKinds.register(entry)`.
public enum AcceleratorKinds {
    static let registry = Registry<AcceleratorKindEntry>([
        ("digital_chip", AcceleratorKindEntry(section: "digital_chip", keys: DigitalDecoding.keys, method: .digital, decode: DigitalDecoding.chip)),
    ])

    public static func register(_ entry: AcceleratorKindEntry) {
        if TrainingMethods.named(entry.method) == nil { TrainingMethods.register(AcceleratorTraining(name: entry.method)) }
        registry.register(entry.section, entry)
    }

    /// The top-level sections that hold an accelerator.
    public static var sections: [String] { registry.names }

    /// The design's own accelerator, from the one accelerator section `top` holds (nil if none).
    static func decode(_ top: MappingReader) throws -> AnyAcceleratorSpec? {
        let present = sections.filter(top.has)
        guard let section = present.first else { return nil }
        if present.count > 1 {
            throw ArchError(top.value(present[1])?.location ?? top.location,
                            "the design has both '\(present[0])' and '\(present[1])'; a design describes one accelerator of its own",
                            hint: "keep one section, or put each in a design of its own and compare them")
        }
        let entry = registry.entry(section)!
        return AnyAcceleratorSpec(try entry.decode(top.mapping(section, keys: entry.keys, optional: entry.optional)))
    }
}
