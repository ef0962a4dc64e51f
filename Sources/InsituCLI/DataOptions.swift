import ArgumentParser
import InsituArchFile
import InsituData
import InsituReport
import InsituTraining

/// Where training data comes from: the embedded 8x8 set or a user's MNIST folder.
struct DataOptions: ParsableArguments {
    enum Source: String, ExpressibleByArgument, CaseIterable { case embedded, mnist }

    @Option(help: "Data set: embedded (8x8 MNIST shipped with insitu) or mnist (IDX files in --data).")
    var dataset: Source = .embedded

    @Option(help: "Folder with the MNIST IDX files (plain or .gz), for --dataset mnist.")
    var data: String?

    /// Loads and preprocesses the data for a design; bad input ends the command with exit code 2.
    func load(for design: ArchDesign) throws -> TrainingData {
        do {
            let split: DataSplit
            switch dataset {
            case .embedded:
                if data != nil { throw usageError("--data is only used with --dataset mnist") }
                split = try EmbeddedMNIST.load(input: design.input)
            case .mnist:
                guard let data else { throw usageError("--dataset mnist needs --data DIR (the folder with the four MNIST IDX files)") }
                split = try MNIST.load(folder: data, input: design.input)
            }
            return TrainingData(split: split, maxVolts: design.input.maxVolts, testImages: design.training.testImages)
        } catch let e as DataError {
            throw inputError(e.description)
        }
    }

    /// What the data contribute to a run's fingerprint: the set, and the bytes of the files in --data.
    var fingerprint: String {
        dataset.rawValue + ":" + (data.map(Fingerprint.folder) ?? "embedded")
    }
}
