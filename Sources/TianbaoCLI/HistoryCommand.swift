import ArgumentParser
import Foundation
import TianbaoSupport
import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan

/// `tianbao history [--archive FILE] [--round R] [--format text|json]`: the rounds recorded
/// in the archive, or one round exported back as its report.json.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "列出汇总档案中已记录的轮次；--round R --format json 导出该轮的 report.json。")

    @OptionGroup var archive: ArchiveOptions

    @Option(help: "只看这一轮次（如 2021-06）。")
    var round: String?

    @Option(help: "输出格式：text 或 json（与 --round 同用时输出该轮的 report.json）。")
    var format: CheckCommand.OutputFormat = .text

    func run() throws {
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
                     "\(r.missing)", "\(r.rowsMerged)", "\(r.rowsRejected)"]
                }
                print(TextTable.render(["轮次", "计划版本", "材料截至", "已报送/应报", "迟报", "被退回", "未报送", "汇总行数", "退回行数"], rows),
                      terminator: "")
            }
        }
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
        let result = try Self.run { try ReceivedLateness.apply(archive: archive, to: result) }
        guard let checker = try Self.run({ try CrossRoundPass.checker(archive: archive, plan: result.plan, round: result.round) })
        else { return result }
        return try CrossRoundPass.apply(checker, to: result).result
    }

    /// Each unit's liaison from the latest earlier round in the archive (`status`: whom to
    /// call when a unit sent nothing this round); empty without an archive.
    func lastLiaisons(_ result: RoundResult) throws -> [String: LastLiaison] {
        guard let archive = try openForComparing(plan: result.plan) else { return [:] }
        return try Self.run { try archive.lastLiaisons(before: result.round, plan: result.plan, fields: CrossRoundFields(plan: result.plan)) }
    }

    /// Checked files with the problems found against the rounds before theirs (`check`).
    func checkAcrossRounds(_ submissions: [Submission], plan: Plan) throws -> [Submission] {
        guard let archive = try openForComparing(plan: plan) else { return submissions }
        return try Self.run { try CrossRoundPass.apply(archive: archive, plan: plan, to: submissions) }
    }

    /// Runs `body`, turning archive errors into their message and exit status 2.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ArchiveError {
            printError(error.description)
            throw CommandExit(.usage)
        }
    }
}
