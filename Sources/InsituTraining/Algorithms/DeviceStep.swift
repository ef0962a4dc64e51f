import InsituDevices

/// The state step a device takes per pulse, for the in-situ methods that count a device's
/// steps in whole pulses (mixed precision's threshold, the stochastic update's step per
/// coincidence, Tiki-Taka 2's buffer threshold): `training.device_step` for both directions, or one pulse of each direction
/// (the state range over its levels) for a device that rounds its steps to pulses.
public enum DeviceStep {
    /// The methods that read `training.device_step`.
    public static let methods: [TrainingSpec.Method] = [.mixedPrecision, .stochasticUpdate, .tikiTaka2]

    /// The up and down steps, or nil when the device's steps are not whole pulses and none is given.
    public static func of(_ device: any DeviceModel, given: Double?) -> (up: Double, down: Double)? {
        if let given { return (given, given) }
        guard let rounding = device.stepRounding else { return nil }
        let span = device.stateRange.upperBound - device.stateRange.lowerBound
        return (span / Double(rounding.upLevels), span / Double(rounding.downLevels))
    }
}
