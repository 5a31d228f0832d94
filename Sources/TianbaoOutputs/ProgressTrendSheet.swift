import TianbaoPlan
import TianbaoRound
import XLSX

/// The 进度趋势 sheet of the consolidated workbook: for each declared ledger of the round, the
/// done items of every recorded round and this one against the target line (the target times
/// the time elapsed) with the "时间过半、任务过半" judgement, a line chart of both, and the same
/// per unit of the ledger.
struct ProgressTrendSheet {
    private typealias H = HouseStyle
    let result: RoundResult
    let figures: Figures
    let history: RoundHistory?
    let style: HouseStyle

    static let name = "进度趋势"

    private static let cityHeaders: [(String, Double)] = [
        ("轮次", 26), ("名称", 14), ("截止日期", 12), ("时间进度", 10), ("", 11), ("", 11), ("按时间进度应完成", 12),
        ("完成率", 10), ("判断", 34), ("未计入的单位", 40),
    ]

        func write(_ ws: SheetWriter, book: WorkbookWriter) throws {
        let plan = result.plan, round = result.round
        for (c, (_, w)) in Self.cityHeaders.enumerated() { try ws.columns(c, c, width: w) }
        try ws.write(0, 0, ChineseTypography.apply("\(plan.title)：进度趋势（截至\(round.title)）"), H.title)
        var r = 1
        if history?.earlier.isEmpty ?? true {
            try ws.write(r, 0, ChineseTypography.apply(RoundHistory.noPreviousRound + "下表只有本期，趋势自下期起逐轮累积。"), H.subtitle)
            r += 1
        }
        for lf in figures.ledgers {
            let trend = ProgressTrend(ledger: lf, result: result, history: history)
            r = try block(ws, book: book, trend, at: r + 1)
        }
        if figures.ledgers.isEmpty {
            try ws.write(r + 1, 0, "本期没有台账类表单，无进度趋势。", H.subtitle)
        }
        try ws.printSetup(landscape: true)
        try ws.headerFooter(header: style.pageHeader, footer: PrintLayout.footer)
    }

