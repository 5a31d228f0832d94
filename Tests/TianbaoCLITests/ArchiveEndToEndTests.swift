import Foundation
import GRDB
import TestSupport
import TianbaoSupport
import XCTest
import XLSX

/// `tianbao merge` recording into the archive and `tianbao history` reading it, run as a user
/// would; archives that cannot be used end the merge with status 2 and nothing written.
final class ArchiveEndToEndTests: XCTestCase {
    static let samples = MergeEndToEndTests.samples
    static let key = MergeEndToEndTests.key

    func merge(_ out: URL, archive: String? = nil) throws -> Binary.Result {
        try Binary.run(["merge", Self.samples, "--round", "2021-06", "--out", out.path, "--key", Self.key]
                       + (archive.map { ["--archive", $0] } ?? []))
    }

    func report(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("report.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func testMergeRecordsNextToTheOutputFolderAndHistoryExportsTheReport() throws {
        let dir = temporaryDirectory("archive-e2e")
        let out = dir.appendingPathComponent("out/2021-06")
        let r = try merge(out)
        XCTAssertEqual(r.status, 1, r.stderr)
        let archive = dir.appendingPathComponent("out/tianbao-archive.sqlite").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: archive))
        XCTAssertTrue(r.stdout.contains("已记入汇总档案：\(archive)"), r.stdout)

