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

/// Schema version 1 → 2 on an archive holding rounds: a version-1 archive is read as before
/// (its figures counted from its rows), and the first merge into it migrates it and stores
/// the figures of its earlier rounds, equal to those a version-2 Tianbao stores when recording.
///
/// The version-1 archive is the version-2 one with the v2 step undone (the table, column and
/// index v2 adds dropped, the v1 index back, the migration's record and `user_version` reset):
/// v2 only adds to what version 1 wrote, and the test checks the result has exactly the schema
/// the v1 step creates.
final class ArchiveMigrationTests: XCTestCase {
    let plan = ArchiveFixture.plan
    let june = ArchiveFixture.merged

    /// The samples' round 2021-05, merged in process.
    static let may: RoundResult = {
        let root = ArchiveFixture.root
        let key = try! SigningKey.load(path: root.appendingPathComponent("keys/demo-signing.key").path)
        let round = ArchiveFixture.plan.round("2021-05")!
        let merger = RoundMerger(checker: SubmissionChecker(plan: ArchiveFixture.plan, key: key, round: round.id))
        return try! merger.merge(folder: root.appendingPathComponent("samples/submissions/2021-05").path, round: round)
    }()

    func testAVersionOneArchiveWithRoundsIsReadAsBeforeAndUpgradedToTheSameFigures() throws {
        let may = Self.may
        let freshPath = ArchiveFixture.scratchArchive("migrate-v2")
        let fresh = try RoundArchive.openForRecording(path: freshPath, plan: plan)
        try fresh.record(may, reportJSON: ArchiveFixture.reportJSON(may))

        let oldPath = ArchiveFixture.scratchArchive("migrate-v1")
        try FileManager.default.copyItem(atPath: freshPath, toPath: oldPath)
        try Self.undoVersionTwo(oldPath)
        XCTAssertEqual(try Self.schema(oldPath), try Self.versionOneSchema(), "not the archive version 1 writes")

        // Read as version 1 left it: the same 进度趋势 figures (counted from the rows), nothing written.
        let before = ArchiveFixture.bytes(oldPath)
        let old = try RoundArchive.open(path: oldPath)
        let expected = Self.describe(try fresh.history(for: june).earlier)
        XCTAssertEqual(Self.describe(try old.history(for: june).earlier), expected)
        XCTAssertTrue(expected.contains { $0.hasPrefix("2021-05 ledger jiangan items ") }, "\(expected)")
        XCTAssertTrue(expected.contains { !$0.hasSuffix(" done 0") }, "no done item counted: \(expected)")
        XCTAssertEqual(ArchiveFixture.bytes(oldPath), before, "reading changed the file")

        // The first merge into it migrates it and stores May's figures, as recording does.
        try RoundArchive.openForRecording(path: oldPath, plan: plan).record(june, reportJSON: ArchiveFixture.reportJSON(june))
        try fresh.record(june, reportJSON: ArchiveFixture.reportJSON(june))
        XCTAssertEqual(try Self.schema(oldPath), try Self.schema(freshPath))
        let figures = "SELECT round_id, sheet_id, unit_id, items, done FROM unit_figures ORDER BY round_id, sheet_id, unit_id"
        XCTAssertEqual(try Self.dump(oldPath, figures), try Self.dump(freshPath, figures))
        XCTAssertEqual(try Self.dump(oldPath, "SELECT round_id, unit_figures FROM rounds ORDER BY position"),
                       ["2021-05|1", "2021-06|1"])
        XCTAssertGreaterThan(try Self.dump(oldPath, figures).count, 10)
        try DatabaseQueue(path: oldPath).read { db in
            XCTAssertEqual(try ArchiveSchema.migrator.completedMigrations(db), ["v1", "v2", "v3-recording", "v4-uploads"])
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), 4)
        }
        // And the upgraded archive gives the figures it gave before.
        XCTAssertEqual(Self.describe(try RoundArchive.open(path: oldPath).history(for: june).earlier), expected)
    }

    /// Turns a current archive into what version 2 leaves: the portal's v4 tables and the v3
    /// table and columns dropped, their migration records and `user_version` reset, the
    /// rollback journal instead of WAL.
    static func undoVersionThree(_ path: String) throws {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: """
                DROP TABLE merge_uploads;
                DROP TABLE merges;
                DROP TABLE uploads;
                DELETE FROM grdb_migrations WHERE identifier = 'v4-uploads';
                DROP TABLE pending_switches;
                ALTER TABLE rounds DROP COLUMN record_digest;
                ALTER TABLE rounds DROP COLUMN compared_with;
                ALTER TABLE rounds DROP COLUMN compared_digest;
                DELETE FROM grdb_migrations WHERE identifier = 'v3-recording';
                PRAGMA user_version = 2;
                PRAGMA journal_mode = DELETE;
                """)
        }
    }

    /// An archive written by version 2 (main before this step, rollback journal) is read as it
    /// is, and the first merge into it migrates it: WAL, the v3 columns filled for its rounds
    /// (taken as compared with the round before them), nothing flagged for a re-merge.
    func testAVersionTwoArchiveKeepsWorkingAndIsUpgraded() throws {
        let path = ArchiveFixture.scratchArchive("migrate-v3")
        try RoundArchive.openForRecording(path: path, plan: plan).record(Self.may, reportJSON: ArchiveFixture.reportJSON(Self.may))
        try Self.undoVersionThree(path)
        let before = ArchiveFixture.bytes(path)
        let old = try RoundArchive.open(path: path)
        XCTAssertEqual(try old.rounds().map(\.round), ["2021-05"])
        XCTAssertEqual(try old.staleRounds(), [])
        XCTAssertEqual(try old.pendingSwitches(), [])
        XCTAssertFalse(try old.history(for: june).earlier.isEmpty)
        XCTAssertEqual(ArchiveFixture.bytes(path), before, "reading changed the file")

        let stale = try RoundArchive.openForRecording(path: path, plan: plan).record(june, reportJSON: ArchiveFixture.reportJSON(june))
        XCTAssertEqual(stale, [])
        try DatabaseQueue(path: path).read { db in
            XCTAssertEqual(try ArchiveSchema.migrator.completedMigrations(db), ["v1", "v2", "v3-recording", "v4-uploads"])
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
        }
        XCTAssertEqual(try Self.dump(path, "SELECT round_id, compared_with, length(record_digest) FROM rounds ORDER BY position"),
                       ["2021-05|NULL|64", "2021-06|2021-05|64"])
        XCTAssertEqual(try RoundArchive.open(path: path).staleRounds(), [])
    }

    /// The figures stored when a round is recorded equal those counted from its rows.
    func testStoredFiguresEqualThoseCountedFromTheRows() throws {
        let path = ArchiveFixture.scratchArchive("figures")
        try RoundArchive.openForRecording(path: path, plan: plan).record(june, reportJSON: ArchiveFixture.reportJSON(june))
        try DatabaseQueue(path: path).read { db in
            func flat(_ c: UnitFigures.Counts) -> [String] {
                c.flatMap { sheet, units in units.map { "\(sheet) \($0.key) \($0.value.items) \($0.value.done)" } }.sorted()
            }
            let stored = try UnitFigures.read(db, round: "2021-06", plan: plan)
            XCTAssertEqual(flat(stored), flat(try UnitFigures.count(db, round: "2021-06", plan: plan)))
            XCTAssertEqual(stored["ledger"]?.count, june.units.filter { $0.status == .accepted && plan.sheets(for: $0.unit, in: june.round).contains { $0.id == "ledger" } }.count)
        }
    }

    // MARK: Helpers

    /// Undoes the steps after v1 on a current archive.
    static func undoVersionTwo(_ path: String) throws {
        try undoVersionThree(path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                DROP TABLE unit_figures;
                ALTER TABLE rounds DROP COLUMN unit_figures;
                DROP INDEX rows_by_sheet;
                CREATE INDEX rows_by_round ON rows (round_id, unit_id);
                DELETE FROM grdb_migrations WHERE identifier = 'v2';
                PRAGMA user_version = 1;
                """)
        }
    }

    /// The schema an archive made by the v1 step alone has.
    static func versionOneSchema() throws -> [String] {
        let path = ArchiveFixture.scratchArchive("v1-only")
        var v1 = DatabaseMigrator()
        v1.registerMigration("v1") { db in try ArchiveSchema.createV1(db) }
        try v1.migrate(DatabaseQueue(path: path))
        return try schema(path)
    }

    /// Every table's and index's SQL, with the version, in name order.
    static func schema(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_master ORDER BY name")
                + ["user_version \(try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)"]
        }
    }

    static func dump(_ path: String, _ sql: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { String.fromDatabaseValue($0) ?? $0.description }.joined(separator: "|") }
        }
    }

    /// The 进度趋势 points, one line per round, ledger and unit.
    static func describe(_ points: [RoundHistory.TrendPoint]) -> [String] {
        points.flatMap { p in
            p.ledgers.sorted { $0.key < $1.key }.flatMap { sheet, units in
                units.sorted { $0.key < $1.key }.map { "\(p.round) \(sheet) \($0.key) items \($0.value.items) done \($0.value.done)" }
            } + p.unitStatus.sorted { $0.key < $1.key }.map { "\(p.round) status \($0.key) \($0.value)" }
        }
    }
}
