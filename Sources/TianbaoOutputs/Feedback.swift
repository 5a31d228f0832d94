import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// Writes `反馈/<单位全称>-<round>-反馈.xlsx` for a unit with problems: its template with its own
/// values, problem cells highlighted with a comment, and a 问题清单 sheet first that says what to
/// do and by when, then every problem with its place and the row's key (task, community …).
/// The problems the unit has to handle are the ones its 自查 counts: the list and the self-check
/// agree.
public struct FeedbackWriter {
    public let plan: Plan
    public let key: SigningKey

    public init(plan: Plan, key: SigningKey) {
        self.plan = plan
        self.key = key
    }

    /// File name of a unit's feedback workbook.
    public static func fileName(unit: ReportingUnit, round: Round) -> String { OutputFiles.feedback(unit: unit.name, round: round.id) }

    /// Writes the feedback of `outcome` for `round` (its `resubmitBy` is the deadline given).
    public func write(_ outcome: UnitOutcome, round: Round, to path: String) throws {
        guard let s = outcome.submission else { return }
        let sheets = plan.sheets(for: outcome.unit, in: round)
        // The unit's own values, read again from its file, where the file is this round's
        // template (a file for another round, or an unreadable one, gives an empty template).
        var values: [String: [CellReference: CellValue]] = [:]
        var carried = false
        if s.roundId == round.id, let workbook = try? Workbook(path: s.path) {
            carried = true
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
        let places = FeedbackPlaces(plan: plan, unit: outcome.unit, sheets: sheets, values: values)
        var list = FeedbackList()
        for p in s.problems { list.add(p, places: places, carried: carried) }
        let summary = ChineseTypography.apply(Self.summary(outcome, s, list, carried: carried, resubmitBy: round.resubmitBy))
        var overlay = TemplateOverlay(heading: "\(outcome.unit.name) \(round.id) 报送问题清单", summary: summary,
                                      values: values, marks: list.marks, problems: list.items, open: list.open,
                                      sheetProblems: list.sheetProblems, resubmitBy: round.resubmitBy)
        overlay.valuesCarried = carried
        try TemplateWriter(plan: plan, key: key).write(unit: outcome.unit, round: round, to: path, overlay: overlay)
    }

    /// What the unit is told at the top of the problem list: what became of its file, how many
    /// places to handle (the count its 自查 shows), what needs nothing, what to do and by when.
    static func summary(_ outcome: UnitOutcome, _ s: Submission, _ list: FeedbackList, carried: Bool, resubmitBy: Day?) -> String {
        let count = { (level: TemplateOverlay.Level) in list.items.filter { $0.level == level }.count }
        let errors = count(.error), warnings = count(.warning), open = errors + warnings
        let deadline = resubmitBy.map { "于 \($0.chinese)前" } ?? "尽快"
        let source = "（来源文件：\(s.file)）"
        var extra: [String] = []
        if count(.explained) > 0 { extra.append("已在“说明”列说明的提示 \(count(.explained)) 处") }
        if count(.corrected) > 0 { extra.append("已在本反馈表中更正的 \(count(.corrected)) 处") }
        let nothingToDo = extra.isEmpty ? "" : "另有\(extra.joined(separator: "、"))，无需修改。"
        let kinds = [(errors, "错误"), (warnings, "提示")].filter { $0.0 > 0 }.map { "\($0.1) \($0.0) 处" }.joined(separator: "、")
        let places = open == 0 ? "表内没有需修改之处。"
            : "本表共 \(open) 处需处理（\(kinds)），各表“自查”列逐行显示，“填报说明”顶部的自查结果为其合计。"
        let action = "请按本表逐项修改（红色为错误，黄色为提示；提示如确有原因，可在该行“说明”列写明），"
            + "各表“自查”列显示 ✓ 后，将本文件另存为 .xlsx，\(deadline)重新报送。"
        switch outcome.status {
        case .rejected where !carried:
            let reason = s.problems.first { $0.severity == .error }?.message ?? ""
            return "文件被退回，未能汇总\(source)：\(reason)本反馈表是本期的空白模板（原文件的内容无法带入），"
                + "请在本表中填写本期内容，各表“自查”列显示 ✓ 后另存为 .xlsx，\(deadline)报送。"
        case .rejected:
            let restored = count(.corrected) > 0
                ? "退回的原因已在本反馈表中更正：预填内容、工作表和表头已按本期模板恢复，本单位所填内容已带入，请核对。" : ""
            return "文件被退回，未能汇总\(source)。" + restored + places + nothingToDo
                + (open == 0 ? "请核对后将本文件另存为 .xlsx，\(deadline)重新报送。" : action)
        case .accepted where errors > 0:
            return "文件已接收\(source)，但有 \(errors) 处错误，所在行未计入汇总数字（汇总表中标为“有误”）。" + places + nothingToDo + action
        case .accepted where outcome.mustResubmit:
            // Errors the feedback itself corrected (a row outside the template's rows): its
            // rows were kept out, so the corrected file is sent again.
            return "文件已接收\(source)，但有错误，所在行未计入汇总数字（汇总表中标为“有误”）。" + places + nothingToDo
                + (open == 0 ? "请核对本反馈表后将其另存为 .xlsx，\(deadline)重新报送。" : action)
        case .accepted, .missing:
            return "文件已接收\(source)，本期数据已全部汇总，无需重新报送。" + places + nothingToDo
                + (warnings > 0 ? "黄色为提示，请核对；如确有原因，请在下期报送时于该行“说明”列写明。" : "")
        }
    }
}

/// The problems of one file sorted for its feedback: the problem list's lines, the cells to
/// highlight, and the problems the unit has to handle by cell and by sheet (what its 自查
/// shows and counts).
struct FeedbackList {
    var items: [TemplateOverlay.Item] = []
    var marks: [String: [CellReference: TemplateOverlay.Mark]] = [:]
    var open: [String: [CellReference: [String]]] = [:]
    var sheetProblems: [String: [String]] = [:]

