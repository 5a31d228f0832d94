import Foundation
import TianbaoPlan
import XLSX

/// Writes a plan workbook: 填写说明 first, then one sheet per part of the plan, each with a
/// frozen Chinese header (required columns in red, a comment on every header saying what to
/// write), readable widths, text-formatted id columns (so `1.1` and `2021-06` stay text),
/// date-formatted date columns, and dropdowns for every column that takes a fixed word.
enum PlanBookWriter {
    static let lastInputRow = 1000

    static func write(_ content: PlanBookContent, plan: Plan, to path: String) throws {
        let book = try WorkbookWriter(path: path)
        try book.setProperties(title: "计划工作簿：\(plan.title)", subject: plan.subject, author: "填报 Tianbao")
        try instructions(book, plan: plan)
        for layout in PlanBookLayout.all {
            try sheet(book, layout, content[layout.name])
        }
        try book.close()
    }

    static let header = CellFormat().with {
        $0.bold = true; $0.fill = 0xDDEBF7; $0.border = true; $0.wrap = true; $0.horizontal = .center
    }

    private static func format(_ column: PlanColumn) -> CellFormat {
        CellFormat().with {
            $0.border = true
            $0.vertical = .top
            $0.locked = false
            switch column.kind {
            case .number: $0.numberFormat = "General"
            case .date: $0.numberFormat = "yyyy-mm-dd"; $0.horizontal = .left
            case .longText: $0.wrap = true; $0.numberFormat = "@"
            default: $0.numberFormat = "@"
            }
        }
    }

