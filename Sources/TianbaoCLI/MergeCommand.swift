import ArgumentParser
import Foundation
import TianbaoOutputs
import TianbaoRound
import TianbaoRun
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// `tianbao merge DIR --round R --out OUT`: checks and merges a round (`MergeRun`).
///
/// A merge replaces OUT as a whole or not at all, and records the round in the archive together
/// with the switch: a full disk, a wrong key, Ctrl-C or a kill leaves OUT as it was; the next
/// run removes what a killed run left.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "校验并汇总一轮报送：生成汇总表、简报、各单位反馈表和 report.json。")

    @OptionGroup var options: RoundOptions

    @Option(help: "输出文件夹。")
    var out: String

    @OptionGroup var archive: ArchiveOptions

    /// Merges without the archive: no checks across rounds, nothing recorded (a trial merge;
    /// `make bench` measures what recording costs against it).
    @Flag(name: .customLong("no-archive"), help: "本次不与汇总档案比较，也不记入汇总档案（试汇总）。")
    var noArchive = false

    @OptionGroup var issue: IssueDateOption

    @Option(name: .customLong("resubmit-by"), help: "反馈表中写明的重新报送截止日期，如 2021-06-22（不给出时用计划中本轮的设定）。")
    var resubmitBy: String?

    func run() throws {
        let issueDate = try issue.day()
        let (round, merger) = try options.prepare()
        let resubmitBy = try self.resubmitBy.map { try Self.day($0, notBefore: round.due) }
        let progress = ProgressLine(quiet: options.quiet)
        let request = MergeRequest(
            submissions: options.folder, round: round.id, out: out, plan: merger.plan, key: merger.checker.key,
            archive: noArchive ? .none : archive.path.map { .file($0) } ?? .besideOutput,
            keyDescription: options.key.description, issueDate: issueDate,
            resubmitBy: resubmitBy, progress: { progress.show($0) })
        let merge = MergeRun(request)
        try RunOnTerminal.perform(progress: progress, cancel: { merge.cancel(signal: $0) }, { () throws(RunFailure) in try merge.run() }) { outcome in
            for note in outcome.notes { printError(note.message(for: .merge(out: out))) }
            let result = outcome.result
            print(Summary.text(result))
            OfficeReport.print(result)
            print("输出文件：")
            for path in outcome.written { print("  " + path) }
            if let archive = outcome.archivePath {
                print("已记入汇总档案：\(archive)" + (outcome.backupPath.map { "（记入前的档案已备份为“\($0)”）" } ?? ""))
            }
            if !outcome.isClean { throw CommandExit(.partial) }
        }
    }
}

/// What the office has to see to besides the units: files it could not read, and its own
/// outputs found among the submissions.
enum OfficeReport {
    static func print(_ r: RoundResult) {
        let unread = r.officeProblems
        if !unread.isEmpty {
            Swift.print("办公室一侧的问题（不是报送单位的错误，未退回、未发反馈表，相关单位暂列为未处理）：")
            for f in unread {
                let unit = f.unitId.flatMap { r.plan.unit($0)?.name }.map { "（\($0)）" } ?? ""
                let cause = f.officeFault?.code == EAGAIN ? "汇总过程中文件被改动" : f.officeFault?.cause ?? ""
                Swift.print("  无法读取“\(f.file)”\(unit)：\(cause)")
            }
            Swift.print("请检查这些文件后重新汇总。")
        }
        let own = r.files.filter { $0.skip?.isTianbaos ?? false }
        if !own.isEmpty {
            Swift.print("注意：报送文件夹中有 Tianbao 自己生成的输出，已跳过：" + own.map { "“\($0.file)”" }.joined(separator: "、") + "。")
        }
    }
}

