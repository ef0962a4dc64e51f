import InsituTraining

/// Decodes the `network:`, `training:` and `input:` sections.
enum TrainingDecoding {
    static func network(_ r: MappingReader) throws -> NetworkSpec {
        var n = NetworkSpec()
        try r.integers("layers", min: 1, max: 1 << 16, into: &n.layers)
        if n.layers.count < 2, let v = r.value("layers") {
            throw ArchError(v.location, "network.layers needs at least an input and an output width, e.g. [64, 10]")
        }
        try r.quantity("output_scale", .perAmpere, min: 0, max: 1e12, exclusiveMin: true, into: &n.outputScalePerAmp)
        try r.choice("hidden", into: &n.hidden)
        try r.choice("output", into: &n.output)
        try r.quantity("hidden_scale", .perAmpere, min: 0, max: 1e15, exclusiveMin: true, into: &n.hiddenScalePerAmp)
        if n.hidden == .sigmoid && !r.has("hidden_scale") {
            throw ArchError(r.value("hidden")?.location ?? r.location, "'network.hidden: sigmoid' needs 'network.hidden_scale', the k_h of 1 / (1 + e^(-k_h I)) in 1/A",
                            hint: "add e.g. 'hidden_scale: 1e6 1/A' (a microampere then moves the sigmoid by one unit)")
        }
        if n.hidden == .relu, let v = r.value("hidden_scale") {
            throw ArchError(v.location, "'network.hidden_scale' sets the sigmoid's k_h, but network.hidden is relu (whose gain is chip.tia.gain)",
                            hint: "drop hidden_scale, or set 'network.hidden: sigmoid'")
        }
        return n
    }

    static let networkKeys = ["layers", "output_scale", "hidden", "hidden_scale", "output"]
    static let optionalNetworkKeys: Set<String> = ["hidden", "hidden_scale", "output"]

    static let trainingKeys = [
        "method", "batch", "images", "learning_rate", "learning_rate_decay", "learning_rate_decay_every", "evaluation_interval", "test_images",
        "initial_gate", "initial_gate_spread", "initial_state", "initial_state_spread", "ex_situ_mapping", "seed", "readback",
        "device_step", "pulse_train_length", "transfer_gamma", "transfer_interval", "transfer_rate", "transfer_rows",
    ]
    /// The initial state goes by either name: `initial_gate` (the 1T1R cell's gate voltage) or
    /// `initial_state` (any device model's state), one pair of the two.
    static let optionalTrainingKeys = Set(["initial_gate", "initial_gate_spread", "initial_state", "initial_state_spread", "readback",
                                           "device_step", "pulse_train_length", "learning_rate_decay", "learning_rate_decay_every"] + transferKeys)
    /// Tiki-Taka's transfer settings (`TransferSpec`).
    static let transferKeys = ["transfer_gamma", "transfer_interval", "transfer_rate", "transfer_rows"]

