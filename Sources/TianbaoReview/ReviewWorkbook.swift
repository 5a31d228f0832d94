import Foundation
import TianbaoOutputs
import TianbaoRound
import TianbaoSupport
import TianbaoPlan
import XLSX

/// Writes `回头看-<year>.xlsx`: 总览 (the rounds reviewed), 报送情况 (every unit's punctuality
/// per round, counts and rank), the progress sheet's course (status per task and unit per
/// round), 目标完成 (each target against what was done per round and per unit), each declared
/// ledger's items whose status changed, 问题跟踪 (problems raised and whether they came up
/// again), and the publicity sheet's items per unit per month. Sheets the plan does not declare
/// are not written. Deterministic: the same archive gives the same bytes.
public struct ReviewWorkbook {
    public let review: YearReview

    public init(_ review: YearReview) { self.review = review }

    // Formats: the house style's (the 汇总's), and a total row of the review's own.
    private typealias H = HouseStyle
    static let centred = H.centred
    static let total = H.cell.with { $0.bold = true; $0.fill = 0xF2F2F2 }

    /// The sheet names, as written (tests and the briefing refer to them).
    public static let overviewName = "总览", punctualityName = "报送情况", targetsName = "目标完成", problemsName = "问题跟踪",
                      rectificationName = "整改清单"
    public static func indicatorsName(_ indicatorsSheet: String) -> String { "\(indicatorsSheet)完成" }
    public static func courseName(_ progressSheet: String) -> String { "\(progressSheet)历程" }
    public static func ledgerName(_ ledgerSheet: String) -> String { "\(ledgerSheet)状态变化" }
    public static func publicityName(_ publicitySheet: String) -> String { "\(publicitySheet)月度统计" }

    /// The file name: `回头看-2021.xlsx`.
    public static func fileName(year: Int) -> String { OutputFiles.reviewWorkbook(year: year) }

    private var plan: Plan { review.plan }
    private var roundIds: [String] { review.rounds.map(\.id) }

    /// Writes the workbook to `path` (atomically).
    public func write(to path: String) throws {
        let book = try WorkbookWriter(path: path)
        try book.setProperties(title: "\(plan.title)\(ReviewBriefing.period(review))回头看", author: plan.office.name)
        try overview(book)
        try punctuality(book)
        if plan.outputs.progress != nil { try course(book) }
        if !review.targets.isEmpty { try targets(book) }
        for ledger in review.ledgers where ledger.decl.name != nil { try ledgerChanges(book, ledger) }
        if plan.outputs.progress?.problems != nil || plan.outputs.summary?.problems != nil { try problems(book) }
        if let p = review.publicity { try publicity(book, p) }
        if let i = plan.outputs.indicators { try indicators(book, i) }
        try rectification(book)
        try book.close()
    }

    // MARK: Sheets

