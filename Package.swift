// swift-tools-version:6.0
import PackageDescription

/// insitu: a discrete-event simulator of memristor-crossbar chips that train neural networks in situ.
/// Layers, bottom to top: engine, devices, hardware, training, faces (arch files, data, reports, CLI).
/// No unsafe flags, so that another package can depend on insitu: the event loop's, ledger's
/// and chip's hot stored properties, used by one thread per simulation, are marked
/// `@exclusivity(unchecked)` in the source instead.

let package = Package(
    name: "insitu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "insitu", targets: ["insitu"]),
        // The library behind one `import Insitu`: load an arch file, load data, train, read and write the report.
        .library(name: "Insitu", targets: ["Insitu"]),
        .library(name: "InsituEngine", targets: ["InsituEngine"]),
        .library(name: "InsituHardware", targets: ["InsituHardware", "InsituDevices", "InsituMapping"]),
        .library(name: "InsituTraining", targets: ["InsituTraining"]),
        .library(name: "InsituArchFile", targets: ["InsituArchFile"]),
        .library(name: "InsituData", targets: ["InsituData"]),
        .library(name: "InsituReport", targets: ["InsituReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CGMP", path: "Sources/CGMP", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // C kernels for instructions Swift cannot select (F16C), chosen at run time.
        .target(name: "InsituKernels"),
        .target(name: "InsituEngine", dependencies: ["CGMP", "InsituKernels"]),
        .target(name: "InsituDevices", dependencies: ["InsituEngine", "InsituKernels"]),
        .target(name: "InsituHardware", dependencies: ["InsituEngine", "InsituDevices", "InsituKernels"]),
        .target(name: "InsituDigital", dependencies: ["InsituEngine", "InsituHardware", "InsituTraining"]),
        .target(name: "InsituMapping", dependencies: ["InsituEngine", "InsituHardware"]),
        .target(name: "InsituTraining", dependencies: ["InsituEngine", "InsituDevices", "InsituHardware", "InsituMapping"]),
        .target(name: "InsituArchFile", dependencies: [
            "InsituEngine", "InsituDevices", "InsituHardware", "InsituDigital", "InsituMapping", "InsituTraining",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "InsituData", dependencies: ["InsituTraining", "CZlib"],
                resources: [.copy("Resources/mnist8x8.bin.gz")]),
        .target(name: "InsituReport", dependencies: ["InsituEngine", "InsituHardware", "InsituTraining", "CZlib"]),
        .target(name: "InsituCLI", dependencies: [
            "InsituEngine", "InsituDevices", "InsituHardware", "InsituMapping", "InsituTraining",
            "InsituArchFile", "InsituData", "InsituReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "Insitu", dependencies: [
            "InsituArchFile", "InsituData", "InsituDevices", "InsituDigital", "InsituEngine", "InsituHardware", "InsituMapping",
            "InsituReport", "InsituTraining",
        ]),
        .executableTarget(name: "insitu", dependencies: ["InsituCLI"]),
        // Fuzz targets: built with -sanitize=fuzzer -DFUZZING by scripts/fuzz.sh; otherwise they
        // replay the files they are given (the seed corpus in Tests/Fuzz/corpus).
        .target(name: "InsituFuzzSupport"),
        .executableTarget(name: "InsituFuzzArch", dependencies: ["InsituArchFile", "InsituFuzzSupport"]),
        .executableTarget(name: "InsituFuzzData", dependencies: ["InsituData", "InsituTraining", "InsituFuzzSupport"]),
        .executableTarget(name: "InsituFuzzRunFiles", dependencies: ["InsituArchFile", "InsituData", "InsituReport", "InsituTraining", "InsituFuzzSupport"]),
        .testTarget(name: "InsituEngineTests", dependencies: ["InsituEngine"]),
        .testTarget(name: "InsituArchFileTests", dependencies: ["InsituArchFile", "InsituDevices", "InsituEngine", "InsituDigital", "InsituHardware", "InsituTraining"]),
        .testTarget(name: "InsituPhysicsTests", dependencies: ["InsituEngine", "InsituDevices", "InsituHardware", "InsituMapping", "InsituTraining"]),
        .testTarget(name: "InsituDataTests", dependencies: ["InsituData", "InsituTraining"]),
        .testTarget(name: "InsituCLITests", dependencies: ["insitu"]),
        .testTarget(name: "InsituDigitalTests", dependencies: ["InsituEngine", "InsituHardware", "InsituDigital", "InsituTraining"]),
        .testTarget(name: "InsituSeamTests", dependencies: ["InsituEngine", "InsituDevices", "InsituHardware", "InsituTraining", "InsituReport"]),
        .testTarget(name: "InsituExtensionTests", dependencies: [
            "InsituEngine", "InsituDevices", "InsituHardware", "InsituMapping", "InsituTraining", "InsituArchFile", "InsituData", "InsituReport",
            "InsituCLI",
        ]),
        .testTarget(name: "InsituRunTests", dependencies: [
            "InsituEngine", "InsituDevices", "InsituHardware", "InsituKernels", "InsituData", "InsituReport", "InsituTraining", "InsituArchFile",
        ]),
    ]
)
