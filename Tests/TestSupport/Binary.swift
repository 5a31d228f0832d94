import Foundation

/// Runs the built `tianbao` binary, as a user would.
public enum Binary {
    /// The binary beside the test bundle in the build folder.
    public static var url: URL {
        let bundle = Bundle(for: Marker.self).bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("tianbao")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return bundle.appendingPathComponent("tianbao")
    }

    /// The reader's corpus of real-world workbooks (Tests/XLSXTests/Fixtures/corpus/xlsx).
    public static let corpus = Repository.root.appendingPathComponent("Tests/XLSXTests/Fixtures/corpus/xlsx")

    /// What a run of the binary gave.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public init(status: Int32, stdout: String, stderr: String) { (self.status, self.stdout, self.stderr) = (status, stdout, stderr) }
    }

    /// Runs the binary with `arguments`; `environment` is added to this process's own.
    /// `launcher`: a program and its arguments to run the binary through (`setpriv …`).
    public static func run(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = launcher.isEmpty ? url : URL(fileURLWithPath: launcher[0])
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [url.path] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    final class Marker {}
}

/// Paths in the repository the tests read (never write).
public enum Repository {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    /// The public demo signing key the samples and templates/2021-06 are signed with.
    public static let key = root.appendingPathComponent("keys/demo-signing.key").path
    /// The sample submissions of a round of the sample year (2021-03 … 2021-06).
    public static func samples(_ round: String) -> String { root.appendingPathComponent("samples/submissions/\(round)").path }
}