    private func overview(_ book: WorkbookWriter) throws {
        let ws = try book.addSheet(Self.overviewName)
        try ws.columns(0, 0, width: 12)
        try ws.columns(1, 1, width: 28)
        try ws.columns(2, 2, width: 15)
        try ws.columns(3, 9, width: 11)
        // The period covered and the issue, as the 回头看简报 gives them.
        try ws.write(0, 0, ChineseTypography.apply("\(plan.title)\(ReviewBriefing.period(review))回头看（回头看第 \(review.issue) 期，\(review.asOf.chinese)）"), H.title)
        try ws.write(1, 0, ChineseTypography.apply("\(plan.office.name)根据汇总档案中 \(review.year) 年已汇总的 \(review.rounds.count) 轮报送整理；各项数字只计通过校验的数据。"),
                     H.subtitle)
        let headers = ["轮次", "名称", "截止日期", "应报送", "按时", "迟报", "被退回", "未报送", "报送率", "按时率"]
        for (c, h) in headers.enumerated() { try ws.write(3, c, h, H.header) }
        for (i, round) in review.rounds.enumerated() {
            let r = 4 + i
            let states = review.units.map { $0.states[i] }
            let expected = states.filter { $0 != .notExpected }.count
            let onTime = states.filter { $0 == .onTime }.count, late = states.filter { $0 == .late }.count
            try ws.write(r, 0, round.id, H.cell)
            try ws.write(r, 1, round.title, H.wrapped)
            try ws.write(r, 2, ExcelDateTime(kind: .date, year: round.due.year, month: round.due.month, day: round.due.day).serial(date1904: false), H.date)
            for (c, n) in [expected, onTime, late, states.filter { $0 == .rejected }.count, states.filter { $0 == .missing }.count].enumerated() {
                try ws.write(r, 3 + c, Double(n), H.integer)
            }
            try ws.write(r, 8, expected == 0 ? 0 : Double(onTime + late) / Double(expected), H.percent)
            try ws.write(r, 9, expected == 0 ? 0 : Double(onTime) / Double(expected), H.percent)
        }
        var r = 5 + review.rounds.count
        try ws.write(r, 0, "本表各工作表：", H.section)
        r += 1
        for line in contents() {
            try ws.merge(r, 0, r, 9, line, H.note)
            r += 1
        }
        ws.freeze(rows: 4)
        try printLayout(ws, widths: [12, 28, 15] + Array(repeating: 11, count: 7), repeatRows: 3...3)
        ws.activate()
    }

    /// One line per sheet of the workbook, saying what it holds.
    func contents() -> [String] {
        var out = ["\(Self.punctualityName)：各单位每轮报送状态（按时、迟报、被退回、未报送），次数与排名（先比按时率，再比报送率），数据有误的轮次和与此前各轮对照发现的问题。"]
        if let p = plan.outputs.progress {
            out.append("\(Self.courseName(p.sheetName))：每项任务每个单位每轮的进展状态。")
        }
        if !review.targets.isEmpty { out.append("\(Self.targetsName)：各项目标每轮已完成数与目标值、完成率、时间进度，及各单位每轮完成数。") }
        for l in review.ledgers where l.decl.name != nil {
            out.append("\(Self.ledgerName(l.sheetName))：年内状态发生变化的\(l.decl.label)，逐轮列出状态，标明是否倒退。")
        }
        if plan.outputs.progress?.problems != nil || plan.outputs.summary?.problems != nil {
            out.append("\(Self.problemsName)：各单位反映的问题，首次反映的轮次，以及此后是否再次反映。")
        }
        if let p = review.publicity {
            out.append("\(Self.publicityName(p.sheetName))：各单位每月\(p.sheetName)篇数（同一条只计一次），少于每月 \(p.decl.perMonthMin) 篇的月份标红。")
        }
        if let i = plan.outputs.indicators {
            let name = plan.sheet(i.sheet)?.name ?? i.sheet
            out.append("\(Self.indicatorsName(name))：各单位\(name)的年度目标、逐轮累计完成值、完成率和时间进度。")
        }
        out.append("\(Self.rectificationName)：逐轮列入、核实和销号的整改事项：问题、责任单位、措施、时限、状态。")
        return out.map(ChineseTypography.apply)
    }

