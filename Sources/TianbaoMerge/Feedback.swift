import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Writes `反馈/<单位全称>-<round>-反馈.xlsx` for a unit with problems: its template with its own
/// values, problem cells highlighted with a comment, and a 问题清单 sheet first.
public struct FeedbackWriter {
    public let plan: Plan
    public let key: SigningKey

    public init(plan: Plan, key: SigningKey) {
        self.plan = plan
        self.key = key
    }

    /// File name of a unit's feedback workbook.
    public static func fileName(unit: ReportingUnit, round: Round) -> String { "\(unit.name)-\(round.id)-反馈.xlsx" }

    public func write(_ outcome: UnitOutcome, round: Round, to path: String) throws {
        guard let s = outcome.submission else { return }
        let sheets = plan.sheets(for: outcome.unit, in: round)
        // The unit's own values, read again from its file, where the file is this round's
        // template (a file for another round, or an unreadable one, gives an empty template).
        var values: [String: [CellReference: CellValue]] = [:]
        if s.roundId == round.id, let workbook = try? Workbook(path: s.path) {
            for sheet in sheets {
                guard let info = workbook.sheet(named: sheet.name), let ws = try? workbook.read(info) else { continue }
                let columns = TemplateLayout.columnCount(sheet)
                var cells: [CellReference: CellValue] = [:]
                for row in ws.rows where row.index >= TemplateLayout.nilRow {
                    for cell in row.cells where cell.reference.column <= max(columns, TemplateLayout.nilColumn) {
                        if row.index == TemplateLayout.nilRow && cell.reference.column != TemplateLayout.nilColumn { continue }
                        if row.index == TemplateLayout.headerRow { continue }
                        if let v = cell.value { cells[cell.reference] = v }
                    }
                }
                values[sheet.name] = cells
            }
        }
        var marks: [String: [CellReference: TemplateOverlay.Mark]] = [:]
        for p in s.problems {
            guard let sheet = p.sheet, let cell = p.cell, let ref = CellReference(cell) else { continue }
            let prior = marks[sheet]?[ref]
            let message = prior.map { $0.message + "\n" } ?? ""
            marks[sheet, default: [:]][ref] = TemplateOverlay.Mark(isError: p.severity == .error || (prior?.isError ?? false),
                                                                   message: message + p.message)
        }
        let items = s.problems.map {
            TemplateOverlay.Item(isError: $0.severity == .error, explained: $0.explained, sheet: $0.sheet ?? "（整个文件）",
                                 cell: $0.cell ?? "", message: $0.message)
        }
        let verdict: String
        switch outcome.status {
        case .accepted: verdict = s.errorCount > 0 ? "文件已接收，但有 \(s.errorCount) 处错误，所在行未计入汇总数字（汇总表中标为“有误”）" : "文件已接收"
        case .rejected: verdict = "文件被退回，未能汇总"
        case .missing: verdict = ""
        }
        // Only errors call for a new file: warnings are for checking (and a 说明 next time).
        let action = s.errorCount > 0 || outcome.status == .rejected
            ? "请按本表逐项修改（红色为错误，黄色为提示；提示如确有原因，可在该行“说明”列写明），修改后将本文件另存为 .xlsx 重新报送。"
            : "本期数据已全部汇总，无需重新报送。黄色为提示，请核对；如确有原因，请在下期报送时于该行“说明”列写明。"
        let summary = ChineseTypography.apply("\(verdict)；共 \(s.errorCount) 个错误、\(s.warningCount) 个提示（来源文件：\(s.file)）。" + action)
        let overlay = TemplateOverlay(heading: "\(outcome.unit.name) \(round.id) 报送问题清单", summary: summary,
                                      values: values, marks: marks, problems: items)
        try TemplateWriter(plan: plan, key: key).write(unit: outcome.unit, round: round, to: path, overlay: overlay)
    }
}