        // The export is report.json, byte for byte.
        let exported = try Binary.run(["history", "--archive", archive, "--round", "2021-06", "--format", "json"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(exported.stdout, try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8))

        // The list, as a table and as JSON.
        let totals = try report(out)["totals"] as! [String: Int]
        let list = try Binary.run(["history", "--archive", archive])
        XCTAssertEqual(list.status, 0, list.stderr)
        let line = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix("2021-06") })
        let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(cells[0], "2021-06")
        XCTAssertEqual(cells[4], "\(totals["accepted"]!)/\(totals["expected"]!)")
        XCTAssertEqual(cells[8], "\(totals["rows_merged"]!)")
        let json = try Binary.run(["history", "--archive", archive, "--format", "json"])
        let rounds = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]
        XCTAssertEqual(rounds.map { $0["round"] as! String }, ["2021-06"])
        XCTAssertEqual(rounds[0]["rows_merged"] as? Int, totals["rows_merged"])

        // Merging again replaces the round.
        XCTAssertEqual(try merge(out).status, 1)
        let again = try Binary.run(["history", "--archive", archive, "--format", "json"])
        XCTAssertEqual(((try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]).count, 1)

        // A round not recorded.
        let none = try Binary.run(["history", "--archive", archive, "--round", "2021-05", "--format", "json"])
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.stderr, "错误：汇总档案“\(archive)”中没有 2021-05 轮次的记录。可用 tianbao history 查看已记录的轮次。\n")
        let missing = try Binary.run(["history", "--archive", dir.appendingPathComponent("nothing.sqlite").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("错误：找不到汇总档案"), missing.stderr)
    }

    /// The merge ends with status 2, says `message`, and writes nothing: no output folder, the
    /// archive's bytes unchanged.
    func assertRefused(_ archive: String, _ message: String, historyReads: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let before = FileManager.default.contents(atPath: archive)
        let out = temporaryDirectory("refused").appendingPathComponent("out/2021-06")
        let r = try merge(out, archive: archive)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), r.stderr, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "outputs written", file: file, line: line)
        XCTAssertEqual(FileManager.default.contents(atPath: archive), before, "archive changed", file: file, line: line)
        let history = try Binary.run(["history", "--archive", archive])
        if historyReads {
            XCTAssertEqual(history.status, 0, history.stderr, file: file, line: line)
        } else {
            XCTAssertEqual(history.status, 2, file: file, line: line)
            XCTAssertTrue(history.stderr.contains(message), history.stderr, file: file, line: line)
        }
    }

    func testACorruptArchiveEndsTheMergeWithNothingWritten() throws {
        let archive = temporaryDirectory("corrupt").appendingPathComponent("a.sqlite").path
        try Data("这不是数据库".utf8 + Data(repeating: 7, count: 5000)).write(to: URL(fileURLWithPath: archive))
        try assertRefused(archive, "错误：汇总档案“\(archive)”已损坏或不是 SQLite 数据库文件（")
    }

    func testANewerArchiveEndsTheMergeWithNothingWritten() throws {
        let dir = temporaryDirectory("newer")
        let archive = dir.appendingPathComponent("a.sqlite").path
        XCTAssertEqual(try merge(dir.appendingPathComponent("first"), archive: archive).status, 1)
        try DatabaseQueue(path: archive).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v3')") }
        try assertRefused(archive, "错误：汇总档案“\(archive)”由更新版本的填报程序写入（含本程序不认识的结构版本：v3）。请升级填报程序后再使用该档案；本次未写入任何内容。")
    }

    func testALockedArchiveEndsTheMergeWithNothingWritten() throws {
        let dir = temporaryDirectory("locked")
        let archive = dir.appendingPathComponent("a.sqlite").path
        XCTAssertEqual(try merge(dir.appendingPathComponent("first"), archive: archive).status, 1)
        let lock = Process()
        lock.executableURL = URL(fileURLWithPath: testPython)
        lock.arguments = ["-c", "import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked',flush=True)\ntime.sleep(60)", archive]
        let pipe = Pipe()
        lock.standardOutput = pipe
        try lock.run()
        defer { lock.terminate(); lock.waitUntilExit() }
        _ = pipe.fileHandleForReading.availableData  // "locked"
        // Readers are not held up (WAL); the merge finds the lock before writing anything.
        try assertRefused(archive, "错误：汇总档案“\(archive)”正被另一个程序使用（文件被锁定）。请等另一次汇总结束、或关闭打开该文件的程序后重试；本次未写入任何内容。",
                          historyReads: true)
    }

    /// Two rounds: the samples recorded as 2021-05 (with 江岸区's 永清民主社区 已完工 then), and
    /// 2021-06 merged after them.
    func twoRounds(_ dir: URL) throws -> (archive: String, baseline: [String: Any]) {
        let archive = dir.appendingPathComponent("a.sqlite").path
        let first = dir.appendingPathComponent("first")
        XCTAssertEqual(try merge(first, archive: archive).status, 1)
        let baseline = try report(first)
        try DatabaseQueue(path: archive).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for table in ["rounds", "units", "files", "sheets", "rows", "problems", "figures", "unit_figures"] {
                try db.execute(sql: "UPDATE \(table) SET round_id = '2021-05'")
            }
            try db.execute(sql: "UPDATE rounds SET position = 2")
            try db.execute(sql: """
                UPDATE rows SET values_json = json_set(values_json, '$[19]', '已完工')
                WHERE unit_id = 'jiangan' AND sheet_id = 'ledger' AND row = 6
                """)
        }
        let status = try DatabaseQueue(path: archive).read { db in
            try String.fetchOne(db, sql: "SELECT json_extract(fields_json, '$[19]') FROM sheets WHERE sheet_id = 'ledger'")
        }
        XCTAssertEqual(status, "status")
        return (archive, baseline)
    }

    func testTheMergeChecksAgainstTheRoundBefore() throws {
        let dir = temporaryDirectory("two-rounds")
        let (archive, baseline) = try twoRounds(dir)
        let out = dir.appendingPathComponent("out/2021-06")
        let r = try merge(out, archive: archive)
        XCTAssertEqual(r.status, 1, r.stderr)
        let now = try report(out)
        let jiangan = (now["units"] as! [[String: Any]]).first { $0["unit_id"] as? String == "jiangan" }!
        let problem = try XCTUnwrap((jiangan["problems"] as! [[String: Any]]).first { $0["rule"] as? String == "status-went-back" })
        XCTAssertEqual(problem["severity"] as? String, "error")
        XCTAssertEqual(problem["sheet"] as? String, "小区台账")
        XCTAssertEqual(problem["cell"] as? String, "T6")
        XCTAssertEqual(problem["value"] as? String, "已完工 → 在建")
        // The only error across rounds: every other community kept its status.
        let errors = (now["units"] as! [[String: Any]]).flatMap { $0["problems"] as! [[String: Any]] }
            .filter { $0["rule"] as? String == "status-went-back" }
        XCTAssertEqual(errors.count, 1)
        // The row left the merge.
        let (t0, t1) = (baseline["totals"] as! [String: Int], now["totals"] as! [String: Int])
        XCTAssertEqual(t1["rows_merged"]!, t0["rows_merged"]! - 1)
        XCTAssertEqual(t1["rows_rejected"]!, t0["rows_rejected"]! + 1)
        // The consolidated workbook lists the problem; the community stays in 小区台账, marked
        // 有误 (rows with errors are shown, not counted).
        let wb = try Workbook(path: out.appendingPathComponent("汇总-2021-06.xlsx").path)
        let issues = try wb.read(wb.sheet(named: "校验问题")!)
        XCTAssertTrue(issues.rows.contains { row in row.cells.contains { $0.value?.text.contains("退回为“在建”") ?? false } })
        let ledger = try wb.read(wb.sheet(named: "小区台账")!)
        let back = try XCTUnwrap(ledger.rows.first { row in row.cells.contains { $0.value?.text == "永清民主社区" } })
        XCTAssertTrue(back.cells.contains { $0.value?.text.hasPrefix("有误") ?? false }, "\(back.cells.map { $0.value?.text ?? "" })")
        XCTAssertTrue(ledger.rows.contains { row in row.cells.contains { $0.value?.text == "永清红旗社区" } })
        // The unit's feedback workbook carries it.
        let feedback = try Workbook(path: out.appendingPathComponent("反馈/江岸区人民政府-2021-06-反馈.xlsx").path)
        let list = try feedback.read(feedback.sheet(named: "问题清单")!)
        XCTAssertTrue(list.rows.contains { row in row.cells.contains { $0.value?.text.contains("永清民主社区") ?? false } })
        // Both rounds are recorded; the June export is June's report.json.
        let history = try Binary.run(["history", "--archive", archive, "--format", "json"])
        let rounds = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]
        XCTAssertEqual(rounds.map { $0["round"] as! String }, ["2021-05", "2021-06"])
        let exported = try Binary.run(["history", "--archive", archive, "--round", "2021-06", "--format", "json"])
        XCTAssertEqual(exported.stdout, try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8))
    }

    func testCheckAndStatusCheckAgainstTheRoundBefore() throws {
        let dir = temporaryDirectory("check-status")
        let (archive, _) = try twoRounds(dir)
        let file = URL(fileURLWithPath: Self.samples).appendingPathComponent("江岸区人民政府-2021-06.xlsx").path
        let checked = try Binary.run(["check", file, "--key", Self.key, "--archive", archive, "--format", "json"])
        XCTAssertEqual(checked.status, 1, checked.stderr)
        XCTAssertTrue(checked.stdout.contains("\"severity\":\"error\",\"sheet\":\"小区台账\",\"cell\":\"T6\",\"rule\":\"status-went-back\""),
                      checked.stdout)
        let plain = try Binary.run(["check", file, "--key", Self.key, "--archive", archive])
        XCTAssertTrue(plain.stdout.contains("[错误] 小区台账!T6  小区“永清民主社区”的状态由上期（2021-05）的“已完工”退回为“在建”。"), plain.stdout)

        func jianganErrors(_ extra: [String]) throws -> Int {
            let r = try Binary.run(["status", Self.samples, "--round", "2021-06", "--key", Self.key, "--format", "json"] + extra)
            let units = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["units"] as! [[String: Any]]
            return units.first { $0["unit_id"] as? String == "jiangan" }!["errors"] as! Int
        }
        // An archive holding only this round: nothing before it to compare with.
        let only = dir.appendingPathComponent("only.sqlite").path
        XCTAssertEqual(try merge(dir.appendingPathComponent("only"), archive: only).status, 1)
        let without = try jianganErrors(["--archive", only])
        XCTAssertEqual(try jianganErrors(["--archive", archive]), without + 1)

        // A corrupt archive named for check or status: status 2.
        let bad = dir.appendingPathComponent("bad.sqlite").path
        try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: bad))
        XCTAssertEqual(try Binary.run(["check", file, "--key", Self.key, "--archive", bad]).status, 2)
        XCTAssertEqual(try Binary.run(["status", Self.samples, "--round", "2021-06", "--key", Self.key, "--archive", bad]).status, 2)
    }

    /// A merge killed at many points leaves the archive as it was or with the round fully
    /// recorded, never anything in between.
    func testAMergeKilledAtAnyPointLeavesTheArchiveWhole() throws {
        let dir = temporaryDirectory("killed")
        let archive = dir.appendingPathComponent("a.sqlite").path
        XCTAssertEqual(try merge(dir.appendingPathComponent("first"), archive: archive).status, 1)
        let complete = try String(contentsOf: dir.appendingPathComponent("first/report.json"), encoding: .utf8)
        let old = "{\"old\":true}\n"
        func mark() throws {
            // With its digest, so that the archive stays whole (a merge checks each round's digest).
            try DatabaseQueue(path: archive).write {
                try $0.execute(sql: "UPDATE rounds SET report_json = ?, record_digest = ?", arguments: [old, Digest.sha256(Array(old.utf8)).hex])
            }
        }
        try mark()
        // Measure how long a merge takes here, then kill at points spread over it.
        let start = Date()
        XCTAssertEqual(try merge(dir.appendingPathComponent("timed"), archive: archive).status, 1)
        let duration = Date().timeIntervalSince(start)
        var outcomes: [String: Int] = [:]
        // Six points from 55 % to 105 % of a merge's time (the commit falls near the end; the
        // crash windows around it are injected exactly in ArchiveFaultTests).
        for step in 0..<6 {
            try mark()
            let process = Process()
            process.executableURL = Binary.url
            process.arguments = ["merge", Self.samples, "--round", "2021-06", "--out", dir.appendingPathComponent("k\(step)").path,
                                 "--key", Self.key, "--archive", archive]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: duration * (0.55 + 0.1 * Double(step)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // The archive opens (a hot journal is rolled back) and holds one whole version.
            let exported = try Binary.run(["history", "--archive", archive, "--round", "2021-06", "--format", "json"])
            XCTAssertEqual(exported.status, 0, exported.stderr)
            XCTAssertTrue(exported.stdout == old || exported.stdout == complete, "step \(step): \(exported.stdout.prefix(80))")
            outcomes[exported.stdout == old ? "old" : "new", default: 0] += 1
            let check = try DatabaseQueue(path: archive).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
            XCTAssertEqual(check, "ok")
            let units = try DatabaseQueue(path: archive).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM units")! }
            XCTAssertEqual(units, 41)
        }
        print("killed merges left the archive: \(outcomes)")
    }

    /// 催报: a unit that sent nothing this round is called on the liaison it named last round.
    func testStatusNamesLastRoundsLiaisonForAUnitThatSentNothing() throws {
        let dir = temporaryDirectory("last-liaison")
        let (archive, baseline) = try twoRounds(dir)
        let folder = dir.appendingPathComponent("submissions/2021-06")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.samples), to: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("江岸区人民政府-2021-06.xlsx"))
        let r = try Binary.run(["status", folder.path, "--round", "2021-06", "--key", Self.key, "--archive", archive, "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let units = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["units"] as! [[String: Any]]
        let jiangan = units.first { $0["unit_id"] as? String == "jiangan" }!
        XCTAssertEqual(jiangan["status"] as? String, "missing")
        XCTAssertTrue(jiangan["liaison"] is NSNull)
        let last = try XCTUnwrap(jiangan["last_liaison"] as? [String: Any])
        XCTAssertEqual(last["round"] as? String, "2021-05")
        // The liaison in 江岸区's June file, recorded as May's.
        let wb = try Workbook(path: URL(fileURLWithPath: Self.samples).appendingPathComponent("江岸区人民政府-2021-06.xlsx").path)
        let sheet = try wb.read(wb.sheet(named: "联络员")!)
        let name = try XCTUnwrap(sheet["A4"]?.value?.text)
        XCTAssertEqual(last["name"] as? String, name)
        XCTAssertEqual(last["phone"] as? String, sheet["D4"]?.value?.text)
        let text = try Binary.run(["status", folder.path, "--round", "2021-06", "--key", Self.key, "--archive", archive])
        XCTAssertTrue(text.stdout.contains("\(name)（2021-05 轮所报）"), text.stdout)
        _ = baseline
    }
}
