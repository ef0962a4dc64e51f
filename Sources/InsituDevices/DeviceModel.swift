import InsituEngine

/// The physics of one kind of memristor device: which state programming aims at (a gate
/// voltage, a pulse level), what conductance a pulse leaves, limits, faults, variation and
/// read noise. The unit cell above it (a differential pair) and the update rule above that
/// see only this protocol; `GateControlledDevice` (Li et al. 2018) and `IdealDevice` conform.
/// A model is a value: two models are equal when they program and read alike.
public protocol DeviceModel: Sendable, Equatable {
    /// Name in arch files and reports ("gate-controlled").
    var kind: String { get }
    /// Unit of the programmed state, for reports ("V" for a gate voltage).
    var stateUnit: String { get }
    /// States programming may aim at; the update rule clips to it when `clipsTargets`.
    var stateRange: ClosedRange<Double> { get }
    /// Whether an update's targets are clipped to `stateRange` before programming (true), or
    /// handed over as steps that the device itself saturates (a pulse count from the step).
    var clipsTargets: Bool { get }
    /// State a fresh device is remembered at before its first programming.
    var freshState: Float { get }
    /// Programmable conductance window, siemens: the nominal conductance at the ends of `stateRange`.
    var windowMinSiemens: Double { get }
    var windowMaxSiemens: Double { get }
    /// d G / d state inside the window (nominal), siemens per state unit.
    var slopeSiemensPerState: Double { get }
    /// The state whose nominal programming reaches `siemens`, clipped to `stateRange`.
    func state(forConductance siemens: Double) -> Double
    /// Relative standard deviation of each read.
    var readNoise: Double { get }
    /// Pulse widths, and the energy of a pulse per siemens of the conductance it ends at (SET)
    /// or starts from (RESET): the pulse energies are linear in conductance.
    var setPulse: SimTime { get }
    var resetPulse: SimTime { get }
    var setJoulesPerSiemens: Double { get }
    var resetJoulesPerSiemens: Double { get }
    /// Conductance of a fresh device, faults and device-to-device factors of `count` devices.
    func fresh(count: Int, rng: inout RandomStream) -> DeviceArray.Fresh
    /// Programs one device remembered at state `old` to state `new`: updates its
    /// conductance `g` and says which pulses it took and at what conductances.
    func program(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to new: Float,
                 rng: inout RandomStream) -> Pulses
    /// What the controller remembers of a device it programmed towards `target` and left at
    /// `conductance`: the target (default), or where the device landed.
    func rememberedState(target: Float, conductance: Float) -> Float
    /// How the model rounds a state step to whole pulses, when it does (nil by default: every
    /// step programs). A step that rounds to no pulse leaves the device, and the state the
    /// controller remembers, as they are: the update rule drops it and a row skips it.
    var stepRounding: StepRounding? { get }
    /// Programs `count` consecutive devices remembered at `states` to `targets` (skipping
    /// those already there, updating the states to `rememberedState`): one call per row
    /// instead of per device. Returns the pulses and how many devices took a pulse.
    func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                 states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                 rng: inout RandomStream) -> (pulses: Pulses, driven: Int)
    /// Programs the devices at `indices` (ascending; `count` of them, offsets from `g`, `faults`,
    /// `factors` and `states`) to `targets` (one per index), as the row form does: the same
    /// devices in the same order give the same result, without visiting the others.
    func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                 states: UnsafeMutablePointer<Float>, at indices: UnsafePointer<Int>, targets: UnsafePointer<Float>,
                 count: Int, verified: Bool, rng: inout RandomStream) -> (pulses: Pulses, driven: Int)
    /// How many Gaussian deviates programming these `count` devices from `states` to `targets`
    /// takes from its stream (as the row form, or with `indices` the indexed form, would: device k
    /// at `indices[k]` of `faults` and `states`, else at k; its target `targets[k]`), or nil when
    /// the model cannot say without programming them (the default). Rows whose draws are known
    /// can be programmed on two threads with the stream each would see.
    func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                    count: Int, at indices: UnsafePointer<Int>?, verified: Bool) -> Int?
    /// The row form with the row's `draws` deviates (its `noiseDraws`) given in `deviates` (in
    /// the order it would draw them, and one readable slot past them) instead of drawn: the
    /// same result as the row form whose stream would give them; nil where the model cannot
    /// take its deviates so (the default). A row can so be programmed before the rows ahead of
    /// it in the stream have been, once their deviates are drawn.
    func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                 states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                 deviates: UnsafePointer<Double>, draws: Int) -> (pulses: Pulses, driven: Int)?
    /// Whether the row form takes given deviates (`program(_:faults:factors:states:targets:count:verified:deviates:draws:)`):
    /// such a model counts every row's deviates (`noiseDraws`), at most one a device.
    var takesGivenDeviates: Bool { get }
    /// The deviates each working device whose state changes takes, when those are all of a
    /// row's `noiseDraws`, or nil (the default): a row's draws can then be counted in the same
    /// pass as its changes (`insitu_count_row_changes`).
    var deviatesPerWorkingChange: Int? { get }
    /// Programs one device to state `target` with program-and-verify (an initial write): as
    /// near the state's nominal conductance as its pulses reach. Open loop (`program`) by default.
    func programVerified(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to target: Float,
                         rng: inout RandomStream) -> Pulses
    /// What a report states about this model: (name, value) pairs with units in the names.
    var reportEntry: [(String, String)] { get }
    /// Lines that `insitu describe` prints for this model (window, state, defects, pulses).
    var summaryLines: [String] { get }
    /// The highest conductance a device of the window can reach once the model's own limits
    /// apply (a ceiling below the window's end, say).
    var reachableMaxSiemens: Double { get }
    /// What in the model's settings clips its window, each naming the keys and a fix (none by default).
    var rangeWarnings: [String] { get }
    /// The same model with `fraction` of its devices stuck low, or nil when the model has no
    /// stuck devices (for the stuck-device experiment).
    func withStuckLow(fraction: Double) -> Self?
}

