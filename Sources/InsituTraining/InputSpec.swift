/// How images become row voltages: the paper's crop, resize and single scale factor.
public struct InputSpec: Sendable, Equatable {
    /// Side of the central crop of the 28 x 28 image (the paper: 20).
    public var cropSide = 20
    /// Side after anti-aliased bicubic resizing (the paper: 8).
    public var side = 8
    /// Voltage of the brightest pixel (the paper: 0.2 V).
    public var maxVolts = 0.2
    public init() {}
}