    private static func sheet(_ book: WorkbookWriter, _ layout: PlanSheetLayout, _ rows: [BookRow]) throws {
        let sheet = try book.addSheet(layout.name)
        let hintFormat = CellFormat().with { $0.fontColor = 0x7F7F7F; $0.wrap = true; $0.vertical = .top; $0.border = true }
        for (i, column) in layout.columns.enumerated() {
            try sheet.columns(i, i, width: column.width, format(column))
            try sheet.write(0, i, column.header, header.with { if column.required { $0.fontColor = 0xC00000 } })
            try sheet.comment(0, i, (column.required ? "必填。" : "") + column.hint)
        }
        try sheet.row(0, height: 20)
        sheet.freeze(rows: 1, columns: layout.name == PlanBookLayout.basics || layout.name == PlanBookLayout.outputs ? 0 : 1)
        for r in rows {
            let row = r.row - 1
            var texts: [(String, Double)] = []
            for (i, column) in layout.columns.enumerated() {
                let isHint = column.header == "说明"
                var f = isHint ? hintFormat : format(column)
                if layout.name == PlanBookLayout.basics && i == 1,
                   let item = PlanBookLayout.basicItems.first(where: { $0.label == r.text(0) }) {
                    // 基本信息's content column holds texts, a date and a number: each item its format.
                    f = format(PlanColumn("", item.kind, width: column.width, ""))
                }
                switch r.cells[i] {
                case .text(let s)?:
                    try sheet.write(row, i, s, f)
                    if f.wrap { texts.append((s, column.width)) }
                case .number(let n)?: try sheet.write(row, i, n, f.with { $0.numberFormat = "General" })
                case .date(let d)?:
                    // A date keeps its date format in any column (a date field's bounds in 字段).
                    try sheet.write(row, i, ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day),
                                    f.with { $0.numberFormat = "yyyy-mm-dd"; $0.horizontal = .left })
                case nil: try sheet.blank(row, i, f)
                }
            }
            if let h = WrappedText.rowHeight(texts) { try sheet.row(row, height: h) }
        }
        // Dropdowns: fixed words, and references to another sheet's first column (a warning
        // only: a name is accepted too).
        let last = max(lastInputRow, (rows.last?.row ?? 1) + 200) - 1
        for (i, column) in layout.columns.enumerated() {
            switch column.kind {
            case .choice(let v):
                try sheet.validate(1, i, last, i, DataValidation(.list(v.labels), inputTitle: column.header,
                    inputMessage: column.hint, errorTitle: "\(column.header)无效", errorMessage: "请从下拉列表中选择：\(v.labels.joined(separator: "、"))。"))
            case .reference(let other):
                try sheet.validate(1, i, last, i, DataValidation(.listFromRange("='\(other)'!$A$2:$A$\(last + 1)"), inputTitle: column.header,
                    inputMessage: column.hint, errorTitle: "\(column.header)", errorMessage: "“\(other)”表中没有这个编号。确定要这样填吗？", strict: false))
            default:
                break
            }
        }
        if layout.name == PlanBookLayout.basics {
            // Item names are read by their text: keep them, and the hints, from being typed over.
            try sheet.validate(1, 0, last, 0, DataValidation(.any, inputTitle: "项目", inputMessage: "项目名称不要修改。"))
        }
        try sheet.printSetup(landscape: true, repeatRows: 0...0)
    }

    private static func instructions(_ book: WorkbookWriter, plan: Plan) throws {
        let sheet = try book.addSheet(PlanBookLayout.instructions)
        try sheet.columns(0, 0, width: 16)
        try sheet.columns(1, 1, width: 96)
        let title = CellFormat().with { $0.bold = true; $0.fontSize = 16 }
        let bold = CellFormat().with { $0.bold = true; $0.vertical = .top; $0.wrap = true }
        let body = CellFormat().with { $0.wrap = true; $0.vertical = .top }
        try sheet.write(0, 0, "计划工作簿填写说明", title)
        try sheet.row(0, height: 26)
        var row = 2
        func line(_ a: String, _ b: String, head: Bool = false) throws {
            try sheet.write(row, 0, a, head ? bold : bold)
            try sheet.write(row, 1, b, head ? bold : body)
            if let h = WrappedText.rowHeight([(b, 92), (a, 16)]) { try sheet.row(row, height: h) }
            row += 1
        }
        try line("本工作簿", "是计划“\(plan.title)”的全部内容：单位、任务分解、报送轮次、各单位要填的表及其审核规则。"
                 + "改好后用“tianbao plan check 本文件”检查，通过后即可在各命令中用“--plan 本文件”代替 YAML 计划；"
                 + "也可用“tianbao plan export --plan 本文件 --out 计划.yaml”转成 YAML。")
        try line("怎样填", "每张表第 1 行是表头，不要修改、删除或移动；红色表头的列必须填写；把鼠标移到表头上可看到填写提示。"
                 + "每行一项，行的先后就是计划中的先后，空行不读。下拉列表中的词请从列表中选。编号只能用英文字母、数字等，"
                 + "确定后不要再改（模板、签名和归档都用编号识别）。")
        try line("列表的写法", "一个格子里填多个单位、表单、选项时，用“、”分隔，或每行一个（单元格内换行：Alt+Enter）。"
                 + "任务的成果、简报的报送和抄送每行一个。单位可以写全称，也可以写单位分组的名称（如“各区人民政府”），代表分组中的全部单位。")
        try line("日期和编号", "日期写成 2021-06-15。任务编号（1.1）、轮次编号（2021-06）、电话等列已设为文本格式，请保持，"
                 + "否则 Excel 可能把 1.10 变成 1.1、把 2021-06 变成日期。")
        try line("领导小组成员", "“单位”表的领导小组成员写成“姓名（职务）”，多人时每行一个。")
        try line("字段", "“字段”表每行是某张表的一列，按表和列的顺序排列；“表单”列填所属表的编号。"
                 + "最小值、最大值：数字字段填数字，日期字段填日期。下拉选择字段在“下拉选项”列填选项表的编号。")
        try line("审核规则", "“规则”表每行一条，“表单”列填规则所在表的编号。各类规则的写法：\n"
                 + "条件要求：条件写“字段=值”，左边写字段，比较符选“=”并在右边写应等于的值，或比较符选“必填”；\n"
                 + "不晚于本期截止日、不得重复：左边写日期或文字字段；不早于另一日期：左边不早于右边；\n"
                 + "分项之和：左边写各分项字段（用“、”分隔），右边写合计字段；数值范围：左边写字段，填最小值和/或最大值；\n"
                 + "每月最少行数：左边写日期字段，最小值写每月至少几行；\n"
                 + "比较（表内、表间审核）：左边、右边各写一项——字段编号、数字、求和（表单.字段）、求和（表单.字段，字段=值）、"
                 + "计数（表单）、计数（表单，字段=值）；比较符为 = != < <= > >=；条件（可不填）限定检查哪些行；缺值处理为跳过、按0计或报错。\n"
                 + "级别：错误（退回修改）或警告（可在“说明”中解释）。")
        try line("输出声明", "告诉汇总表和简报哪张表是任务进展、哪张是台账（可有多个：台账1、台账2……）、哪张是联络员和宣传信息，"
                 + "以及简报里的称呼。每行一项：“声明”列写声明的名称，“项目”列写项目名称，“内容”列写表单编号、字段编号或文字；"
                 + "可用的项目见各行的“说明”。没有的声明整组不填，相应的汇总部分不出现。")
        try line("检查", "tianbao plan check 本文件：列出每一处错误和它所在的工作表和单元格，如“任务!F3：任务 1.2 的责任单位中的单位“市财政厅”不在单位列表中”。")
        row += 1
        try sheet.write(row, 0, "工作表", bold)
        try sheet.write(row, 1, "内容", bold)
        row += 1
        for layout in PlanBookLayout.all {
            try sheet.link(row, 0, url: "internal:'\(layout.name)'!A1", text: layout.name)
            try sheet.write(row, 1, layout.purpose, body)
            row += 1
        }
        try sheet.printSetup(landscape: false)
        sheet.activate()
    }
}
