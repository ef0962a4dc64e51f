import Foundation
import InsituArchFile
import InsituTraining

/// The float line of a run's report (`training.method: float` on the same design and data),
/// trained on a thread of its own from the moment it is made, so that it costs the run no wall
/// time where a core is free. Its curve is the same whenever it is asked for: it depends only
/// on the design and the data.
final class FloatLine: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var points: [TrainingOutcome.Point]?

    init(design: ArchDesign, data: TrainingData) {
        var training = design.training
        training.method = .float
        let floatTraining = training
        let thread = Thread { [self] in
            points = try? TrainingRun.execute(chip: design.chip, network: design.network, training: floatTraining, data: data,
                                              accounting: false).outcome.curve
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The line's accuracy curve (nil when the float run could not train), once it has finished.
    func curve() -> [TrainingOutcome.Point]? {
        done.wait()
        done.signal()
        return points
    }
}
