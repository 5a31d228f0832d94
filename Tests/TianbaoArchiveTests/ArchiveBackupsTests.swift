import Foundation
import GRDB
import TestSupport
@testable import TianbaoArchive
import XCTest

/// Backups beside the archive: whole copies of the last commit (also while a reader holds an
/// older snapshot), a rotation of five, plain files; restores that keep what they replace.
final class ArchiveBackupsTests: XCTestCase {
    let plan = ArchiveFixture.plan
    let june = ArchiveFixture.merged

    /// An archive holding June with `report` as its report.json.
    func archive(_ name: String, report: String = "{\"v\":1}\n") throws -> String {
        let path = ArchiveFixture.scratchArchive(name)
        try RoundArchive.openForRecording(path: path, plan: plan).record(june, reportJSON: report)
        return path
    }

    func reportJSON(_ path: String) throws -> String { try RoundArchive.open(path: path).reportJSON(round: "2021-06") }

    func testABackupIsAWholePlainCopyAndFiveAreKept() throws {
        let path = try archive("backups")
        let backups = ArchiveBackups(archive: path)
        var made: [String] = []
        for i in 0..<7 { made.append(try backups.make(before: "before-\(i)")) }
        XCTAssertEqual(backups.list(), Array(made.suffix(5).reversed()), "newest first, the five newest kept")
        let newest = try XCTUnwrap(backups.list().first)
        XCTAssertEqual(try reportJSON(newest), "{\"v\":1}\n")
        XCTAssertEqual(try DatabaseQueue(path: newest).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "delete",
                       "a single file, no -wal to copy along")
        XCTAssertEqual(ArchiveBackups.problems(in: newest, full: true), [])
        XCTAssertEqual(backups.newestGood(), newest)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: backups.folder).contains { $0.hasPrefix(".") },
                       "no temporary file left")
    }

    /// Backups made within one second are listed in the order made (their sequence number),
    /// not by the text after it: `-2-before-2021-05` made after `before-restore` is the newer.
    /// A backup made without rotating leaves the others until `rotate`; `discard` removes it.
    func testBackupsOfOneSecondAreOrderedAsMadeAndRotateOnlyWhenAsked() throws {
        let path = try archive("backup-order")
        let backups = ArchiveBackups(archive: path)
        var pair: (String, String)
        repeat {
            for old in backups.list() { unlink(old) }
            pair = (try backups.make(before: "before-restore"), try backups.make(before: "before-2021-05"))
        } while (pair.0 as NSString).lastPathComponent.prefix(15) != (pair.1 as NSString).lastPathComponent.prefix(15)
        XCTAssertTrue(pair.1.hasSuffix("-2-before-2021-05.sqlite"), pair.1)
        XCTAssertEqual(backups.list(), [pair.1, pair.0])
        XCTAssertEqual(backups.newestGood(), pair.1)
        let third = try backups.make(before: "before-restore")
        XCTAssertTrue(third.hasSuffix("-3-before-restore.sqlite") || !third.contains((pair.0 as NSString).lastPathComponent.prefix(15)), third)
        XCTAssertEqual(backups.list().first, third)

        for i in 0..<6 { try backups.make(before: "before-\(i)") }
        let kept = backups.list()
        XCTAssertEqual(kept.count, 5)
        let extra = try backups.make(before: "before-failed", rotate: false)
        XCTAssertEqual(backups.list(), [extra] + kept, "nothing rotated out yet")
        backups.discard(extra)
        XCTAssertEqual(backups.list(), kept, "a failed run's backup removed, the others as they were")
        try backups.make(before: "before-ok", rotate: false)
        backups.rotate()
        XCTAssertEqual(backups.list().count, 5)
    }

    /// A reader holding a snapshot older than the last commit keeps the WAL from being emptied
    /// into the file: the backup is then taken through SQLite's backup API, and holds the last
    /// commit, not the file's older pages.
    func testABackupWhileAReaderHoldsAnOldSnapshotHoldsTheLastCommit() throws {
        let path = try archive("backup-reader")
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: testPython)
        reader.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN'); c.execute('SELECT count(*) FROM rounds').fetchall()
            print('reading', flush=True)
            time.sleep(60)
            """, path]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        defer { reader.terminate(); reader.waitUntilExit() }
        _ = out.fileHandleForReading.availableData  // "reading"
        try RoundArchive.openForRecording(path: path, plan: plan).record(june, reportJSON: "{\"v\":2}\n")
        XCTAssertGreaterThan(FileManager.default.contents(atPath: path + "-wal")?.count ?? 0, 0, "the last commit is in the WAL")
        let backup = try ArchiveBackups(archive: path).make(before: "before-2021-07")
        XCTAssertEqual(try reportJSON(backup), "{\"v\":2}\n")
        XCTAssertEqual(ArchiveBackups.problems(in: backup, full: true), [])
    }

    func testRestoringKeepsWhatItReplaces() throws {
        let path = try archive("restore", report: "{\"v\":1}\n")
        let backups = ArchiveBackups(archive: path)
        let first = try backups.make(before: "before-v2")
        try RoundArchive.openForRecording(path: path, plan: plan).record(june, reportJSON: "{\"v\":2}\n")

        // A whole archive: backed up first, then the backup copied in.
        let aside = try XCTUnwrap(try backups.restore(from: first))
        XCTAssertTrue(aside.hasSuffix("-before-restore.sqlite"), aside)
        XCTAssertEqual(try reportJSON(path), "{\"v\":1}\n")
        XCTAssertEqual(try reportJSON(aside), "{\"v\":2}\n")

        // A damaged archive: its files moved aside as they are, the backup copied in.
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        bytes.replaceSubrange(0..<16, with: Data(repeating: 0x55, count: 16))
        try bytes.write(to: URL(fileURLWithPath: path))
        let damaged = try XCTUnwrap(try backups.restore(from: aside))
        XCTAssertTrue(damaged.hasSuffix("-damaged.sqlite"), damaged)
        XCTAssertEqual(FileManager.default.contents(atPath: damaged), bytes)
        XCTAssertEqual(try reportJSON(path), "{\"v\":2}\n")

        // What is not a whole archive is not restored.
        let junk = backups.folder + "/junk.sqlite"
        try Data("不是数据库".utf8).write(to: URL(fileURLWithPath: junk))
        XCTAssertThrowsError(try backups.restore(from: junk)) { error in
            guard case .badBackup(junk, _) = error as? ArchiveError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try reportJSON(path), "{\"v\":2}\n", "unchanged")
    }

    /// A switch cut off after the commit, its staging folder gone: rolled back to the backup
    /// (or the round deleted when the archive held none).
    func testRollingBackASwitchRestoresTheBackupOrDeletesTheRound() throws {
        let path = try archive("rollback", report: "{\"v\":1}\n")
        let backup = try ArchiveBackups(archive: path).make(before: "before-v2")
        let pending = PendingSwitch(target: "/nowhere/out", round: "2021-06", staging: "/nowhere/.out.tianbao-staging-1",
                                    stagingDevice: 1, stagingInode: 2, backup: backup)
        let archive = try RoundArchive.openForRecording(path: path, plan: plan)
        try archive.record(june, reportJSON: "{\"v\":2}\n") { pending }
        var recorded = pending
        recorded.replaces = true
        XCTAssertEqual(try archive.pendingSwitches(), [recorded])
        XCTAssertEqual(try archive.settle(), [.rolledBack(recorded, restoredFrom: backup)])
        XCTAssertEqual(try reportJSON(path), "{\"v\":1}\n")
        XCTAssertEqual(try RoundArchive.open(path: path).pendingSwitches(), [])

        let fresh = ArchiveFixture.scratchArchive("rollback-fresh")
        let none = PendingSwitch(target: "/nowhere/out", round: "2021-06", staging: "/nowhere/x", stagingDevice: 1, stagingInode: 2, backup: nil)
        try RoundArchive.openForRecording(path: fresh, plan: plan).record(june, reportJSON: "{}") { none }
        _ = try RoundArchive.open(path: fresh).settle()
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh), "an archive that held no round is removed again")

        // Recorded again, its backup gone: the round is kept, marked for a re-merge.
        let again = try self.archive("rollback-again", report: "{\"v\":1}\n")
        let gone = PendingSwitch(target: "/nowhere/out", round: "2021-06", staging: "/nowhere/x", stagingDevice: 1, stagingInode: 2,
                                 backup: again + ".backups/gone.sqlite")
        try RoundArchive.openForRecording(path: again, plan: plan).record(june, reportJSON: "{\"v\":2}\n") { gone }
        let settled = try RoundArchive.open(path: again).settle()
        guard case .keptForRemerge(let kept)? = settled.first, settled.count == 1 else { return XCTFail("\(settled)") }
        XCTAssertEqual(kept.replaces, true)
        XCTAssertEqual(try reportJSON(again), "{\"v\":2}\n", "what the cut-off merge recorded")
        XCTAssertEqual(try RoundArchive.open(path: again).staleRounds().map(\.interrupted), [true])
        XCTAssertEqual(try RoundArchive.open(path: again).pendingSwitches(), [])
    }
}
