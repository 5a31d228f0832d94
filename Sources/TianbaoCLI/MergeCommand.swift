import ArgumentParser
import Foundation
import TianbaoSupport
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// `tianbao merge DIR --round R --out OUT`: checks and merges a round.
///
/// A merge replaces OUT as a whole or not at all: it holds OUT's lock, writes every output into
/// a staging folder beside OUT and switches it in at the end (`StagedFolder`). A full disk, a
/// wrong key, Ctrl-C or a kill leaves OUT as it was; the next run removes what a killed run left.
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

    @Option(name: .customLong("resubmit-by"), help: "反馈表中写明的重新报送截止日期，如 2021-06-22（不给出时用计划中本轮的设定）。")
    var resubmitBy: String?

    func run() throws {
        var (round, prepared) = try options.prepare()
        if let resubmitBy { round.resubmitBy = try Self.day(resubmitBy, notBefore: round.due) }
        let progress = ProgressLine(quiet: options.quiet)
        var merger = prepared
        merger.progress = { progress.files(checked: $0, of: $1) }
        let folder = options.folder
        let inURL = URL(fileURLWithPath: folder).standardizedFileURL
        let target = try OutputTarget(out: out, submissions: folder)
        // A bad archive (corrupt, newer, locked, another plan version) ends the merge here with
        // status 2, before anything is written.
        let archiving: MergeArchiving?
        if noArchive { archiving = nil } else { archiving = try MergeArchiving.prepare(archive, out: out, plan: merger.plan) }
        Timings.reset()

        // 1. From here on, Ctrl-C and SIGTERM remove the staging folder, release the lock and
        // leave OUT as it was.
        let owned = OwnedState()
        let interruption = Interruption { [out] sig in
            progress.finish()
            owned.cleanUp()
            let how = sig == SIGINT ? "已按 Ctrl-C 中断" : "已收到终止信号，已中断"
            Interruption.say("\(how)：本次汇总未完成，输出文件夹“\(out)”未作任何改动。")
        }
        defer { interruption.uninstall() }
        // A failure is told only if no signal is being handled (else the handler tells it).
        func failing(_ body: () -> CommandExit) -> CommandExit {
            progress.finish()
            interruption.finish()
            owned.cleanUp()
            return body()
        }
        // 2. One merge at a time per output folder.
        let lock: FolderLock
        do { lock = try target.lock() } catch let exit as CommandExit { throw failing { exit } }
        owned.set(lock: lock)
        // 3. What killed runs left beside OUT is removed; an empty staging folder is made.
        let staged: StagedFolder
        do { staged = try StagedFolder(target: target.path) } catch { throw failing { target.failure(error, staged: nil) } }
        owned.set(staged: staged)
        do {
            // 4. OUT's other rounds' outputs are carried over; anything not Tianbao's stops the merge.
            let existing = try MergeOutputs.examine(existing: target.path, round: round)
            if !existing.foreign.isEmpty {
                progress.finish()
                interruption.finish()
                owned.cleanUp()
                let shown = existing.foreign.prefix(3).map { "“\($0)”" }.joined(separator: "、")
                printError("错误：输出文件夹“\(out)”中有不是 Tianbao 生成的文件或文件夹（\(shown)\(existing.foreign.count > 3 ? "等 \(existing.foreign.count) 项" : "")）。"
                           + "汇总会整体替换输出文件夹，为免丢失这些文件，本次未作任何改动。请指定一个新的或空的输出文件夹，或先移走这些文件。")
                throw CommandExit(.usage)
            }
            try MergeOutputs.carryOver(existing.kept, from: target.path, into: staged.staging)

            // 5. Check and merge; the consolidated workbook is written into the staging folder
            // while the files are checked (units in plan order); if a file named after one unit
            // belongs to another, it is written again.
            let stagingURL = URL(fileURLWithPath: staged.staging)
            let finalURL = URL(fileURLWithPath: target.path)
            var writer: ConsolidatedWorkbookWriter? = try MergeOutputs.startWorkbook(
                plan: merger.plan, round: round, sourceFolder: inURL, out: stagingURL, linkFrom: finalURL, trendSheet: archiving != nil)
            progress.begin("正在检查文件")
            var (result, held) = try merger.merge(folder: folder, round: round) { unit, submission, rows in
                FaultInjection.pause()
                try writer?.add(unit, submission, rows: rows)
            }
            // Checks against the archive's previous round; rows they reject leave the merge, so
            // the streamed workbook is then written again.
            let across = try archiving?.checkAcrossRounds(result) ?? (result: result, rowsRejected: false)
            (result, held) = (across.result, held && !across.rowsRejected)
            Timings.mark("read and checked" + (held ? "" : " (workbook to be written again)"))

            // 6. A key that signed none of the round's templates is the office's mistake: nothing
            // is written, no unit is told to fix its file.
            if result.keyMismatch {
                writer = nil
                progress.finish()
                interruption.finish()
                owned.cleanUp()
                printError(options.key.mismatchMessage(result.signatures))
                throw CommandExit(.usage)
            }
            if !held { writer = nil }
            progress.begin("正在写入汇总表、简报和反馈表")
            // Everything the outputs show, built once (every unit's rows read once from the row
            // store; a damaged store stops here, exit 3), with the archive's earlier rounds.
            var report = try RoundReport(result)
            report.history = try archiving?.history(result)
            // The round is recorded while the outputs are written (its transaction then waits
            // for step 7); an interruption or a failure meanwhile rolls it back.
            let recording = archiving?.startRecording(report) { [staged] in
                try staged.commit(syncing: [staged.path("反馈")])
            }
            owned.set(recording: recording)
            let written: [String]
            do {
                written = try MergeOutputs.write(report, key: merger.checker.key, sourceFolder: inURL, to: stagingURL,
                                                 linkFrom: finalURL, streamed: writer)
            } catch {
                recording?.cancel()
                throw error
            }
            writer = nil

            // 7. The switch: OUT becomes the new outputs in one step just before the round's
            // transaction commits, and a switch that throws rolls the transaction back; a signal
            // waits until both are done. A crash between the switch and the commit leaves the
            // new outputs and the archive as it was (merging again records the round).
            FaultInjection.pause()  // tests: a kill between the last output and the switch
            do {
                try interruption.commit {
                    if let recording {
                        try recording.finish()
                    } else {
                        try staged.commit(syncing: [staged.path("反馈")])
                    }
                }
            } catch let exit as CommandExit {
                progress.finish()
                owned.cleanUp()  // the archive refused: the staging folder goes, OUT stays as it was
                throw exit
            }
            owned.cleanUp()

            // 8. Report.
            progress.finish()
            print(Summary.text(result))
            OfficeReport.print(result)
            print("输出文件：")
            for path in written { print("  " + staged.finalPath(ofStaged: path)) }
            if let archiving { print("已记入汇总档案：\(archiving.archive.path)") }
            let clean = result.totals.missing == 0 && result.totals.rejected == 0
                && !result.files.contains { $0.status == .rejected }
                && !result.problems.contains { $0.severity == .error }
                && result.officeProblems.isEmpty
            if !clean { throw CommandExit(.partial) }
        } catch let exit as CommandExit {
            throw exit
        } catch let error as FileSystemError where error.operation == .list || error.operation == .read {
            // The submissions folder could not be listed or read.
            throw failing {
                printError("错误：" + error.message + "。输出文件夹“\(out)”未作任何改动。")
                return CommandExit(.usage)
            }
        } catch {
            throw failing { target.failure(error, staged: staged) }
        }
    }
}

