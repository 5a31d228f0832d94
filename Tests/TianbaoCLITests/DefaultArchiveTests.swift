import Foundation
import TestSupport
import XCTest

/// `check` and `status` look for `out/tianbao-archive.sqlite` when no `--archive` is given. An
/// archive there that belongs to another plan (the office runs two campaigns from one folder)
/// is passed over with a note; named with `--archive`, it is an error (status 2).
final class DefaultArchiveTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let key = root.appendingPathComponent("keys/demo-signing.key").path

    /// Runs the binary in `folder`.
    func run(_ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testAnotherPlansArchiveInTheWorkingFolderIsPassedOverWithANote() throws {
        let folder = temporaryDirectory("default-archive")
        defer { try? FileManager.default.removeItem(at: folder) }
        let merged = try run(["merge", Self.root.appendingPathComponent("samples/submissions/2021-06").path, "--round", "2021-06",
                              "--out", "out/2021-06", "--key", Self.key, "--quiet"], in: folder)
        XCTAssertEqual(merged.status, 1, merged.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/tianbao-archive.sqlite").path))

        let gas = Self.root.appendingPathComponent("samples/gas-pipes/submissions/2024-05")
        let file = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: gas.path).sorted().first { $0.hasPrefix("临江燃气集团") })
        let plan = Self.root.appendingPathComponent("plans/gas-pipes.yaml").path
        let check = try run(["check", "--plan", plan, "--key", Self.key, gas.appendingPathComponent(file).path], in: folder)
        XCTAssertNotEqual(check.status, 2, check.stderr)
        XCTAssertTrue(check.stderr.contains("注意：“out/tianbao-archive.sqlite”是另一个计划或计划版本的汇总档案，本次不与上期比较"), check.stderr)
        XCTAssertTrue(check.stdout.contains("临江燃气集团有限公司（2024-05）"), check.stdout)

        let named = try run(["check", "--plan", plan, "--key", Self.key, "--archive", "out/tianbao-archive.sqlite",
                             gas.appendingPathComponent(file).path], in: folder)
        XCTAssertEqual(named.status, 2, "an archive the user names must be this plan's")
        XCTAssertTrue(named.stderr.contains("属于另一个计划"), named.stderr)
    }
}
