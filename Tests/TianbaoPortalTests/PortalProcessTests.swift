import Foundation
import TestSupport
import TianbaoPlan
import TianbaoPortal
import TianbaoTemplates
import XCTest

/// The portal as the office runs it: the `tianbao` binary serving on a loopback port, driven by
/// the scripts beside this file (Python's standard library; the browser test through Debian's
/// chromium, chromium-driver and python3-selenium, which `make test` installs).
final class PortalProcessTests: XCTestCase {
    /// The binary the portal is served by.
    static var binary: String { Binary.url.path }

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("scripts")

    func runScript(_ name: String, _ extra: [String] = [], timeout: TimeInterval = 600) throws -> String {
        let scratch = temporaryDirectory("portal-\(name)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (status, output) = try runProcess(testPython, [Self.scripts.appendingPathComponent(name).path, Self.binary,
                                                           PortalFixture.samples.path, PortalFixture.keyPath,
                                                           scratch.appendingPathComponent("run").path] + extra, timeout: timeout)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("PASS"), output)
        return output
    }

    /// SIGKILL in the middle of an upload, then a restart: the answered uploads are there, the
    /// half-received one is gone, the board is right; a stored file without a record (a kill
    /// between the rename and the record) is recorded at the next start.
    func testAServerKilledMidUploadLosesNothingItAnswered() throws {
        _ = try runScript("kill_test.py")
    }

    /// A real browser: problems cell by cell, a corrected file accepted, the live board, 汇总,
    /// the consolidated workbook downloaded and equal to the CLI's merge of the same folder.
    /// `TIANBAO_PORTAL_SCREENSHOTS=DIR` keeps the screenshots (docs/ has the ones shown).
    func testARealBrowserHandsInAndMerges() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            throw XCTSkip("chromium and chromium-driver are not installed (make test installs them)")
        }
        let shots = ProcessInfo.processInfo.environment["TIANBAO_PORTAL_SCREENSHOTS"].map { [$0] } ?? []
        _ = try runScript("browser_test.py", shots)
    }

    /// `tianbao links`: one link per unit of the round and the office's, each the token the
    /// server accepts.
    func testLinksPrintsEveryUnitsLinkAndTheOffices() throws {
        let (status, csv) = try runProcess(Self.binary, ["links", "--round", "2021-06", "--base-url", "https://tianbao.example.gov.cn/",
                                                         "--key", PortalFixture.keyPath, "--format", "csv"])
        XCTAssertEqual(status, 0, csv)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        // A UTF-8 byte-order mark first (decoding the output as text drops it: read the bytes).
        let (_, head) = try runProcess("/bin/sh", ["-c", "\"$0\" \"$@\" | head -c 3 | od -An -tx1", Self.binary, "links", "--round", "2021-06",
                                                   "--base-url", "https://x.example", "--key", PortalFixture.keyPath, "--format", "csv"])
        XCTAssertEqual(head.trimmingCharacters(in: .whitespacesAndNewlines), "ef bb bf", "a UTF-8 byte-order mark for Excel")
        let plan = PortalFixture.plan
        let units = plan.units(in: PortalFixture.round)
        XCTAssertEqual(lines.first, "单位,链接")
        XCTAssertEqual(lines.count, units.count + 2)
        let tokens = LinkTokens(key: PortalFixture.key, plan: plan)
        for (line, unit) in zip(lines.dropFirst(), units) {
            XCTAssertEqual(line, "\(unit.name),https://tianbao.example.gov.cn\(tokens.path(round: "2021-06", who: unit.id))")
        }
        XCTAssertEqual(lines.last, "办公室,https://tianbao.example.gov.cn\(tokens.path(round: "2021-06", who: "office"))")
        // Tokens differ by unit, round and key.
        XCTAssertEqual(Set(units.map { tokens.token(round: "2021-06", who: $0.id) }).count, units.count)
        XCTAssertNotEqual(tokens.token(round: "2021-06", who: "office"), tokens.token(round: "2021-05", who: "office"))
        let other = LinkTokens(key: SigningKey(bytes: Array(repeating: 7, count: 32)), plan: plan)
        XCTAssertNotEqual(other.token(round: "2021-06", who: "office"), tokens.token(round: "2021-06", who: "office"))
        let (bad, message) = try runProcess(Self.binary, ["links", "--round", "2021-06", "--base-url", "tianbao.local", "--key", PortalFixture.keyPath])
        XCTAssertEqual(bad, 2)
        XCTAssertTrue(message.contains("--base-url 应以 http:// 或 https:// 开头"), message)
    }
}
