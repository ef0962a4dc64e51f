import InsituDevices
import InsituEngine

/// How one device model is read from `chip.device`: its name there (`model:`), the keys its
/// section holds beside `model`, and a decoder that checks them and makes the model.
public struct DeviceModelEntry: Sendable {
    public var name: String
    public var keys: [String]
    /// Keys the section may leave out.
    public var optional: Set<String>
    public var decode: @Sendable (MappingReader) throws -> any DeviceModel

    public init(name: String, keys: [String], optional: Set<String> = [],
                decode: @escaping @Sendable (MappingReader) throws -> any DeviceModel) {
        self.name = name
        self.keys = keys
        self.optional = optional
        self.decode = decode
    }
}

/// The device models an arch file may name in `chip.device.model`. A new model is one file
/// (its `DeviceModel` and its `DeviceModelEntry`) and one line: `DeviceModels.register(entry)`.
public enum DeviceModels {
    static let registry = Registry<DeviceModelEntry>([
        (GateControlledDecoding.gateControlled.name, GateControlledDecoding.gateControlled),
        (GateControlledDecoding.ideal.name, GateControlledDecoding.ideal),
        (PulsedDecoding.entry.name, PulsedDecoding.entry),
    ])

    /// Makes `entry.name` a model arch files may name.
    public static func register(_ entry: DeviceModelEntry) { registry.register(entry.name, entry) }

    /// Names of the registered models.
    public static var names: [String] { registry.names }

    /// Decodes `parent`'s `key` section: reads `model` first, then lets that model's entry
    /// read the rest against its own keys.
    static func decode(_ parent: MappingReader, key: String) throws -> AnyDeviceModel {
        let path = MappingReader.join(parent.path, key)
        guard let section = parent.value(key) else {
            throw ArchError(parent.location, "missing key '\(path)' in '\(parent.path)'", hint: "add '\(key):' with 'model:' and its keys")
        }
        let entry = registry.entry(try MappingReader.selector("model", of: section, path: path, among: names))!
        let reader = try MappingReader(section, path: path, keys: ["model"] + entry.keys, optional: entry.optional)
        return AnyDeviceModel(try entry.decode(reader))
    }
}