    private func punctuality(_ book: WorkbookWriter) throws {
        let ws = try book.addSheet(Self.punctualityName)
        let n = review.rounds.count
        let headers = ["排名", "单位"] + roundIds + ["应报送", "按时", "迟报", "被退回", "未报送", "按时率", "报送率", "数据有误的轮次", "与此前各轮对照发现的问题"]
        let widths = [6.0, 30] + Array(repeating: 9.0, count: n) + Array(repeating: 8.0, count: 7) + [16, 40]
        try table(ws, title: "各单位报送情况（\(review.year)年）", headers: headers, widths: widths)
        let ordered = review.units.enumerated().sorted { a, b in
            let ra = a.element.rank == 0 ? Int.max : a.element.rank, rb = b.element.rank == 0 ? Int.max : b.element.rank
            return (ra, a.offset) < (rb, b.offset)
        }.map(\.element)
        for (i, u) in ordered.enumerated() {
            let r = 3 + i
            if u.rank > 0 { try ws.write(r, 0, Double(u.rank), H.integer) } else { try ws.write(r, 0, "—", Self.centred) }
            try ws.write(r, 1, u.unit.name, H.cell)
            for (k, s) in u.states.enumerated() { try ws.write(r, 2 + k, s.rawValue, Self.centred) }
            let counts = [u.expected, u.count(.onTime), u.count(.late), u.count(.rejected), u.count(.missing)]
            for (k, c) in counts.enumerated() { try ws.write(r, 2 + n + k, Double(c), H.integer) }
            try ws.write(r, 7 + n, u.onTimeRate, H.percent)
            try ws.write(r, 8 + n, u.acceptedRate, H.percent)
            try ws.write(r, 9 + n, u.errorRounds.joined(separator: "、"), H.wrapped)
            let across = u.acrossRounds.map { "\($0.round) \($0.rule.name)" }.joined(separator: "、")
            try ws.write(r, 10 + n, across, H.wrapped)
            if let h = WrappedText.rowHeight([(across, 40), (u.errorRounds.joined(separator: "、"), 16)]) { try ws.row(r, height: h) }
        }
        try colour(ws, rows: 3...(2 + max(ordered.count, 1)), columns: 2...(1 + max(n, 1)))
        try ws.autofilter(2, 0, 2 + max(ordered.count, 1), headers.count - 1)
    }

    private func course(_ book: WorkbookWriter) throws {
        guard let p = plan.outputs.progress else { return }
        let ws = try book.addSheet(Self.courseName(p.sheetName))
        let n = review.rounds.count
        let percentHead = p.percent.flatMap { plan.sheet(p.sheet)?.field($0)?.name }
        let headers = ["任务编号", "任务", "单位"] + roundIds + (percentHead.map { ["最近一次" + $0] } ?? [])
        let widths = [8.0, 30, 26] + Array(repeating: 9.0, count: n) + (percentHead == nil ? [] : [12.0])
        try table(ws, title: "\(p.sheetName)历程：每项任务每个单位每轮的状态（\(review.year)年）", headers: headers, widths: widths,
                  identifying: 0...2)
        var r = 3
        for c in review.taskCourses {
            try ws.write(r, 0, c.task.id, H.cell)
            try ws.write(r, 1, c.task.title, H.wrapped)
            if let h = WrappedText.rowHeight([(c.task.title, 30)]) { try ws.row(r, height: h) }
            try ws.write(r, 2, c.unit.name, H.cell)
            for (k, s) in c.cells.enumerated() { try ws.write(r, 3 + k, s, Self.centred) }
            if percentHead != nil {
                if let v = c.lastPercent { try ws.write(r, 3 + n, v, H.cell) } else { try ws.blank(r, 3 + n, H.cell) }
            }
            r += 1
        }
        let last = max(r - 1, 3)
        try colour(ws, rows: 3...last, columns: 3...(2 + max(n, 1)))
        try ws.autofilter(2, 0, last, headers.count - 1)
        // Rows that counted, per status and round.
        r += 1
        try ws.write(r, 0, "通过校验的进展记录条数", H.section)
        r += 1
        for status in p.statuses {
            try ws.merge(r, 0, r, 2, status, Self.total)
            for k in 0..<n { try ws.write(r, 3 + k, Double(review.statusCounts[k][status] ?? 0), H.integer) }
            r += 1
        }
        ws.freeze(rows: 3, columns: 3)
    }

