import Foundation
import GRDB
import TestSupport
import TianbaoArchive
import XCTest

/// The archive under the faults an office meets over a year, each injected for real: another
/// program reading while a merge commits, a full disk under the archive alone, damaged pages, a
/// 0-byte file, a crash between the commit and the switch, rounds merged out of order, links
/// where the locks and the staging folder go. OUT and the archive always change together, and
/// every failure is a message and a status, never a trap.
final class ArchiveFaultTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key

    /// The files of June the tests merge: eight units of each kind the archive records (accepted
    /// with and without problems, rejected, an .xls, a file under another name and the file it
    /// corrects), copied once per process. The archive's faults do not depend on how many files
    /// a round has, and a merge of these costs a fifth of the whole round's. Other rounds are the
    /// samples' (May as the `spring` archive recorded it, so re-merging May changes nothing).
    static let fewUnits = ["江岸区人民政府", "江汉区", "武昌区人民政府", "洪山区人民政府", "市教育局", "市水务局", "市发展改革委", "市财政局"]
    static let fewJune: String = {
        let june = temporaryDirectory("fault-submissions").path + "/2021-06"
        let from = root.appendingPathComponent("samples/submissions/2021-06").path
        try! FileManager.default.createDirectory(atPath: june, withIntermediateDirectories: true)
        for name in try! FileManager.default.contentsOfDirectory(atPath: from) where fewUnits.contains(where: { name.hasPrefix($0) }) {
            try! FileManager.default.copyItem(atPath: from + "/" + name, toPath: june + "/" + name)
        }
        XCTAssertGreaterThanOrEqual(try! FileManager.default.contentsOfDirectory(atPath: june).count, fewUnits.count)
        return june
    }()

    static func submissions(_ round: String) -> String {
        round == "2021-06" ? fewJune : root.appendingPathComponent("samples/submissions/\(round)").path
    }

    /// An archive with 2021-03, 2021-04 and 2021-05 recorded, and its backups folder (the
    /// sample year's, as May's merge left it: made once per run; each test works on a copy).
    static let spring: String = try! SampleYear.folder().appendingPathComponent("spring/tianbao-archive.sqlite").path

    /// June merged normally into a copy of `spring`: the outputs a merge of June gives. (Made
    /// here, not taken from the sample year: the 汇总 links to the submissions by a relative
    /// path, so outputs compare byte for byte only between folders at the same depth.)
    static let juneOutputs: MergeFaultTests.Snapshot = {
        let dir = temporaryDirectory("june-reference").path
        let archive = copySpring(to: dir)
        let r = try! merge("2021-06", out: dir + "/out/2021-06", archive: archive)
        XCTAssertEqual(r.status, 1, r.stderr)
        return MergeFaultTests.snapshot(dir + "/out/2021-06")
    }()

    /// `spring` (and its backups) copied into `dir/out/`; returns the archive's path.
    static func copySpring(to dir: String) -> String {
        let target = dir + "/out/tianbao-archive.sqlite"
        try! FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try! FileManager.default.copyItem(atPath: spring, toPath: target)
        try! FileManager.default.copyItem(atPath: spring + ".backups", toPath: target + ".backups")
        return target
    }

    static func merge(_ round: String, out: String, archive: String? = nil, from folder: String? = nil,
                      environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(["merge", folder ?? submissions(round), "--round", round, "--out", out, "--key", key]
                       + (archive.map { ["--archive", $0] } ?? []), environment: environment)
    }

    /// A copy of `spring` in a new scratch folder, and a merge of `round` into it killed by the
    /// injected `fault` (`crash:after-commit`, `crash:after-switch`): the folder, the archive and
    /// the round's output folder.
    static func crashedMerge(_ name: String, round: String = "2021-06", fault: String,
                             file: StaticString = #filePath, line: UInt = #line) throws -> (dir: String, archive: String, out: String) {
        let dir = temporaryDirectory(name).path
        let archive = copySpring(to: dir)
        let out = dir + "/out/" + round
        let crashed = try merge(round, out: out, archive: archive, environment: ["TIANBAO_FAULT_INJECT": fault])
        XCTAssertEqual(crashed.status, SIGKILL, "killed: \(crashed.stderr)", file: file, line: line)
        return (dir, archive, out)
    }

    static func history(_ archive: String, _ extra: [String] = []) throws -> Binary.Result {
        try Binary.run(["history", "--archive", archive] + extra)
    }

    /// The rounds `history --format json` lists, with their fields.
    static func rounds(_ archive: String) throws -> [[String: Any]] {
        let r = try history(archive, ["--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]
    }

    /// Every page of the archive is whole.
    static func integrity(_ archive: String) throws -> String? {
        try DatabaseQueue(path: archive).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    }

    // MARK: 1. Outputs and archive change together

    /// Another program holds a read transaction on the archive while a merge commits: in WAL
    /// mode the commit does not wait for it, and OUT and the archive both hold the new round.
    func testAReaderHoldingTheArchiveDoesNotHoldUpTheCommit() throws {
        let dir = temporaryDirectory("reader").path
        let archive = Self.copySpring(to: dir)
        let reader = try SQLiteHolder(archive, "BEGIN", "SELECT count(*) FROM rounds")
        defer { reader.stop() }
        let out = dir + "/out/2021-06"
        let r = try Self.merge("2021-06", out: out, archive: archive)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(reader.isRunning, "the reader still holds its transaction")
        let exported = try Self.history(archive, ["--round", "2021-06", "--format", "json"])
        XCTAssertEqual(exported.stdout, try String(contentsOfFile: out + "/report.json", encoding: .utf8))
        XCTAssertEqual(MergeFaultTests.snapshot(out), Self.juneOutputs)
    }

    /// An archive in the rollback journal (as version 2 wrote it) that another program reads:
    /// switching it to WAL must wait for the reader, so the merge is refused before it writes
    /// anything (status 2, OUT not made, the archive's bytes unchanged); once the reader is
    /// gone, the merge converts it and records the round.
    func testAReaderOfAnOldArchiveIsWaitedForBeforeAnythingIsWritten() throws {
        let dir = temporaryDirectory("reader-delete").path
        let archive = Self.copySpring(to: dir)
        try DatabaseQueue(path: archive).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        let before = FileManager.default.contents(atPath: archive)
        let out = dir + "/out/2021-06"
        do {
            let reader = try SQLiteHolder(archive, "BEGIN", "SELECT count(*) FROM rounds")
            defer { reader.stop() }
            let r = try Self.merge("2021-06", out: out, archive: archive)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr, "错误：汇总档案“\(archive)”正被另一个程序使用（文件被锁定）。请等另一次汇总结束、或关闭打开该文件的程序后重试；本次未写入任何内容。\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
            XCTAssertEqual(FileManager.default.contents(atPath: archive), before)
        }
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive).status, 1)
        XCTAssertEqual(try DatabaseQueue(path: archive).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05", "2021-06"])
    }

    /// A tmpfs that holds the archive and its backup but not the new round: the commit fails
    /// with a full disk, and neither OUT (on another disk) nor the archive changes. A tmpfs too
    /// small for the backup: refused before anything is written.
    func testAFullDiskUnderTheArchiveAloneChangesNothing() throws {
        let size = (FileManager.default.contents(atPath: Self.spring)?.count ?? 0) / 1024
        for (label, kilobytes) in [("commit", size * 2 + 160), ("backup", size + 96)] {
            let mountPoint = temporaryDirectory("archive-tmpfs").path
            let (status, log) = try runProcess("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", mountPoint])
            guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?): \(log)") }
            defer { _ = try? runProcess("umount", [mountPoint]) }
            let archive = mountPoint + "/tianbao-archive.sqlite"
            try FileManager.default.copyItem(atPath: Self.spring, toPath: archive)
            let may = try Self.history(archive, ["--round", "2021-05", "--format", "json"]).stdout
            let outParent = temporaryDirectory("archive-tmpfs-out").path
            let out = outParent + "/2021-06"
            let r = try Self.merge("2021-06", out: out, archive: archive)
            XCTAssertEqual(r.status, 3, "\(label): \(r.stderr)")
            if label == "commit" {
                XCTAssertEqual(r.stderr, "错误：无法写入汇总档案“\(archive)”（磁盘空间不足）。本轮未记入档案，档案保持原样，输出文件夹也未作任何改动；"
                               + "请腾出磁盘空间或排除问题后重新汇总。\n")
            } else {
                XCTAssertEqual(r.stderr, "错误：写入汇总档案“\(archive)”之前无法先备份到“\(archive).backups”（磁盘空间不足）。"
                               + "为免在没有备份的情况下改动档案，本次未作任何改动；请腾出磁盘空间或排除问题后重新运行。\n")
            }
            XCTAssertEqual(r.stdout, "", "nothing is reported as done")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "OUT not made")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outParent), [], "no staging folder or lock left")
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: mountPoint).contains { $0.hasSuffix("tianbao-lock") })
            XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05"])
            XCTAssertEqual(try Self.history(archive, ["--round", "2021-05", "--format", "json"]).stdout, may)
            XCTAssertEqual(try Self.integrity(archive), "ok")
        }
    }

    // MARK: 2–3. Damage is found, and said, before anything is written

    /// The pages of the `rows` table, in b-tree order (first: the oldest rows).
    static func rowPages(_ archive: String) throws -> (pages: [Int], pageSize: Int) {
        let (status, out) = try runProcess(testPython, ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute('PRAGMA page_size').fetchone()[0])
            print(' '.join(str(r[0]) for r in c.execute("SELECT pageno FROM dbstat WHERE name = 'rows' AND pagetype = 'leaf' ORDER BY path")))
            """, archive])
        XCTAssertEqual(status, 0, out)
        let lines = out.split(separator: "\n")
        return (lines[1].split(separator: " ").map { Int($0)! }, Int(lines[0])!)
    }

    /// Overwrites whole pages of the file with a pattern, as a failing disk would.
    static func damage(_ archive: String, pages: [Int], pageSize: Int) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: archive))
        defer { try? handle.close() }
        for page in pages {
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            handle.write(Data(repeating: 0x55, count: pageSize))
        }
    }

    /// Damaged pages a merge would never read (the oldest round's rows) are found by
    /// `PRAGMA quick_check`: the merge and the review are refused with the newest good backup
    /// named, `history --check` says so, and `history --restore` brings that backup back.
    func testDamagedPagesAreFoundBeforeAnythingIsWritten() throws {
        let dir = temporaryDirectory("damaged").path
        let archive = Self.copySpring(to: dir)
        let (pages, pageSize) = try Self.rowPages(archive)
        try Self.damage(archive, pages: [pages[0]], pageSize: pageSize)
        let before = FileManager.default.contents(atPath: archive)
        let newest = try XCTUnwrap(ArchiveBackups(archive: archive).list().first)
        XCTAssertTrue(newest.hasSuffix("-before-2021-05.sqlite"), newest)

        let out = dir + "/out/2021-06"
        let r = try Self.merge("2021-06", out: out, archive: archive)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("错误：汇总档案“\(archive)”已损坏或不是 SQLite 数据库文件（"), r.stderr)
        XCTAssertTrue(r.stderr.contains("）。最近一份完好的备份是“\(newest)”：可用 tianbao history --archive \(archive) --restore \(newest) 恢复"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("本次未写入任何内容。\n"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(FileManager.default.contents(atPath: archive), before, "nothing written into a damaged archive")
        let review = try Binary.run(["review", "--year", "2021", "--out", dir + "/review", "--archive", archive])
        XCTAssertEqual(review.status, 2, review.stderr)
        XCTAssertTrue(review.stderr.contains("已损坏") && review.stderr.contains(newest), review.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/review"))

        let check = try Self.history(archive, ["--check"])
        XCTAssertEqual(check.status, 2, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("检查结果：已损坏（"), check.stdout)
        XCTAssertTrue(check.stdout.contains("  \((newest as NSString).lastPathComponent)  完好"), check.stdout)
        XCTAssertTrue(check.stdout.hasSuffix("可用最近一份完好的备份恢复：tianbao history --archive \(archive) --restore \(newest)\n"), check.stdout)

        let restored = try Self.history(archive, ["--restore", newest])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertTrue(restored.stdout.hasPrefix("已用备份“\(newest)”恢复汇总档案“\(archive)”。恢复前的档案已移到备份文件夹，另存为“\(archive).backups/"), restored.stdout)
        XCTAssertTrue(restored.stdout.contains("档案中现有 2 轮：2021-03、2021-04。此后汇总过的轮次请重新汇总。"), restored.stdout)
        let damagedCopy = try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").filter { $0.hasSuffix("-damaged.sqlite") }
        XCTAssertEqual(damagedCopy.count, 1, "the damaged archive is kept aside")
        XCTAssertEqual(try Self.history(archive, ["--check"]).status, 0)
        XCTAssertEqual(try Self.merge("2021-05", out: dir + "/out/2021-05", archive: archive).status, 1)
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive).status, 1)
        XCTAssertEqual(MergeFaultTests.snapshot(out), Self.juneOutputs)
    }

    /// Damaged pages that the commands do read (the previous round's rows): `status`, `check`
    /// and `templates` end with the archive's message and status 2, not a crash; `templates`
    /// makes no output folder.
    func testAReadFailureIsAMessageNotACrash() throws {
        let dir = temporaryDirectory("read-failure").path
        let archive = Self.copySpring(to: dir)
        let (pages, pageSize) = try Self.rowPages(archive)
        try Self.damage(archive, pages: Array(pages.suffix(pages.count * 2 / 5)), pageSize: pageSize)
        let jiangan = Self.submissions("2021-06") + "/江岸区人民政府-2021-06.xlsx"
        for (name, args) in [("status", ["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive]),
                             ("check", ["check", jiangan, "--key", Self.key, "--archive", archive]),
                             ("templates", ["templates", "--round", "2021-06", "--out", dir + "/templates", "--key", Self.key, "--archive", archive])] {
            let r = try Binary.run(args)
            XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("错误：汇总档案“\(archive)”已损坏或不是 SQLite 数据库文件（"), "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/templates"), "no templates written, no empty folder")
    }

    // MARK: 4. A 0-byte archive

    func testAZeroByteArchiveIsAnEmptyArchive() throws {
        let dir = temporaryDirectory("zero").path
        let archive = dir + "/tianbao-archive.sqlite"
        XCTAssertTrue(FileManager.default.createFile(atPath: archive, contents: Data()))
        try assertReadAsEmptyThenRecordedInto(archive, dir: dir)
    }

    /// `history` (and `--check`) and `status` read `archive` as an archive with no round, and a
    /// merge of June records into it.
    private func assertReadAsEmptyThenRecordedInto(_ archive: String, dir: String, line: UInt = #line) throws {
        let listed = try Self.history(archive)
        XCTAssertEqual(listed.status, 0, listed.stderr, line: line)
        XCTAssertEqual(listed.stdout, "汇总档案“\(archive)”中还没有记录任何轮次。\n", line: line)
        XCTAssertEqual(try Self.history(archive, ["--check"]).status, 0, line: line)
        let status = try Binary.run(["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive])
        XCTAssertEqual(status.status, 1, status.stderr, line: line)
        let r = try Self.merge("2021-06", out: dir + "/2021-06", archive: archive)
        XCTAssertEqual(r.status, 1, r.stderr, line: line)
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-06"], line: line)
    }

    /// A merge cut off while it made a new archive, after GRDB made its table of applied steps
    /// and before the first step committed, leaves a file holding that table alone (seen when a
    /// merge was killed under load): every command reads it as an empty archive, and the next
    /// merge records into it.
    func testAnArchiveCutOffBeforeItsFirstTableIsAnEmptyArchive() throws {
        let dir = temporaryDirectory("first-step").path
        let archive = dir + "/tianbao-archive.sqlite"
        let queue = try DatabaseQueue(path: archive)
        try queue.write { db in try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)") }
        try queue.close()
        try assertReadAsEmptyThenRecordedInto(archive, dir: dir)
    }

    // MARK: 1. Crash windows between the commit and the switch

    /// A round recorded by a merge cut off before its switch: `status`, `templates` and `review`
    /// read it from the archive, and each says so once, in a line naming the round and asking
    /// for its merge to be run again; a command that does not read it says nothing, and once a
    /// merge settles the switch nobody says it.
    func testCommandsReadingARoundWhoseSwitchIsPendingSaySo() throws {
        let (dir, archive, out) = try Self.crashedMerge("pending-readers", round: "2021-05", fault: "crash:after-commit")
        let note = "注意：汇总档案中的 2021-05 轮是一次中断的汇总记下的：该轮已记入档案，但那次汇总在换入输出文件夹“\(out)”之前中断，"
            + "输出文件夹中并没有它；本次读取的是档案中的这份记录。请再次运行 2021-05 轮的汇总（它会完成换入或撤回该轮），然后重新运行本命令。"
        func status() throws -> Binary.Result {
            try Binary.run(["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive])
        }
        let s = try status()
        XCTAssertEqual(s.status, 1, s.stderr)
        XCTAssertEqual(s.stderr.components(separatedBy: note).count, 2, s.stderr)
        let june = try Binary.run(["templates", "--round", "2021-06", "--out", dir + "/templates-06", "--key", Self.key, "--archive", archive])
        XCTAssertEqual(june.status, 0, june.stderr)
        XCTAssertEqual(june.stderr.components(separatedBy: note).count, 2, "once, not once per unit: \(june.stderr)")
        let review = try Binary.run(["review", "--year", "2021", "--out", dir + "/review", "--archive", archive, "--date", "2021-12-20"])
        XCTAssertEqual(review.status, 0, review.stderr)
        XCTAssertEqual(review.stderr.components(separatedBy: note).count, 2, review.stderr)
        // May's templates carry April's rows: May is not read.
        let may = try Binary.run(["templates", "--round", "2021-05", "--out", dir + "/templates-05", "--key", Self.key, "--archive", archive,
                                  "--unit", "jiangan"])
        XCTAssertEqual(may.status, 0, may.stderr)
        XCTAssertFalse(may.stderr.contains("中断的汇总"), may.stderr)

        let again = try Self.merge("2021-05", out: out, archive: archive)
        XCTAssertEqual(again.status, 1, again.stderr)
        let settled = try status()
        XCTAssertEqual(settled.status, 1, settled.stderr)
        XCTAssertFalse(settled.stderr.contains("中断的汇总"), settled.stderr)
    }

    /// Killed right after the archive committed the round (OUT not switched yet): `history`
    /// says the switch is pending; the next merge into the archive switches the staged outputs
    /// in (they are the outputs a merge of June gives) and says so.
    func testACrashAfterTheCommitIsCompletedByTheNextMerge() throws {
        let (dir, archive, out) = try Self.crashedMerge("crash-commit", fault: "crash:after-commit")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "OUT not switched yet")
        let staged = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasPrefix(".2021-06.tianbao-staging-") }
        XCTAssertEqual(staged.count, 1)
        let june = try XCTUnwrap(try Self.rounds(archive).first { $0["round"] as? String == "2021-06" })
        XCTAssertEqual(june["switch_pending"] as? Bool, true)
        XCTAssertTrue(try Self.history(archive).stdout.contains("注意：2021-06 轮已记入档案，但上次汇总在换入输出文件夹“\(out)”之前中断；下次向本档案汇总时会自动完成换入或撤回该轮。"))

        let next = try Self.merge("2021-05", out: dir + "/out/2021-05", archive: archive)
        XCTAssertEqual(next.status, 1, next.stderr)
        XCTAssertTrue(next.stderr.contains("注意：上一次汇总 2021-06 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断；现已完成换入，档案与输出文件夹一致。"), next.stderr)
        XCTAssertEqual(MergeFaultTests.snapshot(out), Self.juneOutputs)
        XCTAssertEqual(try Self.rounds(archive).map { $0["switch_pending"] as! Bool }, [false, false, false, false])
        XCTAssertEqual(try Self.history(archive, ["--round", "2021-06", "--format", "json"]).stdout,
                       try String(contentsOfFile: out + "/report.json", encoding: .utf8))
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.contains("tianbao-staging") }.isEmpty)
    }

    /// Killed after the commit, and the staging folder then removed (by hand, or by a run that
    /// did not know the archive): the next merge rolls the archive back to the backup taken
    /// before June, so the archive again matches OUT (no June), and says to merge June again.
    func testACrashAfterTheCommitWhoseOutputsAreGoneIsRolledBack() throws {
        let (dir, archive, out) = try Self.crashedMerge("crash-gone", fault: "crash:after-commit")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/out") where name.hasPrefix(".2021-06.tianbao-staging-") {
            try FileManager.default.removeItem(atPath: dir + "/out/" + name)
        }
        let next = try Self.merge("2021-05", out: dir + "/out/2021-05", archive: archive)
        XCTAssertEqual(next.status, 1, next.stderr)
        XCTAssertTrue(next.stderr.contains("注意：上一次汇总 2021-06 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断，且它准备好的输出已不在；"
                                           + "已用汇总前的备份“\(archive).backups/"), next.stderr)
        XCTAssertTrue(next.stderr.contains("把汇总档案恢复到那次汇总之前，输出文件夹保持原样。请重新汇总 2021-06 轮。"), next.stderr)
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try Self.integrity(archive), "ok")
    }

    /// June merged again over an archive that holds June, killed after the commit, then its
    /// staging folder and the backup taken before it both removed: the round cannot be put
    /// back as it was, and deleting it would lose June. It is kept, marked 需重新汇总, and the
    /// note says the backup is gone and what the archive now holds; a re-merge clears the mark.
    func testACrashAfterTheCommitOfAReMergeWhoseBackupIsGoneKeepsTheRound() throws {
        let dir = temporaryDirectory("crash-remerge-gone").path
        let archive = Self.copySpring(to: dir)
        let out = dir + "/out/2021-06"
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive).status, 1)
        let firstJune = MergeFaultTests.snapshot(out)
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive, environment: ["TIANBAO_FAULT_INJECT": "crash:after-commit"]).status,
                       SIGKILL)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/out") where name.hasPrefix(".2021-06.tianbao-staging-") {
            try FileManager.default.removeItem(atPath: dir + "/out/" + name)
        }
        let backup = try XCTUnwrap(try DatabaseQueue(path: archive).read { try String.fetchOne($0, sql: "SELECT backup FROM pending_switches") })
        XCTAssertEqual(try DatabaseQueue(path: archive).read { try Bool.fetchOne($0, sql: "SELECT replaces FROM pending_switches") }, true,
                       "the intent says June was recorded before")
        try FileManager.default.removeItem(atPath: backup)

        let next = try Self.merge("2021-05", out: dir + "/out/2021-05", archive: archive)
        XCTAssertEqual(next.status, 1, next.stderr)
        XCTAssertTrue(next.stderr.contains("注意：上一次汇总 2021-06 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断，且它准备好的输出已不在；"
                                           + "汇总前的备份“\(backup)”也已不在，无法把汇总档案恢复到那次汇总之前。"
                                           + "档案中的 2021-06 轮现在是那次中断的汇总记下的内容，输出文件夹中并没有它，已在 tianbao history 中标为“需重新汇总”。请重新汇总 2021-06 轮。"),
                      next.stderr)
        XCTAssertFalse(next.stderr.contains("已用汇总前的备份"), next.stderr)
        let rounds = try Self.rounds(archive)
        XCTAssertEqual(rounds.map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05", "2021-06"], "June kept")
        XCTAssertEqual(rounds.map { $0["needs_remerge"] as! Bool }, [false, false, false, true])
        XCTAssertEqual(rounds.map { $0["switch_pending"] as! Bool }, [false, false, false, false])
        let text = try Self.history(archive).stdout
        XCTAssertTrue(text.contains("需要重新汇总：2021-06 轮上次汇总在换入输出文件夹之前中断，且汇总前的备份已不在，档案中是那次中断的汇总记下的内容，输出文件夹中并没有"), text)
        XCTAssertEqual(MergeFaultTests.snapshot(out), firstJune, "OUT as before")
        XCTAssertEqual(try Self.integrity(archive), "ok")

        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive).status, 1)
        XCTAssertEqual(try Self.rounds(archive).map { $0["needs_remerge"] as! Bool }, [false, false, false, false], "the re-merge clears the mark")
    }

    /// Killed after the switch, before the record of it was deleted: OUT holds June already;
    /// the next merge deletes the record without a word.
    func testACrashAfterTheSwitchIsClearedSilently() throws {
        let (dir, archive, out) = try Self.crashedMerge("crash-switch", fault: "crash:after-switch")
        XCTAssertEqual(MergeFaultTests.snapshot(out), Self.juneOutputs)
        XCTAssertEqual(try Self.rounds(archive).last?["switch_pending"] as? Bool, true)
        let next = try Self.merge("2021-05", out: dir + "/out/2021-05", archive: archive)
        XCTAssertEqual(next.status, 1, next.stderr)
        XCTAssertEqual(next.stderr, "", "nothing to tell")
        XCTAssertEqual(try Self.rounds(archive).map { $0["switch_pending"] as! Bool }, [false, false, false, false])
        XCTAssertEqual(MergeFaultTests.snapshot(out), Self.juneOutputs)
    }

    // MARK: 8. Order

    /// June merged before May, then May: the May merge says June now compares with another
    /// previous round; `history` and `status` mark June until it is merged again. May merged
    /// again with other content marks June again; May merged back as it was clears it.
    func testRoundsMergedOutOfOrderAreMarkedUntilMergedAgain() throws {
        let dir = temporaryDirectory("order").path
        let archive = Self.copySpring(to: dir)
        try DatabaseQueue(path: archive).write { try $0.execute(sql: "DELETE FROM rounds WHERE round_id = '2021-05'") }
        let juneOut = dir + "/out/2021-06", mayOut = dir + "/out/2021-05"
        XCTAssertEqual(try Self.merge("2021-06", out: juneOut, archive: archive).status, 1)
        XCTAssertEqual(try Self.rounds(archive).map { $0["needs_remerge"] as! Bool }, [false, false, false])

        let may = try Self.merge("2021-05", out: mayOut, archive: archive)
        XCTAssertEqual(may.status, 1, may.stderr)
        XCTAssertEqual(may.stderr, "注意：以下已记录的轮次需要重新汇总，它们的环比、跨轮检查和进度趋势是按另一组上期数据得出的："
                       + "2021-06 轮汇总时与 2021-04 轮比较，现在它的上一轮是 2021-05 轮。请按轮次先后重新汇总这些轮次；"
                       + "在此之前 tianbao history 和 tianbao status 会一直标出它们。\n")
        let marked = try Self.rounds(archive)
        XCTAssertEqual(marked.map { $0["needs_remerge"] as! Bool }, [false, false, false, true])
        XCTAssertEqual(marked.last?["compared_with"] as? String, "2021-04")
        XCTAssertEqual(marked.last?["previous_now"] as? String, "2021-05")
        let text = try Self.history(archive).stdout
        XCTAssertTrue(text.split(separator: "\n").contains { $0.hasPrefix("2021-06") && $0.hasSuffix("需重新汇总") }, text)
        XCTAssertTrue(text.contains("需要重新汇总：2021-06 轮汇总时与 2021-04 轮比较，现在它的上一轮是 2021-05 轮。"), text)
        let status = try Binary.run(["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive])
        XCTAssertTrue(status.stdout.contains("注意：汇总档案中以下轮次需要重新汇总（它们的环比、跨轮检查和进度趋势是按另一组上期数据得出的）：2021-06 轮汇总时与 2021-04 轮比较，现在它的上一轮是 2021-05 轮。"),
                      status.stdout)
        let json = try Binary.run(["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive, "--format", "json"])
        let listed = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["needs_remerge"] as! [[String: Any]]
        XCTAssertEqual(listed.map { $0["round"] as! String }, ["2021-06"])

        // June merged again: compared with May now, and identical to a June merged in order.
        let again = try Self.merge("2021-06", out: juneOut, archive: archive)
        XCTAssertEqual(again.stderr, "")
        XCTAssertEqual(try Self.rounds(archive).map { $0["needs_remerge"] as! Bool }, [false, false, false, false])
        XCTAssertEqual(MergeFaultTests.snapshot(juneOut), Self.juneOutputs)

        // May merged again without one of its files: June's comparison no longer holds.
        let fewer = temporaryDirectory("may-fewer").path
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.submissions("2021-05")) where !name.hasPrefix("江岸区") {
            try FileManager.default.copyItem(atPath: Self.submissions("2021-05") + "/" + name, toPath: fewer + "/" + name)
        }
        let changed = try Self.merge("2021-05", out: mayOut, archive: archive, from: fewer)
        XCTAssertTrue(changed.stderr.contains("2021-06 轮汇总时与 2021-05 轮比较，2021-05 轮此后已重新汇总且内容有变化。"), changed.stderr)
        XCTAssertEqual(try Self.rounds(archive).last?["needs_remerge"] as? Bool, true)
        // May back as it was: June compares with what it compared with, and is not marked.
        let back = try Self.merge("2021-05", out: mayOut, archive: archive)
        XCTAssertEqual(back.stderr, "")
        XCTAssertEqual(try Self.rounds(archive).map { $0["needs_remerge"] as! Bool }, [false, false, false, false])
    }

    // MARK: 6. Links where the locks and the staging folder go

    func testLinksAtTheLockAndStagingPathsAreRefused() throws {
        let dir = temporaryDirectory("links").path
        let victim = dir + "/victim.txt"
        try "不要改我".write(toFile: victim, atomically: true, encoding: .utf8)
        let elsewhere = dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "别处的文件".write(toFile: elsewhere + "/keep.txt", atomically: true, encoding: .utf8)
        let out = dir + "/out"
        func refused(_ link: String, to target: String, archive: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            defer { try? FileManager.default.removeItem(atPath: link) }
            let r = try Binary.run(["merge", Self.submissions("2021-06"), "--round", "2021-06", "--out", out, "--key", Self.key]
                                   + (archive ? ["--archive", dir + "/a.sqlite"] : ["--no-archive"]))
            XCTAssertEqual(r.status, 3, r.stderr, file: file, line: line)
            XCTAssertEqual(r.stderr, "错误：“\(link)”是一个符号链接，而 Tianbao 要在这个位置放置锁文件或临时文件夹；为免写到别处，本次未作任何改动。请删除或移走它后重试。\n",
                           file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "OUT not made", file: file, line: line)
            XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "不要改我", file: file, line: line)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), ["keep.txt"], file: file, line: line)
        }
        try refused(dir + "/.out.tianbao-lock", to: victim)
        try refused(dir + "/.a.sqlite.tianbao-lock", to: victim, archive: true)
        try refused(dir + "/.out.tianbao-staging-4242", to: elsewhere)
        try refused(dir + "/.out.tianbao-old-4242", to: elsewhere)
        XCTAssertEqual(try Binary.run(["merge", Self.submissions("2021-06"), "--round", "2021-06", "--out", out, "--key", Self.key, "--no-archive"]).status, 1,
                       "without the links it merges")
    }

    // MARK: 5. A file name that is not UTF-8

    /// 江岸区's file unpacked from a zip made on Windows (its name in GBK): the office's problem,
    /// listed with the name decoded and the command that renames it; the unit is 未处理 and gets
    /// no 反馈.
    func testAFileNameThatIsNotUTF8IsTheOfficesProblem() throws {
        let folder = try MergeFaultTests.subset(5)
        let name = "江岸区人民政府-2021-06.xlsx"
        try? FileManager.default.removeItem(atPath: folder + "/" + name)
        let (status, log) = try runProcess(testPython, ["-c", """
            import os, shutil, sys
            shutil.copyfile(sys.argv[1], os.path.join(sys.argv[2].encode(), sys.argv[3].encode('gbk')))
            """, Self.submissions("2021-06") + "/" + name, folder, name])
        XCTAssertEqual(status, 0, log)
        let out = temporaryDirectory("gbk").path + "/out"
        let r = try Binary.run(["merge", folder, "--round", "2021-06", "--out", out, "--key", Self.key, "--no-archive"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("办公室一侧的问题（不是报送单位的错误，未退回、未发反馈表，相关单位暂列为未处理）：\n"
                                        + "  无法读取“\(name)”（江岸区人民政府）：文件名不是 UTF-8 编码（常见于在 Windows 上打包、在这里解压的压缩文件），"
                                        + "无法按名打开；请在报送文件夹中运行 convmv -f gbk -t utf-8 --notest * 把文件名改为 UTF-8，再重新汇总\n"), r.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
        let file = try XCTUnwrap((report["files"] as! [[String: Any]]).first { $0["file"] as? String == name })
        XCTAssertEqual(file["status"] as? String, "unreadable")
        let unit = try XCTUnwrap((report["units"] as! [[String: Any]]).first { $0["unit_id"] as? String == "jiangan" })
        XCTAssertEqual(unit["status"] as? String, "missing")
        XCTAssertEqual(unit["unread_files"] as? [String], [name])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/反馈/江岸区人民政府-2021-06-反馈.xlsx"), "no 反馈 for the office's fault")
    }

    // MARK: 9. A named pipe

    /// A FIFO named like a workbook: `cat` and `check` say it is not a regular file at once
    /// (they used to wait forever for a writer), and a merge skips it.
    /// `--archive` as a bare file name (the current folder), and an output folder reached
    /// through a symbolic link to its parent: merges and restores work; only the lock file and
    /// the staging folder themselves may not be links.
    func testABareArchiveNameAndALinkedFolderWork() throws {
        let dir = temporaryDirectory("bare-and-link").path
        try FileManager.default.createDirectory(atPath: dir + "/real/out", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/outlink", withDestinationPath: dir + "/real/out")
        let linked = try Binary.run(["merge", Self.submissions("2021-05"), "--round", "2021-05", "--out", "outlink/2021-05", "--key", Self.key],
                                    launcher: ["/bin/sh", "-c", "cd '\(dir)' && exec \"$0\" \"$@\""])
        XCTAssertLessThanOrEqual(linked.status, 1, linked.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/real/out/2021-05/report.json"))
        XCTAssertEqual(try Self.rounds(dir + "/real/out/tianbao-archive.sqlite").map { $0["round"] as! String }, ["2021-05"])

        for round in ["2021-05", "2021-06"] {
            let bare = try Binary.run(["merge", Self.submissions(round), "--round", round, "--out", "o/\(round)", "--key", Self.key, "--archive", "arch.sqlite"],
                                      launcher: ["/bin/sh", "-c", "cd '\(dir)' && exec \"$0\" \"$@\""])
            XCTAssertLessThanOrEqual(bare.status, 1, bare.stderr)
        }
        let backup = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir + "/arch.sqlite.backups").first)
        let restored = try Binary.run(["history", "--archive", "arch.sqlite", "--restore", "arch.sqlite.backups/" + backup],
                                      launcher: ["/bin/sh", "-c", "cd '\(dir)' && exec \"$0\" \"$@\""])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertEqual(try Self.rounds(dir + "/arch.sqlite").map { $0["round"] as! String }, ["2021-05"])
    }

    /// A file or folder given by a name that is not UTF-8 (`check`, `cat`, `merge`, `status`):
    /// the command says the name is not UTF-8 and how to rename it, not that it is missing.
    func testANameGivenThatIsNotUTF8IsSaidSo() throws {
        let dir = temporaryDirectory("argument-gbk").path
        // 汇总 in GBK: bytes that are not UTF-8.
        let gbk: [UInt8] = [0xBB, 0xE3, 0xD7, 0xDC]
        let file = Array(dir.utf8) + [UInt8(ascii: "/")] + gbk + Array(".xlsx".utf8) + [0]
        let fd = file.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let folder = Array(dir.utf8) + [UInt8(ascii: "/")] + gbk + [0]
        _ = folder.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } }
        for (args, name) in [(["check"], "$(printf '\\273\\343\\327\\334.xlsx')"), (["cat"], "$(printf '\\273\\343\\327\\334.xlsx')"),
                             (["status"], "$(printf '\\273\\343\\327\\334')"), (["merge"], "$(printf '\\273\\343\\327\\334')")] {
            let extra = args == ["merge"] || args == ["status"] ? " --round 2021-06 --key \(Self.key)" + (args == ["merge"] ? " --out \(dir)/out/2021-06" : "") : ""
            let r = try Binary.run([args[0]], launcher: ["/bin/sh", "-c", "cd '\(dir)' && exec \"$0\" \"$1\" \"\(name)\"\(extra)"])
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr, "错误：“\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\(args[0] == "check" || args[0] == "cat" ? ".xlsx" : "")”的名称不是 UTF-8 编码（常见于在 Windows 上打包、在这里解压的压缩文件），无法按名打开。"
                           + "请在它所在的文件夹中运行 convmv -f gbk -t utf-8 --notest 加上该名称，把它改为 UTF-8 后重试；本次未作任何改动。\n", "\(args)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out"))
    }

    func testANamedPipeDoesNotHang() throws {
        let dir = temporaryDirectory("fifo").path
        let fifo = dir + "/江岸区人民政府-2021-06.xlsx"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for args in [["cat", fifo], ["check", fifo, "--key", Self.key]] {
            let (status, output) = try runProcess("timeout", ["20", Binary.url.path] + args)
            XCTAssertEqual(status, 1, "\(args[0]): \(output)")
            XCTAssertTrue(output.contains("文件“江岸区人民政府-2021-06.xlsx”无法打开（它不是普通文件，而是命名管道、设备或文件夹）"), output)
        }
        let (status, output) = try runProcess("timeout", ["60", Binary.url.path, "merge", dir, "--round", "2021-06", "--out",
                                                          temporaryDirectory("fifo-out").path + "/out", "--key", Self.key, "--no-archive"])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("应报 41，已报送 0"), output)
    }

    // MARK: Restores, locks, rotation and digests

    /// `history --restore` onto a disk with no room for the restored copy: the copy fails
    /// first, so the archive is as it was (no moment without an archive), no temporary file is
    /// left, and the message says so (status 3).
    func testARestoreOnAFullDiskChangesNothing() throws {
        let size = (FileManager.default.contents(atPath: Self.spring)?.count ?? 0) / 1024
        let mountPoint = temporaryDirectory("restore-tmpfs").path
        let (status, log) = try runProcess("mount", ["-t", "tmpfs", "-o", "size=\(size + 64)k", "tmpfs", mountPoint])
        guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?): \(log)") }
        defer { _ = try? runProcess("umount", [mountPoint]) }
        let archive = mountPoint + "/tianbao-archive.sqlite"
        let backup = try XCTUnwrap(ArchiveBackups(archive: Self.spring).list().first.map { ($0 as NSString).lastPathComponent })
        // A whole archive, then a damaged one (whose files a restore moves aside).
        for damaged in [false, true] {
            try? FileManager.default.removeItem(atPath: archive)
            try FileManager.default.copyItem(atPath: Self.spring, toPath: archive)
            if damaged {
                let (pages, pageSize) = try Self.rowPages(archive)
                try Self.damage(archive, pages: [pages[0]], pageSize: pageSize)
            }
            let before = FileManager.default.contents(atPath: archive)
            let r = try Self.history(archive, ["--restore", Self.spring + ".backups/" + backup])
            XCTAssertEqual(r.status, 3, "damaged \(damaged): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("错误：无法用备份恢复汇总档案“\(archive)”（无法在它所在的文件夹中写入备份的副本：磁盘空间不足）。档案保持原样"), r.stderr)
            XCTAssertEqual(FileManager.default.contents(atPath: archive), before, "damaged \(damaged): the archive is still there, as it was")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint).filter { !$0.hasPrefix("tianbao-archive.sqlite") }, [],
                           "no temporary file or lock left")
            XCTAssertFalse(FileManager.default.fileExists(atPath: archive + ".backups"), "nothing moved aside")
        }
    }

    /// A restore over a whole archive in WAL mode: the archive goes into the backups folder
    /// as a single whole file, and no -wal or -shm of it is left beside the restored file.
    func testARestoreLeavesNoWALOfTheOldArchiveBeside() throws {
        let dir = temporaryDirectory("restore-wal").path
        let archive = Self.copySpring(to: dir)
        XCTAssertEqual(try Self.merge("2021-06", out: dir + "/out/2021-06", archive: archive).status, 1)
        let backups = try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").filter { $0.hasSuffix("-before-2021-06.sqlite") }
        let backup = archive + ".backups/" + (try XCTUnwrap(backups.first))
        let r = try Self.history(archive, ["--restore", backup])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive + "-wal"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive + "-shm"))
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05"])
        let aside = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").first { $0.hasSuffix("-before-restore.sqlite") })
        XCTAssertTrue(r.stdout.contains("恢复前的档案已移到备份文件夹，另存为“\(archive).backups/\(aside)”。"), r.stdout)
        XCTAssertEqual(try Self.rounds(archive + ".backups/" + aside).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05", "2021-06"])
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").contains { $0.contains("tianbao-restore") })
    }

    /// The archive deleted (or moved) while its backups folder holds backups: a merge does not
    /// start a fresh archive; it names the newest good backup and the restore command.
    func testAMissingArchiveBesideItsBackupsIsNotStartedAfresh() throws {
        let dir = temporaryDirectory("missing-archive").path
        let archive = Self.copySpring(to: dir)
        try FileManager.default.removeItem(atPath: archive)
        let newest = try XCTUnwrap(ArchiveBackups(archive: archive).list().first)
        let out = dir + "/out/2021-06"
        let r = try Self.merge("2021-06", out: out, archive: archive)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "错误：找不到汇总档案“\(archive)”，但它的备份文件夹“\(archive).backups”中有备份，档案可能被误删或移走了。"
                       + "最近一份完好的备份是“\(newest)”：请先用 tianbao history --archive \(archive) --restore \(newest) 恢复档案，再重新汇总之后的轮次。"
                       + "如确实要从头建立新的档案，请先删除备份文件夹“\(archive).backups”；本次未作任何改动。\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try Self.history(archive, ["--check"]).status, 2)
        // Restored, the merge goes on.
        XCTAssertEqual(try Self.history(archive, ["--restore", newest]).status, 0)
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive).status, 1)
    }

    /// Another program holding the archive locked: `history --check` says it is in use (status
    /// 3), not damaged; `--restore` refuses to replace it, so no newer round is dropped.
    func testALockedArchiveIsNotCalledDamagedNorReplaced() throws {
        let dir = temporaryDirectory("locked-check").path
        let archive = Self.copySpring(to: dir)
        let newest = archive + ".backups/" + (try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").sorted().first!)
        let before = FileManager.default.contents(atPath: archive)
        do {
            let holder = try SQLiteHolder(archive, "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "SELECT count(*) FROM rounds")
            defer { holder.stop() }
            let check = try Self.history(archive, ["--check"])
            XCTAssertEqual(check.status, 3, check.stdout + check.stderr)
            XCTAssertEqual(check.stderr, "错误：汇总档案“\(archive)”正被另一个程序占用（文件被锁定），本次无法检查；这不表示档案已损坏。"
                           + "请关闭打开该档案的程序（或等另一次汇总结束）后重试。\n")
            XCTAssertFalse(check.stdout.contains("已损坏"), check.stdout)
            let restore = try Self.history(archive, ["--restore", newest])
            XCTAssertNotEqual(restore.status, 0, restore.stdout)
            XCTAssertTrue(restore.stderr.contains("正被另一个程序使用（文件被锁定）"), restore.stderr)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: archive), before, "not replaced")
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05"])
    }

    /// A merge that fails after it backed the archive up (a key that signed none of the
    /// templates: status 2, nothing changed) removes its backup again: failed runs do not
    /// push good backups out of the rotation.
    func testAFailedMergeLeavesTheBackupsAsTheyWere() throws {
        let dir = temporaryDirectory("failed-rotation").path
        let archive = Self.copySpring(to: dir)
        let before = try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").sorted()
        let otherKey = dir + "/other.key"
        try String(repeating: "ab", count: 32).write(toFile: otherKey, atomically: true, encoding: .utf8)
        for _ in 0..<6 {
            let r = try Binary.run(["merge", Self.submissions("2021-06"), "--round", "2021-06", "--out", dir + "/out/2021-06",
                                    "--key", otherKey, "--archive", archive])
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("密钥"), r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: archive + ".backups").sorted(), before)
    }

    /// Bytes changed inside a stored round (its report.json, the page structure intact, so
    /// `PRAGMA integrity_check` passes): `history --check` finds it by the round's digest, and
    /// a merge refuses the archive naming the newest good backup.
    func testChangedBytesInsideAStoredRoundAreFound() throws {
        let dir = temporaryDirectory("digest").path
        let archive = Self.copySpring(to: dir)
        // Overwrite bytes of April's stored report in the file itself.
        let (status, log) = try runProcess(testPython, ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')
            report = c.execute("SELECT report_json FROM rounds WHERE round_id = '2021-04'").fetchone()[0].encode()
            c.close()
            data = bytearray(open(sys.argv[1], 'rb').read())
            needle = report[:200]
            at = data.find(needle)
            assert at >= 0, 'report not found in one piece'
            i = at + report.find(b'"due":"') + len('"due":"2021-04-2')
            data[i] = ord('7') if data[i] != ord('7') else ord('8')
            open(sys.argv[1], 'wb').write(data)
            """, archive])
        XCTAssertEqual(status, 0, log)
        XCTAssertEqual(try Self.integrity(archive), "ok", "the pages are whole")
        let check = try Self.history(archive, ["--check"])
        XCTAssertEqual(check.status, 2, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("检查结果：已损坏（2021-04 轮记录的内容与记录时的校验值不符（文件中的数据被改动过））。"), check.stdout)
        XCTAssertTrue(check.stdout.contains("可用最近一份完好的备份恢复：tianbao history --archive \(archive) --restore "), check.stdout)
        let r = try Self.merge("2021-06", out: dir + "/out/2021-06", archive: archive)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("2021-04 轮记录的内容与记录时的校验值不符") && r.stderr.contains("最近一份完好的备份是“"), r.stderr)
    }

    /// Messages stay Chinese and single: a junk file given to `--restore` is named with why,
    /// without a second 错误 message inside; a file that is not SQLite is said so in Chinese;
    /// after a crash past the switch, `history` does not say the merge stopped before it.
    func testArchiveMessagesAreChineseAndNotNested() throws {
        let dir = temporaryDirectory("messages").path
        let archive = Self.copySpring(to: dir)
        let junk = dir + "/junk.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: junk))
        let r = try Self.history(archive, ["--restore", junk])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr, "错误：“\(junk)”不能用来恢复汇总档案（不是 SQLite 数据库文件）。可用 tianbao history --check 查看哪些备份完好；本次未作任何改动。\n")
        let opened = try Self.history(junk)
        XCTAssertEqual(opened.status, 2)
        XCTAssertTrue(opened.stderr.hasPrefix("错误：汇总档案“\(junk)”已损坏或不是 SQLite 数据库文件（不是 SQLite 数据库文件）。"), opened.stderr)
        for english in ["database", "file is", "page", "SQLITE"] { XCTAssertFalse(opened.stderr.contains(english), opened.stderr) }

        let out = dir + "/out/2021-06"
        XCTAssertEqual(try Self.merge("2021-06", out: out, archive: archive, environment: ["TIANBAO_FAULT_INJECT": "crash:after-switch"]).status,
                       SIGKILL)
        let text = try Self.history(archive).stdout
        XCTAssertFalse(text.contains("之前中断"), text)
        XCTAssertTrue(text.contains("注意：2021-06 轮已记入档案，其输出也已换入输出文件夹“\(out)”，但上次汇总没来得及清除换入记录就中断了；下次向本档案汇总时会自动清除该记录。"), text)
    }

    /// An archive on a read-only mount: `history`, `history --check` and `status` read it
    /// (opened read-only; its WAL empty, as immutable); a merge is refused with what to do.
    func testAnArchiveOnAReadOnlyMountIsRead() throws {
        let mountPoint = temporaryDirectory("ro-tmpfs").path
        let (status, log) = try runProcess("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint])
        guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?): \(log)") }
        defer { _ = try? runProcess("umount", [mountPoint]) }
        let archive = Self.copySpring(to: mountPoint)
        XCTAssertEqual(try Self.history(archive, ["--check"]).status, 0, "WAL mode, written once")
        let (ro, roLog) = try runProcess("mount", ["-o", "remount,ro", mountPoint])
        XCTAssertEqual(ro, 0, roLog)
        XCTAssertEqual(try Self.rounds(archive).map { $0["round"] as! String }, ["2021-03", "2021-04", "2021-05"])
        let check = try Self.history(archive, ["--check"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("检查结果：完好（3 轮"), check.stdout)
        let st = try Binary.run(["status", Self.submissions("2021-06"), "--round", "2021-06", "--key", Self.key, "--archive", archive])
        XCTAssertLessThanOrEqual(st.status, 1, st.stderr)
        let merged = try Self.merge("2021-06", out: temporaryDirectory("ro-out").path + "/2021-06", archive: archive)
        XCTAssertEqual(merged.status, 3, merged.stderr)
    }
}

/// Another program holding an SQLite connection open on a file, with `statements` run in it
/// (`BEGIN`, a `SELECT`: a read transaction), until `stop`.
final class SQLiteHolder {
    private let process = Process()

    init(_ path: String, _ statements: String...) throws {
        process.executableURL = URL(fileURLWithPath: testPython)
        process.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            for s in sys.argv[2:]:
                c.execute(s).fetchall()
            print('holding', flush=True)
            time.sleep(120)
            """, path] + statements
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !String(decoding: line, as: UTF8.self).contains("holding") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
    }

    var isRunning: Bool { process.isRunning }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