/// What a merge holds that an interruption or a failure must give back: the round's record in
/// progress (to roll back), the staging folder (to remove) and OUT's lock (to release).
final class OwnedState: @unchecked Sendable {
    private let lock = NSLock()
    private var recording: PendingRecord?
    private var staged: StagedFolder?
    private var folderLock: FolderLock?

    func set(recording: PendingRecord?) { lock.lock(); self.recording = recording; lock.unlock() }
    func set(lock: FolderLock) { self.lock.lock(); folderLock = lock; self.lock.unlock() }
    func set(staged: StagedFolder) { lock.lock(); self.staged = staged; lock.unlock() }

    /// Rolls back the round's record (a no-op once it has ended), removes the staging folder
    /// (a no-op once switched in) and releases the lock.
    func cleanUp() {
        lock.lock()
        defer { lock.unlock() }
        recording?.cancel()
        staged?.discard()
        folderLock?.release()
    }
}

/// The output folder of a merge: where it really is (links resolved), refused where it would
/// mix with the submissions, and how its failures are told.
struct OutputTarget {
    /// `--out` as given, for messages.
    let given: String
    /// The resolved path.
    let path: String

    init(out: String, submissions: String) throws {
        given = out
        path = FileSystem.resolvedPath(out)
        let source = FileSystem.resolvedPath(submissions)
        let via = path == URL(fileURLWithPath: out).standardizedFileURL.path ? "" : "（经链接实际指向“\(path)”）"
        if FileSystem.isInside(path, source) {
            printError("错误：输出文件夹“\(out)”\(via)在报送文件夹“\(submissions)”之内，否则输出会被当作报送文件读取。请另选输出文件夹。")
            throw CommandExit(.usage)
        }
        if FileSystem.isInside(source, path) {
            printError("错误：报送文件夹“\(submissions)”在输出文件夹“\(out)”\(via)之内；汇总会整体替换输出文件夹。请另选输出文件夹。")
            throw CommandExit(.usage)
        }
        if let kind = FileSystem.kind(path), kind != .folder {
            printError("错误：“\(out)”已存在，但不是文件夹。请指定一个文件夹作为输出位置。")
            throw CommandExit(.usage)
        }
    }

