import Foundation
import InsituTraining

/// MNIST from a folder of IDX files (the four standard names, plain or .gz).
public enum MNIST {
    static let names = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The path of `name` in `folder`, plain or gzip.
    static func locate(_ name: String, in folder: String) throws -> String {
        for candidate in [name, name + ".gz"] {
            let p = (folder as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        throw DataError(file: (folder as NSString).appendingPathComponent(name),
                        "missing; --data must name a folder holding \(name)[.gz] and the other three MNIST files")
    }

    /// Loads and preprocesses the training and test sets.
    public static func load(folder: String, input: InputSpec) throws -> DataSplit {
        func set(_ imagesName: String, _ labelsName: String) throws -> Dataset {
            let ip = try locate(imagesName, in: folder), lp = try locate(labelsName, in: folder)
            return try Preprocessing.dataset(images: IDXReader.read(path: ip), labels: IDXReader.read(path: lp),
                                             input: input, imagesFile: ip, labelsFile: lp)
        }
        return DataSplit(train: try set(names.trainImages, names.trainLabels),
                         test: try set(names.testImages, names.testLabels), source: "MNIST from \(folder)")
    }
}
