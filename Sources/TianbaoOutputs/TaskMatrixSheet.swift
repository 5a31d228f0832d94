import TianbaoPlan
import TianbaoRound
import TianbaoTemplates
import XLSX

/// The 任务矩阵 sheet of the 汇总, after the progress sheet: a task a row, a unit a column, each
/// cell the status the unit reported (未报 where it did not, 有误 where its row has an error).
struct TaskMatrixSheet {
    static let name = "任务矩阵"
    let report: RoundReport
    let style: HouseStyle
    /// The progress sheet the matrix is made from.
    let decl: ProgressOutput

    private typealias H = HouseStyle
    private var result: RoundResult { report.result }

    func write(_ ws: SheetWriter) throws {
        let p = decl
        let units = result.units
        try ws.write(0, 0, "任务", H.header)
        try ws.write(0, 1, "牵头单位", H.header)
        try ws.columns(0, 0, width: 26)
        try ws.columns(1, 1, width: 16)
        for (j, u) in units.enumerated() {
            // A unit without a file that counts says so in its column head.
            let head = H.shortName(u.unit) + (u.status == .accepted ? "" : "\n(\(u.statusWord))")
            try ws.write(0, j + 2, ChineseTypography.apply(head), H.header.with { $0.fontSize = 9 })
            try ws.columns(j + 2, j + 2, width: 7)
        }
        try ws.row(0, height: 60)
        // Every progress row of the accepted units, those with errors too (marked 有误).
        var status: [String: [String: (text: String, error: String)]] = [:]
        var errorsOf: (file: String, errors: RowErrors)?
        for item in report.rows(p.sheet) {
            let row = item.row
            if errorsOf?.file != item.submission.file { errorsOf = (item.submission.file, RowErrors(item.submission, plan: result.plan)) }
            let errors = errorsOf!.errors
            guard let t = row.values[p.task]?.text else { continue }
            status[t, default: [:]][item.unit.id] = (row.values[p.status]?.text ?? "", errors.hasError(row) ? errors.text(row) : "")
        }
        var flagged: [String] = []
        let small = H.cell.with { $0.horizontal = .center; $0.fontSize = 9; $0.wrap = true }
        for (i, task) in result.plan.tasks.enumerated() {
            try ws.write(i + 1, 0, "\(task.id) \(task.title)", H.cell.with { $0.wrap = true })
            try ws.write(i + 1, 1, TemplateContent.leadNames(plan: result.plan, task: task), H.cell.with { $0.wrap = true })
            for (j, u) in units.enumerated() {
                let involved = task.lead.contains(u.unit.id) || task.responsible.contains(u.unit.id)
                if involved, u.status == .accepted, let entry = status[task.id]?[u.unit.id], !entry.error.isEmpty {
                    // Reported, but the row has an error: shown as reported, marked, not counted.
                    let fill = style.color(of: entry.text)
                    try ws.write(i + 1, j + 2, (entry.text.isEmpty ? "" : entry.text + "\n") + "有误",
                                 small.with { $0.fill = fill; $0.fontColor = 0xC00000; $0.bold = true })
                    flagged.append("\(u.unit.name) \(task.id)（报“\(entry.text.isEmpty ? "未填" : entry.text)”）：\(entry.error)")
                    continue
                }
                let text: String
                if !involved { text = "" } else if u.status != .accepted { text = "未报" } else {
                    text = status[task.id]?[u.unit.id]?.text ?? "未报"
                }
                try ws.write(i + 1, j + 2, text, small)
            }
            let lines = WrappedText.lines("\(task.id) \(task.title)", width: 26)
            try ws.row(i + 1, height: Double(max(2, lines)) * 15 + 3)
        }
        ws.freeze(rows: 1, columns: 2)
        for (word, color) in style.statusColors {
            try ws.highlight(1, 2, result.plan.tasks.count, units.count + 1, equalTo: word, H.cell.with { $0.fill = color })
        }
        var r = result.plan.tasks.count + 2
        try ws.merge(r, 0, r, min(units.count + 1, 20), ChineseTypography.apply("说明：“未报”为应报未报（单位未报送、被退回或漏填该任务）；"
                     + "“有误”为单位已填报但该行有错误，按所报状态显示，未计入任何统计。"), H.note)
        try ws.row(r, height: 32)
        for line in flagged.map({ ChineseTypography.apply("有误：" + $0) }) {
            r += 1
            try ws.merge(r, 0, r, min(units.count + 1, 20), line, H.note.with { $0.fontColor = 0xC00000 })
            if let h = H.rowHeight([(line, 26 + 16 + 7 * 18)]) { try ws.row(r, height: h) }
        }
        try style.printLayout(ws, widths: [26, 16] + units.map { _ in 7 }, repeatRows: 0...0, identifying: 0...1)
    }
}
