import Foundation
import TianbaoPlan
import XLSX

/// Writes one unit's template for one round: an instructions sheet, the sheets the round asks
/// of that kind of unit (task rows pre-filled and locked, input cells unlocked with dropdowns,
/// bounds and input hints), the dropdown lists on a hidden sheet, and the signed
/// identification as custom properties and on a hidden sheet.
public struct TemplateWriter {
    public let plan: Plan
    public let key: SigningKey

    public init(plan: Plan, key: SigningKey) {
        self.plan = plan
        self.key = key
    }

    // Colours (RGB).
    static let prefilledFill: UInt32 = 0xEDEDED
    static let inputFill: UInt32 = 0xFFF8DC
    /// Last round's values carried into an input cell: a light blue, unlike the input yellow
    /// and the self-check's red, yellow and green.
    static let carriedFill: UInt32 = 0xDCEBFA
    static let headerFill: UInt32 = 0xDDEBF7
    static let requiredColor: UInt32 = 0xC00000

    static let base = CellFormat().with { $0.vertical = .center }
    static let title = base.with { $0.bold = true; $0.fontSize = 14; $0.horizontal = .center }
    static let header = base.with { $0.bold = true; $0.fill = headerFill; $0.border = true; $0.wrap = true; $0.horizontal = .center }
    static let requiredHeader = header.with { $0.fontColor = requiredColor }
    static let prefilled = base.with { $0.fill = prefilledFill; $0.border = true; $0.wrap = true; $0.vertical = .top }
    static let input = base.with { $0.fill = inputFill; $0.border = true; $0.locked = false; $0.wrap = true; $0.vertical = .top }
    static let note = base.with { $0.italic = true; $0.fontColor = 0x595959 }
    static let label = base.with { $0.bold = true }
    static let wrapped = base.with { $0.wrap = true; $0.vertical = .top }

    /// The input format of a field: text stays text (phone numbers keep their leading zero),
    /// dates show as 2021-06-15.
    static func inputFormat(_ field: FieldSpec) -> CellFormat {
        input.with {
            switch field.type {
            case .date: $0.numberFormat = "yyyy-mm-dd"
            case .integer: $0.numberFormat = "0"
            case .decimal, .percent: $0.numberFormat = "General"
            default: $0.numberFormat = "@"
            }
        }
    }

    /// Writes the template of `unit` for `round` to `path` (atomically). With an overlay it
    /// becomes a feedback workbook: the unit's own values in their cells, problem cells
    /// highlighted with a comment, and a 问题清单 sheet first. With carried rows, the sheets the
    /// plan marks `carry: true` start with the unit's rows accepted last round.
    public func write(unit: ReportingUnit, round: Round, to path: String, overlay: TemplateOverlay? = nil,
                      carried: CarriedRows? = nil) throws {
        let book = try WorkbookWriter(path: path)
        let sheets = plan.sheets(for: unit, in: round)
        let identity = TemplateContent.identity(plan: plan, unit: unit, round: round, key: key)
        try book.setProperties(title: "\(unit.name)-\(round.id) \(round.title)", subject: plan.title,
                               author: plan.office.name, company: plan.office.name,
                               comments: "由填报（Tianbao）生成，请勿修改工作表结构。")
        for (k, v) in identity.values { try book.setCustomProperty(TemplateIdentity.propertyPrefix + k, v) }

        var problemSheet: SheetWriter?
        if let overlay {
            let ws = try book.addSheet(TemplateOverlay.problemSheet)
            try writeProblemList(ws, overlay: overlay)
            problemSheet = ws
        }
        let instructions = try book.addSheet(TemplateLayout.instructionsSheet)
        var lists = ListColumns()
        lists.add("是否", ["是", "否"])
        lists.add(TemplateLayout.nilAnswer + "（本期无）", [TemplateLayout.nilAnswer])
        for id in plan.choiceOrder { lists.add(id, plan.choices[id] ?? []) }
        lists.add("本单位任务", plan.tasks(for: unit.id).map(\.task.id))

        var checks: [SheetSelfCheck] = []
        var carriedNotes: [String] = []
        for sheet in sheets {
            let ws = try book.addSheet(sheet.name)
            let carriedRows = overlay == nil ? carried?.rows(sheet) ?? [] : []
            let check = selfCheck(sheet, unit: unit, round: round, lists: lists, overlay: overlay, carried: carriedRows)
            try writeDataSheet(ws, sheet: sheet, unit: unit, round: round, lists: lists, overlay: overlay)
            if let carried, !carriedRows.isEmpty {
                try writeCarried(ws, sheet: sheet, rows: carriedRows, note: carried.note(sheet, count: carriedRows.count))
                carriedNotes.append(carried.note(sheet, count: carriedRows.count))
            }
            try writeSelfCheck(ws, check)
            checks.append(check)
        }
        try writeInstructions(instructions, unit: unit, round: round, sheets: sheets, checks: checks, carriedNotes: carriedNotes,
                              resubmitBy: overlay?.resubmitBy)

        let dict = try book.addSheet(TemplateLayout.listsSheet)
        for (c, column) in lists.columns.enumerated() {
            try dict.write(0, c, column.id, Self.label)
            for (r, item) in column.items.enumerated() { try dict.write(r + 1, c, item) }
        }
        dict.protect()
        dict.hide()

        let idSheet = try book.addSheet(TemplateLayout.identitySheet)
        for (r, (k, v)) in identity.values.enumerated() {
            try idSheet.write(r, 0, k)
            try idSheet.write(r, 1, v)
        }
        idSheet.protect()
        idSheet.hide()

        (problemSheet ?? instructions).activate()
        try book.close()
    }

