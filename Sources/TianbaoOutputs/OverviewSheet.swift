import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import XLSX

/// The 总览 sheet of the 汇总, the one screen leaders read first: who reported and who did not,
/// each declared ledger against its target and time with its money, the progress sheet's
/// statuses, the 环比 when an archive gives the previous round (`ComparisonSection`), and charts
/// of the reporting and of the statuses on the right.
struct OverviewSheet {
    static let name = "总览"
    let report: RoundReport
    let style: HouseStyle

    private typealias H = HouseStyle
    private var result: RoundResult { report.result }
    private var figures: Figures { report.figures }
    private var round: Round { report.round }

    func write(_ ws: SheetWriter, book: WorkbookWriter) throws {
        let r0 = result.round, t = result.totals
        try ws.columns(0, 0, width: 22)
        try ws.columns(1, 2, width: 14)
        try ws.columns(3, 3, width: 4)
        try ws.columns(4, 12, width: 11)
        try ws.write(0, 0, "\(result.plan.title)", H.title)
        try ws.write(1, 0, ChineseTypography.apply("\(r0.title)（\(r0.due.year)年\(r0.due.month)月，截止 \(r0.due.chinese)）汇总"), H.section)
        // Files read and rows counted are the office's notes (工作提示), not the leaders'.
        try ws.write(2, 0, ChineseTypography.apply("应报 \(t.expected) 个单位。各项数字只计通过校验的数据；被退回单位的数据和有误的行未计入，"
                     + "有误的行在各明细表中标为“有误”。"), H.subtitle)

        // 报送情况
        var r = 4
        try ws.write(r, 0, "报送情况", H.section)
        r += 1
        try ws.write(r, 0, "项目", H.header); try ws.write(r, 1, "单位数", H.header); try ws.write(r, 2, "占应报", H.header)
        let onTime = t.accepted - t.late
        // Each row with the state it counts, which colours it when the count is not zero.
        let statusRows: [(String, Int, UnitState?)] = [("应报单位", t.expected, nil), (ChineseTypography.apply("已报送（通过）"), t.accepted, nil),
                                                       ("  其中按时", onTime, nil), ("  其中迟报", t.late, .late), (UnitState.returned.word, t.rejected, .returned),
                                                       (UnitState.missing.word, t.missing - t.unread, .missing)]
            + (t.unread > 0 ? [(UnitState.unread.word, t.unread, .unread)] : []) + [("有表声明本期无", figures.nilUnits.count, nil)]
        let firstStatus = r + 1
        for (i, (label, n, state)) in statusRows.enumerated() {
            let row = r + 1 + i
            let fill = n > 0 ? state.map(H.fill(of:)) : nil
            try ws.write(row, 0, label, H.cell.with { $0.fill = fill })
            try ws.write(row, 1, Double(n), H.big.with { $0.fontSize = 11; $0.fill = fill })
            let ratio = t.expected > 0 ? Double(n) / Double(t.expected) : 0
            try ws.formula(row, 2, "IF($B$\(firstStatus + 1)=0,0,B\(row + 1)/$B$\(firstStatus + 1))", result: .number(ratio),
                           H.percent.with { $0.fill = fill })
        }
        r += statusRows.count + 2

        // 目标进度: one block for each declared ledger of the round.
        for lf in figures.ledgers {
            let l = lf.decl
            try ws.write(r, 0, figures.ledgers.count > 1 ? ChineseTypography.apply("目标进度：\(lf.spec.name)") : "目标进度", H.section)
            r += 1
            var targetRows: [(String, Double)] = []
            if let target = lf.target { targetRows.append((ChineseTypography.apply("年度目标（\(target.unit.isEmpty ? l.counter : target.unit)）"), target.value)) }
            targetRows.append((l.countLabel, Double(lf.items)))
            for v in l.shownStatuses { targetRows.append((v, Double(lf.byStatus[v] ?? 0))) }
            let targetTop = r
            for (i, (label, n)) in targetRows.enumerated() {
                try ws.write(r + i, 0, label, H.cell)
                try ws.write(r + i, 1, n, H.big.with { $0.fontSize = 11 })
            }
            r += targetRows.count
            if let target = lf.target {
                // Rows: target, items, done.
                try ws.write(r, 0, ChineseTypography.apply("完成率（\(l.done)/目标）"), H.cell.with { $0.bold = true })
                try ws.formula(r, 1, "IF(B\(targetTop + 1)=0,0,B\(targetTop + 3)/B\(targetTop + 1))",
                               result: .number((lf.targetPercent ?? 0) / 100), H.percent.with { $0.bold = true; $0.fontSize = 14 })
                r += 1
                // Against time: the same `TimeProgress` and `Pace` as the briefing and the review.
                let period = TimeProgress(target: target, year: round.due.year)
                let pace = Pace(target: target.value, done: lf.done, timeShare: period.share(at: round.due))
                try ws.write(r, 0, "时间进度", H.cell)
                try ws.write(r, 1, pace.timeShare, H.percent)
                try ws.write(r + 1, 0, "按时间进度应完成", H.cell)
                try ws.write(r + 1, 1, Double(pace.expected), H.integer)
                try ws.write(r + 2, 0, "尚差", H.cell)
                try ws.write(r + 2, 1, Double(pace.shortfall), H.integer.with { $0.fill = pace.behind ? H.red : nil })
                r += 3
                try Self.note(ws, r, period.explained(at: round.due) + "；" + Pace.convention + "。")
                r += 1
            }
            let exclusion = LedgerSheet.exclusionNote(lf)
            if !exclusion.isEmpty {
                try Self.note(ws, r, "以上\(l.called)数" + exclusion + "。各单位情况见“\(lf.spec.name)”表下方小计。")
                r += 1
            }
            r += 1

            // 投资情况
            guard l.money != nil else { continue }
            try ws.write(r, 0, ChineseTypography.apply(lf.moneyHeading), H.section)
            r += 1
            let investTop = r
            try ws.write(r, 0, "\(lf.moneyName)合计", H.cell.with { $0.bold = true })
            // Sums of amounts: one decimal, thousands separated.
            let amount = H.cell.with { $0.numberFormat = "#,##0.0" }
            try ws.write(r, 1, lf.plannedInvestment, amount.with { $0.bold = true })
            for (i, src) in lf.investmentBySource.enumerated() {
                try ws.write(r + 1 + i, 0, "  " + src.name, H.cell)
                try ws.write(r + 1 + i, 1, src.amount, amount)
            }
            let sourcesEnd = r + lf.investmentBySource.count
            if !lf.investmentBySource.isEmpty {
                let sourceSum = FieldReader.rounded(lf.investmentBySource.map(\.amount).reduce(0, +))
                try ws.write(sourcesEnd + 1, 0, "各来源合计", H.cell)
                try ws.formula(sourcesEnd + 1, 1, "SUM(B\(investTop + 2):B\(sourcesEnd + 1))", result: .number(sourceSum), amount)
                r = sourcesEnd + 2
            } else {
                r = sourcesEnd + 1
            }
            if let gap = Self.investmentGapNote(lf) {
                try Self.note(ws, r, gap)
                r += 1
            }
            if !exclusion.isEmpty {
                try Self.note(ws, r, lf.moneyName + exclusion + "。")
                r += 1
            }
            r += 1
        }

        // 任务进展状态
        var taskTop: Int?
        if let p = figures.progress {
            try ws.write(r, 0, ChineseTypography.apply("\(p.sheetName)（条）"), H.section)
            r += 1
            taskTop = r
            let n = p.statuses.count
            for (i, status) in p.statuses.enumerated() {
                let fill = style.color(of: status)
                try ws.write(r + i, 0, status, H.cell.with { $0.fill = fill })
                try ws.write(r + i, 1, Double(figures.taskStatus[status] ?? 0), H.integer)
            }
            try ws.write(r + n, 0, "合计", H.cell.with { $0.bold = true })
            try ws.formula(r + n, 1, "SUM(B\(r + 1):B\(r + n))", result: .number(Double(figures.taskRows)), H.integer)
            let taskNote = Self.taskErrorNote(figures)
            if let taskNote { try Self.note(ws, r + n + 1, taskNote) }
            r += n + (taskNote == nil ? 2 : 3)
        }
        // 环比, from the archive's previous round.
        if let history = report.history {
            r = try ComparisonSection(result: result, figures: figures, history: history)
                .writeOverview(ws, at: r, note: { try Self.note(ws, $0, $1) })
        }

        // Charts on the right.
        let lastStatus = firstStatus + 6 + (result.totals.unread > 0 ? 1 : 0)
        let statusChart = try book.addChart(ChartSpec(kind: .column, title: "报送情况", series: [
            .init(name: "单位数", categories: "=总览!$A$\(firstStatus + 2):$A$\(lastStatus)",
                  values: "=总览!$B$\(firstStatus + 2):$B$\(lastStatus)", color: 0x5B9BD5)]))
        try ws.insertChart(4, 4, statusChart, widthScale: 1.2, heightScale: 1.0)
        if let taskTop, let n = figures.progress?.statuses.count {
            let taskChart = try book.addChart(ChartSpec(kind: .pie, title: "\(figures.progress?.sheetName ?? "")状态", series: [
                .init(name: "条数", categories: "=总览!$A$\(taskTop + 1):$A$\(taskTop + n)",
                      values: "=总览!$B$\(taskTop + 1):$B$\(taskTop + n)")]))
            try ws.insertChart(20, 4, taskChart, widthScale: 1.2, heightScale: 1.0)
        }
        try style.printLayout(ws, widths: [22, 14, 14, 4] + Array(repeating: 11, count: 9))
    }

