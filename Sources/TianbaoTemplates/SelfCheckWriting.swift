import TianbaoPlan
import XLSX

/// Writes the self-check into a template: the 自查 column and its hidden working columns on each
/// report sheet, and the summary with a link to each sheet on 填报说明.
extension TemplateWriter {
    static let errorFill: UInt32 = 0xFFC7CE
    static let warningFill: UInt32 = 0xFFEB9C
    static let passColor: UInt32 = 0x006100
    static let passFill: UInt32 = 0xC6EFCE
    static let selfCheck = base.with { $0.border = true; $0.wrap = true; $0.vertical = .top; $0.fontColor = requiredColor; $0.fontSize = 10 }
    static let selfCheckHeader = header.with { $0.fill = 0xE2EFDA }

    /// The self-check of a sheet as written for a unit.
    /// With an overlay (a feedback workbook), the cached results show the checker's problems.
    /// With carried rows, the cached results show those rows as passed (they passed the
    /// office's checks last round); the formulas judge them again as soon as they are edited.
    func selfCheck(_ sheet: SheetSpec, unit: ReportingUnit, round: Round, lists: ListColumns,
                   overlay: TemplateOverlay?, carried: [[CellValue?]] = []) -> SheetSelfCheck {
        let tasks = plan.tasks(for: unit.id)
        let carriedRows = Set(carried.indices.filter { i in carried[i].contains { $0 != nil } }.map { TemplateLayout.firstDataRow + $0 })
        let known = carried.isEmpty ? overlay.flatMap { overlay -> SheetSelfCheck.Known? in
            guard overlay.valuesCarried else { return nil }
            let columns = TemplateLayout.columnCount(sheet)
            let filled = (overlay.values[sheet.name] ?? [:]).filter { ref, value in
                guard ref.row >= TemplateLayout.firstDataRow, ref.column <= columns else { return false }
                if case .string(let s) = value { return !s.allSatisfy(\.isWhitespace) }
                return true
            }
            return SheetSelfCheck.Known(problems: overlay.open[sheet.name] ?? [:], filledRows: Set(filled.keys.map(\.row)),
                                        values: overlay.values[sheet.name] ?? [:], sheetProblems: overlay.sheetProblems[sheet.name] ?? [])
        } : SheetSelfCheck.Known(problems: [:], filledRows: carriedRows)
        return SheetSelfCheck(sheet: sheet, rows: TemplateLayout.dataRows(sheet, tasks: tasks.count), lists: lists,
                              unitTasks: tasks.map(\.task.id), round: round, known: known)
    }

    /// Writes the 自查 column, its hidden working columns and the marks of a report sheet.
    func writeSelfCheck(_ ws: SheetWriter, _ check: SheetSelfCheck) throws {
        guard check.rows > 0 else { return }
        let headerRow = TemplateLayout.headerRow - 1
        let column = check.checkColumn - 1
        try ws.write(headerRow, column, TemplateLayout.selfCheckHeader, Self.selfCheckHeader)
        try ws.columns(column, column, width: 40)
        // Working columns: labelled, hidden, locked.
        let checks = check.checks
        try ws.write(headerRow, check.activeColumn - 1, "有内容")
        try ws.write(headerRow, check.allColumn - 1, "全部问题")
        try ws.write(headerRow, check.explainedColumn - 1, "已说明")
        for (k, c) in checks.enumerated() {
            try ws.write(headerRow, check.firstCheckColumn - 1 + k, c.label)
            if let words = c.words { try ws.write(SheetSelfCheck.wordsRow - 1, check.firstCheckColumn - 1 + k, words) }
        }
        try ws.columns(check.activeColumn - 1, check.firstCheckColumn - 1 + max(checks.count - 1, 0), width: 10, hidden: true)
        for cell in check.cells {
            let format = cell.column == check.checkColumn ? Self.selfCheck : nil
            try ws.formula(cell.row - 1, cell.column - 1, cell.formula, result: cell.blank, format)
        }
        // The cells with a problem, red (errors) or yellow (warnings); the 自查 cell green when ✓.
        let first = check.first - 1, last = check.last - 1
        for mark in check.marks {
            let c = mark.target - 1
            for (columns, fill) in [(mark.errors, Self.errorFill), (mark.warnings, Self.warningFill)] where !columns.isEmpty {
                let cells = columns.map { "$\(check.letter($0))\(check.first)" }.joined(separator: "&")
                try ws.highlight(first, c, last, c, formula: "LEN(\(cells))>0", Self.base.with { $0.fill = fill })
            }
        }
        try ws.highlight(first, column, last, column, equalTo: "✓", Self.base.with { $0.fontColor = Self.passColor; $0.fill = Self.passFill })
        if check.sheet.kind == .rows {
            let nilRow = TemplateLayout.nilRow - 1, nilColumn = TemplateLayout.nilColumn - 1
            try ws.highlight(nilRow, nilColumn, nilRow, nilColumn,
                             formula: "LEN($\(check.letter(check.allColumn))$\(TemplateLayout.nilRow))>0",
                             Self.base.with { $0.fill = Self.warningFill })
        }
    }

