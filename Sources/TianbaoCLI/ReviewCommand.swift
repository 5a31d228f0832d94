import ArgumentParser
import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoReview
import TianbaoSupport
import XLSX

/// `tianbao review --year 2021 --out DIR [--archive FILE] [--plan P]`: the year's 回头看, a
/// workbook and a briefing over every round of the year recorded in the archive.
///
/// DIR is replaced as a whole or not at all, as `merge` replaces its output folder: DIR's lock,
/// a staging folder beside it, one switch at the end (`StagedFolder`). A bad archive, no rounds
/// for the year or an archive of another plan ends it with status 2 and nothing written.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "回头看：按汇总档案中一年的各轮报送，生成年度回头看工作簿和简报（md、html、docx）。")

    @OptionGroup var plan: PlanOptions

    @Option(help: "年份，如 2021（轮次截止日期所在的年份）。")
    var year: Int

    @Option(help: "输出文件夹（整体替换）。")
    var out: String

    @Option(name: .customLong("archive"),
            help: "汇总档案文件（SQLite）。不指定时为输出文件夹的上一级文件夹中的 tianbao-archive.sqlite（与 merge 相同）。")
    var archivePath: String?

    @OptionGroup var issueDate: IssueDateOption

    @Option(help: "回头看简报的期号（回头看自成一个系列），默认 1。")
    var issue: Int?

    func run() throws {
        let date = try issueDate.day()
        if let issue, issue < 1 {
            printError("错误：--issue 应为正整数，而不是 \(issue)。未作任何改动。")
            throw CommandExit(.usage)
        }
        let plan = try self.plan.load()
        let archivePath = self.archivePath ?? RoundArchive.defaultPath(outputFolder: out)
        let target = FileSystem.resolvedPath(out)
        if let kind = FileSystem.kind(target), kind != .folder {
            printError("错误：“\(out)”已存在，但不是文件夹。请指定一个文件夹作为输出位置。")
            throw CommandExit(.usage)
        }
        if FileSystem.isInside(FileSystem.resolvedPath(archivePath), target) {
            printError("错误：汇总档案“\(archivePath)”在输出文件夹“\(out)”之内；回头看会整体替换输出文件夹。请另选输出文件夹。")
            throw CommandExit(.usage)
        }

        // 1. The archive: readable, this plan's, with rounds of the year. Everything is computed
        // before anything is written.
        let review = try ArchiveOptions.run { () -> YearReview in
            let archive = try RoundArchive.openForReading(path: archivePath, plan: plan)
            guard !(try archive.roundIds(ofYear: year, plan: plan)).isEmpty else {
                let recorded = try archive.rounds().map(\.round)
                printError("错误：汇总档案“\(archivePath)”中没有 \(year) 年的轮次"
                           + (recorded.isEmpty ? "（档案中还没有记录任何轮次）" : "（已记录的轮次：\(recorded.joined(separator: "、"))）")
                           + "。请先用 tianbao merge 汇总该年的轮次，或检查 --year 与 --archive；本次未写入任何内容。")
                throw CommandExit(.usage)
            }
            return try YearReview.build(archive: archive, plan: plan, year: year)
        }

        // 2. DIR's lock and a staging folder; Ctrl-C and SIGTERM leave DIR as it was.
        let owned = OwnedState()
        let interruption = Interruption { [out] sig in
            owned.cleanUp()
            let how = sig == SIGINT ? "已按 Ctrl-C 中断" : "已收到终止信号，已中断"
            Interruption.say("\(how)：本次回头看未完成，输出文件夹“\(out)”未作任何改动。")
        }
        defer { interruption.uninstall() }
        func failing(_ error: Error, staged: StagedFolder?) -> CommandExit {
            interruption.finish()
            owned.cleanUp()
            let what: String
            switch error {
            case let e as FileSystemError:
                let shown = staged?.finalPath(ofStaged: e.path) ?? e.path
                what = staged != nil && FileSystem.isInside(e.path, staged!.staging) && shown != target
                    ? "无法写入输出文件“\(shown)”：\(e.cause)" : "无法创建输出文件夹“\(out)”：\(e.cause)"
            case let e as XLSXWriteError:
                what = "无法写入输出文件“\((target as NSString).appendingPathComponent(e.file))”：\(e.detail)"
            default:
                what = (userMessage(for: error) ?? "\(error)").replacingOccurrences(of: "错误：", with: "")
            }
            printError("错误：\(what)。本次回头看未完成，输出文件夹“\(out)”未作任何改动。")
            return CommandExit(.outputFailed)
        }
        let lock: FolderLock
        do {
            try FileSystem.makeFolder((target as NSString).deletingLastPathComponent)
            lock = try FolderLock(folder: target)
            if let dead = lock.takenOverFrom {
                printError("注意：上一次向“\(out)”的输出（进程 \(dead.pid)，开始于 \(dead.started)）没有正常结束；已接管它留下的锁并清除它的临时文件。")
            }
        } catch let busy as FolderLock.Busy {
            interruption.finish()
            let who = busy.holder.map { "（进程 \($0.pid)，开始于 \($0.started)）" } ?? ""
            printError("错误：另一次运行\(who)正在写入输出文件夹“\(out)”。本次不等待，未作任何改动，已退出。（锁文件：\(busy.path)）")
            throw CommandExit(.outputFailed)
        } catch {
            throw failing(error, staged: nil)
        }
        owned.set(lock: lock)
        let staged: StagedFolder
        do { staged = try StagedFolder(target: target) } catch { throw failing(error, staged: nil) }
        owned.set(staged: staged)

        // 3. DIR may hold only this review's own files (it is replaced as a whole).
        let own = Set([ReviewWorkbook.fileName(year: year)] + [".md", ".html", ".docx"].map { ReviewBriefing.baseName(year: year) + $0 })
        if FileSystem.kind(target) == .folder {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []).sorted()
            let foreign = names.filter { !own.contains($0) && ![".DS_Store", "Thumbs.db", "desktop.ini"].contains($0) }
            if !foreign.isEmpty {
                interruption.finish()
                owned.cleanUp()
                let shown = foreign.prefix(3).map { "“\($0)”" }.joined(separator: "、")
                printError("错误：输出文件夹“\(out)”中有不是本次回头看生成的文件或文件夹（\(shown)\(foreign.count > 3 ? "等 \(foreign.count) 项" : "")）。"
                           + "回头看会整体替换输出文件夹，为免丢失这些文件，本次未作任何改动。请指定一个新的或空的输出文件夹，或先移走这些文件。")
                throw CommandExit(.usage)
            }
        }

        // 4. Write, then switch in one step.
        let written: [String]
        do {
            written = try ReviewOutputs.write(review, to: staged.staging, date: date, issue: issue)
            FaultInjection.pause()  // tests: a kill between the last output and the switch
            try interruption.commit { try staged.commit(syncing: []) }
        } catch {
            throw failing(error, staged: staged)
        }
        owned.cleanUp()
        print("\(year) 年回头看：\(review.rounds.count) 轮（\(review.rounds.map(\.id).joined(separator: "、"))）。")
        print("输出文件：")
        for path in written { print("  " + staged.finalPath(ofStaged: path)) }
    }
}
