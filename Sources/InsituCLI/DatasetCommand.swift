import ArgumentParser
import Foundation
import InsituData
import InsituReport
import InsituTraining

/// `insitu dataset export`: derives the compact 8 x 8 data file that insitu embeds.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Derive the embedded 8x8 data file from an MNIST folder.",
        discussion: """
        Example (how Sources/InsituData/Resources/mnist8x8.bin.gz was made):
          insitu dataset export --data ../shared/data/mnist --out mnist8x8.bin && gzip -9n mnist8x8.bin
        """)

    enum Action: String, ExpressibleByArgument, CaseIterable { case export }

    @Argument(help: "export") var action: Action
    @Option(help: "Folder with the four MNIST IDX files (plain or .gz).") var data: String
    @Option(help: "Output file (uncompressed; gzip it to embed).") var out: String

    func run() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw usageError("--out \(out) is a folder; give the path of the file to write, e.g. \(out)/mnist8x8.bin")
        }
        let split: DataSplit
        do {
            split = try MNIST.load(folder: data, input: InputSpec())
        } catch let e as DataError {
            throw inputError(e.description)
        }
        try writingOutputs(to: out) { try AtomicFile.write(Data(EmbeddedMNIST.encode(split)), to: out) }
        print("wrote \(out): \(split.train.count) training and \(split.test.count) test images of \(split.train.side) x \(split.train.side)")
    }
}