    /// The 问题清单 sheet of a feedback workbook: heading, what to do, then one row per problem
    /// with its level, place, the row's key and the message.
    private func writeProblemList(_ ws: SheetWriter, overlay: TemplateOverlay) throws {
        let widths: [Double] = [6, 8, 10, 8, 22, 62]
        for (c, w) in widths.enumerated() { try ws.columns(c, c, width: w) }
        try ws.merge(0, 0, 0, widths.count - 1, overlay.heading, Self.title)
        try ws.merge(1, 0, 1, widths.count - 1, overlay.summary, Self.wrapped)
        try ws.row(1, height: max(48, WrappedText.rowHeight([(overlay.summary, widths.reduce(0, +))]) ?? 0))
        for (c, h) in ["序号", "级别", "工作表", "单元格", "所在行", "问题及处理建议"].enumerated() { try ws.write(3, c, h, Self.header) }
        for (i, item) in overlay.problems.enumerated() {
            let r = 4 + i
            let fill: UInt32 = switch item.level {
            case .error: Self.errorFill
            case .warning: Self.warningFill
            case .explained, .corrected: Self.prefilledFill
            }
            try ws.write(r, 0, Double(i + 1), Self.prefilled.with { $0.numberFormat = "0" })
            try ws.write(r, 1, item.level.rawValue, Self.prefilled.with { $0.fill = fill })
            try ws.write(r, 2, item.sheet, Self.prefilled)
            try ws.write(r, 3, item.cell, Self.prefilled)
            try ws.write(r, 4, item.key, Self.prefilled)
            try ws.write(r, 5, item.message, Self.prefilled)
            if let h = WrappedText.rowHeight([(item.key, widths[4]), (item.message, widths[5]), (item.sheet, widths[2])]) {
                try ws.row(r, height: h)
            }
        }
        ws.freeze(rows: 4)
        try ws.printSetup(landscape: false, repeatRows: 3...3)
    }

    /// Writes an input cell: empty, or (in feedback) the unit's value, highlighted and commented
    /// when a problem points at it.
    private func inputCell(_ ws: SheetWriter, sheet: String, row: Int, col: Int, format: CellFormat,
                           overlay: TemplateOverlay?) throws {
        let ref = CellReference(row: row + 1, column: col + 1)
        let mark = overlay?.marks[sheet]?[ref]
        let f = mark.map { m in format.with { $0.fill = m.isError ? 0xFFC7CE : 0xFFEB9C } } ?? format
        if let value = overlay?.values[sheet]?[ref] {
            try ws.write(row, col, value, f)
        } else {
            try ws.blank(row, col, f)
        }
    }

