import InsituEngine

/// Any device model as an equatable value, so that a chip's spec can hold a model that an
/// arch file names (any registered kind) and still compare by value.
public struct AnyDeviceModel: Sendable, Equatable {
    public var model: any DeviceModel

    public init(_ model: any DeviceModel) { self.model = model }

    /// The Li 2018 1T1R cell with these parameters.
    public init(gateControlled parameters: DeviceParameters = DeviceParameters()) {
        model = GateControlledDevice(parameters)
    }

    public static func == (a: AnyDeviceModel, b: AnyDeviceModel) -> Bool { sameValue(a.model, b.model) }

}