    private func targets(_ book: WorkbookWriter) throws {
        let ws = try book.addSheet(Self.targetsName)
        let n = review.rounds.count
        try ws.columns(0, 0, width: 36)
        try ws.columns(1, 5, width: 11)
        try ws.columns(6, 6, width: 40)  // 未计入的单位
        try ws.columns(7, max(n, 8), width: 11)  // 按时间进度应完成, 尚差; the rounds of the per-unit table
        try ws.write(0, 0, ChineseTypography.apply("目标完成情况（\(review.year)年）"), H.title)
        var r = 2
        for t in review.targets {
            let target = t.target
            try ws.write(r, 0, ChineseTypography.apply("\(target.name)：目标 \(Self.number(target.value)) \(target.unit)，\(target.due.chinese)前完成"), H.section)
            r += 1
            let headers = ["轮次", "截止日期", "已完成", "目标", "完成率", "时间进度", "未计入的单位", "按时间进度应完成", "尚差"]
            for (c, h) in headers.enumerated() { try ws.write(r, c, h, H.header) }
            try ws.row(r, height: 30)
            r += 1
            for (k, round) in review.rounds.enumerated() {
                try ws.write(r, 0, "\(round.id) \(round.title)", H.cell)
                try ws.write(r, 1, ExcelDateTime(kind: .date, year: round.due.year, month: round.due.month, day: round.due.day).serial(date1904: false), H.date)
                let time = TimeProgress(target: target, year: review.year).share(at: round.due)
                if let done = t.done[k] {
                    try ws.write(r, 2, Double(done), H.integer)
                    try ws.write(r, 3, target.value, H.integer)
                    try ws.write(r, 4, target.value > 0 ? Double(done) / target.value : 0, H.percent)
                } else {
                    try ws.merge(r, 2, r, 4, "本轮未报此表", Self.centred)
                }
                try ws.write(r, 5, time, H.percent)
                try ws.write(r, 6, t.leftOut[k].joined(separator: "、"), H.wrapped)
                if let done = t.done[k] {
                    let pace = Pace(target: target.value, done: done, timeShare: time)
                    try ws.write(r, 7, Double(pace.expected), H.integer)
                    try ws.write(r, 8, Double(pace.shortfall), H.integer)
                }
                if let h = WrappedText.rowHeight([(t.leftOut[k].joined(separator: "、"), 40)]) { try ws.row(r, height: h) }
                r += 1
            }
            r += 1
            try ws.write(r, 0, target.shares.isEmpty ? "各单位每轮完成数（工作方案未分解目标，不判断各单位进度）" : "各单位每轮完成数及对照分解目标的进度", H.section)
            r += 1
            let shareHeads = target.shares.isEmpty ? [] : ["分解目标", "按时间进度应完成", "尚差", "判断"]
            for (c, h) in (["单位"] + roundIds + shareHeads).enumerated() { try ws.write(r, c, h, H.header) }
            r += 1
            let lastTime = review.rounds.last.map { TimeProgress(target: target, year: review.year).share(at: $0.due) } ?? 0
            for u in t.byUnit {
                try ws.write(r, 0, u.unit.name, H.cell)
                for (k, v) in u.done.enumerated() {
                    if let v { try ws.write(r, 1 + k, Double(v), H.integer) } else { try ws.write(r, 1 + k, cellWord(u.unit, k, sheet: target.sheet), Self.centred) }
                }
                if !target.shares.isEmpty {
                    let c = 1 + u.done.count
                    if let share = target.share(of: u.unit.id) {
                        try ws.write(r, c, share, H.integer)
                        if let done = u.done.last ?? nil {
                            let pace = Pace(target: share, done: done, timeShare: lastTime)
                            try ws.write(r, c + 1, Double(pace.expected), H.integer)
                            try ws.write(r, c + 2, Double(pace.shortfall), H.integer)
                            try ws.write(r, c + 3, ChineseTypography.apply(pace.verdict), H.wrapped.with { $0.fill = pace.behind ? H.red : H.green })
                        } else {
                            try ws.write(r, c + 3, "本轮未计入，不作判断", H.wrapped)
                        }
                    } else {
                        try ws.write(r, c, "未分解", Self.centred)
                    }
                }
                r += 1
            }
            r += 1
        }
        let explained = review.targets.first.flatMap { t in review.rounds.last.map { TimeProgress(target: t.target, year: review.year).explained(at: $0.due) } } ?? ""
        try ws.merge(r, 0, r, 8, ChineseTypography.apply("\(explained)（各轮按其截止日计）。\(Pace.convention)。"
            + "已完成数只计报送且填报无误的单位；被退回或未报送单位的数不计入，列在“未计入的单位”中。“—”：该轮不要求该单位报送此表。"), H.note)
        try ws.row(r, height: 45)
        try printLayout(ws, widths: [36] + Array(repeating: 11, count: 6))
    }

