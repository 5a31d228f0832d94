// swift-tools-version:6.0
import PackageDescription

// The tests run the debug binary: the modules whose loops dominate a merge and a template run
// (the self-check formulas of every template and 反馈, the checks, the outputs) are optimised in
// debug builds too. Without it, a debug merge of the sample round spends about 60 % of its
// time in unoptimised string building. Debug-only code (fault injection) stays compiled in.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Tianbao",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tianbao", targets: ["tianbao"]),
        .library(name: "XLSX", targets: ["XLSX"]),
        // Only for the fuzz package (fuzz/): the fuzz target's function, outside the XLSX library.
        .library(name: "XLSXFuzzing", targets: ["XLSXFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // C libraries, seen only by the XLSX module.
        .systemLibrary(
            name: "CZip", pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            name: "CXlsxWriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        // libxml2 behind opaque types: its headers (and the ICU headers they pull in)
        // never reach a Swift module, so every Swift module may import Foundation.
        .target(name: "CXMLShim", dependencies: ["CLibXML2"]),
        // Allocator tuning for reading many parts on several threads (glibc's mallopt).
        .target(name: "CAllocator"),
        // stdio's stderr routed so that a C library's chatter is dropped on the calling thread
        // only, per call (descriptor 2 is never redirected).
        .target(name: "CStandardError"),

        // Reading and writing XLSX packages. The only Swift module that touches C. No unsafe
        // flags: the product is usable as a dependency.
        .target(name: "XLSX", dependencies: ["CZip", "CZlib", "CDeflate", "CXMLShim", "CXlsxWriter", "CAllocator", "CStandardError"]),

        // What the fuzz target runs on each input (fuzz/, and the tests that replay its findings).
        .target(name: "XLSXFuzzing", dependencies: ["XLSX"]),

        // File-system calls the Swift overlay does not import (renameat2's atomic exchange).
        .target(name: "CFileSystem"),
        // What every Tianbao module may use: the file-system boundary (atomic writes, listings, a
        // staged folder switched in whole, a folder lock, one error type with Chinese messages,
        // injected faults for tests), digests (swift-crypto), the JSON writer, phase timings.
        // Fault injection is compiled into debug builds only (the tests'); a release build has none.
        .target(
            name: "TianbaoSupport",
            dependencies: ["CFileSystem", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.define("TIANBAO_FAULTS", .when(configuration: .debug))]),

        // The plan: units, tasks, rounds, sheets and fields, read from YAML; the default plan
        // is embedded.
        .target(name: "TianbaoPlan", dependencies: ["XLSX", .product(name: "Yams", package: "Yams")]),

        // Plans written in a workbook (计划工作簿): the writer, and the reader that turns a
        // workbook into the YAML plan it stands for and reports the loader's findings at cells.
        .target(name: "TianbaoPlanBook", dependencies: ["TianbaoPlan", "TianbaoSupport", "XLSX"]),

        // Per-unit templates written with the XLSX writer, and their signatures.
        .target(name: "TianbaoTemplates", dependencies: ["TianbaoPlan", "TianbaoSupport", "XLSX"], swiftSettings: optimisedInDebug),

        // Checking returned files against the plan.
        .target(name: "TianbaoCheck", dependencies: ["TianbaoPlan", "TianbaoSupport", "TianbaoTemplates", "XLSX"],
                swiftSettings: optimisedInDebug),

        // The round model: what each file and unit of a round came to, its totals, figures,
        // history and report (what every output, the archive and the review read), and the names
        // of every output file.
        .target(name: "TianbaoRound", dependencies: ["TianbaoCheck", "TianbaoPlan", "TianbaoSupport", "XLSX"], swiftSettings: optimisedInDebug),

        // The merge pipeline: list a submissions folder, check its files on all cores, decide
        // which file of each unit counts.
        .target(name: "TianbaoMerge", dependencies: ["TianbaoRound", "TianbaoCheck", "TianbaoPlan", "TianbaoSupport", "TianbaoTemplates", "XLSX"],
                swiftSettings: optimisedInDebug),

        // Everything written from a round's report: the consolidated workbook, the briefing
        // (md, html, docx), the office's notes, feedback workbooks, report.json.
        .target(name: "TianbaoOutputs", dependencies: ["TianbaoRound", "TianbaoCheck", "TianbaoPlan", "TianbaoSupport", "TianbaoTemplates", "XLSX"],
                swiftSettings: optimisedInDebug),

        // The archive of merged rounds (one SQLite file through GRDB, so no C reaches Tianbao's
        // own modules), and the checks and comparisons across rounds it makes possible.
        .target(
            name: "TianbaoArchive",
            dependencies: ["TianbaoRound", "TianbaoCheck", "TianbaoPlan", "TianbaoSupport", "TianbaoTemplates", "XLSX", .product(name: "GRDB", package: "GRDB.swift")]),

        // The year's review (回头看): a workbook and a briefing over every round of a year in the archive.
        .target(
            name: "TianbaoReview",
            dependencies: ["TianbaoArchive", "TianbaoOutputs", "TianbaoRound", "TianbaoCheck", "TianbaoPlan", "TianbaoSupport", "XLSX"]),

        // The intranet portal (`tianbao serve`): one Hummingbird server whose data folder is the
        // CLI's (submissions, outputs, archive); units hand in through their link, the office
        // watches the board and runs the merge. Only the CLI depends on it.
        .target(
            name: "TianbaoPortal",
            dependencies: [
                "XLSX", "TianbaoPlan", "TianbaoSupport", "TianbaoTemplates", "TianbaoCheck", "TianbaoRound", "TianbaoMerge", "TianbaoOutputs",
                "TianbaoArchive", "TianbaoReview", "TianbaoRun",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // One run of merge or review as a library: request in, outcome or typed failure out.
        // Lock, staging, the archive's transaction and the switch of the output folder, with a
        // cancel entry point; no printing, no signal handlers, no exit (the CLI and the portal
        // call it alike).
        .target(
            name: "TianbaoRun",
            dependencies: ["TianbaoArchive", "TianbaoReview", "TianbaoMerge", "TianbaoOutputs", "TianbaoRound", "TianbaoCheck", "TianbaoPlan",
                           "TianbaoSupport", "TianbaoTemplates", "XLSX"]),

        // Command types, one per verb; the executable only calls into them.
        .target(
            name: "TianbaoCLI",
            dependencies: [
                "XLSX", "TianbaoPlan", "TianbaoPlanBook", "TianbaoSupport", "TianbaoTemplates", "TianbaoCheck", "TianbaoRound", "TianbaoMerge", "TianbaoOutputs",
                "TianbaoArchive", "TianbaoReview", "TianbaoRun",
                "TianbaoPortal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "tianbao", dependencies: ["TianbaoCLI", "XLSX"]),

        // Helpers shared by the test targets (running LibreOffice and Python, scratch folders).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "XLSXTests", dependencies: ["XLSX", "XLSXFuzzing", "TianbaoCLI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "TianbaoCLITests", dependencies: [
                "TianbaoCLI", "TianbaoArchive", "XLSX", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["HelpSnapshots"]),
        .testTarget(
            name: "TianbaoArchiveTests",
            dependencies: ["TianbaoArchive", "TianbaoRound", "TianbaoMerge", "TianbaoOutputs", "TianbaoCheck", "TianbaoPlan", "TianbaoTemplates", "XLSX", "TestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "TianbaoPortalTests",
            dependencies: ["TianbaoPortal", "TianbaoCLI", "TianbaoArchive", "TianbaoCheck", "TianbaoRound", "TianbaoMerge", "TianbaoOutputs", "TianbaoPlan", "TianbaoTemplates",
                           "TianbaoSupport", "XLSX", "TestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TianbaoReviewTests", dependencies: ["TianbaoReview", "TianbaoArchive", "TianbaoOutputs", "TianbaoRound", "TianbaoCheck", "TianbaoPlan", "XLSX", "TestSupport"]),
        .testTarget(name: "TianbaoRunTests", dependencies: ["TianbaoRun", "TianbaoRound", "TianbaoPlan", "TianbaoTemplates", "TestSupport"]),
        .testTarget(name: "TianbaoPlanTests", dependencies: ["TianbaoPlan"]),
        .testTarget(name: "TianbaoSupportTests", dependencies: ["TianbaoSupport"]),
        .testTarget(name: "TianbaoPlanBookTests", dependencies: ["TianbaoPlanBook", "TianbaoPlan", "XLSX", "TestSupport"]),
        .testTarget(name: "TianbaoCheckTests", dependencies: ["TianbaoCheck", "TianbaoPlan", "TianbaoTemplates", "XLSX", "TestSupport"]),
        .testTarget(
            name: "TianbaoMergeTests",
            dependencies: ["TianbaoRound", "TianbaoMerge", "TianbaoOutputs", "TianbaoCheck", "TianbaoPlan", "TianbaoTemplates", "XLSX"]),
        .testTarget(
            name: "TianbaoTemplatesTests", dependencies: ["TianbaoTemplates", "TianbaoCheck", "TianbaoPlan", "XLSX", "TestSupport"]),
    ]
)
