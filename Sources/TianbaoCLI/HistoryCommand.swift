import ArgumentParser
import Foundation
import TianbaoRound
import TianbaoSupport
import TianbaoArchive
import TianbaoCheck
import TianbaoPlan
import TianbaoRun

/// `tianbao history [--archive FILE] [--round R] [--format text|json]`: the rounds recorded
/// in the archive (with those that need a re-merge), or one round exported back as its
/// report.json; `--check` verifies the archive and its backups; `--restore BACKUP` brings a
/// backup back.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "列出汇总档案中已记录的轮次；导出某轮的 report.json；检查档案、用备份恢复档案。")

    @OptionGroup var archive: ArchiveOptions

    @Option(help: "只看这一轮次（如 2021-06）。")
    var round: String?

    @Option(help: "输出格式：text 或 json（与 --round 同用时输出该轮的 report.json）。")
    var format: CheckCommand.OutputFormat = .text

    @Flag(help: "逐页检查汇总档案是否完好，并列出备份文件夹中的备份及其是否完好。")
    var check = false

    @Option(help: ArgumentHelp("用这份备份恢复汇总档案（恢复前的档案会另存到备份文件夹）。", valueName: "backup"), completion: .file())
    var restore: String?

    func validate() throws {
        if check && restore != nil { throw ValidationError("--check 与 --restore 不能同时使用。") }
        if (check || restore != nil) && round != nil { throw ValidationError("--round 不能与 --check 或 --restore 同时使用。") }
    }

    func run() throws {
        if let restore { return try ArchiveOptions.run { try restoreArchive(from: restore) } }
        if check { return try checkArchive() }
        let archive = try self.archive.openExisting()
        try ArchiveOptions.run {
            if let round, format == .json {
                // Exactly the report.json the merge wrote (it ends with a newline).
                FileHandle.standardOutput.write(Data(try archive.reportJSON(round: round).utf8))
                return
            }
            var rounds = try archive.rounds()
            if let round {
                rounds = rounds.filter { $0.round == round }
                if rounds.isEmpty { throw ArchiveError.noSuchRound(path: archive.path, round: round) }
            }
            let stale = Dictionary(try archive.staleRounds().map { ($0.round, $0) }, uniquingKeysWith: { a, _ in a })
            let pending = try archive.pendingSwitches()
            switch format {
            case .json:
                let o = JSONWriter()
                o.object {
                    o.key("archive"); o.string(archive.path)
                    o.key("rounds"); o.array(rounds) { r in
                        o.object {
                            o.key("round"); o.string(r.round)
                            o.key("plan_version"); o.string(r.planVersion)
                            o.key("merged_at"); if let m = r.mergedAt { o.string(m) } else { o.null() }
                            for (k, v) in [("expected", r.expected), ("accepted", r.accepted), ("rejected", r.rejected),
                                           ("missing", r.missing), ("late", r.late), ("rows_read", r.rowsRead),
                                           ("rows_merged", r.rowsMerged), ("rows_rejected", r.rowsRejected)] {
                                o.key(k); o.int(v)
                            }
                            o.key("needs_remerge"); o.bool(stale[r.round] != nil)
                            if let s = stale[r.round] {
                                o.key("compared_with"); if let c = s.comparedWith { o.string(c) } else { o.null() }
                                o.key("previous_now"); if let p = s.previousNow { o.string(p) } else { o.null() }
                            }
                            o.key("switch_pending"); o.bool(pending.contains { $0.round == r.round })
                        }
                    }
                }
                print(o.text)
            case .text:
                if rounds.isEmpty {
                    print("汇总档案“\(archive.path)”中还没有记录任何轮次。")
                    return
                }
                print("汇总档案：\(archive.path)")
                let rows = rounds.map { r in
                    [r.round, r.planVersion, r.mergedAt ?? "", "\(r.accepted)/\(r.expected)", "\(r.late)", "\(r.rejected)",
                     "\(r.missing)", "\(r.rowsMerged)", "\(r.rowsRejected)", stale[r.round] != nil ? "需重新汇总" : ""]
                }
                print(TextTable.render(["轮次", "计划版本", "材料截至", "已报送/应报", "迟报", "被退回", "未报送", "汇总行数", "退回行数", "备注"], rows),
                      terminator: "")
                let shown = rounds.compactMap { stale[$0.round] }
                if !shown.isEmpty {
                    print("需要重新汇总：" + shown.map(\.reason).joined(separator: "；")
                          + "。它们的环比、跨轮检查和进度趋势是按另一组上期数据得出的，请按轮次先后重新汇总。")
                }
                for p in pending where rounds.contains(where: { $0.round == p.round }) {
                    if p.isSwitchedIn {
                        print("注意：\(p.round) 轮已记入档案，其输出也已换入输出文件夹“\(p.target)”，但上次汇总没来得及清除换入记录就中断了；下次向本档案汇总时会自动清除该记录。")
                    } else {
                        print("注意：\(p.round) 轮已记入档案，但上次汇总在换入输出文件夹“\(p.target)”之前中断；下次向本档案汇总时会自动完成换入或撤回该轮。")
                    }
                }
            }
        }
    }

    /// `--check`: every page of the archive (`PRAGMA integrity_check`) and each round's stored
    /// report against its digest, and each backup. Damage: status 2; an archive another program
    /// holds locked, or one that cannot be opened read-only: status 3, never called damaged.
    private func checkArchive() throws {
        let path = archive.readPath
        let backups = ArchiveBackups(archive: path)
        guard FileManager.default.fileExists(atPath: path) else {
            try ArchiveOptions.run { try RoundArchive.refuseFreshBesideBackups(path) }
            printError(ArchiveError.missing(path: path).description)
            throw CommandExit(.usage)
        }
        let condition = ArchiveBackups.condition(of: path, full: true)
        let problems: [String]
        switch condition {
        case .inUse:
            printError("错误：汇总档案“\(path)”正被另一个程序占用（文件被锁定），本次无法检查；这不表示档案已损坏。"
                       + "请关闭打开该档案的程序（或等另一次汇总结束）后重试。")
            throw CommandExit(.outputFailed)
        case .readOnly:
            printError(ArchiveError.readOnly(path: path).description)
            throw CommandExit(.outputFailed)
        case .damaged(let found): problems = found
        case .whole, .missing: problems = []
        }
        let listed = backups.list().map { ($0, ArchiveBackups.problems(in: $0, full: false)) }
        let good = listed.first { $0.1.isEmpty }?.0
        let rounds = problems.isEmpty ? ((try? RoundArchive.open(path: path).rounds().map(\.round)) ?? []) : []
        switch format {
        case .json:
            let o = JSONWriter()
            o.object {
                o.key("archive"); o.string(path)
                o.key("ok"); o.bool(problems.isEmpty)
                o.key("problems"); o.array(problems) { o.string($0) }
                o.key("rounds"); o.array(rounds) { o.string($0) }
                o.key("backups"); o.array(listed) { b in
                    o.object {
                        o.key("path"); o.string(b.0)
                        o.key("ok"); o.bool(b.1.isEmpty)
                    }
                }
                o.key("newest_good_backup"); if let good { o.string(good) } else { o.null() }
            }
            print(o.text)
        case .text:
            print("汇总档案：\(path)")
            if problems.isEmpty {
                print("检查结果：完好（\(rounds.count) 轮" + (rounds.isEmpty ? "" : "：\(rounds.joined(separator: "、"))") + "）。")
            } else {
                print("检查结果：已损坏（\(problems.prefix(3).joined(separator: "；"))）。")
            }
            if listed.isEmpty {
                print("备份：备份文件夹“\(backups.folder)”中还没有备份（每次汇总写入档案之前会自动备份）。")
            } else {
                print("备份（\(backups.folder)，保留最近 \(ArchiveBackups.kept) 份，新的在前）：")
                for (backup, found) in listed {
                    print("  \((backup as NSString).lastPathComponent)  " + (found.isEmpty ? "完好" : "有问题（\(found.first!)）"))
                }
            }
            if !problems.isEmpty {
                print(good.map { "可用最近一份完好的备份恢复：tianbao history --archive \(path) --restore \($0)" }
                      ?? "备份文件夹中没有完好的备份；请从其他备份恢复该文件。")
            }
        }
        if !problems.isEmpty { throw CommandExit(.usage) }
    }

    /// `--restore BACKUP`, holding the archive's lock.
    private func restoreArchive(from backup: String) throws {
        let path = archive.readPath
        let lock = try ArchiveWriteLock(archive: path)
        defer { lock.release() }
        let aside = try ArchiveBackups(archive: path).restore(from: backup)
        print("已用备份“\(backup)”恢复汇总档案“\(path)”。" + (aside.map { "恢复前的档案已移到备份文件夹，另存为“\($0)”。" } ?? ""))
        let rounds = try RoundArchive.open(path: path).rounds().map(\.round)
        print("档案中现有 \(rounds.count) 轮" + (rounds.isEmpty ? "。" : "：\(rounds.joined(separator: "、"))。此后汇总过的轮次请重新汇总。"))
    }
}