    /// What a count cell says where a unit has no count in round `k`: why (被退回, 未报送), or
    /// "—" where that round did not ask the unit for the sheet (never 按时: a count column
    /// holds counts or the reason there is none).
    private func cellWord(_ unit: ReportingUnit, _ k: Int, sheet: String) -> String {
        guard k < review.rounds.count, plan.asks(unit, for: sheet, in: review.rounds[k]),
              let state = review.units.first(where: { $0.unit.id == unit.id })?.states[k] else { return "—" }
        switch state {
        case .rejected, .missing: return state.rawValue
        default: return "—"
        }
    }

    /// An indicator's time progress at `day`: 1 January of its deadline's year to its deadline
    /// (the year's end without one).
    public static func indicatorTime(_ i: YearReview.IndicatorYear, at day: Day, year: Int) -> Double {
        let end = i.due ?? Day(year: year, month: 12, day: 31)
        return TimeProgress(start: Day(year: end.year, month: 1, day: 1), end: end).share(at: day)
    }

    private func ledgerChanges(_ book: WorkbookWriter, _ ledger: YearReview.LedgerYear) throws {
        let ws = try book.addSheet(Self.ledgerName(ledger.sheetName))
        let n = review.rounds.count
        let l = ledger.decl
        let headers = [l.unitLabel, l.label] + roundIds + ["变化过程", "是否倒退"]
        let widths = [26.0, 24] + Array(repeating: 9.0, count: n) + [40, 9]
        try table(ws, title: "\(ledger.sheetName)：年内状态发生变化的\(l.label)（\(ledger.changed.count) \(l.counter)，其中倒退 \(ledger.changed.filter(\.wentBack).count) \(l.counter)）",
                  headers: headers, widths: widths)
        var r = 3
        for item in ledger.changed {
            try ws.write(r, 0, item.unit.name, H.cell)
            try ws.write(r, 1, item.name, H.cell)
            for (k, s) in item.statuses.enumerated() {
                try ws.write(r, 2 + k, s.map { item.uncounted[k] ? "\($0)（有误）" : $0 } ?? "—", Self.centred)
            }
            let path = item.path.map { "\($0.status)（\($0.round)\($0.uncounted ? "，有误未计入" : "")）" }.joined(separator: " → ")
            try ws.write(r, 2 + n, path, H.wrapped)
            try ws.write(r, 3 + n, item.wentBack ? "倒退" : "前进", Self.centred)
            if let h = WrappedText.rowHeight([(path, 40)]) {
                try ws.row(r, height: h)
            }
            r += 1
        }
        let last = max(r - 1, 3)
        try colour(ws, rows: 3...last, columns: 2...(1 + max(n, 1)))
        try ws.highlight(3, 3 + n, last, 3 + n, equalTo: "倒退", Self.centred.with { $0.fill = H.red })
        try ws.autofilter(2, 0, last, headers.count - 1)
        r += 1
        try ws.merge(r, 0, r, 2 + n, ChineseTypography.apply("只列状态有变化的\(l.label)；“（有误）”表示该行填报有误、未计入统计，但仍据以判断是否倒退；“—”表示该轮该单位的文件未通过校验或台账中没有该\(l.label)。全年台账共出现 \(ledger.itemsSeen) \(l.counter)\(l.label)，年内新\(l.done) \(ledger.newlyDone) \(l.counter)。\(l.label)名称比较时不计空格和全角、半角之别。"), H.note)
        try ws.row(r, height: 45)
    }