    /// A note under a figure of the overview: across columns A–D, wrapped, with its height.
    static func note(_ ws: SheetWriter, _ r: Int, _ text: String) throws {
        let text = ChineseTypography.apply(text)
        try ws.merge(r, 0, r, 3, text, H.note)
        try ws.row(r, height: H.rowHeight([(text, 22 + 14 + 14 + 4)], fontSize: 11) ?? 16)
    }

    /// Why a ledger's money total and the sum of its parts differ: the rows whose parts do not add up.
    static func investmentGapNote(_ f: Figures.LedgerFigures) -> String? {
        guard let money = f.decl.money, !money.parts.isEmpty else { return nil }
        let sourceSum = FieldReader.rounded(f.investmentBySource.map(\.amount).reduce(0, +))
        let diff = FieldReader.rounded(f.plannedInvestment - sourceSum)
        guard !f.investmentGaps.isEmpty || abs(diff) >= 0.05 else { return nil }
        let name = f.moneyName, l = f.decl
        let rows = f.investmentGaps.map {
            "\($0.unit.name)“\($0.item)”(\(l.called)第 \($0.row) 行：\(name) \(Briefing.wan($0.investment, unit: false)),"
                + "各来源之和 \(Briefing.wan($0.sources, unit: false)))"
        }
        var text = "\(name)合计与各来源合计相差 \(Briefing.wan(abs(diff), unit: money.unit))"
        text += rows.isEmpty ? "。" : "，因以下 \(rows.count) \(l.counter)\(l.label)的\(name)不等于各\(money.partsLabel)之和：" + rows.joined(separator: ";") + "。"
        return text
    }

    /// Progress rows with errors that the task counts leave out.
    static func taskErrorNote(_ f: Figures) -> String? {
        guard let p = f.progress else { return nil }
        let n = f.errorRows[p.sheet] ?? 0
        guard n > 0 else { return nil }
        let byStatus = p.statuses.compactMap { s in f.errorTaskStatus[s].map { "\(s) \($0) 条" } }
        return "另有 \(n) 条进展记录有误，未计入上表" + (byStatus.isEmpty ? "" : "（所报状态：\(byStatus.joined(separator: "、"))）")
            + "，见“\(p.sheetName)”表“校验结果”列。"
    }
}