/// `tianbao status DIR --round R`: the 催报 list.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "催报清单：谁已报送、谁未报送、谁迟报、谁有错误，以及各单位联络员和电话。")

    @OptionGroup var options: RoundOptions

    @Option(help: "输出格式：text 或 json。")
    var format: CheckCommand.OutputFormat = .text

    @OptionGroup var archive: ArchiveOptions

    func run() throws {
        let (round, prepared) = try options.prepare()
        let progress = ProgressLine(quiet: options.quiet)
        var merger = prepared
        merger.progress = { progress.files(checked: $0, of: $1) }
        progress.begin("正在检查文件")
        defer { progress.finish() }
        let result: RoundResult
        do {
            result = try archive.checkAcrossRounds(try merger.merge(folder: options.folder, round: round))
        } catch let error as FileSystemError {
            printError(userMessage(for: error)!)
            throw CommandExit(.usage)
        }
        if result.keyMismatch {
            printError(options.key.mismatchMessage(result.signatures))
            throw CommandExit(.usage)
        }
        progress.finish()
        let liaisons = try RoundReport.Liaison.named(in: result)
        // Whom to call: this round's liaison, else the one a unit named last time, else the plan's contact.
        let history = RoundHistory(comparison: nil, earlier: [], lastLiaisons: try archive.lastLiaisons(result))
        // Rounds recorded out of order (or compared with a round merged again since): shown
        // until they are merged again.
        let stale = try archive.staleRounds(plan: result.plan)
        switch format {
        case .text:
            print(Summary.text(result))
            let rows = result.units.map { u -> [String] in
                let contact = ContactToCall.find(u, liaison: liaisons[u.unit.id], plan: result.plan, history: history)
                    .map { [$0.name + $0.sourceNote, $0.phone] }
                    ?? [u.unit.members.first.map { "\($0.name)（领导小组成员）" } ?? "", ""]
                return [u.unit.name, u.statusWord, u.submission?.file ?? "",
                        u.submission.map { "\($0.errorCount)/\($0.warningCount)" } ?? "", contact[0], contact[1]]
            }
            print(TextTable.render(["单位", "状态", "文件", "错误/提示", "联络员", "电话"], rows), terminator: "")
            OfficeReport.print(result)
            if !stale.isEmpty {
                print("注意：汇总档案中以下轮次需要重新汇总（它们的环比、跨轮检查和进度趋势是按另一组上期数据得出的）："
                      + stale.map(\.reason).joined(separator: "；") + "。")
            }
        case .json:
            let o = JSONWriter()
            o.object {
                o.key("round"); o.string(round.id)
                o.key("needs_remerge"); o.array(stale) { s in
                    o.object {
                        o.key("round"); o.string(s.round)
                        o.key("compared_with"); if let c = s.comparedWith { o.string(c) } else { o.null() }
                        o.key("previous_now"); if let p = s.previousNow { o.string(p) } else { o.null() }
                    }
                }
                o.key("units"); o.array(result.units) { u in
                    o.object {
                        o.key("unit_id"); o.string(u.unit.id)
                        o.key("unit"); o.string(u.unit.name)
                        o.key("state"); o.string(u.statusWord)
                        o.key("status"); o.string(u.status.rawValue)
                        o.key("late"); o.bool(u.late)
                        o.key("file"); if let s = u.submission { o.string(s.file) } else { o.null() }
                        o.key("errors"); o.int(u.submission?.errorCount ?? 0)
                        o.key("warnings"); o.int(u.submission?.warningCount ?? 0)
                        let c = ContactToCall.find(u, liaison: liaisons[u.unit.id], plan: result.plan, history: history)
                        let l = c?.source == .thisRound ? c : nil
                        o.key("liaison"); if let l { o.string(l.name) } else { o.null() }
                        o.key("phone"); if let l { o.string(l.phone) } else { o.null() }
                        if let c, case .earlierRound(let round) = c.source {
                            o.key("last_liaison"); o.object {
                                o.key("round"); o.string(round)
                                o.key("name"); o.string(c.name)
                                o.key("phone"); o.string(c.phone)
                            }
                        }
                        if let c, c.source == .plan {
                            o.key("plan_contact"); o.object {
                                o.key("name"); o.string(c.name)
                                o.key("phone"); o.string(c.phone)
                            }
                        }
                    }
                }
            }
            print(o.text)
        }
        if result.totals.missing > 0 || result.totals.rejected > 0 || !result.officeProblems.isEmpty { throw CommandExit(.partial) }
    }
}

extension MergeCommand {
    /// `--resubmit-by`: a date not before the round's due date; else status 2, nothing written.
    static func day(_ text: String, notBefore due: Day) throws -> Day {
        guard let day = Day(text) else {
            printError("错误：--resubmit-by 的日期“\(text)”无效，应写成 2021-06-22 的格式。未作任何改动。")
            throw CommandExit(.usage)
        }
        guard day >= due else {
            printError("错误：重新报送截止日期 \(day) 早于本轮截止日期 \(due)。未作任何改动。")
            throw CommandExit(.usage)
        }
        return day
    }
}

/// The submissions folder, the round, the plan and the key: what `merge` and `status` share.
struct RoundOptions: ParsableArguments {
    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Argument(help: "存放各单位报回文件的文件夹。")
    var folder: String

    @Option(help: "轮次编号，如 2021-06。")
    var round: String

    @Flag(help: "不在终端上显示进度（输出不是终端时本来就不显示）。")
    var quiet = false

    /// The round and a merger for it; usage and plan errors end the command with status 2.
    func prepare() throws -> (Round, RoundMerger) {
        let plan = try self.plan.load()
        let round = try PlanOptions.round(self.round, of: plan)
        do {
            try MergeRun.checkSubmissions(folder)
        } catch {
            printError(error.message)
            throw CommandExit(error.exitStatus)
        }
        let checker = SubmissionChecker(plan: plan, key: try key.load(create: false), round: round.id)
        return (round, RoundMerger(checker: checker))
    }
}

/// One paragraph for the terminal.
enum Summary {
    static func text(_ r: RoundResult) -> String {
        let t = r.totals
        return "轮次 \(r.round.id)（截止 \(r.round.due)）：应报 \(t.expected)，已报送 \(t.accepted)（迟报 \(t.late)），"
            + "被退回 \(t.rejected)，未报送 \(t.missing - t.unread)" + (t.unread > 0 ? "，未处理 \(t.unread)（文件无法读取）" : "") + "；读取 \(t.rowsRead) 行，汇总 \(t.rowsMerged) 行，退回 \(t.rowsRejected) 行。"
    }
}
