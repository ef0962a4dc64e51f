import InsituDevices

/// The state step a device takes per pulse, for the in-situ methods that count a device's
/// steps in whole pulses (mixed precision's threshold, the stochastic update's step per
/// coincidence, Tiki-Taka 2's buffer threshold): `training.device_step` for both directions, or one pulse of each direction
/// (the state range over its levels) for a device that rounds its steps to pulses.
public enum DeviceStep {
    /// The methods that read `training.device_step`.
    public static let methods: [TrainingSpec.Method] = [.mixedPrecision, .stochasticUpdate, .tikiTaka2]

    /// n whole steps of a weight (n > 0 up, n < 0 down) on its cell's devices: the plus device n
    /// steps of its direction's size, the minus device as many the other way, each of that
    /// direction's size (`up` and `down`: one step upward and downward, state units).
    @inline(__always)
    public static func onPair<F: BinaryFloatingPoint>(_ n: F, up: F, down: F) -> (plus: F, minus: F) {
        n > 0 ? (n * up, -n * down) : (n * down, -n * up)
    }

    /// The steps `of` gives, or the method's refusal when there are none.
    public static func required(by method: TrainingSpec.Method, _ device: any DeviceModel, given: Double?) throws -> (up: Double, down: Double) {
        guard let step = of(device, given: given) else {
            throw UpdateRuleMismatch(description: "the \(method.rawValue) method needs training.device_step for a \(device.kind) device (its steps are not whole pulses)")
        }
        return step
    }

    /// The up and down steps, or nil when the device's steps are not whole pulses and none is given.
    public static func of(_ device: any DeviceModel, given: Double?) -> (up: Double, down: Double)? {
        if let given { return (given, given) }
        guard let rounding = device.stepRounding else { return nil }
        let span = device.stateRange.upperBound - device.stateRange.lowerBound
        return (span / Double(rounding.upLevels), span / Double(rounding.downLevels))
    }
}