    /// Reads `training:`; learning rates and the initial state are in `stateUnit`, the device
    /// model's unit of programmed state (V for a gate voltage).
    static func training(_ r: MappingReader, layers: Int, stateUnit: String) throws -> TrainingSpec {
        var t = TrainingSpec()
        var method = t.method.rawValue
        try r.name("method", among: TrainingMethods.names, into: &method)
        t.method = TrainingSpec.Method(rawValue: method)
        try r.integer("batch", min: 1, max: 1 << 20, into: &t.batchSize)
        try r.integer("images", min: 1, max: 1 << 40, into: &t.images)
        // Gate voltages stay within 10 V (rates within 1000 V^2); other states within 10^6 units.
        let volts = stateUnit == PhysicalUnit.volt.rawValue
        let most = volts ? 10.0 : 1e6
        try r.stateQuantities("learning_rate", unit: stateUnit, power: 2, min: 0, max: volts ? 1e3 : 1e12, into: &t.learningRatesVoltsSquared)
        if t.learningRatesVoltsSquared.count == 1 {
            t.learningRatesVoltsSquared = Array(repeating: t.learningRatesVoltsSquared[0], count: layers)
        } else if t.learningRatesVoltsSquared.count != layers {
            throw ArchError(r.value("learning_rate")?.location ?? r.location,
                            "training.learning_rate lists \(t.learningRatesVoltsSquared.count) rates for \(layers) weight layers",
                            hint: "give one rate for all layers or one per layer")
        }
        if r.has("learning_rate_decay") != r.has("learning_rate_decay_every") {
            let (given, missing) = r.has("learning_rate_decay") ? ("learning_rate_decay", "learning_rate_decay_every") : ("learning_rate_decay_every", "learning_rate_decay")
            throw ArchError(r.value(given)?.location ?? r.location, "training.\(given) needs training.\(missing)",
                            hint: "give both: the factor (1e-6 to 1) and the training images between decays, e.g. learning_rate_decay: 0.5 and learning_rate_decay_every: 400000")
        }
        try r.number("learning_rate_decay", min: 1e-6, max: 1, into: &t.learningRateDecay)
        try r.integer("learning_rate_decay_every", min: 1, max: 1 << 40, into: &t.learningRateDecayEvery)
        try r.integer("evaluation_interval", min: 0, max: 1 << 40, into: &t.evaluationInterval)
        try r.integer("test_images", min: 0, max: 1 << 40, into: &t.testImages)
        let gate = r.has("initial_gate") || r.has("initial_gate_spread"), state = r.has("initial_state") || r.has("initial_state_spread")
        if gate == state {
            throw ArchError(r.location, gate ? "'training' gives both initial_gate and initial_state" : "missing key 'training.initial_state' in 'training'",
                            hint: "give initial_state and initial_state_spread in the device's state unit (\(stateUnit)), or initial_gate and initial_gate_spread for a gate voltage")
        }
        let (mean, spread) = gate ? ("initial_gate", "initial_gate_spread") : ("initial_state", "initial_state_spread")
        if gate && stateUnit != PhysicalUnit.volt.rawValue {
            throw ArchError(r.value(mean)?.location ?? r.location, "'training.initial_gate' is a gate voltage, but the device model's state is in \(stateUnit)",
                            hint: "write 'initial_state' and 'initial_state_spread' in \(stateUnit)")
        }
        guard r.has(mean) && r.has(spread) else {
            throw ArchError(r.location, "missing key 'training.\(r.has(mean) ? spread : mean)' in 'training'", hint: "give \(mean) and \(spread) together")
        }
        try r.stateQuantity(mean, unit: stateUnit, min: 0, max: most, into: &t.initialGateVolts)
        try r.stateQuantity(spread, unit: stateUnit, min: 0, max: most, into: &t.initialGateSpreadVolts)
        try r.choice("ex_situ_mapping", into: &t.exSituMapping)
        try r.choice("readback", into: &t.readback)
        if r.has("device_step") {
            var threshold = 0.0
            try r.stateQuantity("device_step", unit: stateUnit, min: 0, max: most, into: &threshold)
            if threshold == 0 {
                throw ArchError(r.value("device_step")?.location ?? r.location, "training.device_step must be above 0 \(stateUnit)",
                                hint: "give the state step a device is programmed by, e.g. one pulse's share of the window")
            }
            t.deviceStep = threshold
        }
        if transferKeys.contains(where: r.has) {
            var transfer = TransferSpec()
            try r.number("transfer_gamma", min: 1e-6, max: 1e6, into: &transfer.gamma)
            try r.integer("transfer_interval", min: 1, max: 1 << 30, into: &transfer.interval)
            try r.number("transfer_rate", min: 0, max: 1e6, into: &transfer.rate)
            try r.integer("transfer_rows", min: 1, max: 1 << 20, into: &transfer.rows)
            t.transfer = transfer
        }
        if r.has("pulse_train_length") {
            var length = StochasticUpdate.defaultTrainLength
            try r.integer("pulse_train_length", min: 1, max: StochasticUpdate.maximumTrainLength, into: &length)
            t.pulseTrainLength = length
        }
        var seed = Int(t.seed)
        try r.integer("seed", min: 0, max: Int.max, into: &seed)
        t.seed = UInt64(seed)
        return t
    }

    static func input(_ r: MappingReader) throws -> InputSpec {
        var i = InputSpec()
        try r.integer("crop", min: 1, max: 28, into: &i.cropSide)
        try r.integer("side", min: 1, max: 28, into: &i.side)
        try r.quantity("max_voltage", .volt, min: 0, max: 10, exclusiveMin: true, into: &i.maxVolts)
        return i
    }
}