    /// Sorts in one problem. `carried`: the unit's values are in the feedback (its file is this
    /// round's template), so what the template itself fixes (pre-filled content, sheets and
    /// headers, extra rows) is corrected by the feedback.
    mutating func add(_ p: Problem, places: FeedbackPlaces, carried: Bool) {
        let place = places.place(of: p)
        var message = p.message
        let level: TemplateOverlay.Level
        if p.explained {
            level = .explained
        } else if p.isFileLevel && p.severity == .error {
            level = carried ? .corrected : .error
            if carried {
                message += p.rule == .prefilledAltered ? "（本反馈表已恢复原预填内容；任务如有调整，请在该行“说明”列写明。）"
                    : "（本反馈表已按本期模板恢复。）"
            }
        } else if case .outside = place {
            level = .corrected
            message += "（该单元格不在模板的填写区内，本反馈表未带入，请核对保留的内容。）"
        } else {
            level = p.severity == .error ? .error : .warning
        }
        items.append(TemplateOverlay.Item(level: level, sheet: p.sheet ?? "（整个文件）", cell: p.cell ?? "",
                                          key: places.key(of: p), message: message))
        // The cell highlighted (an answered warning needs nothing) and commented.
        if level != .explained, let sheet = p.sheet, let ref = p.cell.flatMap(CellReference.init) {
            let prior = marks[sheet]?[ref]
            marks[sheet, default: [:]][ref] = TemplateOverlay.Mark(isError: level == .error || (prior?.isError ?? false),
                                                                   message: (prior.map { $0.message + "\n" } ?? "") + message)
        }
        guard level.isOpen else { return }
        switch place {
        case .cell(let sheet, let ref): open[sheet, default: [:]][ref, default: []].append(p.message)
        case .sheet(let sheet): sheetProblems[sheet, default: []].append(p.message)
        case .outside, .file: break
        }
    }
}

/// Where a problem is in a feedback workbook, and the key of its row as the unit knows it.
struct FeedbackPlaces {
    let plan: Plan
    let unit: ReportingUnit
    let sheets: [SheetSpec]
    let values: [String: [CellReference: CellValue]]

    enum Place {
        /// A cell the feedback holds (a data row's input or 说明, or a rows sheet's 本期无).
        case cell(sheet: String, ref: CellReference)
        /// A sheet, at no cell of it.
        case sheet(String)
        /// A cell outside what the template offers (a second row of a one-row sheet).
        case outside
        /// The whole file.
        case file
    }

    func place(of p: Problem) -> Place {
        if p.isFileLevel && p.severity == .error { return .file }
        guard let name = p.sheet ?? sheets.first?.name, let sheet = sheets.first(where: { $0.name == name }) else { return .file }
        guard p.sheet != nil, let ref = p.cell.flatMap(CellReference.init) else { return .sheet(sheet.name) }
        if sheet.kind == .rows && ref.row == TemplateLayout.nilRow && ref.column == TemplateLayout.nilColumn {
            return .cell(sheet: sheet.name, ref: ref)
        }
        let rows = TemplateLayout.dataRows(sheet, tasks: plan.tasks(for: unit.id).count)
        let inRows = ref.row >= TemplateLayout.firstDataRow && ref.row < TemplateLayout.firstDataRow + rows
        return inRows && ref.column <= TemplateLayout.columnCount(sheet) ? .cell(sheet: sheet.name, ref: ref) : .outside
    }

    /// The row's key: `任务 1.3 搭建议事平台` on the task sheet, the item's name on a declared
    /// ledger (`小区：五里墩幸福社区`), the question on a text sheet, else the first text field
    /// filled in (`指标名称：改造小区数`); empty for a problem of a whole sheet or file.
    func key(of p: Problem) -> String {
        guard let name = p.sheet, let sheet = sheets.first(where: { $0.name == name }),
              let ref = p.cell.flatMap(CellReference.init), ref.row >= TemplateLayout.firstDataRow else { return "" }
        let i = ref.row - TemplateLayout.firstDataRow
        switch sheet.kind {
        case .tasks:
            let tasks = plan.tasks(for: unit.id)
            return i < tasks.count ? "任务 \(tasks[i].task.id) \(tasks[i].task.title)" : ""
        case .text:
            return i < sheet.fields.count ? sheet.fields[i].name : ""
        case .rows, .single:
            let cells = values[sheet.name] ?? [:]
            func text(_ field: String) -> String? {
                guard let c = sheet.fields.firstIndex(where: { $0.id == field }),
                      let v = cells[CellReference(row: ref.row, column: c + 1)]?.text.trimmingCharacters(in: .whitespacesAndNewlines),
                      !v.isEmpty else { return nil }
                return TextExcerpt.clip(v, to: 24)
            }
            if let ledger = plan.outputs.ledger(sheet.id), let field = ledger.name, let v = text(field) { return "\(ledger.label)：\(v)" }
            for field in sheet.fields where field.type == .text && field.prefilled == nil {
                if let v = text(field.id) { return "\(field.name)：\(v)" }
            }
            return "第 \(ref.row) 行"
        }
    }
}