    /// One ledger's block from row `top`; returns the next free row.
    private func block(_ ws: SheetWriter, book: WorkbookWriter, _ t: ProgressTrend, at top: Int) throws -> Int {
        let l = t.ledger.decl
        var r = top
        try ws.write(r, 0, ChineseTypography.apply("\(t.ledger.spec.name)：\(l.done)\(l.label)逐轮累计"), H.section)
        r += 1
        let base = t.ledger.target.map { "年度目标 \(Briefing.number($0.value)) \($0.unit)（\($0.due.chinese)前）" } ?? "各\(l.unitLabel)所列\(l.label)总数"
        let explain = "\(t.period.explained(at: t.current.due))（各轮按其截止日计）；按时间进度应完成＝\(base)×时间进度，四舍五入取整；"
            + "完成率＝\(l.done)数÷\(t.ledger.target == nil ? "所列总数" : "年度目标")。各轮只计当轮通过校验的单位。"
        try ws.merge(r, 0, r, 9, ChineseTypography.apply(explain), H.note)
        try ws.row(r, height: H.rowHeight([(explain, 180)]) ?? 30)
        r += 1
        let headers = Self.cityHeaders.enumerated().map { (i, h) -> String in
            i == 4 ? "\(l.done)（\(l.counter)）" : i == 5 ? (t.ledger.target != nil ? "年度目标" : "所列\(l.label)") : h.0
        }
        for (c, h) in headers.enumerated() { try ws.write(r, c, ChineseTypography.apply(h), H.header) }
        try ws.row(r, height: 30)
        let headerRow = r
        for p in t.points {
            r += 1
            let isNow = p.round == result.round.id
            let bold: (CellFormat) -> CellFormat = { f in isNow ? f.with { $0.bold = true } : f }
            try ws.write(r, 0, p.round + (isNow ? "（本期）" : ""), bold(H.cell))
            try ws.write(r, 1, p.title, bold(H.cell))
            try ws.write(r, 2, ExcelDateTime(kind: .date, year: p.due.year, month: p.due.month, day: p.due.day).serial(date1904: false), bold(H.date))
            try ws.write(r, 3, p.timeShare, bold(H.percent))
            try ws.write(r, 4, Double(p.done), bold(H.integer))
            try ws.write(r, 5, p.pace.target, bold(H.integer))
            // The target line and the share done, as formulas over the row (with their results;
            // ROUND rounds halves away from zero, as `Pace.expected` does).
            try ws.formula(r, 6, "ROUND(F\(r + 1)*D\(r + 1),0)", result: .number(Double(p.pace.expected)), bold(H.integer))
            try ws.formula(r, 7, "IF(F\(r + 1)=0,0,E\(r + 1)/F\(r + 1))", result: .number(p.pace.doneShare), bold(H.percent))
            let verdict = p.pace.verdict + (p.pace.behind ? "，尚差 \(p.pace.shortfall) \(l.counter)" : "")
            let behind = p.pace.behind
            try ws.write(r, 8, ChineseTypography.apply(verdict), bold(H.wrapped.with { $0.fill = behind ? H.red : H.green }))
            let missed = p.notCounted.map { H.shortName($0) }
            let note = missed.isEmpty ? "" : "未计入 \(missed.count) 个：" + missed.joined(separator: "、")
            try ws.write(r, 9, ChineseTypography.apply(note), H.wrapped)
            if let h = H.rowHeight([(note, 40), (verdict, 34)]) { try ws.row(r, height: h) }
        }
        let first = headerRow + 2, last = r + 1
        // The chart: done per round against the target line.
        var spec = ChartSpec(kind: .line, title: ChineseTypography.apply("\(l.done)\(l.label)（\(l.counter)）与按时间进度应完成"), series: [
            .init(name: "\(l.done)\(l.label)", categories: "='\(Self.name)'!$A$\(first):$A$\(last)",
                  values: "='\(Self.name)'!$E$\(first):$E$\(last)", color: 0x2E75B6),
            .init(name: "按时间进度应完成", categories: "='\(Self.name)'!$A$\(first):$A$\(last)",
                  values: "='\(Self.name)'!$G$\(first):$G$\(last)", color: 0xC00000, dashed: true),
        ])
        spec.categoryAxisName = "轮次"
        let chart = try book.addChart(spec)
        r += 2
        try ws.insertChart(r, 0, chart, widthScale: 1.6, heightScale: 1.1)
        // About 16 default rows of 20 px for a chart 1.1 × 288 px tall.
        r += 17

        // Per unit of the ledger: judged against its share of the target where the plan
        // declares one, otherwise not judged (and the sheet says so).
        let heading = t.hasShares ? "各\(l.unitLabel)\(l.done)\(l.label)逐轮（\(l.counter)）及对照分解目标的时间进度判断"
            : "各\(l.unitLabel)\(l.done)\(l.label)逐轮（\(l.counter)）"
        try ws.write(r, 0, ChineseTypography.apply(heading), H.section)
        r += 1
        let rounds = t.points.map(\.round)
        let unitHeaders = [l.unitLabel] + rounds.map { $0 == result.round.id ? "\($0)（本期）" : $0 } + ["本期所列\(l.label)"]
            + (t.hasShares ? ["分解目标", "按时间进度应完成", "尚差", "判断"] : [])
        for (c, h) in unitHeaders.enumerated() { try ws.write(r, c, ChineseTypography.apply(h), H.header) }
        try ws.row(r, height: 30)
        for u in t.units {
            r += 1
            try ws.write(r, 0, u.unit.name, H.wrapped)
            for (j, cell) in u.perRound.enumerated() {
                if let done = cell.done { try ws.write(r, 1 + j, Double(done), H.integer) }
                else { try ws.write(r, 1 + j, cell.state?.word ?? "", H.cell.with { $0.fill = cell.state.map(H.fill(of:)); $0.horizontal = .center }) }
            }
            let c = 1 + rounds.count
            if u.counted { try ws.write(r, c, Double(u.items), H.integer) } else { try ws.write(r, c, "—", H.centred) }
            if t.hasShares {
                if let share = u.share { try ws.write(r, c + 1, share, H.integer) } else { try ws.write(r, c + 1, "未分解", H.centred) }
                if let pace = u.pace {
                    try ws.write(r, c + 2, Double(pace.expected), H.integer)
                    try ws.write(r, c + 3, Double(pace.shortfall), H.integer)
                    try ws.write(r, c + 4, ChineseTypography.apply(pace.verdict), H.wrapped.with { $0.fill = pace.behind ? H.red : H.green })
                } else {
                    try ws.write(r, c + 2, "—", H.centred)
                    try ws.write(r, c + 3, "—", H.centred)
                    try ws.write(r, c + 4, u.share == nil ? "未分解目标，不作判断" : "本期\(u.perRound.last?.state?.word ?? "")，不作判断", H.wrapped)
                }
            }
            if let h = H.rowHeight([(u.unit.name, 26)]) { try ws.row(r, height: h) }
        }
        if !t.hasShares {
            r += 1
            let text = ChineseTypography.apply(t.unitSentence(words: result.plan.outputs.words))
            try ws.merge(r, 0, r, 9, text, H.note)
        }
        return r + 2
    }
}