    private func problems(_ book: WorkbookWriter) throws {
        let ws = try book.addSheet(Self.problemsName)
        let headers = ["单位", "事项", "首次反映", "问题（首次反映时的原文）", "反映轮次", "此后是否再次反映", "最近一次反映的原文（与首次不同时）"]
        let widths = [24.0, 12, 10, 50, 22, 10, 50]
        try table(ws, title: "各单位反映的问题及此后是否再次反映（\(review.year)年）", headers: headers, widths: widths)
        var r = 3
        for p in review.problems {
            try ws.write(r, 0, p.unit.name, H.cell)
            try ws.write(r, 1, plan.task(p.subject).map { "\($0.id) \($0.title)" } ?? p.subject, H.wrapped)
            try ws.write(r, 2, p.firstRound, Self.centred)
            try ws.write(r, 3, p.text, H.wrapped)
            try ws.write(r, 4, p.rounds.joined(separator: "、"), H.wrapped)
            try ws.write(r, 5, p.recurred ? (p.sameText ? "是（原文重复）" : "是") : "否", Self.centred)
            try ws.write(r, 6, p.latest ?? "", H.wrapped)
            let subject = plan.task(p.subject).map { "\($0.id) \($0.title)" } ?? p.subject
            if let h = WrappedText.rowHeight([(subject, widths[1]), (p.text, widths[3]), (p.rounds.joined(separator: "、"), widths[4]),
                                              (p.latest ?? "", widths[6])]) { try ws.row(r, height: h) }
            r += 1
        }
        let last = max(r - 1, 3)
        try ws.highlight(3, 5, last, 5, formula: "LEFT($F4,1)=\"是\"", Self.centred.with { $0.fill = H.yellow })
        try ws.autofilter(2, 0, last, headers.count - 1)
    }

    private func publicity(_ book: WorkbookWriter, _ p: YearReview.PublicityYear) throws {
        let ws = try book.addSheet(Self.publicityName(p.sheetName))
        let headers = ["单位"] + p.months.map { "\($0)月" } + ["合计", "不足 \(p.decl.perMonthMin) 篇的月份"]
        let widths = [30.0] + Array(repeating: 7.0, count: p.months.count) + [8, 22]
        try table(ws, title: "\(p.sheetName)：各单位每月篇数（\(review.year)年）", headers: headers, widths: widths,
                  identifying: 0...0)
        var r = 3
        var totals = Array(repeating: 0, count: p.months.count)
        for c in p.counts {
            try ws.write(r, 0, c.unit.name, H.cell)
            for (k, v) in c.perMonth.enumerated() {
                try ws.write(r, 1 + k, Double(v), H.integer)
                totals[k] += v
            }
            try ws.write(r, 1 + p.months.count, Double(c.perMonth.reduce(0, +)), H.integer)
            let short = zip(p.months, c.perMonth).filter { $0.0 >= p.judgedFrom && $0.1 < p.decl.perMonthMin }.map { "\($0.0)月" }
            try ws.write(r, 2 + p.months.count, short.joined(separator: "、"), H.wrapped)
            r += 1
        }
        try ws.write(r, 0, "合计", Self.total)
        for (k, v) in totals.enumerated() { try ws.write(r, 1 + k, Double(v), Self.total.with { $0.numberFormat = "#,##0" }) }
        try ws.write(r, 1 + p.months.count, Double(totals.reduce(0, +)), Self.total.with { $0.numberFormat = "#,##0" })
        try ws.blank(r, 2 + p.months.count, Self.total)
        if !p.counts.isEmpty, !p.months.isEmpty {
            let first = p.months.firstIndex { $0 >= p.judgedFrom } ?? 0
            let column = String(UnicodeScalar(UInt8(66 + first)))  // B, C, … (at most 12 months)
            try ws.highlight(3, 1 + first, 2 + p.counts.count, p.months.count, formula: "\(column)4<\(p.decl.perMonthMin)",
                             H.integer.with { $0.fill = H.red })
        }
        try ws.merge(r + 2, 0, r + 2, min(p.months.count + 2, 12),
                     ChineseTypography.apply("按每条的日期计入月份；同一单位在几轮中重复列出的同一条只计一次。只计通过校验的文件中通过校验的行。"
                        + (p.judgedFrom > (p.months.first ?? 1) ? "\(p.judgedFrom)月以前没有要求报送\(p.sheetName)的轮次，不计不足。" : "")), H.note)
    }

