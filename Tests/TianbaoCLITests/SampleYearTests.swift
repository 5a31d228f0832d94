import Foundation
import TestSupport
import XCTest

/// The sample year: 2021-03 to 2021-06 merged in order into a fresh archive, as
/// `make demo` does. Each problem planted across rounds is found at its file, sheet and cell;
/// June's own problems are those June has alone, plus only what the months before add.
final class SampleYearTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key
    static let rounds = SampleYear.rounds
    /// The rules of the checks across rounds.
    static let crossRoundRules: Set<String> = ["status-went-back", "finish-date-moved", "jump", "figure-fell", "community-duplicate",
                                               "community-vanished", "text-copied", "copied-workbook"]

    /// A merge's report.json, and its status checked: March, every unit's file accepted (0);
    /// later rounds have files rejected or units missing (1).
    func checked(_ round: String, _ r: Binary.Result, out: URL) throws -> [String: Any] {
        XCTAssertEqual(r.status, round == "2021-03" ? 0 : 1, "\(round): \(r.stdout)\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
    }

    func merge(_ round: String, out: URL, archive: String) throws -> [String: Any] {
        let r = try Binary.run(["merge", Self.root.appendingPathComponent("samples/submissions/\(round)").path, "--round", round,
                                "--out", out.path, "--key", Self.key, "--archive", archive])
        return try checked(round, r, out: out)
    }

    /// Every problem of a round as `unit|file|sheet|cell|rule|severity|value`.
    func problems(_ report: [String: Any]) -> [String] {
        (report["units"] as! [[String: Any]]).flatMap { u in
            (u["problems"] as! [[String: Any]]).map { p in
                [u["unit_id"] as! String, u["file"] as? String ?? "", p["sheet"] as? String ?? "", p["cell"] as? String ?? "",
                 p["rule"] as! String, p["severity"] as! String, p["value"] as? String ?? ""].joined(separator: "|")
            }
        }.sorted()
    }

    /// The problems found across rounds: their rules, and the monthly rule judged over two rounds.
    func acrossRounds(_ report: [String: Any]) -> [String] {
        (report["units"] as! [[String: Any]]).flatMap { u in
            (u["problems"] as! [[String: Any]]).filter { p in
                Self.crossRoundRules.contains(p["rule"] as! String) || (p["message"] as! String).contains("按上期")
            }.map { p in
                [u["unit_id"] as! String, u["file"] as? String ?? "", p["sheet"] as? String ?? "", p["cell"] as? String ?? "",
                 p["rule"] as! String, p["severity"] as! String].joined(separator: "|")
            }
        }.sorted()
    }

    func status(_ report: [String: Any], _ unit: String) -> String {
        (report["units"] as! [[String: Any]]).first { $0["unit_id"] as? String == unit }!["status"] as! String
    }

    func testTheSampleYearMergedInOrderFindsWhatWasPlantedAcrossRounds() throws {
        // The year merged in order (the shared fixture, only read here).
        let year = try SampleYear.folder()
        var reports: [String: [String: Any]] = [:]
        for round in Self.rounds {
            reports[round] = try checked(round, try SampleYear.run("merge \(round)"), out: year.appendingPathComponent("out/\(round)"))
        }
        let dir = temporaryDirectory("year")
        // March: the work plans, every unit, nothing wrong.
        XCTAssertEqual(problems(reports["2021-03"]!), [])
        XCTAssertEqual((reports["2021-03"]!["totals"] as! [String: Int])["accepted"], 41)

        // April: 市民政局 misses the month; 江汉区 reports 江岸区's 球场化工小区 as 球场化工社区.
        XCTAssertEqual(status(reports["2021-04"]!, "mzj"), "missing")
        XCTAssertEqual(acrossRounds(reports["2021-04"]!), ["jianghan|江汉区人民政府-2021-04.xlsx|小区台账|A10|community-duplicate|warning"])

        // May: 汉阳区's 五里墩幸福社区 goes back from 已完工 to 在建 (an error: the row is kept out);
        // 江汉区's ledger no longer has the community it reported twice; 市城乡建设局 resends
        // April's text for task 1.1, not done. 市民政局, missing in April, is compared with nothing.
        XCTAssertEqual(acrossRounds(reports["2021-05"]!), [
            "cxjsj|市城乡建设局-2021-05.xlsx|任务进展|H4|text-copied|warning",
            "hanyang|汉阳区人民政府-2021-05.xlsx|小区台账|T5|status-went-back|error",
            "jianghan|江汉区人民政府-2021-05.xlsx|小区台账||community-vanished|warning",
        ])
        XCTAssertEqual((reports["2021-05"]!["totals"] as! [String: Int])["rows_rejected"], 1)
        XCTAssertEqual(status(reports["2021-05"]!, "mzj"), "accepted")

        // June: consistent with May, so exactly the problems June has alone (MergeEndToEndTests
        // pins those), and the same totals.
        XCTAssertEqual(acrossRounds(reports["2021-06"]!), [])
        let alone = try merge("2021-06", out: dir.appendingPathComponent("alone/out/2021-06"),
                              archive: dir.appendingPathComponent("alone/out/tianbao-archive.sqlite").path)
        XCTAssertEqual(problems(reports["2021-06"]!), problems(alone))
        XCTAssertEqual(reports["2021-06"]!["totals"] as! [String: Int], alone["totals"] as! [String: Int])

        // The archive holds the four rounds, in order (read from a copy: the fixture stays as it is).
        let archive = dir.appendingPathComponent("history/tianbao-archive.sqlite").path
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("history").path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: year.appendingPathComponent("out/tianbao-archive.sqlite").path, toPath: archive)
        let history = try Binary.run(["history", "--archive", archive, "--format", "json"])
        let rounds = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]
        XCTAssertEqual(rounds.map { $0["round"] as! String }, Self.rounds)
    }
}
