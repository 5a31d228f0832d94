import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoTemplates
import XLSX

/// Writes a round's briefing for leaders in two parts: the 要情 a leader reads first (headline
/// figures against target and time, lagging tasks with their lead units, who is missing or was
/// returned and why, what needs the leading group's attention), short enough for the first
/// page; then the 正文 sections, with long lists (communities, status changes, per-unit texts)
/// as 附件 tables. Every figure comes from the round's `Figures`, `ProgressTrend` and
/// `LedgerChange`, so the 简报 says what the 汇总 and the 回头看 say. The office's own notes
/// (files, rows, 反馈) are not here: they are `OfficeNotes`.
struct BriefingWriter {
    let report: RoundReport
    private var result: RoundResult { report.result }
    private var figures: Figures { report.figures }
    private var plan: Plan { report.plan }
    private let trends: [ProgressTrend]
    private let comparison: ComparisonSection?
    /// The 正文 and its 附件, built section by section.
    private var doc = BriefingBuilder()

    init(report: RoundReport) {
        self.report = report
        trends = report.figures.ledgers.map { ProgressTrend(ledger: $0, result: report.result, history: report.history) }
        comparison = report.history.map { ComparisonSection(result: report.result, figures: report.figures, history: $0) }
    }

    /// 要情, a page break, the 正文, the 附件.
    mutating func blocks() -> [Briefing.Block] {
        targets()
        tasks()
        compared()
        indicators()
        publicity()
        problems()
        practices()
        reporting()
        nextSteps()
        return doc.blocks(leading: [.keyPoints("本期要情", keyPoints()), .pageBreak])
    }

    // MARK: Helpers

