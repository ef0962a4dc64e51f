import InsituTraining

/// One headline figure of a run: `key` is its name in every report file (report.json,
/// compare.csv, seeds.csv, sweep.csv), `measure` its label for people, `unit` its unit
/// ("fraction" for accuracy).
public struct RunFigure: Codable, Equatable, Sendable {
    public var key: String
    public var measure: String
    public var unit: String
    public var value: Double
}

/// The figures `compare` and `--seeds` report for a run, in one order: accuracy, training
/// energy (in total and per phase), time, throughput and TOPS/W, the same for the test pass,
/// area, and (training only) simulated time and total energy.
public enum RunFigures {
    public static func of(_ run: TrainingRun, inference: Bool) -> [RunFigure] {
        let c = CostBreakdown(run: run)
        var figures = [RunFigure(key: "test_accuracy", measure: "test accuracy", unit: "fraction", value: run.outcome.finalAccuracy)]
        func add(_ key: String, _ measure: String, _ unit: String, _ value: Double) {
            figures.append(RunFigure(key: key, measure: measure, unit: unit, value: value))
        }
        if !inference {
            add("training_energy_per_image_J", "training energy per image", "J", c.trainingJoulesPerImage)
            for phase in ["forward", "backward", "gradient", "update", "readout"] {
                add("\(phase)_energy_per_image_J", "  \(phase)", "J", c.trainingImages > 0 ? c.phase(phase).joules / Double(c.trainingImages) : 0)
            }
            add("training_latency_per_image_s", "training time per image", "s", c.trainingSecondsPerImage)
            add("training_throughput_images_per_s", "training throughput", "images/s", c.trainingSecondsPerImage > 0 ? 1 / c.trainingSecondsPerImage : 0)
            add("training_TOPS_per_W", "training efficiency", "TOPS/W", c.trainingTOPSPerWatt)
        }
        add("test_energy_per_image_J", "test energy per image", "J", c.testJoulesPerImage)
        add("test_latency_per_image_s", "test time per image", "s", c.testSecondsPerImage)
        add("test_throughput_images_per_s", "test throughput", "images/s", c.testSecondsPerImage > 0 ? 1 / c.testSecondsPerImage : 0)
        add("inference_TOPS_per_W", "inference efficiency", "TOPS/W", c.inferenceTOPSPerWatt)
        add("area_m2", "area", "m^2", c.totalAreaSquareMetres)
        if !inference {
            add("simulated_time_s", "simulated time", "s", c.simulatedTime.seconds)
            add("total_energy_J", "total energy", "J", c.total.joules)
        }
        return figures
    }
}