    /// Writes the summary at the top of 填报说明 (row 3) and one line per sheet with a link to
    /// it (rows 4…); returns the next free row (0-based).
    func writeSelfCheckSummary(_ ws: SheetWriter, checks: [SheetSelfCheck]) throws -> Int {
        let row = 2
        let counts = checks.map(\.countCell)
        let total = counts.isEmpty ? "0" : counts.joined(separator: "+")
        // The total, in a hidden cell the summary's colour follows.
        let blankCounts = checks.map(\.blankCount)
        let blankTotal = blankCounts.reduce(0, +)
        try ws.formula(row, 2, total, result: .number(Double(blankTotal)))
        try ws.columns(2, 2, width: 6, hidden: true)
        let list = zip(checks, counts).map { check, count in
            "IF(\(count)>0,\(Formula.text("、\(check.sheet.name) "))&\(count)&\(Formula.text(" 处")),\"\")"
        }.joined(separator: "&")
        let formula = "IF($C$3=0,\(Formula.text(Self.allPassed)),\(Formula.text("本表尚有 "))&$C$3&\(Formula.text(" 处需修改（"))&MID(\(list),2,999)&\(Formula.text("）。")))"
        try ws.write(row, 0, "自查结果", Self.label)
        try ws.formula(row, 1, formula, result: .string(Self.summary(zip(checks.map(\.sheet.name), blankCounts))),
                       Self.wrapped.with { $0.bold = true })
        try ws.row(row, height: 30)
        try ws.highlight(row, 1, row, 1, formula: "$C$3>0", Self.base.with { $0.fill = Self.errorFill; $0.fontColor = Self.requiredColor })
        try ws.highlight(row, 1, row, 1, formula: "$C$3=0", Self.base.with { $0.fill = Self.passFill; $0.fontColor = Self.passColor })
        var r = row + 1
        for (check, blank) in zip(checks, blankCounts) {
            let name = check.sheet.name
            try ws.link(r, 0, url: "internal:'\(name)'!\(check.letter(check.checkColumn))\(TemplateLayout.headerRow)",
                        text: "→ \(name)", Self.base.with { $0.fontColor = 0x0563C1; $0.underline = true })
            // The sheet's count, in the hidden column beside the total: a conditional format may
            // refer only to its own sheet (MS-OI29500 §3.2.3.1.2; Excel keeps rules with 3-D
            // references only in its extension list).
            try ws.formula(r, 2, check.countCell, result: .number(Double(blank)))
            let count = "$C$\(r + 1)"
            try ws.formula(r, 1, "IF(\(count)=0,\"✓\",\(count)&\(Formula.text(" 处需修改（见该表“自查”列）")))",
                           result: .string(blank == 0 ? "✓" : "\(blank) 处需修改（见该表“自查”列）"), Self.wrapped)
            try ws.highlight(r, 1, r, 1, formula: "\(count)>0", Self.base.with { $0.fontColor = Self.requiredColor })
            try ws.highlight(r, 1, r, 1, formula: "\(count)=0", Self.base.with { $0.fontColor = Self.passColor })
            r += 1
        }
        return r
    }

    static let allPassed = "本表自查未发现问题（✓）。报送后以办公室校验结果为准。"

    /// The summary as the formula spells it.
    static func summary<S: Sequence>(_ counts: S) -> String where S.Element == (String, Int) {
        let counts = Array(counts)
        let total = counts.map(\.1).reduce(0, +)
        guard total > 0 else { return allPassed }
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.0) \($0.1) 处" }.joined(separator: "、")
        return "本表尚有 \(total) 处需修改（\(parts)）。"
    }

    /// What the formulas cannot check, for the instructions.
    static let selfCheckSteps = [
        "9. 各表最后的“自查”列由表内公式逐行检查（不含宏，Excel、WPS、LibreOffice 均可）：显示“✓”为本行已通过，否则显示第一处问题及其单元格（如“F4：……”），有问题的单元格标为红色（提示为黄色，如以文本形式填写的数字和日期）；本页顶部“自查结果”汇总各表问题数，点击表名可跳转。自查列和汇总已锁定，无需填写。",
        "10. 以下各项公式无法检查，由办公室收到文件后校验：模板标识与签名、工作表和表头是否被改动、预填内容是否被修改、与上期报送的核对、按月计的篇数要求、所报事项的日期是否晚于文件保存时间、“说明”以外的格式要求。自查通过不等于审核通过，以办公室校验结果为准。",
    ]
}
