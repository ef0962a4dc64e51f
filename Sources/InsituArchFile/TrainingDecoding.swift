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
        return n
    }

    static let trainingKeys = [
        "method", "batch", "images", "learning_rate", "evaluation_interval", "test_images",
        "initial_gate", "initial_gate_spread", "ex_situ_mapping", "seed",
    ]

    static func training(_ r: MappingReader, layers: Int) throws -> TrainingSpec {
        var t = TrainingSpec()
        try r.choice("method", into: &t.method)
        try r.integer("batch", min: 1, max: 1 << 20, into: &t.batchSize)
        try r.integer("images", min: 1, max: 1 << 40, into: &t.images)
        try r.quantities("learning_rate", .voltSquared, min: 0, max: 1e3, into: &t.learningRatesVoltsSquared)
        if t.learningRatesVoltsSquared.count == 1 {
            t.learningRatesVoltsSquared = Array(repeating: t.learningRatesVoltsSquared[0], count: layers)
        } else if t.learningRatesVoltsSquared.count != layers {
            throw ArchError(r.value("learning_rate")?.location ?? r.location,
                            "training.learning_rate lists \(t.learningRatesVoltsSquared.count) rates for \(layers) weight layers",
                            hint: "give one rate for all layers or one per layer")
        }
        try r.integer("evaluation_interval", min: 0, max: 1 << 40, into: &t.evaluationInterval)
        try r.integer("test_images", min: 0, max: 1 << 40, into: &t.testImages)
        try r.quantity("initial_gate", .volt, min: 0, max: 10, into: &t.initialGateVolts)
        try r.quantity("initial_gate_spread", .volt, min: 0, max: 10, into: &t.initialGateSpreadVolts)
        try r.choice("ex_situ_mapping", into: &t.exSituMapping)
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
