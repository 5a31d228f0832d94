import Foundation
import TestSupport
import XCTest

/// The progress line of `merge` and `status`: on a terminal only, silenced by `--quiet`.
final class ProgressLineTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../samples/submissions/2021-06").standardized.path
    static let key = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../keys/demo-signing.key").standardized.path

    /// Runs the binary with a pseudo-terminal as its standard error (util-linux `script`).
    func onTerminal(_ arguments: [String]) throws -> String {
        let command = ([Binary.url.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let (_, output) = try runProcess("script", ["-qfec", command, "/dev/null"])
        return output
    }

    func testStatusShowsProgressOnATerminalOnly() throws {
        let arguments = ["status", Self.samples, "--round", "2021-06", "--key", Self.key]
        let shown = try onTerminal(arguments)
        XCTAssertTrue(shown.contains("正在检查文件：已检查 "), shown)
        XCTAssertTrue(shown.contains("已检查 38/38 个文件"), shown)  // 38 files; the lock file and the folder are skipped
        XCTAssertTrue(shown.contains("\u{1B}[K"), "the line is cleared before the list")
        let quiet = try onTerminal(arguments + ["--quiet"])
        XCTAssertFalse(quiet.contains("已检查"), quiet)
        let piped = try Binary.run(arguments)
        XCTAssertFalse(piped.stderr.contains("已检查"), piped.stderr)
    }

    func testMergeShowsItsPhasesOnATerminal() throws {
        let out = temporaryDirectory("progress").appendingPathComponent("out").path
        let shown = try onTerminal(["merge", Self.samples, "--round", "2021-06", "--out", out, "--key", Self.key])
        XCTAssertTrue(shown.contains("正在检查文件：已检查 38/38 个文件"), shown)
        XCTAssertTrue(shown.contains("正在写入汇总表、简报和反馈表"), shown)
        XCTAssertTrue(shown.contains("输出文件"), shown)
    }
}
