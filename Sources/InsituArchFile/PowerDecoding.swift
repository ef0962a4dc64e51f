import InsituHardware

/// Decodes a component's `power:` mapping: its gating policy and, for `gated`, the unit's
/// off-state leakage and wake-up energy and latency.
enum PowerDecoding {
    static let keys = ["policy", "off_leakage", "wake_energy", "wake_latency"]

    /// Reads `power` of section `r` into `target`; absent, the component is always on.
    static func power(_ r: MappingReader, into target: inout PowerStates) throws {
        guard r.has("power") else { return }
        let p = try r.mapping("power", keys: keys, optional: Set(keys.dropFirst()))
        try p.choice("policy", into: &target.policy)
        try p.quantity("off_leakage", .watt, min: 0, max: 100, into: &target.offLeakageWatts)
        try p.quantity("wake_energy", .joule, min: 0, max: 1e-3, into: &target.wakeJoules)
        try p.time("wake_latency", max: 1e-3, into: &target.wakeLatency)
        // The figures may stay in an always-on file (a sweep over the policy keeps them); a
        // gated unit needs them all, since each sets when gating pays.
        if target.policy == .gated, let missing = keys.dropFirst().first(where: { !p.has($0) }) {
            throw ArchError(p.location, "'\(MappingReader.join(p.path, "policy"))' is gated, which needs '\(MappingReader.join(p.path, missing))'",
                            hint: "give off_leakage (per unit, while gated), wake_energy and wake_latency (per unit), or set policy: always-on")
        }
    }
}
