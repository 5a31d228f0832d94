import TianbaoCheck
import TianbaoRound
import XLSX

/// The 校验问题 sheet of the 汇总: every problem the checks found, with the unit, file, sheet and
/// cell (a link back to it), the rule, the value written and what to do.
struct ProblemsSheet {
    static let name = "校验问题"
    let report: RoundReport
    let style: HouseStyle

    private typealias H = HouseStyle
    private var result: RoundResult { report.result }
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    let sourceFolder: String

    func write(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 26), ("文件", 30), ("级别", 6), ("工作表", 10), ("单元格", 8),
                                           ("规则", 16), ("填写值", 20), ("问题及处理建议", 60), ("已说明", 7)]
        let problems = result.problems
        try style.table(ws, headers: headers, rows: problems.count, identifying: 0...1)
        for (i, p) in problems.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), H.integer)
            try ws.write(r, 1, p.unit.flatMap { result.plan.unit($0)?.name } ?? "（未识别）", H.cell)
            try ws.write(r, 2, p.file, H.cell)
            try ws.write(r, 3, p.severity == .error ? "错误" : "提示", H.cell)
            try ws.write(r, 4, p.sheet ?? "", H.cell)
            // The cell links back to the source cell (relative to the output folder, as the
            // detail sheets' 来源位置).
            if let sheet = p.sheet, let cell = p.cell, r <= DetailCells.maxLinkedRows {
                let url = "external:\(sourceFolder)/\(p.file)#'\(sheet)'!\(cell)"
                if url.utf8.count < 2000 { try ws.link(r, 5, url: url, text: cell, H.link) } else { try ws.write(r, 5, cell, H.cell) }
            } else {
                try ws.write(r, 5, p.cell ?? "", H.cell)
            }
            try ws.write(r, 6, p.rule.name, H.cell)
            try ws.write(r, 7, p.value, H.wrapped)
            try ws.write(r, 8, p.message, H.wrapped)
            try ws.write(r, 9, p.explained ? "是" : "", H.cell)
            if let h = H.rowHeight([(p.message, 60), (p.value, 20), (p.file, 30)]) { try ws.row(r, height: h) }
        }
    }
}