    /// Takes OUT's lock (making OUT's parent if needed); refuses when another merge holds it.
    func lock() throws -> FolderLock {
        do {
            try FileSystem.makeFolder((path as NSString).deletingLastPathComponent)
            let lock = try FolderLock(folder: path)
            if let dead = lock.takenOverFrom {
                printError("注意：上一次向“\(given)”的汇总（进程 \(dead.pid)，开始于 \(dead.started)）没有正常结束；"
                           + "已接管它留下的锁并清除它的临时文件，输出文件夹保持为最近一次完整汇总的结果。")
            }
            return lock
        } catch let busy as FolderLock.Busy {
            let who = busy.holder.map { "（进程 \($0.pid)，开始于 \($0.started)）" } ?? ""
            printError("错误：另一次汇总\(who)正在写入输出文件夹“\(given)”。为免两次汇总的文件混在一起，本次不等待，"
                       + "未作任何改动，已退出；请等那次汇总结束后再运行。（锁文件：\(busy.path)）")
            throw CommandExit(.outputFailed)
        } catch {
            throw failure(error, staged: nil)
        }
    }

    /// Prints why the outputs could not be written (naming the output and the cause, in
    /// Chinese) and returns the exit to throw: status 3, OUT unchanged.
    func failure(_ error: Error, staged: StagedFolder?) -> CommandExit {
        let what: String
        switch error {
        case let e as FileSystemError:
            let shown = staged?.finalPath(ofStaged: e.path) ?? e.path
            if let staged, FileSystem.isInside(e.path, staged.staging) && shown != path {
                what = "无法写入输出文件“\(shown)”：\(e.cause)"
            } else {
                what = "无法创建输出文件夹“\(given)”：\(e.cause)"
            }
        case let e as RowStoreError:
            what = e.message
        case let e as XLSXWriteError:
            let relative = e.file.hasSuffix("-反馈.xlsx") ? "反馈/" + e.file : e.file
            what = "无法写入输出文件“\((path as NSString).appendingPathComponent(relative))”：\(e.detail)"
        default:
            what = (userMessage(for: error) ?? "\(error)").replacingOccurrences(of: "错误：", with: "")
        }
        printError("错误：\(what)。本次汇总未完成，输出文件夹“\(given)”未作任何改动。")
        return CommandExit(.outputFailed)
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
        let own = r.files.filter { $0.status == .skipped && ($0.note ?? "").hasPrefix("Tianbao ") }
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
            printError("错误：" + error.message + "。")
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
        switch format {
        case .text:
            print(Summary.text(result))
            let rows = result.units.map { u -> [String] in
                let contact = ContactToCall.find(u, liaison: liaisons[u.unit.id], plan: result.plan, history: history)
                    .map { [$0.name + $0.sourceNote, $0.phone] }
                    ?? [u.unit.members.first.map { "\($0.name)（领导小组成员）" } ?? "", ""]
                return [u.unit.name, ConsolidatedWorkbook.statusWord(u), u.submission?.file ?? "",
                        u.submission.map { "\($0.errorCount)/\($0.warningCount)" } ?? "", contact[0], contact[1]]
            }
            print(TextTable.render(["单位", "状态", "文件", "错误/提示", "联络员", "电话"], rows), terminator: "")
            OfficeReport.print(result)
        case .json:
            let o = JSONWriter()
            o.object {
                o.key("round"); o.string(round.id)
                o.key("units"); o.array(result.units) { u in
                    o.object {
                        o.key("unit_id"); o.string(u.unit.id)
                        o.key("unit"); o.string(u.unit.name)
                        o.key("state"); o.string(ConsolidatedWorkbook.statusWord(u))
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
        switch FileSystem.kind(FileSystem.resolvedPath(folder)) {
        case .folder?:
            break
        case nil:
            printError("错误：报送文件夹“\(folder)”不存在。")
            throw CommandExit(.usage)
        default:
            printError("错误：“\(folder)”是一个文件，不是文件夹。请给出存放各单位报回文件的文件夹（而不是其中的某个文件）。")
            throw CommandExit(.usage)
        }
        // Listed once before anything is made, so a folder that cannot be listed is said at once.
        do {
            _ = try RoundListing.list(folder)
        } catch let error as FileSystemError {
            printError("错误：无法列出报送文件夹“\(folder)”中的文件：\(error.cause)。未作任何改动。")
            throw CommandExit(.usage)
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