    /// A unit's name as 要情 writes it: `洪山区`, `武汉临空港经济技术开发区`, `市教育局`.
    static func shortName(_ unit: ReportingUnit) -> String {
        var s = unit.name
        if let open = s.firstIndex(where: { $0 == "（" || $0 == "(" }) { s = String(s[..<open]) }
        for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) && s.count > suffix.count + 1 { s.removeLast(suffix.count) }
        return s
    }

    /// Names joined with 、, at most `limit` of them, then `等 N 个`.
    static func names(_ names: [String], limit: Int) -> String {
        names.count <= limit ? Briefing.list(names) : Briefing.list(Array(names.prefix(limit))) + "等 \(names.count) 个"
    }

    private var accepted: [UnitOutcome] { result.units.filter { $0.status == .accepted } }
    private var late: [UnitOutcome] { accepted.filter(\.late) }
    private var rejected: [UnitOutcome] { result.units.filter { $0.status == .rejected } }
    private var missing: [UnitOutcome] { result.units.filter { $0.status == .missing && $0.unreadFiles.isEmpty } }
    private var unread: [UnitOutcome] { result.units.filter { $0.status == .missing && !$0.unreadFiles.isEmpty } }
    /// Accepted units some of whose rows have errors (kept out of the figures).
    private var withErrorRows: [UnitOutcome] {
        accepted.filter { $0.mustResubmit }
    }

    /// `于2021年6月22日前` (the round's resubmission deadline), or nothing when it has none.
    private var resubmitBy: String { result.round.resubmitBy.map { "于\($0.chinese)前" } ?? "" }

    /// Why a unit's file was returned, in words a leader reads.
    func returnReason(_ u: UnitOutcome) -> String { ReturnReason.text(u.submission?.problems ?? [], plan: plan) }

    // MARK: 要情

    /// The points of the first page, shortened (lists cut to fewer names, with their number)
    /// until they fit the page's budget of lines.
    func keyPoints() -> [String] {
        for limit in [Int.max, 8, 6, 4, 3, 2, 1] {
            let points = keyPoints(limit: limit)
            if Self.lines(points) <= Self.keyPointLines { return points }
        }
        return keyPoints(limit: 1)
    }

    /// Lines the 要情 box holds under the masthead and title on an A4 page at 14 pt (see
    /// `BriefingDocx.keyPoints`): rendered, the box holds about 16 under the two-line title.
    static let keyPointLines = 15
    /// Characters a line of the 要情 box holds (the text width at 14 pt).
    static let keyPointLineWidth = 30

    /// Lines the points take, each numbered and indented two characters; digits, Latin letters
    /// and spaces take half a character's width (so lists are not cut while the line has room).
    static func lines(_ points: [String]) -> Int {
        points.map { p in
            let width = p.reduce(0.0) { $0 + ($1.isASCII ? 0.5 : 1) } + 5
            return Int((width / Double(keyPointLineWidth)).rounded(.up))
        }.reduce(0, +)
    }

    func keyPoints(limit: Int) -> [String] {
        var points: [String] = []
        let words = plan.outputs.words
        for t in trends {
            let l = t.ledger.decl
            var s = t.headline(words: words)
            let out = t.ledger.districts.filter { !$0.counted }.map { "\($0.status)的\(Self.shortName($0.unit))" }
            if !out.isEmpty { s.removeLast(); s += "（不含\(Self.names(out, limit: limit))）。" }
            if let target = t.ledger.target, Double(t.ledger.items) < target.value {
                s += "\(words.units)\(l.called)共列\(l.label) \(t.ledger.items) \(l.counter)，距目标尚缺 \(Briefing.number(target.value - Double(t.ledger.items))) \(l.counter)。"
            }
            if t.hasShares, !t.unitsBehind.isEmpty {
                s += "落后于分解目标时间进度的\(l.unitLabel) \(t.unitsBehind.count) 个：\(Self.names(t.unitsBehind.map { Self.shortName($0.unit) }, limit: limit))。"
            }
            points.append(s)
        }
        if let p = figures.progress, let lagging = p.lagging {
            let lag = figures.laggingCounted
            if lag.isEmpty {
                points.append("各单位报告的任务均无\(lagging)。")
            } else {
                let tasks = plan.tasks.filter { t in lag.contains { $0.task == t.id } }
                let byLead = Dictionary(grouping: tasks, by: lead)
                let leads = Self.uniqued(tasks.map(lead)).map { lead in "\(lead)（\(byLead[lead]!.map(\.id).joined(separator: "、"))）" }
                points.append("\(tasks.count) 项任务有单位报告\(lagging)（\(lag.count) 条），牵头单位：\(Self.names(leads, limit: limit))。")
            }
        }
        var s = "应报送 \(result.totals.expected) 个单位，已报送 \(accepted.count) 个"
        s += late.isEmpty ? "" : "（\(Self.names(late.map { Self.shortName($0.unit) }, limit: limit))迟报）"
        if !rejected.isEmpty {
            s += "；被退回 \(rejected.count) 个：" + rejected.prefix(limit).map { "\(Self.shortName($0.unit))（\(shortReason($0))）" }.joined(separator: "、")
            if rejected.count > limit { s += "等" }
        }
        if !missing.isEmpty { s += "；未报送 \(missing.count) 个：\(Self.names(missing.map { Self.shortName($0.unit) }, limit: limit))" }
        if !unread.isEmpty { s += "；已报送待处理 \(unread.count) 个" }
        points.append(s + "。")
        let attention = attentionItems(limit: limit)
        if !attention.isEmpty { points.append("请关注：" + attention.joined(separator: "；") + "。") }
        return points
    }

    /// A returned file's reason, shortened for 要情.
    func shortReason(_ u: UnitOutcome) -> String { ReturnReason.text(u.submission?.problems ?? [], plan: plan, short: true) }

    /// What the leading group should look at: money sources at zero, items whose status went
    /// back, units newly lagging, rows kept out for their errors.
    func attentionItems(limit: Int) -> [String] {
        var out: [String] = []
        for lf in figures.ledgers {
            let zero = lf.investmentBySource.filter { $0.amount == 0 }.map(\.name)
            if lf.plannedInvestment > 0, !zero.isEmpty { out.append("\(lf.moneyName)中\(Briefing.list(zero))为 0") }
        }
        for change in comparison?.changes ?? [] where !change.undone.isEmpty || !change.again.isEmpty {
            let items = change.undone.map { "\(shortName($0.unit))\($0.item)" } + change.again.map { "\(shortName($0.unit))\($0.item)" }
            out.append("台账状态反复的 \(items.count) 个（\(Self.names(items, limit: limit))）")
        }
        if let c = report.history?.comparison, let lagging = figures.progress?.lagging, !c.newlyLagging.isEmpty {
            out.append("新出现\(lagging)事项的单位 \(c.newlyLagging.count) 个")
        }
        return out
    }

    /// A task's lead units as a reader says them (`市住房保障房管局`, `各区人民政府`).
    private func lead(_ task: PlanTask) -> String { TemplateContent.leadNames(plan: plan, task: task) }

    private func shortName(_ id: String) -> String { plan.unit(id).map(Self.shortName) ?? id }

    static func uniqued(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }

    // MARK: 正文

    private mutating func targets() {
        guard !trends.isEmpty else { return }
        let words = plan.outputs.words
        doc.heading(words.targetsHeading)
        for t in trends {
            let lf = t.ledger, l = lf.decl
            doc.paragraph(t.sentence(words: words, unitsInTable: t.hasShares))
            if let table = t.unitTable() { doc.table(table.header, table.rows) }
            var s = "\(words.units)\(l.called)共列\(l.label) \(lf.items) \(l.counter)："
            s += l.shownStatuses.map { "\($0) \(lf.byStatus[$0] ?? 0) \(l.counter)" }.joined(separator: "、")
            if let target = lf.target, Double(lf.items) < target.value {
                s += "；距年度目标 \(Briefing.number(target.value)) \(l.counter)尚缺 \(Briefing.number(target.value - Double(lf.items))) \(l.counter)未列入\(l.called)，需加快项目储备"
            }
            s += "。" + exclusion(lf)
            let shares = t.hasShares
            var rows = lf.districts.map { d -> [String] in
                let figures = d.counted ? ["\(d.items)"] + l.shownStatuses.map { "\(d.byStatus[$0] ?? 0)" } + (l.money != nil ? [Briefing.wan(d.investment, unit: false)] : [])
                    : Array(repeating: "—", count: 1 + l.shownStatuses.count + (l.money != nil ? 1 : 0))
                let share = shares ? [lf.target?.share(of: d.unit.id).map(Briefing.number) ?? "—"] : []
                return [d.unit.name, d.status] + share + figures + [Self.note(d, lf)]
            }
            // The total row: the counted units' figures (the same as the text's).
            let counted = lf.districts.filter(\.counted)
            rows.append(["合计", "计入 \(counted.count) 个"]
                        + (shares ? [Briefing.number(lf.target?.shares.map(\.value).reduce(0, +) ?? 0)] : [])
                        + ["\(lf.items)"] + l.shownStatuses.map { "\(lf.byStatus[$0] ?? 0)" }
                        + (l.money != nil ? [Briefing.wan(lf.plannedInvestment, unit: false)] : []) + [""])
            let header = [l.unitLabel, "报送情况"] + (shares ? ["分解目标"] : []) + [l.countLabel] + l.shownStatuses
                + (l.money != nil ? [lf.moneyHeading] : []) + ["说明"]
            s += "各\(l.unitLabel)情况见" + doc.annex("各\(l.unitLabel)\(lf.spec.name)汇总", header, rows, key: "ledger:" + l.sheet) + "。"
            doc.paragraph(s)
            if let money = money(lf) { doc.paragraph(money) }
        }
    }

    /// A unit's line in the ledger attachment: what its figures leave out, in a reader's words.
    static func note(_ d: Figures.DistrictLedger, _ lf: Figures.LedgerFigures) -> String {
        let l = lf.decl
        switch d.state {
        case .returned:
            return "文件被退回，未计入" + (d.items > 0 ? "（文件中报 \(d.items) \(l.counter)\(l.label)、\(l.done) \(d.byStatus[l.done] ?? 0) \(l.counter)）" : "")
        case .missing: return "未报送"
        case .unread: return "文件待办公室处理"
        case .reported, .late: return d.errorRows > 0 ? "另有 \(d.errorRows) 行填报有误，未计入" : ""
        }
    }

    /// What a ledger's figures leave out: returned and missing units, rows with errors.
    func exclusion(_ lf: Figures.LedgerFigures) -> String {
        let l = lf.decl
        var parts: [String] = []
        for d in lf.rejectedDistricts {
            parts.append("被退回的\(d.unit.name)" + (d.items > 0 ? "（文件中报 \(d.items) \(l.counter)\(l.label)、\(l.done) \(d.byStatus[l.done] ?? 0) \(l.counter)）" : ""))
        }
        for d in lf.missingDistricts { parts.append("未报送的\(d.unit.name)") }
        for d in lf.unreadDistricts { parts.append("文件待办公室处理的\(d.unit.name)") }
        let withErrors = lf.districts.filter { $0.counted && $0.errorRows > 0 }
        if !withErrors.isEmpty {
            let e = lf.errorLedger, distinct = e.items - e.repeated, done = e.byStatus[l.done] ?? 0
            var what = distinct > 0 ? "填报有误、待更正的 \(distinct) \(l.counter)\(l.label)" : ""
            if e.repeated > 0 { what += (what.isEmpty ? "" : "及") + "重复填报的 \(e.repeated) 行" }
            parts.append(what + "（\(Briefing.list(withErrors.map(\.unit.name)))" + (done > 0 ? "，其中报\(l.done)的 \(done) \(l.counter)" : "") + "）")
        }
        return parts.isEmpty ? "" : "以上数字不含" + parts.joined(separator: "、") + "。"
    }

    /// The money sentence: the total, every source (those at zero named as such, not folded into
    /// a sum), the declared share, the extras, and rows whose sources do not add up.
    func money(_ lf: Figures.LedgerFigures) -> String? {
        guard let money = lf.decl.money, lf.plannedInvestment > 0 else {
            return lf.extras.isEmpty ? nil : "已计划" + extras(lf) + "。"
        }
        let nonzero = lf.investmentBySource.filter { $0.amount != 0 }
        let zero = lf.investmentBySource.filter { $0.amount == 0 }.map(\.name)
        var text = "\(lf.moneyName)合计 \(Briefing.wan(lf.plannedInvestment, unit: money.unit))"
        if !nonzero.isEmpty { text += "，其中" + nonzero.map { "\($0.name) \(Briefing.wan($0.amount, unit: money.unit))" }.joined(separator: "、") }
        text += zero.isEmpty ? "。" : "；\(Briefing.list(zero))均为 0。"
        if let label = money.shareLabel, !money.shareParts.isEmpty {
            let parts = lf.investmentBySource.filter { money.shareParts.contains($0.id) }
            let share = parts.map(\.amount).reduce(0, +)
            let zeroParts = parts.filter { $0.amount == 0 }.map(\.name)
            text += "\(label)合计 \(Briefing.wan(share, unit: money.unit))，占 \(Pace.percent(share / lf.plannedInvestment))"
            text += zeroParts.isEmpty ? "。" : "（其中\(Briefing.list(zeroParts))为 0）。"
        }
        if !lf.extras.isEmpty { text += "已计划" + extras(lf) + "。" }
        let sourceSum = FieldReader.rounded(lf.investmentBySource.map(\.amount).reduce(0, +))
        if !lf.investmentGaps.isEmpty {
            text += "\(lf.moneyName)合计与各\(money.partsLabel)之和相差 \(Briefing.wan(abs(lf.plannedInvestment - sourceSum), unit: money.unit))，因"
                + lf.investmentGaps.map { "\($0.unit.name)“\($0.item)”的\(lf.moneyName) \(Briefing.wan($0.investment, unit: money.unit))与各\(money.partsLabel)之和 \(Briefing.wan($0.sources, unit: money.unit))不一致" }
                    .joined(separator: "、") + "，已请核实。"
        }
        return text
    }

    private func extras(_ lf: Figures.LedgerFigures) -> String {
        lf.extras.map { e in "\(e.label) \(e.integer ? Briefing.count(Int(e.amount)) : Briefing.wan(e.amount, unit: false)) \(e.unit)" }
            .joined(separator: "、")
    }

    private mutating func tasks() {
        guard let p = figures.progress else { return }
        doc.heading("任务推进情况")
        let f = figures
        let counts = p.colouredOrder.map { "\($0) \(f.taskStatus[$0] ?? 0) 条" }.joined(separator: "、")
        var text = "\(plan.tasks.count) 项任务共有进展记录 \(f.taskRows) 条：\(counts)。"
        if !f.taskErrorRows.isEmpty {
            // What each row says, not the check's wording (that is in the unit's 反馈).
            text += "另有 \(f.taskErrorRows.count) 条填报有误、已请更正，未计入以上统计："
                + f.taskErrorRows.map { e in "\(e.unit.name)任务 \(e.task) 报“\(e.status ?? "（未填）")”" }.joined(separator: "；") + "。"
        }
        let rows = report.rows(p.sheet)
        let tableRows = plan.tasks.compactMap { task -> [String]? in
            let mine = rows.filter { $0.row.values[p.task]?.text == task.id }
            guard !mine.isEmpty else { return nil }
            let counted = mine.filter(\.row.accepted)
            let avg = p.percent.flatMap { field -> String? in
                let values = counted.compactMap { $0.row.values[field]?.number }
                return values.isEmpty ? nil : String(format: "%.0f%%", values.reduce(0, +) / Double(values.count))
            } ?? "—"
            func n(_ status: String?) -> String { status.map { s in "\(counted.filter { $0.row.values[p.status]?.text == s }.count)" } ?? "—" }
            return ["\(task.id) \(task.title)", lead(task), "\(counted.count)", avg, n(p.done), n(p.lagging), "\(mine.count - counted.count)"]
        }
        text += "各项任务推进情况见" + doc.annex("各项任务推进情况",
                                            ["任务", "牵头单位", "报告单位", "平均进度", p.done ?? "完成", p.lagging ?? "滞后", "有误未计入"], tableRows,
                                            key: "tasks") + "。"
        doc.paragraph(text)
        if let lagging = p.lagging, !f.lagging.isEmpty {
            let lag = f.laggingCounted
            let tasks = plan.tasks.filter { t in lag.contains { $0.task == t.id } }
            if !tasks.isEmpty {
                doc.paragraph("报告\(lagging)的任务 \(tasks.count) 项、\(lag.count) 条：")
                doc.bullets(tasks.map { t in
                    "\(t.id) \(t.title)（牵头：\(lead(t))）：\(Briefing.list(lag.filter { $0.task == t.id }.map(\.unit.name)))报\(lagging)。"
                })
            }
            doc.paragraph("各单位说明的\(lagging)原因：")
            let items = f.lagging.map { lag -> (text: String, source: String) in
                let source = "\(lag.unit.name)（任务 \(lag.task)）"
                let text = lag.problems.isEmpty ? "（未说明原因）" : Briefing.excerpt(lag.problems, limit: 120)
                return (text, lag.error.isEmpty ? source : source + "，该条有误未计入")
            }
            doc.quotes(items)
        }
    }

    private mutating func compared() {
        guard let comparison else { return }
        doc.heading("与上期比较")
        // Attachments first registered here, in the order the paragraphs refer to them.
        var labels: [String: String] = [:]
        for lf in figures.ledgers {
            let rows = comparison.firstCompletionRows(lf.decl.sheet)
            guard !rows.isEmpty else { continue }
            labels[lf.decl.sheet] = doc.annex("本期首次报\(lf.decl.done)的\(lf.decl.label)",
                                              [lf.decl.unitLabel, lf.decl.label, "上期状态"], rows, key: "first:" + lf.decl.sheet)
        }
        let moves = comparison.statusMoveRows()
        if !moves.isEmpty {
            labels["status"] = doc.annex("\(figures.progress?.sheetName ?? "")状态较上期变化的事项", ["单位", "任务", "上期", "本期"], moves,
                                           key: "status")
        }
        doc.append(comparison.briefingBlocks { labels[$0] ?? "附件" })
    }

    private mutating func indicators() {
        guard let decl = figures.indicatorsDecl else { return }
        let f = figures
        let name = plan.sheet(decl.sheet)?.name ?? decl.sheet
        doc.heading(name)
        let list = f.indicators
        guard !list.isEmpty else {
            doc.paragraph("本期没有计入统计的\(name)。")
            return
        }
        let units = Set(list.map(\.unit.id)).count
        let reached = list.filter(\.reached)
        let behind = list.filter { !$0.reached && $0.behind }
        let noTarget = list.filter { $0.target <= 0 }
        var s = "\(units) 个单位报\(name) \(list.count) 项：累计完成值已达年度目标的 \(reached.count) 项，"
        s += "未达目标但不慢于时间进度的 \(list.count - reached.count - behind.count - noTarget.count) 项，落后于时间进度的 \(behind.count) 项"
        s += noTarget.isEmpty ? "" : "，未填目标值的 \(noTarget.count) 项"
        s += "（时间进度按各指标的完成时限计）。"
        if f.indicatorErrorRows > 0 { s += "另有 \(f.indicatorErrorRows) 项填报有误，未计入。" }
        if !behind.isEmpty {
            let rows = behind.map { i -> [String] in
                [i.unit.name, i.name, "\(NumberText.format(i.target)) \(i.measure)", "\(NumberText.format(i.done)) \(i.measure)",
                 i.doneShare.map(Pace.percent) ?? "—", Pace.percent(i.timeShare), i.due.map { "\($0.month)月\($0.day)日" } ?? ""]
            }
            s += "落后的指标见" + doc.annex("落后于时间进度的\(name)", ["单位", "指标", "年度目标", "累计完成", "完成率", "时间进度", "完成时限"], rows,
                                         key: "indicators") + "。"
        }
        doc.paragraph(s)
    }

    private mutating func publicity() {
        guard let decl = plan.outputs.publicity, result.round.sheets.contains(decl.sheet) else { return }
        let name = plan.sheet(decl.sheet)?.name ?? decl.sheet
        let asked = result.units.filter { plan.asks($0.unit, for: decl.sheet, in: result.round) }
        let counted = asked.filter { $0.status == .accepted }
        let none = counted.filter { (figures.publicityByUnit[$0.unit.id] ?? 0) == 0 }
        let some = counted.count - none.count
        var s = "本期 \(some) 个单位报送\(name) \(figures.publicityItems) 篇"
        if none.isEmpty {
            s += "，已报送的单位均报送了\(name)。"
        } else {
            let declared = none.filter { $0.submission?.nilSheets.contains(decl.sheet) ?? false }
            s += "；没有报送\(name)的单位 \(none.count) 个：" + none.map { u in
                declared.contains { $0.unit.id == u.unit.id } ? "\(u.unit.name)（声明本期无）" : u.unit.name
            }.joined(separator: "、") + "。"
        }
        let out = asked.count - counted.count
        if out > 0 { s += "未报送或被退回的 \(out) 个单位的\(name)未能统计。" }
        if decl.perMonthMin > 0 { s += "工作方案要求各单位每月报送不少于 \(decl.perMonthMin) 篇。" }
        doc.heading("\(name)报送")
        doc.paragraph(s)
    }

    private mutating func problems() {
        let progress = figures.progress
        let raised = progress.map { p in
            report.acceptedRows(p.sheet).compactMap { item -> (text: String, source: String)? in
                guard let field = p.problems, let text = item.row.values[field]?.text, !text.isEmpty,
                      p.lagging == nil || item.row.values[p.status]?.text != p.lagging else { return nil }
                return (Briefing.excerpt(text, limit: 120), item.unit.name)
            }
        } ?? []
        let summary = plan.outputs.summary
        let summaryProblems = summary.map { decl in
            report.acceptedRows(decl.sheet).compactMap { row -> (text: String, source: String)? in
                decl.problems.flatMap { row.row.values[$0] }.map { (Briefing.excerpt($0.text, limit: 120), row.unit.name) }
            }
        } ?? []
        let groups = Briefing.grouped(summaryProblems + raised).map { g in (g.text, Briefing.uniqued(g.sources)) }
        guard !groups.isEmpty else { return }
        doc.heading("各单位反映的主要问题")
        let units = Set((summaryProblems + raised).map(\.source)).count
        doc.paragraph("\(units) 个单位反映问题 \(summaryProblems.count + raised.count) 条，归并为 \(groups.count) 类：")
        for (text, sources) in groups.sorted(by: { $0.1.count > $1.1.count }) {
            doc.append([.quote(text, source: "\(Briefing.list(sources))（\(sources.count) 个单位）")])
        }
    }

    /// The summary's practices: texts that differ only by the unit's own name are one
    /// statement (`34 个单位均报告：…`); each unit's excerpt is an attachment.
    private mutating func practices() {
        guard let decl = plan.outputs.summary, let field = decl.practice, result.round.sheets.contains(decl.sheet) else { return }
        let name = plan.sheet(decl.sheet)?.name ?? decl.sheet
        let items = report.acceptedRows(decl.sheet).compactMap { row -> (unit: ReportingUnit, text: String)? in
            row.row.values[field].map { (row.unit, Briefing.excerpt($0.text, limit: 140)) }
        }
        guard !items.isEmpty else { return }
        let general = Briefing.grouped(items.map { (Self.withoutOwnName($0.text, $0.unit), $0.unit.name) })
        doc.heading("\(name)摘要")
        var s = "\(items.count) 个单位报送了\(name)。"
        let shared = general.filter { $0.sources.count > 1 }
        for g in shared {
            let who = g.sources.count == items.count ? "" : "（\(Briefing.list(g.sources))）"
            s += (g.sources.count == items.count ? "各单位均报告" : "\(g.sources.count) 个单位均报告\(who)") + "：“\(g.text)”"
        }
        // Each unit's own words: a few in the text, more as an attachment.
        let own = general.filter { $0.sources.count == 1 }
        if !own.isEmpty {
            if !shared.isEmpty { s += "其余 \(own.count) 个单位各有侧重" }
            if own.count > 8 {
                let label = doc.annex("各单位\(name)摘录", ["单位", "主要做法摘录"],
                                      items.filter { u in own.contains { $0.sources[0] == u.unit.name } }.map { [$0.unit.name, $0.text] },
                                      key: "practice")
                s += (shared.isEmpty ? "各单位摘录" : "，摘录") + "见\(label)。"
            } else {
                s += shared.isEmpty ? "" : "："
            }
        }
        doc.paragraph(s)
        if !own.isEmpty && own.count <= 8 {
            doc.bullets(own.map { "\($0.sources[0])：\($0.text)" })
        }
    }

    /// A text with the unit's own name at its start replaced by 本单位 (so texts differing only by
    /// the name group), or as it is.
    static func withoutOwnName(_ text: String, _ unit: ReportingUnit) -> String {
        for name in [unit.name, shortName(unit)] where text.hasPrefix(name) && text.count > name.count {
            return String(text.dropFirst(name.count))
        }
        return text
    }

    private mutating func reporting() {
        let t = result.totals
        var s = "本期应报送单位 \(t.expected) 个，已报送 \(accepted.count) 个"
        s += late.isEmpty ? "，均按时报送。" : "，其中迟报 \(late.count) 个（\(Briefing.list(late.map(\.unit.name)))）。"
        if !rejected.isEmpty {
            s += "被退回 \(rejected.count) 个：" + rejected.map { "\($0.unit.name)（\(returnReason($0))）" }.joined(separator: "；") + "，已请其按要求\(resubmitBy)重新报送。"
        }
        if !missing.isEmpty { s += "尚未报送 \(missing.count) 个：\(Briefing.list(missing.map(\.unit.name)))。" }
        if !unread.isEmpty { s += "另有 \(unread.count) 个单位（\(Briefing.list(unread.map(\.unit.name)))）已报送，文件待办公室处理后计入。" }
        if !withErrorRows.isEmpty {
            s += "\(withErrorRows.count) 个单位报送的部分数据有误（\(Briefing.list(withErrorRows.map(\.unit.name)))），有误部分未计入本期统计，已请其更正后\(resubmitBy)重新报送。"
        }
        doc.heading("报送情况")
        doc.paragraph(s)
    }

    private mutating func nextSteps() {
        var next: [String] = []
        if !missing.isEmpty { next.append("请尚未报送的 \(missing.count) 个单位尽快补报。") }
        if !rejected.isEmpty { next.append("请被退回的 \(rejected.count) 个单位按反馈表修改后\(resubmitBy)重新报送。") }
        if !withErrorRows.isEmpty { next.append("请部分数据有误的 \(withErrorRows.count) 个单位按反馈表更正后\(resubmitBy)重新报送。") }
        if let lagging = figures.progress?.lagging, !figures.laggingCounted.isEmpty {
            let tasks = plan.tasks.filter { t in figures.laggingCounted.contains { $0.task == t.id } }
            next.append("对报告\(lagging)的 \(tasks.count) 项任务（\(tasks.map(\.id).joined(separator: "、"))）加强调度，请牵头单位提出解决措施。")
        }
        for t in trends where t.current.pace.behind {
            let l = t.ledger.decl
            next.append(l.urging(percent: Pace.percent(t.current.pace.doneShare), subject: t.ledger.target?.name ?? l.label))
        }
        if next.isEmpty { next.append("各单位按计划继续推进，按时报送下期进展。") }
        doc.heading("下步工作建议")
        doc.bullets(next)
    }
}