    /// Adds the comments of an overlay's marks on a sheet.
    private func comments(_ ws: SheetWriter, sheet: String, overlay: TemplateOverlay?) throws {
        for (ref, mark) in (overlay?.marks[sheet] ?? [:]).sorted(by: { $0.key < $1.key }) {
            try ws.comment(ref.row - 1, ref.column - 1, mark.message)
        }
    }

    /// Dropdown lists laid out one per column of the hidden 字典 sheet.
    struct ListColumns {
        struct Column { let id: String; let items: [String] }
        private(set) var columns: [Column] = []

        mutating func add(_ id: String, _ items: [String]) { columns.append(Column(id: id, items: items)) }

        /// `=字典!$C$2:$C$5` for a list.
        func range(_ id: String) -> String? {
            guard let i = columns.firstIndex(where: { $0.id == id }), !columns[i].items.isEmpty else { return nil }
            let col = CellReference.columnName(i + 1)
            return "=\(TemplateLayout.listsSheet)!$\(col)$2:$\(col)$\(columns[i].items.count + 1)"
        }
    }

    private func writeDataSheet(_ ws: SheetWriter, sheet: SheetSpec, unit: ReportingUnit, round: Round,
                                lists: ListColumns, overlay: TemplateOverlay?) throws {
        let top = TemplateLayout.titleRow - 1
        let headerRow = TemplateLayout.headerRow - 1
        let first = TemplateLayout.firstDataRow - 1
        let columns = TemplateLayout.columnCount(sheet)
        let taskRows = sheet.kind == .tasks ? TemplateContent.taskRows(plan: plan, unit: unit, sheet: sheet) : []
        let rows = TemplateLayout.dataRows(sheet, tasks: taskRows.count)

        try ws.merge(top, 0, top, columns - 1, "\(sheet.title)（\(unit.name) · \(round.title)）", Self.title)
        try ws.row(top, height: 30)

        if sheet.kind == .text {
            try ws.write(TemplateLayout.nilRow - 1, 0, "每项均为必填，请写成完整的文字段落。", Self.note)
            try ws.write(headerRow, 0, "项目", Self.header)
            try ws.write(headerRow, 1, "内容", Self.header)
            try ws.columns(0, 0, width: 18)
            try ws.columns(1, 1, width: 100)
            for (i, field) in sheet.fields.enumerated() {
                try ws.write(first + i, 0, TemplateLayout.header(field), Self.prefilled.with { $0.bold = true })
                try inputCell(ws, sheet: sheet.name, row: first + i, col: 1, format: Self.inputFormat(field),
                              overlay: overlay)
                try ws.row(first + i, height: 150)
                try ws.validate(first + i, 1, first + i, 1, validation(field, lists: lists))
            }
            try comments(ws, sheet: sheet.name, overlay: overlay)
            ws.protect()
            try ws.printSetup(landscape: false)
            return
        }

        if sheet.kind == .rows {
            try ws.merge(TemplateLayout.nilRow - 1, 0, TemplateLayout.nilRow - 1, TemplateLayout.nilColumn - 2,
                         "本表本期如无内容，请在右侧黄色单元格选择“\(TemplateLayout.nilAnswer)”→", Self.note)
            let nilCell = (TemplateLayout.nilRow - 1, TemplateLayout.nilColumn - 1)
            try inputCell(ws, sheet: sheet.name, row: nilCell.0, col: nilCell.1,
                          format: Self.input.with { $0.horizontal = .center }, overlay: overlay)
            if let range = lists.range(TemplateLayout.nilAnswer + "（本期无）") {
                try ws.validate(nilCell.0, nilCell.1, nilCell.0, nilCell.1, DataValidation(
                    .listFromRange(range), inputTitle: "本期无", inputMessage: "本表本期没有要报送的内容时选择“是”；有内容时请留空。",
                    errorTitle: "请从列表选择", errorMessage: "只能选择“是”或留空。"))
            }
        } else if sheet.kind == .single {
            try ws.write(TemplateLayout.nilRow - 1, 0, "请填写 1 名处级干部作为联络员（只填一行）。", Self.note)
        } else {
            try ws.write(TemplateLayout.nilRow - 1, 0, "灰色为预填内容（已锁定）；请在黄色单元格填写本期进展。", Self.note)
        }

        for (c, field) in sheet.fields.enumerated() {
            try ws.write(headerRow, c, TemplateLayout.header(field), field.required ? Self.requiredHeader : Self.header)
            try ws.columns(c, c, width: field.width ?? 14)
        }
        let explanation = TemplateLayout.explanationColumn(sheet) - 1
        try ws.write(headerRow, explanation, TemplateLayout.explanationHeader, Self.header)
        try ws.columns(explanation, explanation, width: 24)
        try ws.row(headerRow, height: 32)

        for r in 0..<rows {
            for (c, field) in sheet.fields.enumerated() {
                if field.prefilled != nil, r < taskRows.count {
                    try ws.write(first + r, c, taskRows[r][c], Self.prefilled)
                } else {
                    try inputCell(ws, sheet: sheet.name, row: first + r, col: c, format: Self.inputFormat(field),
                                  overlay: overlay)
                }
            }
            try inputCell(ws, sheet: sheet.name, row: first + r, col: explanation,
                          format: Self.input.with { $0.numberFormat = "@" }, overlay: overlay)
            if sheet.kind == .tasks {
                // Tall enough for the whole pre-filled task text (task 1.3 needs about 200 pt at
                // these widths), and never less than room to type a few lines.
                let texts = r < taskRows.count
                    ? sheet.fields.indices.filter { sheet.fields[$0].prefilled != nil }
                        .map { (taskRows[r][$0], sheet.fields[$0].width ?? 14) }
                    : []
                try ws.row(first + r, height: max(60, WrappedText.rowHeight(texts) ?? 0))
            }
        }

        // Validations and hints, column by column, over the input rows.
        if rows > 0 {
            for (c, field) in sheet.fields.enumerated() where field.prefilled == nil {
                try ws.validate(first, c, first + rows - 1, c, validation(field, lists: lists))
            }
            try ws.validate(first, explanation, first + rows - 1, explanation, DataValidation(
                .textLength(max: 500), inputTitle: "说明（可选）",
                inputMessage: "本行数值异常但确有原因时，请在此说明（合理性说明），最多 500 字。",
                errorTitle: "内容过长", errorMessage: "说明最多 500 字。"))
        }
        try comments(ws, sheet: sheet.name, overlay: overlay)
        ws.freeze(rows: TemplateLayout.headerRow, columns: sheet.kind == .tasks ? 1 : 0)
        ws.protect()
        try ws.printSetup(landscape: true, repeatRows: 0...headerRow)
    }

