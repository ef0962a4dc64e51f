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
            let labels = try IDXReader.read(path: lp)
            // The images are preprocessed as they inflate: the file's 47 MB are never held.
            var images: ImageStream?
            try IDXReader.stream(path: ip, header: { dimensions in
                images = try ImageStream(dimensions: dimensions, labels: labels, input: input, imagesFile: ip, labelsFile: lp)
            }, payload: { images?.take($0) })
            return images!.dataset
        }
        return DataSplit(train: try set(names.trainImages, names.trainLabels),
                         test: try set(names.testImages, names.testLabels), source: "MNIST from \(folder)")
    }
}
