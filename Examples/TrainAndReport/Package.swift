// swift-tools-version:6.0
import PackageDescription

/// An example of insitu as a library: load an arch file, train on the embedded data, read the
/// report. Build and run from this folder: swift run TrainAndReport ../../arch/li2018.yaml
let package = Package(
    name: "TrainAndReport",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "insitu", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "TrainAndReport", dependencies: [.product(name: "Insitu", package: "insitu")]),
    ]
)