    private func indicators(_ book: WorkbookWriter, _ decl: IndicatorsOutput) throws {
        let name = plan.sheet(decl.sheet)?.name ?? decl.sheet
        let ws = try book.addSheet(Self.indicatorsName(name))
        let n = review.rounds.count
        let headers = ["单位", "指标", "计量单位", "年度目标"] + roundIds + ["完成率", "时间进度", "判断", "完成时限"]
        let widths = [26.0, 24, 9, 10] + Array(repeating: 9.0, count: n) + [9, 9, 32, 12]
        try table(ws, title: "\(name)：年度目标与逐轮累计完成值（\(review.year)年）", headers: headers, widths: widths)
        var r = 3
        for i in review.indicators {
            try ws.write(r, 0, i.unit.name, H.wrapped)
            try ws.write(r, 1, i.name, H.wrapped)
            try ws.write(r, 2, i.measure, H.cell)
            try ws.write(r, 3, i.target, H.cell.with { $0.numberFormat = "#,##0.##" })
            for (k, v) in i.values.enumerated() {
                if let v { try ws.write(r, 4 + k, v, H.cell.with { $0.numberFormat = "#,##0.##" }) } else { try ws.write(r, 4 + k, "—", Self.centred) }
            }
            let time = review.indicatorTime(i)
            try ws.write(r, 5 + n, time, H.percent)
            if let latest = i.latest, i.target > 0 {
                let share = latest.value / i.target
                try ws.write(r, 4 + n, share, H.percent)
                let reached = latest.value >= i.target
                let behind = !reached && Pace.behind(doneShare: share, timeShare: time)
                let stale = latest.round != n - 1 ? "（按\(review.rounds[latest.round].title)所报）" : ""
                try ws.write(r, 6 + n, (reached ? "已完成" : behind ? "落后于时间进度" : "不慢于时间进度") + stale,
                             H.wrapped.with { $0.fill = behind ? H.red : H.green })
            } else {
                try ws.write(r, 4 + n, "—", Self.centred)
                try ws.write(r, 6 + n, i.target > 0 ? "未报完成值" : "未填年度目标", H.wrapped)
            }
            if let due = i.due {
                try ws.write(r, 7 + n, ExcelDateTime(kind: .date, year: due.year, month: due.month, day: due.day).serial(date1904: false), H.date)
            }
            if let h = WrappedText.rowHeight([(i.unit.name, 26), (i.name, 24)]) { try ws.row(r, height: h) }
            r += 1
        }
        try ws.autofilter(2, 0, max(r - 1, 3), headers.count - 1)
        try ws.merge(r + 1, 0, r + 1, 7 + n, ChineseTypography.apply("累计完成值取各轮报送且填报无误的数值；时间进度按各指标的完成时限计（自该年 1 月 1 日起，含当日），算至最新数值所在轮次的截止日期；完成率与时间进度按显示的一位小数比较。"), H.note)
        try ws.row(r + 1, height: 30)
    }

