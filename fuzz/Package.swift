// swift-tools-version:5.9
// The reader's fuzz target, a package of its own so the main build never links libFuzzer.
// Build and run it with `make fuzz` (see the Makefile).
import PackageDescription

let package = Package(
    name: "TianbaoFuzz",
    dependencies: [.package(name: "Tianbao", path: "..")],
    targets: [
        .executableTarget(
            name: "XLSXFuzz",
            dependencies: [.product(name: "XLSXFuzzing", package: "Tianbao")]),
    ]
)