    /// The data validation and input hint of a field.
    func validation(_ field: FieldSpec, lists: ListColumns) -> DataValidation {
        let need = field.required ? "（必填）" : "（选填）"
        let title = String((field.name + need).prefix(32))
        switch field.type {
        case .choice:
            let items = field.choices.joined(separator: "、")
            return DataValidation(.listFromRange(lists.range(field.choicesId ?? "") ?? "=\"\""),
                                  inputTitle: title, inputMessage: "请从下拉列表选择：\(items)。",
                                  errorTitle: "请从列表选择", errorMessage: "只能选择：\(items)。")
        case .taskRef:
            return DataValidation(.listFromRange(lists.range("本单位任务") ?? "=\"\""), inputTitle: title,
                                  inputMessage: "请选择本单位承担的任务编号。",
                                  errorTitle: "任务编号不对", errorMessage: "只能选择本单位承担的任务编号。")
        case .yesNo:
            return DataValidation(.listFromRange(lists.range("是否")!), inputTitle: title, inputMessage: "请选择“是”或“否”。",
                                  errorTitle: "请从列表选择", errorMessage: "只能选择“是”或“否”。")
        case .integer:
            let lo = Int(field.min ?? 0), hi = Int(field.max ?? 2_147_483_647)
            return DataValidation(.wholeNumber(min: lo, max: hi), inputTitle: title,
                                  inputMessage: "请填写 \(lo) 到 \(hi) 之间的整数。",
                                  errorTitle: "数字不对", errorMessage: "请填写 \(lo) 到 \(hi) 之间的整数。")
        case .decimal, .percent:
            let lo = field.min ?? 0, hi = field.max ?? 1e12
            let unit = field.type == .percent ? "（不带 % 号）" : ""
            return DataValidation(.decimal(min: lo, max: hi), inputTitle: title,
                                  inputMessage: "请填写 \(NumberText.format(lo)) 到 \(NumberText.format(hi)) 之间的数字\(unit)。",
                                  errorTitle: "数字不对",
                                  errorMessage: "请填写 \(NumberText.format(lo)) 到 \(NumberText.format(hi)) 之间的数字\(unit)。")
        case .date:
            let lo = field.minDay ?? Day(year: 2000, month: 1, day: 1)
            let hi = field.maxDay ?? Day(year: 2099, month: 12, day: 31)
            func dt(_ d: Day) -> ExcelDateTime { ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day) }
            return DataValidation(.date(min: dt(lo), max: dt(hi)), inputTitle: title,
                                  inputMessage: "请填写日期，如 2021-06-15（\(lo) 至 \(hi)）。",
                                  errorTitle: "日期不对", errorMessage: "请按 2021-06-15 的格式填写 \(lo) 至 \(hi) 之间的日期。")
        case .phone:
            return DataValidation(.textLength(max: 40), inputTitle: title, inputMessage: "请填写办公电话，如 027-85000000。",
                                  errorTitle: "电话过长", errorMessage: "请只填写一个电话号码。")
        case .mobile:
            return DataValidation(.textLength(max: 20), inputTitle: title, inputMessage: "请填写 11 位手机号码。",
                                  errorTitle: "手机号码过长", errorMessage: "请填写 11 位手机号码。")
        case .email:
            return DataValidation(.textLength(max: 100), inputTitle: title, inputMessage: "请填写电子邮箱，如 name@example.gov.cn。",
                                  errorTitle: "邮箱过长", errorMessage: "请只填写一个电子邮箱。")
        case .text:
            let max = field.maxLength ?? 32767
            return DataValidation(.textLength(max: max), inputTitle: title, inputMessage: "请填写文字，最多 \(max) 字。",
                                  errorTitle: "内容过长", errorMessage: "最多 \(max) 字，请精简。")
        }
    }

    private func writeInstructions(_ ws: SheetWriter, unit: ReportingUnit, round: Round, sheets: [SheetSpec],
                                   checks: [SheetSelfCheck], carriedNotes: [String] = [], resubmitBy: Day? = nil) throws {
        try ws.columns(0, 0, width: 16)
        try ws.columns(1, 1, width: 90)
        try ws.merge(0, 0, 0, 1, plan.title, Self.title)
        try ws.merge(1, 0, 1, 1, "\(round.title)填报模板（\(round.id)）", Self.title.with { $0.fontSize = 12 })
        let tasks = plan.tasks(for: unit.id)
        let lead = tasks.filter { $0.role == .lead }.map { "\($0.task.id) \($0.task.title)" }
        let shared = tasks.filter { $0.role == .responsible }.map { "\($0.task.id) \($0.task.title)" }
        let office = plan.office
        var facts: [(String, String)] = [
            ("填报单位", unit.name),
            ("报送轮次", "\(round.id) \(round.kind.rawValue)：\(round.title)"),
            ("截止日期", "\(round.due.chinese)（逾期报送将在汇总中标注为迟报）"),
        ]
        if let resubmitBy { facts.append(("重新报送截止", "\(resubmitBy.chinese)（按反馈表修改后重新报送的期限）")) }
        facts += [
            ("本单位牵头任务", lead.isEmpty ? "无" : lead.joined(separator: "；")),
            ("本单位责任任务", shared.isEmpty ? "无" : shared.joined(separator: "；")),
            ("本期需填表单", sheets.map(\.name).joined(separator: "、")),
            ("报送至", [office.name, office.contact, office.phone, office.email].filter { !$0.isEmpty }.joined(separator: " ")),
        ]
        var r = try writeSelfCheckSummary(ws, checks: checks) + 1
        for (k, v) in facts {
            try ws.write(r, 0, k, Self.label)
            try ws.write(r, 1, v, Self.wrapped)
            r += 1
        }
        for note in carriedNotes {
            try ws.write(r, 0, "上期数据", Self.label)
            try ws.write(r, 1, note, Self.wrapped.with { $0.fill = Self.carriedFill })
            try ws.row(r, height: 16 * Double((note.count + 39) / 40))  // about 40 wide characters a line
            r += 1
        }
        r += 1
        try ws.write(r, 0, "填报方法", Self.label)
        let steps = [
            "1. 灰色单元格为预填内容，已锁定，请勿修改；浅黄色单元格为填写区。",
            "2. 表头带 * 且为红色的列为必填项。选中单元格时会显示填写提示。",
            "3. 有下拉箭头的单元格请从列表中选择；数字直接填数字（百分比填 0–100 的数字，不带 % 号）；日期按 2021-06-15 格式填写。",
            "4. 某张表本期没有内容的，请在该表第 2 行黄色单元格选择“是”（本期无），不要留空表。",
            "5. 数值异常但确有原因的（如进度与状态不一致、各分项之和不等于合计），请在该行最后的“说明”列写明。",
            "6. 请勿增删、重命名工作表，勿修改表头和预填内容；行数不够时请联系\(office.name)。",
            "7. 保存为 .xlsx 格式（WPS 请选择“Excel 文件（*.xlsx）”，不要保存为 .et 或 .xls），按时发送至\(office.name)。",
            "8. 报送后如需更正，修改后重新发送即可，以最后收到的合格文件为准。",
        ] + Self.selfCheckSteps
        for step in steps {
            try ws.write(r, 1, step, Self.wrapped)
            // About 60 characters a line in column B.
            if step.count > 60 { try ws.row(r, height: 15 * Double((step.count + 59) / 60)) }
            r += 1
        }
        r += 1
        try ws.write(r, 0, "颜色说明", Self.label)
        try ws.write(r, 1, "预填内容（锁定，不可修改）", Self.prefilled)
        try ws.write(r + 1, 1, "填写区（请在此填写）", Self.input.with { $0.locked = true })
        try ws.write(r + 2, 1, "* 必填列（红色表头）", Self.requiredHeader.with { $0.horizontal = .left })
        if !carriedNotes.isEmpty {
            try ws.write(r + 3, 1, "上期带入的数据（可修改，请核对更新）", Self.input.with { $0.locked = true; $0.fill = Self.carriedFill })
        }
        ws.protect()
        try ws.printSetup(landscape: false)
    }
}

extension TemplateWriter {
    /// Writes last round's rows over the empty input rows of a sheet (its first rows), in the
    /// carried fill, with the note as a comment on the first carried cell.
    func writeCarried(_ ws: SheetWriter, sheet: SheetSpec, rows: [[CellValue?]], note: String) throws {
        let first = TemplateLayout.firstDataRow - 1
        let explanation = TemplateLayout.explanationColumn(sheet) - 1
        for (k, values) in rows.enumerated() {
            var columns = Array(sheet.fields.indices.map { (column: $0, format: Self.inputFormat(sheet.fields[$0])) })
            columns.append((explanation, Self.input.with { $0.numberFormat = "@" }))
            for (i, c) in columns.enumerated() {
                let format = c.format.with { $0.fill = Self.carriedFill }
                if i < values.count, let value = values[i] {
                    try ws.write(first + k, c.column, value, format)
                } else {
                    try ws.blank(first + k, c.column, format)
                }
            }
        }
        try ws.comment(first, 0, note)
    }
}
