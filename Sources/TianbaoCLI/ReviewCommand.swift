import ArgumentParser
import Foundation
import TianbaoRun

/// `tianbao review --year 2021 --out DIR [--archive FILE] [--plan P]`: the year's 回头看, a
/// workbook and a briefing over every round of the year recorded in the archive.
///
/// DIR is replaced as a whole or not at all, as `merge` replaces its output folder (`ReviewRun`).
/// A bad archive, no rounds for the year or an archive of another plan ends it with status 2
/// and nothing written.
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

    @Option(help: "回头看简报的期号（回头看自成一个系列）。不指定时为 1；汇总档案不记录此前的回头看，同一年再做回头看时请指定，如 --issue 2。")
    var issue: Int?

    func run() throws {
        let date = try issueDate.day()
        if let issue, issue < 1 {
            printError("错误：--issue 应为正整数，而不是 \(issue)。未作任何改动。")
            throw CommandExit(.usage)
        }
        let plan = try self.plan.load()
        let review = ReviewRun(ReviewRequest(year: year, out: out, archive: archivePath, plan: plan, date: date, issue: issue))
        try RunOnTerminal.perform(progress: nil, cancel: { review.cancel(signal: $0) }, { () throws(RunFailure) in try review.run() }) { outcome in
            for note in outcome.notes { printError(note.message(for: .review(out: out))) }
            print("\(year) 年回头看：\(outcome.rounds.count) 轮（\(outcome.rounds.joined(separator: "、"))）。")
            print("输出文件：")
            for path in outcome.written { print("  " + path) }
        }
    }
}