/// The pulses one programming took: RESET (depressing) and SET (potentiating), with the
/// conductance before each RESET and after each SET (what their energies depend on).
public struct Pulses: Sendable, Equatable {
    public var resets: Int = 0
    public var sets: Int = 0
    public var resetFromSiemens = 0.0
    public var setToSiemens = 0.0
    /// Pulse slots a row needs when all its columns are pulsed together: the most RESET and
    /// SET pulses any one device of the row took (filled by the row programming; 0 for one device).
    public var resetRounds = 0
    public var setRounds = 0
    public init() {}

    /// Adds `b`'s pulses; the rounds are the larger of the two (devices pulsed side by side).
    public static func += (a: inout Pulses, b: Pulses) {
        a.resets += b.resets
        a.sets += b.sets
        a.resetFromSiemens += b.resetFromSiemens
        a.setToSiemens += b.setToSiemens
        a.resetRounds = max(a.resetRounds, b.resetSlots)
        a.setRounds = max(a.setRounds, b.setSlots)
    }

    /// RESET pulse slots these pulses need: the rounds of a row, or one device's own count.
    public var resetSlots: Int { resetRounds > 0 ? resetRounds : resets }
    /// SET pulse slots these pulses need: the rounds of a row, or one device's own count.
    public var setSlots: Int { setRounds > 0 ? setRounds : sets }
}

extension DeviceModel {
    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                        rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        programEach(count, device: { $0 }, g, faults: faults, factors: factors, states: states, targets: targets,
                    verified: verified, rng: &rng)
    }

    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, at indices: UnsafePointer<Int>, targets: UnsafePointer<Float>,
                        count: Int, verified: Bool, rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        programEach(count, device: { indices[$0] }, g, faults: faults, factors: factors, states: states, targets: targets,
                    verified: verified, rng: &rng)
    }

    /// Programs device `device(k)` to `targets[k]` for k = 0 ..< count, in that order: the one
    /// loop behind the row form and the indexed form.
    @inline(__always)
    func programEach(_ count: Int, device: (Int) -> Int, _ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>,
                     factors: UnsafePointer<Float>, states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>,
                     verified: Bool, rng: inout RandomStream) -> (pulses: Pulses, driven: Int) {
        var pulses = Pulses(), driven = 0
        let rounding = verified ? nil : stepRounding
        for k in 0..<count {
            let d = device(k)
            let old = states[d], new = targets[k]
            if new == old || !(rounding?.pulses(from: old, to: new) ?? true) { continue }
            let p = verified ? programVerified(&g[d], fault: faults[d], factor: factors[d], from: old, to: new, rng: &rng)
                : program(&g[d], fault: faults[d], factor: factors[d], from: old, to: new, rng: &rng)
            states[d] = rememberedState(target: new, conductance: g[d])
            guard p.sets + p.resets > 0 else { continue }
            driven += 1
            pulses += p
        }
        return (pulses, driven)
    }
}

extension DeviceModel {
    public var reachableMaxSiemens: Double { windowMaxSiemens }
    public var clipsTargets: Bool { true }
    public func rememberedState(target: Float, conductance: Float) -> Float { target }
    public var stepRounding: StepRounding? { nil }
    public func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                           count: Int, at indices: UnsafePointer<Int>?, verified: Bool) -> Int? { nil }
    public func program(_ g: UnsafeMutablePointer<Float>, faults: UnsafePointer<DeviceArray.Fault>, factors: UnsafePointer<Float>,
                        states: UnsafeMutablePointer<Float>, targets: UnsafePointer<Float>, count: Int, verified: Bool,
                        deviates: UnsafePointer<Double>, draws: Int) -> (pulses: Pulses, driven: Int)? { nil }
    public var takesGivenDeviates: Bool { false }
    public var deviatesPerWorkingChange: Int? { nil }
    /// The deviates of `count` consecutive devices (the row form).
    public func noiseDraws(faults: UnsafePointer<DeviceArray.Fault>, states: UnsafePointer<Float>, targets: UnsafePointer<Float>,
                           count: Int, verified: Bool) -> Int? {
        noiseDraws(faults: faults, states: states, targets: targets, count: count, at: nil, verified: verified)
    }
    /// What an update's targets are clipped to: the state range when the model clips its
    /// targets, else nothing (the device saturates by itself).
    public var targetBounds: (lo: Float, hi: Float) {
        clipsTargets ? (Float(stateRange.lowerBound), Float(stateRange.upperBound)) : (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
    }
    public func programVerified(_ g: inout Float, fault: DeviceArray.Fault, factor: Float, from old: Float, to target: Float,
                                rng: inout RandomStream) -> Pulses {
        program(&g, fault: fault, factor: factor, from: old, to: target, rng: &rng)
    }
    public var rangeWarnings: [String] { [] }

    /// The report entry as `name value` lines.
    public var summaryLines: [String] { ["\(kind): " + reportEntry.dropFirst().map { "\($0.0) \($0.1)" }.joined(separator: ", ")] }

    /// No stuck devices unless the model says how.
    public func withStuckLow(fraction: Double) -> Self? { nil }

}