/// `--archive FILE`, shared by the commands that read or write the archive.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .customLong("archive"),
            help: "汇总档案文件（SQLite）。merge 不指定时为输出文件夹的上一级文件夹中的 tianbao-archive.sqlite；其他命令不指定时为 out/tianbao-archive.sqlite。")
    var path: String?

    /// The archive for commands without an output folder: `--archive`, else
    /// `out/tianbao-archive.sqlite` (where `merge … --out out/<round>` records by default).
    var readPath: String { path ?? "out/" + RoundArchive.defaultFileName }

    /// Opens the archive for reading; a bad archive ends the command with status 2.
    func openExisting() throws -> RoundArchive {
        try Self.run { try RoundArchive.open(path: readPath) }
    }

    /// The archive `check` and `status` compare with: `--archive` (which must exist), else
    /// `out/tianbao-archive.sqlite` when there is one; nil when there is none to compare with.
    /// An implicit default archive of another plan (or plan version) is passed over with a
    /// note: it is not this plan's history, and the user did not ask for it.
    func openForComparing(plan: Plan) throws -> RoundArchive? {
        if path == nil && !FileManager.default.fileExists(atPath: readPath) { return nil }
        if path == nil {
            do {
                return try RoundArchive.openForRecording(path: readPath, plan: plan)
            } catch let error as ArchiveError {
                if case .otherPlan = error {
                    printError("注意：“\(readPath)”是另一个计划或计划版本的汇总档案，本次不与上期比较；如需比较，请用 --archive 指定本计划的档案。")
                    return nil
                }
                printError(error.description)
                throw CommandExit(.usage)
            }
        }
        return try Self.run {
            guard FileManager.default.fileExists(atPath: readPath) else { throw ArchiveError.missing(path: readPath) }
            return try RoundArchive.openForRecording(path: readPath, plan: plan)
        }
    }

    /// A merged round with the problems found against the round before it in the archive
    /// (`status`).
    func checkAcrossRounds(_ result: RoundResult) throws -> RoundResult {
        guard let archive = try openForComparing(plan: result.plan) else { return result }
        let earlier = Set(result.plan.rounds.prefix { $0.id != result.round.id }.map(\.id))
        for p in try Self.run({ try archive.unswitched { earlier.contains($0) } }) { printError(RunNote.readingUnswitched(p)) }
        let result = try Self.run { try ReceivedLateness.apply(archive: archive, to: result) }
        guard let checker = try Self.run({ try CrossRoundPass.checker(archive: archive, plan: result.plan, round: result.round) })
        else { return result }
        return try Self.run { try CrossRoundPass.apply(checker, to: result).result }
    }

    /// Each unit's liaison from the latest earlier round in the archive (`status`: whom to
    /// call when a unit sent nothing this round); empty without an archive.
    func lastLiaisons(_ result: RoundResult) throws -> [String: LastLiaison] {
        guard let archive = try openForComparing(plan: result.plan) else { return [:] }
        return try Self.run { try archive.lastLiaisons(before: result.round, plan: result.plan, fields: CrossRoundFields(plan: result.plan)) }
    }

    /// The recorded rounds that need a re-merge (`status`); none without an archive.
    func staleRounds(plan: Plan) throws -> [StaleRound] {
        guard let archive = try openForComparing(plan: plan) else { return [] }
        return try Self.run { try archive.staleRounds() }
    }

    /// Checked files with the problems found against the rounds before theirs (`check`).
    func checkAcrossRounds(_ submissions: [Submission], plan: Plan) throws -> [Submission] {
        guard let archive = try openForComparing(plan: plan) else { return submissions }
        return try Self.run { try CrossRoundPass.apply(archive: archive, plan: plan, to: submissions) }
    }

    /// Runs `body`, turning archive errors into their message and exit status (2, or 3 when
    /// writing failed).
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ArchiveError {
            printError(error.description)
            throw CommandExit(error.isWriteFailure ? .outputFailed : .usage)
        } catch let error as UnsafeSidecar {
            printError(userMessage(for: error)!)
            throw CommandExit(.outputFailed)
        }
    }
}
