// swift-tools-version:6.0
// The benchmark driver (`make bench`, bench/run.sh): a package of its own, so the shipped
// package exports only the tianbao executable and the XLSX library. It reads and writes through
// the XLSX product and hashes files as Tianbao does (swift-crypto), next to the hand-written
// SHA-256 Tianbao used before, kept here only to be measured against.
import PackageDescription

let package = Package(
    name: "TianbaoBench",
    dependencies: [
        .package(name: "Tianbao", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .executableTarget(
            name: "tianbao-bench",
            dependencies: [
                .product(name: "XLSX", package: "Tianbao"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
