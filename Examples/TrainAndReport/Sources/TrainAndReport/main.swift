// Trains a design from an arch file on insitu's embedded MNIST data and reads its report:
// accuracy, energy and time per training image, and energy per network layer.
//
//     swift run TrainAndReport ../../arch/li2018.yaml [images] [output folder]
import Foundation
import Insitu

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: TrainAndReport ARCH.yaml [IMAGES] [OUT]\n".utf8))
    exit(2)
}
do {
    // 1. The design: an arch file, with overrides written as on the command line (--set).
    let images = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
    let design = try ArchDesign.load(path: arguments[1], overrides: ["training.images=\(images)"])

    // 2. The data: the embedded 8x8 MNIST, preprocessed as the design's input section says.
    let split = try EmbeddedMNIST.load(input: design.input)
    let data = TrainingData(split: split, maxVolts: design.input.maxVolts, testImages: design.training.testImages)

    // 3. Train: builds the accelerator the design describes and runs its training method.
    let run = try TrainingRun.execute(chip: design.chip, accelerator: design.accelerator, network: design.network,
                                      training: design.training, data: data)

    // 4. Read the report: the same numbers `insitu train` prints and writes to report.json.
    let report = RunReport(run: run, design: design.name)
    print("\(design.name): \(String(format: "%.2f", 100 * report.test_accuracy))% after \(run.outcome.imagesTrained) images")
    let costs = CostBreakdown(run: run)
    print("per training image: \(costs.trainingJoulesPerImage) J, \(costs.trainingSecondsPerImage) s")
    for (layer, total) in costs.byLayer {
        print(layer == 0 ? "  no single layer" : "  layer \(layer)", total.joules, "J")
    }
    if arguments.count > 3 {
        // The run's folder as `insitu train --out` writes it (report.json, ledger.json, CSV).
        try FileManager.default.createDirectory(atPath: arguments[3], withIntermediateDirectories: true)
        let files = try RunWriter.write(run, design: design.name, to: arguments[3])
        print("written: \(files.joined(separator: ", "))")
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