    private func rectification(_ book: WorkbookWriter) throws {
        let ws = try book.addSheet(Self.rectificationName)
        let headers = ["序号", "类型", "问题", "责任单位", "措施", "时限", "状态", "列入", "出现的轮次", "销号"]
        let widths = [6.0, 14, 46, 24, 36, 20, 12, 12, 24, 12]
        try table(ws, title: "整改清单（\(review.year)年，逐轮核实、销号）", headers: headers, widths: widths)
        var r = 3
        let items = review.rectification.filter(\.isOpen) + review.rectification.filter { !$0.isOpen }
        func title(_ id: String) -> String { review.rounds.first { $0.id == id }?.title ?? id }
        for (k, item) in items.enumerated() {
            try ws.write(r, 0, Double(k + 1), H.integer)
            try ws.write(r, 1, item.kindLabel, H.wrapped)
            let problem = ChineseTypography.apply(item.problem)
            try ws.write(r, 2, problem, H.wrapped)
            try ws.write(r, 3, item.unit.name, H.wrapped)
            try ws.write(r, 4, item.measure, H.wrapped)
            try ws.write(r, 5, item.deadline, H.wrapped)
            let overdue = item.overdue(on: review.asOf)
            try ws.write(r, 6, item.isOpen ? (overdue ? "逾期" : "未销号") : "已销号",
                         Self.centred.with { $0.fill = overdue ? H.red : item.isOpen ? H.yellow : H.green })
            try ws.write(r, 7, title(item.opened), H.cell)
            let seen = item.seen.map(title).joined(separator: "、")
            try ws.write(r, 8, seen, H.wrapped)
            try ws.write(r, 9, item.closed.map(title) ?? "", H.cell)
            if let h = WrappedText.rowHeight([(problem, 46), (item.measure, 36), (item.unit.name, 24), (seen, 24)]) { try ws.row(r, height: h) }
            r += 1
        }
        if items.isEmpty { try ws.write(r, 0, "年内各轮没有需要整改的事项。", H.cell); r += 1 }
        try ws.autofilter(2, 0, max(r - 1, 3), headers.count - 1)
        try ws.merge(r + 1, 0, r + 1, 9, ChineseTypography.apply(
            "整改事项逐轮核实：任务进度问题在该任务不再报此状态时销号；状态倒退在该项目重新报到倒退前的状态时销号；跨轮次问题和报送材料有误在该单位下一份报送不再有同一问题时销号；"
            + "问题反复反映在该单位不再反映时销号；低于分解目标进度在赶上时间进度时销号。措施取自各单位报送的下步计划、下步打算，未填写的由办公室提出。"), H.note)
        try ws.row(r + 1, height: 45)
    }

    // MARK: Helpers

    /// Title in row 0, header in row 2, widths, frozen header, print layout.
    private func table(_ ws: SheetWriter, title: String, headers: [String], widths: [Double],
                       identifying: ClosedRange<Int>? = 0...1) throws {
        try ws.write(0, 0, ChineseTypography.apply(title), H.title)
        try style.header(ws, Array(zip(headers, widths)), headerRow: 2, identifying: identifying)
    }

    /// The status colours of the 汇总 (the plan's statuses, the report's words) over a range,
    /// plus this workbook's own words.
    private func colour(_ ws: SheetWriter, rows: ClosedRange<Int>, columns: ClosedRange<Int>) throws {
        let own: [(String, UInt32)] = [("按时", H.green), (YearReview.UnitState.late.rawValue, H.yellow),
                                       (YearReview.UnitState.notExpected.rawValue, H.grey), (YearReview.rowWithError, H.red)]
        var seen: Set<String> = []
        for (word, color) in own + H.statusColors(plan) where seen.insert(word).inserted {
            try ws.highlight(rows.lowerBound, columns.lowerBound, rows.upperBound, columns.upperBound, equalTo: word,
                             Self.centred.with { $0.fill = color })
        }
    }

    /// The 汇总's house style with the review's page header: the plan, the sheet and the period
    /// reviewed; 第 N 页，共 M 页 in the footer.
    private var style: HouseStyle {
        HouseStyle(pageHeader: "&L&9\(PrintLayout.headerText(plan.title))&C&9&A&R&9 \(ReviewBriefing.period(review))回头看",
                   statusColors: H.statusColors(plan))
    }

    /// The house style's print layout (`PrintLayout`): one page wide where the text stays
    /// readable, else over pages across with `identifying` repeated; the header row repeated.
    private func printLayout(_ ws: SheetWriter, widths: [Double], repeatRows: ClosedRange<Int>? = nil,
                             identifying: ClosedRange<Int>? = 0...1) throws {
        try style.printLayout(ws, widths: widths, repeatRows: repeatRows, identifying: identifying)
    }

    /// A plan's number as written: `300`, `12.5`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }
}
