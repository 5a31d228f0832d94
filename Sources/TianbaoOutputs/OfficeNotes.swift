import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// The office's own notes on a merged round (`工作提示-<round>.md`): what the briefing for
/// leaders leaves to the office — files read and skipped, rows read, counted and kept out (per
/// unit), the problems found, the 反馈 workbooks to send, superseded files, nil returns, and
/// files the office itself could not read. Markdown, so it reads as plain text too.
public struct OfficeNotes {
    public let report: RoundReport

    public init(report: RoundReport) { self.report = report }

    /// `工作提示-2021-06.md`.
    public static func fileName(round: String) -> String { OutputFiles.officeNotes(round: round) }

    public var markdown: String {
        let r = report.result, t = r.totals, round = r.round, plan = r.plan
        var lines: [String] = []
        func add(_ s: String) { lines.append(ChineseTypography.apply(s)) }
        add("# \(round.title)（\(round.id)）汇总工作提示")
        add("")
        add("本提示供\(plan.office.name)内部使用，不随简报印发。")
        add("")
        add("## 文件")
        add("")
        let read = r.files.filter { $0.status != .skipped }
        add("- 报送文件夹共 \(r.files.count) 个文件，读取 \(read.count) 个；未读取 \(r.files.count - read.count) 个（子文件夹、链接、锁定文件、Tianbao 的输出等）。")
        let superseded = r.units.flatMap { u in u.superseded.map { "\($0)（\(u.unit.name)，以较新保存的文件为准）" } }
        if !superseded.isEmpty { add("- 同一单位报送多份、未采用的文件 \(superseded.count) 个：" + superseded.joined(separator: "；") + "。") }
        if !r.officeProblems.isEmpty {
            add("- 办公室一侧无法读取的文件 \(r.officeProblems.count) 个：" + r.officeProblems.map(\.file).joined(separator: "、") + "。处理后请重新汇总。")
        }
        add("")
        add("## 数据行")
        add("")
        let rejectedFileRows = r.files.filter { $0.status == .rejected }.compactMap(\.submission).map(\.rowsRead).reduce(0, +)
        add("- 读取数据 \(Thousands.grouped(t.rowsRead)) 行，计入汇总 \(Thousands.grouped(t.rowsMerged)) 行，未计入 \(Thousands.grouped(t.rowsRejected)) 行"
            + "（被退回文件中 \(Thousands.grouped(rejectedFileRows)) 行，已接收文件中有误的 \(Thousands.grouped(t.rowsRejected - rejectedFileRows)) 行）。")
        let withErrors = r.units.filter { $0.status == .accepted && ($0.submission.map { $0.rowsRead > $0.rowsAccepted } ?? false) }
        if !withErrors.isEmpty {
            add("- 已接收文件中有误、未计入的行：" + withErrors.map { u in "\(u.unit.name) \(u.submission!.rowsRead - u.submission!.rowsAccepted) 行" }
                .joined(separator: "、") + "；它们仍列在汇总表各明细表中，标为“有误”。")
        }
        let nils = r.units.filter { $0.status == .accepted && !($0.submission?.nilSheets.isEmpty ?? true) }
        if !nils.isEmpty {
            add("- 声明“本期无”的表：" + nils.map { u in
                "\(u.unit.name)（\(u.submission!.nilSheets.map { plan.sheet($0)?.name ?? $0 }.joined(separator: "、"))）"
            }.joined(separator: "、") + "。")
        }
        let problems = r.problems
        let errors = problems.filter { $0.severity == .error }.count
        add("- 汇总表“校验问题”逐条列出全部 \(problems.count) 个问题（错误 \(errors) 个、提示 \(problems.count - errors) 个）。")
        add("")
        add("## 反馈表")
        add("")
        let feedback = r.units.filter { !($0.submission?.problems.isEmpty ?? true) }
        if feedback.isEmpty {
            add("- 本期没有需要发回的反馈表。")
        } else {
            let resubmit = feedback.filter { $0.mustResubmit }
            let by = round.resubmitBy.map { "，重新报送截止\($0.chinese)" } ?? ""
            add("- 已生成反馈表 \(feedback.count) 份（反馈/ 文件夹），请发回各单位；其中须修改后重新报送的 \(resubmit.count) 份"
                + (resubmit.isEmpty ? "" : "（\(resubmit.map { $0.unit.name }.joined(separator: "、"))\(by)）")
                + (resubmit.count == feedback.count ? "。" : "；其余只有提示或已在反馈表中更正，无须重新报送。"))
        }
        let missing = r.units.filter { $0.status == .missing && $0.unreadFiles.isEmpty }
        if !missing.isEmpty {
            add("- 尚未报送、需催报的单位 \(missing.count) 个：" + missing.map(\.unit.name).joined(separator: "、") + "（联络员和电话见汇总表“报送情况”）。")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
