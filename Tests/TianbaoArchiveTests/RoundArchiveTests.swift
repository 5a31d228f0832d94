import Foundation
import GRDB
import TestSupport
@testable import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoTemplates
import XCTest

/// The archive: a round recorded and read back, replaced, migrated, and every archive that
/// cannot be used refused with its Chinese message and nothing written.
final class RoundArchiveTests: XCTestCase {
    let result = ArchiveFixture.merged
    let plan = ArchiveFixture.plan

    private func recorded(_ name: String) throws -> (RoundArchive, String) {
        let path = ArchiveFixture.scratchArchive(name)
        let archive = try RoundArchive.openForRecording(path: path, plan: plan)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "opening writes nothing")
        try archive.record(result, reportJSON: ArchiveFixture.reportJSON(result))
        return (archive, path)
    }

    private func count(_ path: String, _ sql: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: sql)! }
    }

    func testRoundTrip() throws {
        let (archive, path) = try recorded("roundtrip")
        XCTAssertEqual(try archive.reportJSON(round: "2021-06"), ArchiveFixture.reportJSON(result))
        let rounds = try archive.rounds()
        XCTAssertEqual(rounds.count, 1)
        let r = rounds[0]
        XCTAssertEqual(r.round, "2021-06")
        XCTAssertEqual(r.planVersion, plan.version)
        XCTAssertEqual([r.expected, r.accepted, r.rejected, r.missing, r.late, r.rowsRead, r.rowsMerged, r.rowsRejected],
                       [result.totals.expected, result.totals.accepted, result.totals.rejected, result.totals.missing,
                        result.totals.late, result.totals.rowsRead, result.totals.rowsMerged, result.totals.rowsRejected])
        // The newest save time of the accepted files, from the workbooks themselves.
        let newest = result.units.filter { $0.status == .accepted }.compactMap { $0.submission?.savedAt }.max()!
        XCTAssertEqual(r.mergedAt, RoundResult.chinaTime(newest))

        // Every unit, every file, every problem, and every row of the files that count.
        XCTAssertEqual(try count(path, "SELECT count(*) FROM units"), result.units.count)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM files"), result.files.count)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM problems"), result.problems.count)
        let counting = result.units.compactMap(\.submission)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM rows"), counting.reduce(0) { $0 + $1.rowsRead })
        XCTAssertEqual(try count(path, "SELECT count(*) FROM rows r JOIN units u USING (round_id, unit_id) WHERE r.accepted AND u.status = 'accepted'"),
                       result.totals.rowsMerged)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM files WHERE superseded"), result.files.filter { $0.status == .superseded }.count)
        // The statuses are stored as their types' raw values, in the merge's order.
        let stored = try DatabaseQueue(path: path).read { db in
            (try String.fetchAll(db, sql: "SELECT status FROM files ORDER BY position"),
             try String.fetchAll(db, sql: "SELECT status FROM units ORDER BY position"))
        }
        XCTAssertEqual(stored.0.map(FileStatus.init(rawValue:)), result.files.map(\.status))
        XCTAssertEqual(stored.1.map(UnitStatus.init(rawValue:)), result.units.map(\.status))
        XCTAssertTrue(result.files.contains { $0.status == .rejected } && result.files.contains { $0.status == .accepted })

        // A row read back with its source cell and typed values.
        let back = try XCTUnwrap(archive.round("2021-06"))
        let jiangan = try XCTUnwrap(result.units.first { $0.unit.id == "jiangan" && $0.status == .accepted }?.submission)
        let original = try XCTUnwrap(try result.rows(of: jiangan).first { $0.sheet == "ledger" && $0.accepted })
        let copy = try XCTUnwrap(back.unit("jiangan")?.rows.first { $0.sheet == "ledger" && $0.row == original.row })
        XCTAssertEqual(copy.file, jiangan.file)
        XCTAssertEqual(copy.sheetName, "小区台账")
        for (key, value) in original.values { XCTAssertEqual(copy.values[key], value, key) }
        XCTAssertEqual(try back.unit("jiangan")?.sha256, jiangan.sha256)

        // Figures: the plan's target counted over accepted ledger rows of accepted units.
        var completed = 0
        for u in result.units where u.status == .accepted {
            for row in try result.rows(of: u.submission!) where row.sheet == "ledger" && row.accepted && row.values["status"]?.text == "已完工" {
                completed += 1
            }
        }
        XCTAssertEqual(try archive.figures(round: "2021-06")["target:communities"], Double(completed))
    }

    /// Every table's content, in a fixed order.
    private func dump(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            var out: [String] = []
            for table in ["rounds", "units", "files", "sheets", "rows", "problems", "figures", "unit_figures"] {
                let order = table == "unit_figures" ? "round_id, sheet_id, unit_id" : "rowid"  // a WITHOUT ROWID table
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") { out.append(table + ": " + row.description) }
            }
            return out
        }
    }

    func testTheSameInputsRecordTheSameContent() throws {
        let (_, a) = try recorded("same-a")
        // A second merge of the same folder, recorded into another archive.
        let key = try SigningKey.load(path: ArchiveFixture.root.appendingPathComponent("keys/demo-signing.key").path)
        let again = try RoundMerger(checker: SubmissionChecker(plan: plan, key: key, round: "2021-06"))
            .merge(folder: ArchiveFixture.samples, round: ArchiveFixture.round)
        let b = ArchiveFixture.scratchArchive("same-b")
        try RoundArchive.openForRecording(path: b, plan: plan).record(again, reportJSON: ArchiveFixture.reportJSON(again))
        let (da, db) = (try dump(a), try dump(b))
        XCTAssertGreaterThan(da.count, 700)
        XCTAssertEqual(da, db)
    }

    func testMergingAgainReplacesTheRound() throws {
        let (archive, path) = try recorded("replace")
        let rows = try count(path, "SELECT count(*) FROM rows")
        try archive.record(result, reportJSON: "{\"replaced\":true}\n")
        XCTAssertEqual(try archive.rounds().count, 1)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM rows"), rows)
        XCTAssertEqual(try archive.reportJSON(round: "2021-06"), "{\"replaced\":true}\n")
    }

    func testAFailureBeforeCommitLeavesTheArchiveAsItWas() throws {
        let (archive, path) = try recorded("rollback")
        let before = try archive.reportJSON(round: "2021-06")
        struct Interrupted: Error {}
        XCTAssertThrowsError(try archive.record(result, reportJSON: "{}\n") { throw Interrupted() })
        XCTAssertEqual(try archive.reportJSON(round: "2021-06"), before)
        XCTAssertEqual(try count(path, "SELECT count(*) FROM rounds"), 1)
    }

    func testAVersionOneArchiveIsMigratedAndUsed() throws {
        // An archive as the first schema version left it (only the v1 step applied).
        let path = ArchiveFixture.scratchArchive("v1")
        var v1 = DatabaseMigrator()
        v1.registerMigration("v1") { db in try ArchiveSchema.createV1(db) }
        try v1.migrate(DatabaseQueue(path: path))
        let archive = try RoundArchive.openForRecording(path: path, plan: plan)
        try archive.record(result, reportJSON: ArchiveFixture.reportJSON(result))
        try DatabaseQueue(path: path).read { db in
            XCTAssertEqual(try ArchiveSchema.migrator.completedMigrations(db), ArchiveSchema.migrator.migrations)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), ArchiveSchema.version)
        }
        XCTAssertEqual(try archive.rounds().map(\.round), ["2021-06"])
    }

    /// Opening fails with `expected`, and neither opening nor recording changes the file.
    private func assertRefused(_ path: String, _ expected: (ArchiveError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        let before = ArchiveFixture.bytes(path)
        for attempt in 0..<3 {
            do {
                switch attempt {
                case 0: _ = try RoundArchive.open(path: path)
                case 1: _ = try RoundArchive.openForRecording(path: path, plan: plan)
                default: try RoundArchive.openForRecording(path: path, plan: plan).record(result, reportJSON: "{}")
                }
                XCTFail("no error", file: file, line: line)
            } catch let error as ArchiveError {
                XCTAssertTrue(expected(error), "\(error)", file: file, line: line)
                XCTAssertTrue(error.description.hasPrefix("错误："), file: file, line: line)
            } catch {
                XCTFail("\(error)", file: file, line: line)
            }
        }
        XCTAssertEqual(ArchiveFixture.bytes(path), before, "file changed", file: file, line: line)
    }

    func testANewerArchiveIsRefused() throws {
        let (_, path) = try recorded("newer")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v3-from-the-future')")
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        assertRefused(path) { if case .newer(_, let unknown) = $0 { return unknown == ["v3-from-the-future"] } else { return false } }
        XCTAssertEqual(ArchiveError.newer(path: "a.sqlite", unknown: ["v2"]).description,
                       "错误：汇总档案“a.sqlite”由更新版本的填报程序写入（含本程序不认识的结构版本：v2）。请升级填报程序后再使用该档案；本次未写入任何内容。")
    }

    func testAHigherUserVersionAloneIsRefused() throws {
        let (_, path) = try recorded("userversion")
        try DatabaseQueue(path: path).write { try $0.execute(sql: "PRAGMA user_version = 7") }
        assertRefused(path) { if case .newer = $0 { return true } else { return false } }
    }

    func testACorruptFileIsRefused() throws {
        let path = ArchiveFixture.scratchArchive("corrupt")
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        assertRefused(path) { if case .corrupt = $0 { return true } else { return false } }
        // A real archive cut short in the middle of its pages.
        let (_, good) = try recorded("truncated")
        let data = ArchiveFixture.bytes(good)!
        var damaged = data.prefix(4096 * 3)
        damaged.replaceSubrange(100..<4096, with: Data(repeating: 0xFF, count: 3996))
        try damaged.write(to: URL(fileURLWithPath: good))
        assertRefused(good) { if case .corrupt = $0 { return true } else { return false } }
    }

    func testAnSQLiteFileThatIsNotAnArchiveIsRefused() throws {
        let path = ArchiveFixture.scratchArchive("other")
        try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT)") }
        assertRefused(path) { if case .notArchive = $0 { return true } else { return false } }
    }

    /// In WAL mode another program's write lock does not stop readers; a merge finds it before
    /// it writes anything (`probeWrite`), and recording is refused, the file unchanged.
    func testAWriteLockedArchiveIsReadButNotWritten() throws {
        let (_, path) = try recorded("locked")
        let holder = try ArchiveLock(path)
        defer { holder.release() }
        let before = ArchiveFixture.bytes(path)
        XCTAssertEqual(try RoundArchive.open(path: path).rounds().map(\.round), ["2021-06"], "readers are not blocked")
        let archive = try RoundArchive.openForRecording(path: path, plan: plan)
        for attempt in 0..<2 {
            XCTAssertThrowsError(try attempt == 0 ? archive.probeWrite() : { _ = try archive.record(result, reportJSON: "{}") }()) { error in
                guard case .locked = error as? ArchiveError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertEqual(ArchiveFixture.bytes(path), before, "file changed")
    }

    /// An archive in the rollback journal (as version 2 wrote it) locked by another program:
    /// reading it waits for the lock, then is refused.
    func testALockedArchiveInTheRollbackJournalIsRefused() throws {
        let (_, path) = try recorded("locked-delete")
        try DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        let holder = try ArchiveLock(path)
        defer { holder.release() }
        assertRefused(path) { if case .locked = $0 { return true } else { return false } }
    }

    func testAnArchiveOfAnotherPlanVersionIsRefused() throws {
        let (_, path) = try recorded("version")
        var revised = plan
        revised.version = "2099.9"
        do {
            _ = try RoundArchive.openForRecording(path: path, plan: revised)
            XCTFail("no error")
        } catch let error as ArchiveError {
            XCTAssertEqual(error.description,
                           "错误：汇总档案“\(path)”中的 2021-06 轮次是按计划版本 \(plan.version) 汇总的，现行计划版本为 2099.9，"
                               + "两轮数据不能直接比对。请使用与档案相同版本的计划，或用 --archive 为新版本计划另建档案；本次未写入任何内容。")
        }
        let before = ArchiveFixture.bytes(path)
        var moved = result
        moved.plan = revised
        XCTAssertThrowsError(try RoundArchive(pathForTesting: path).record(moved, reportJSON: "{}"))
        XCTAssertEqual(ArchiveFixture.bytes(path), before)
    }

    func testAMissingArchiveIsReportedForReading() {
        XCTAssertThrowsError(try RoundArchive.open(path: "/nonexistent/tianbao-archive.sqlite")) { error in
            XCTAssertEqual(error as? ArchiveError, .missing(path: "/nonexistent/tianbao-archive.sqlite"))
        }
    }

    func testTheDefaultArchiveSitsNextToTheOutputFolder() {
        XCTAssertEqual(RoundArchive.defaultPath(outputFolder: "/work/office/out/2021-06"), "/work/office/out/tianbao-archive.sqlite")
        XCTAssertEqual(RoundArchive.defaultPath(outputFolder: "/work/office/out/2021-06/"), "/work/office/out/tianbao-archive.sqlite")
    }
}
