import Foundation
import TianbaoSupport
import TianbaoCheck
import TianbaoPlan

/// The written briefing for leaders (`简报-<round>.md` and `.html`): Chinese prose with figures,
/// built once as blocks and rendered to both formats. Everything units wrote is escaped in
/// the HTML.
public struct Briefing {
    public enum Block {
        case heading(String)
        case paragraph(String)
        case bullets([String])
        case quote(String, source: String)
        case table([String], [[String]])
    }

    public let report: RoundReport
    public var result: RoundResult { report.result }
    public var figures: Figures { report.figures }
    /// The red masthead (`老旧小区改造工作简报`), from the plan.
    public private(set) var masthead = ""
    /// `第 4 期`: the round's position in the plan.
    public private(set) var issue = ""
    /// The issuing office and the date (`2021年6月16日`).
    public private(set) var office = ""
    public private(set) var date = ""
    public private(set) var title = ""
    public private(set) var blocks: [Block] = []
    /// 报送 and 抄送 lines, from the plan.
    public private(set) var sendTo = ""
    public private(set) var copyTo = ""

    /// Earlier rounds from the archive, for the section comparing with last round; nil: no
    /// archive, no such section.
    public var history: RoundHistory? { report.history }

    public init(report: RoundReport) {
        self.report = report
        build()
        typeset()
    }

    /// Every name, joined with 、 (a briefing leaves nobody out).
    static func list(_ names: [String]) -> String { names.joined(separator: "、") }

    /// An amount in 万元 with thousands separators and one decimal: `118,389.4 万元`.
    public static func wan(_ v: Double, unit: Bool = true) -> String {
        let text = Thousands.grouped(String(format: "%.1f", v))
        return unit ? text + " 万元" : text
    }

    static func amount(_ v: Double) -> String { wan(v) }

    /// An amount with thousands separators and one decimal, followed by its unit (none when empty).
    public static func wan(_ v: Double, unit: String) -> String {
        unit.isEmpty ? wan(v, unit: false) : wan(v, unit: false) + " " + unit
    }

    /// A plan's number as written: `300`, `12.5`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }

    /// A count with thousands separators.
    static func count(_ n: Int) -> String { Thousands.grouped(n) }

    static func pct(_ v: Double) -> String { String(format: "%.1f%%", v) }

    /// First sentence (up to 。;!) of a text, at most `limit` characters; a cut is marked ……
    public static func excerpt(_ s: String, limit: Int = 80) -> String {
        var out = ""
        for ch in s {
            out.append(ch)
            if "。；；!!".contains(ch) || out.count >= limit { break }
        }
        return out.count < s.count && !"。；；!!".contains(out.last ?? " ") ? out + "……" : out
    }

    /// Identical texts once, each with the units (and tasks) that gave it, in first-seen order.
    public static func grouped(_ items: [(text: String, source: String)]) -> [(text: String, sources: [String])] {
        var order: [String] = []
        var sources: [String: [String]] = [:]
        for item in items {
            let key = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if sources[key] == nil { order.append(key) }
            sources[key, default: []].append(item.source)
        }
        return order.map { ($0, sources[$0]!) }
    }

    /// The date the briefing speaks for: the day the last file that counts was saved, but not
    /// before the round's due date (the same inputs give the same briefing).
    static func issueDay(_ r: RoundResult) -> Day {
        let saved = r.units.compactMap { $0.status == .accepted ? $0.submission?.savedAt : nil }.map(RoundResult.chinaDay).max()
        return max(saved ?? r.round.due, r.round.due)
    }

    private mutating func build() {
        let r = result, t = r.totals, f = figures, round = r.round
        let form = r.plan.briefing
        masthead = form.masthead
        let position = (r.plan.rounds.firstIndex { $0.id == round.id } ?? 0) + form.firstIssue
        issue = "第 \(position) 期"
        office = r.plan.office.name
        date = Self.issueDay(r).chinese
        title = "\(r.plan.title)\(round.title)情况"
        sendTo = form.sendTo.isEmpty ? "领导小组组长、副组长" : form.sendTo.joined(separator: "、")
        copyTo = form.copyTo.isEmpty ? "领导小组各成员单位" : form.copyTo.joined(separator: "、")
        blocks.append(.paragraph("本期为\(round.title)（轮次 \(round.id),\(round.start.chinese)至\(round.due.chinese)），"
            + "由\(office)根据各单位报送材料汇总。各项数字只计通过校验的数据；未计入的部分在数字旁逐项说明。"))

        // 一、报送情况
        blocks.append(.heading("一、报送情况"))
        let late = r.units.filter { $0.status == .accepted && $0.late }.map(\.unit.name)
        let rejected = r.units.filter { $0.status == .rejected }
        let missing = r.units.filter { $0.status == .missing && $0.unreadFiles.isEmpty }.map(\.unit.name)
        // Files the office could not read are the office's problem, not the unit's (issue 12).
        let unread = r.units.filter { $0.status == .missing && !$0.unreadFiles.isEmpty }.map(\.unit.name)
        var p = "本期应报送单位 \(t.expected) 个，已报送并通过校验 \(t.accepted) 个，报送率 \(Self.pct(t.expected > 0 ? Double(t.accepted) / Double(t.expected) * 100 : 0))"
        p += late.isEmpty ? "，均按时报送。" : "，其中按时 \(t.accepted - late.count) 个、迟报 \(late.count) 个（\(Self.list(late))）。"
        if !rejected.isEmpty {
            p += "被退回 \(rejected.count) 个（\(Self.list(rejected.map(\.unit.name)))），已生成反馈表，请发回各单位按要求修改后重新报送。"
        }
        if !unread.isEmpty {
            p += "另有 \(unread.count) 个单位（\(Self.list(unread))）已报送，但办公室暂时无法读取其文件，待处理后重新汇总。"
        }
        p += missing.isEmpty ? (unread.isEmpty ? "所有单位均已报送。" : "") : "尚未报送 \(missing.count) 个：\(Self.list(missing))。"
        blocks.append(.paragraph(p))
        let withErrorRows = r.units.filter { u in
            u.status == .accepted && (u.submission.map { $0.rowsRead > $0.rowsAccepted } ?? false)
        }
        if !withErrorRows.isEmpty {
            let parts = withErrorRows.map { u -> String in
                let s = u.submission!
                return "\(u.unit.name) \(s.rowsRead - s.rowsAccepted) 行"
            }
            blocks.append(.paragraph("已接收的文件中，有 \(withErrorRows.count) 个单位的部分数据行有错误，未计入汇总数字：\(parts.joined(separator: "、"))。"
                + "这些行仍列在汇总表各明细表中，标为“有误”并写明问题；已生成反馈表，请发回相关单位更正。"))
        }
        if !f.nilUnits.isEmpty {
            blocks.append(.paragraph("声明部分表单“本期无”的单位 \(f.nilUnits.count) 个：\(Self.list(f.nilUnits.map(\.name)))。"))
        }

        // Sections are numbered as they come: a plan without a ledger or a progress sheet has
        // no such section.
        let numerals = ["二", "三", "四", "五", "六", "七", "八", "九", "十"]
        var section = 0
        func heading(_ text: String) -> Block {
            defer { section += 1 }
            return .heading("\(numerals[min(section, numerals.count - 1)])、\(text)")
        }
        let words = r.plan.outputs.words

        // 二、目标进度: each declared ledger the round asks for.
        if !f.ledgers.isEmpty { blocks.append(heading(words.targetsHeading)) }
        for lf in f.ledgers {
            let l = lf.decl
            let exclusion = ConsolidatedWorkbookWriter.exclusionNote(lf)
            let others = l.shownStatuses.dropFirst().map { "\($0) \(lf.byStatus[$0] ?? 0) \(l.counter)" }.joined(separator: ",")
            var s = ""
            if let target = lf.target {
                s += "\(words.whole)\(target.name)目标为 \(Self.number(target.value)) \(target.unit)（\(target.due.chinese)前）。"
            }
            s += "\(words.units)\(l.called)共报 \(lf.items) \(l.counter)\(l.label)，其中\(l.done) \(lf.done) \(l.counter)"
            if lf.target != nil { s += "，完成年度目标的 \(Self.pct(lf.targetPercent ?? 0))" }
            s += others.isEmpty ? "" : ";" + others
            s += exclusion.isEmpty ? "。" : "。以上数字" + exclusion + "。"
            if let target = lf.target, lf.items < Int(target.value) {
                s += "已计入的\(l.countLabel)总数距年度目标尚差 \(Self.number(target.value - Double(lf.items))) \(l.counter)，需加快项目储备。"
            }
            blocks.append(.paragraph(s))
            if !lf.districts.isEmpty {
                let counted = lf.districts.filter { $0.status != "被退回" && $0.status != "未报送" }
                    .sorted { ($0.byStatus[l.done] ?? 0, $0.items) > ($1.byStatus[l.done] ?? 0, $1.items) }
                let excludedRows = lf.districts.filter { $0.status == "被退回" || $0.status == "未报送" }
                let money = l.money != nil
                let header = [l.unitLabel, "报送情况", l.countLabel] + l.shownStatuses + (money ? [lf.moneyHeading] : []) + ["说明"]
                blocks.append(.table(header, (counted + excludedRows).map { d in
                    let excluded = d.status == "被退回" || d.status == "未报送"
                    let note = ConsolidatedWorkbookWriter.districtNote(d, lf)
                    let figures = excluded ? Array(repeating: "—", count: header.count - 3)
                        : ["\(d.items)"] + l.shownStatuses.map { "\(d.byStatus[$0] ?? 0)" } + (money ? [Self.wan(d.investment, unit: false)] : [])
                    return [d.unit.name, d.status] + figures + [note]
                }))
            }
            if let money = l.money, lf.plannedInvestment > 0 {
                let parts = lf.investmentBySource.filter { $0.amount > 0 }.map { "\($0.name) \(Self.wan($0.amount, unit: money.unit))" }
                var text = "\(lf.moneyName)合计 \(Self.wan(lf.plannedInvestment, unit: money.unit))"
                text += parts.isEmpty ? "。" : "，其中\(parts.joined(separator: "、"))。"
                if let label = money.shareLabel, !money.shareParts.isEmpty {
                    let share = lf.investmentBySource.filter { money.shareParts.contains($0.id) }.map(\.amount).reduce(0, +)
                    text += "\(label)合计 \(Self.wan(share, unit: money.unit))，占 \(Self.pct(share / lf.plannedInvestment * 100))。"
                }
                if !lf.extras.isEmpty {
                    text += "已计划" + lf.extras.map { e in
                        "\(e.label) \(e.integer ? Self.count(Int(e.amount)) : Self.wan(e.amount, unit: false)) \(e.unit)"
                    }.joined(separator: "、") + "。"
                }
                if let gap = ConsolidatedWorkbookWriter.investmentGapNote(lf) { text += gap }
                blocks.append(.paragraph(text))
            } else if !lf.extras.isEmpty {
                blocks.append(.paragraph("已计划" + lf.extras.map { e in
                    "\(e.label) \(e.integer ? Self.count(Int(e.amount)) : Self.wan(e.amount, unit: false)) \(e.unit)"
                }.joined(separator: "、") + "。"))
            }
        }

        // 三、任务推进: the declared progress sheet.
        var progressRows: [(unit: ReportingUnit, row: CheckedRow)] = []
        if let p = f.progress {
            blocks.append(heading("任务推进情况"))
            let counts = p.statuses.map { "\($0) \(f.taskStatus[$0] ?? 0) 条" }.joined(separator: "、")
            var taskText = "\(r.plan.tasks.count) 项任务共收到通过校验的进展记录 \(f.taskRows) 条：\(counts)。"
            if let note = ConsolidatedWorkbookWriter.taskErrorNote(f) { taskText += note }
            blocks.append(.paragraph(taskText))
            for item in report.rows(p.sheet) { progressRows.append((item.unit, item.row)) }
            var taskLines: [String] = []
            for task in r.plan.tasks {
                let mine = progressRows.filter { $0.row.values[p.task]?.text == task.id }
                let rows = mine.filter { $0.row.accepted }
                let wrong = mine.filter { !$0.row.accepted }
                guard !mine.isEmpty else { continue }
                var line = "\(task.id) \(task.title):\(rows.count) 个单位报告"
                if !rows.isEmpty, let percent = p.percent {
                    let avg = rows.compactMap { $0.row.values[percent]?.number }.reduce(0, +) / Double(rows.count)
                    line += "，平均完成进度 \(String(format: "%.0f", avg))%"
                }
                if let lagging = p.lagging {
                    let lag = rows.filter { $0.row.values[p.status]?.text == lagging }.map(\.unit.name)
                    if !lag.isEmpty { line += ",\(lagging) \(lag.count) 个（\(Self.list(lag))）" }
                }
                if !wrong.isEmpty {
                    let parts = wrong.map { "\($0.unit.name)报“\($0.row.values[p.status]?.text ?? "未填")”" }
                    line += "；另有 \(wrong.count) 条有误未计入（\(parts.joined(separator: "、"))）"
                }
                taskLines.append(line + "。")
            }
            if !taskLines.isEmpty { blocks.append(.bullets(taskLines)) }
            if let lagging = p.lagging, !f.lagging.isEmpty {
                blocks.append(.paragraph("各单位报告\(lagging)的事项共 \(f.lagging.count) 条（其中 \(f.laggingWithErrors.count) 条该行有错误、未计入统计，一并列出），原因如下："))
                let items = f.lagging.map { lag -> (text: String, source: String) in
                    let task = r.plan.task(lag.task)
                    let source = "\(lag.unit.name)（任务 \(lag.task) \(task?.title ?? "")）"
                    let text = lag.problems.isEmpty ? "（未说明原因）" : Self.excerpt(lag.problems, limit: 120)
                    return (text, lag.error.isEmpty ? source : source + "，该行有误：" + lag.error)
                }
                for group in Self.grouped(items) {
                    blocks.append(.quote(group.text, source: group.sources.joined(separator: ";")))
                }
            }
        }

        // 四、存在问题
        let progress = f.progress
        let raised = progressRows.compactMap { item -> (text: String, source: String)? in
            guard item.row.accepted, let field = progress?.problems, let text = item.row.values[field]?.text, !text.isEmpty,
                  progress?.lagging == nil || item.row.values[progress!.status]?.text != progress?.lagging else { return nil }
            return (Self.excerpt(text, limit: 120), item.unit.name)
        }
        let summary = r.plan.outputs.summary
        let summaryProblems = summary.map { decl in
            report.acceptedRows(decl.sheet).compactMap { row -> (text: String, source: String)? in
                decl.problems.flatMap { row.row.values[$0] }.map { (Self.excerpt($0.text, limit: 120), row.unit.name) }
            }
        } ?? []
        let problemGroups = Self.grouped(summaryProblems + raised).map { g in (g.text, Self.uniqued(g.sources)) }
        if !problemGroups.isEmpty {
            let units = Set((summaryProblems + raised).map(\.source)).count
            blocks.append(heading("各单位反映的主要问题"))
            blocks.append(.paragraph("\(units) 个单位反映问题 \(summaryProblems.count + raised.count) 条，归并为 \(problemGroups.count) 类，全部列出："))
            for (text, sources) in problemGroups {
                blocks.append(.quote(text, source: "\(Self.list(sources))（\(sources.count) 个单位）"))
            }
        }

        // 五、工作小结摘录
        let practices = summary.map { decl in
            report.acceptedRows(decl.sheet).compactMap { row -> (ReportingUnit, String)? in
                decl.practice.flatMap { row.row.values[$0] }.map { (row.unit, $0.text) }
            }
        } ?? []
        if !practices.isEmpty {
            let name = summary.flatMap { r.plan.sheet($0.sheet)?.name } ?? ""
            blocks.append(heading("\(name)摘录"))
            blocks.append(.paragraph("\(practices.count) 个单位报送了\(name)，各摘首句如下："))
            blocks.append(.bullets(practices.map { "\($0.0.name):\(Self.excerpt($0.1, limit: 140))" }))
        }

        // 与上期比较: the 环比 and the trend against the time elapsed (with an archive).
        if let history {
            blocks.append(heading("与上期比较及进度趋势"))
            blocks += ComparisonSection(result: r, figures: f, history: history).briefingBlocks()
        }

        // 下步建议
        blocks.append(heading("下步工作建议"))
        var next: [String] = []
        if !missing.isEmpty { next.append("请尚未报送的 \(missing.count) 个单位尽快补报（催报清单见汇总表“报送情况”）。") }
        if !rejected.isEmpty { next.append("请被退回的 \(rejected.count) 个单位按反馈表逐项修改后重新报送。") }
        if !withErrorRows.isEmpty { next.append("请部分数据有误的 \(withErrorRows.count) 个单位按反馈表更正后重新报送，更正后的数据计入下期汇总。") }
        if let lagging = progress?.lagging, !f.lagging.isEmpty {
            let tasks = Set(f.lagging.map(\.task)).sorted().compactMap { r.plan.task($0) }.map { "\($0.id) \($0.title)" }
            next.append("对报告\(lagging)的任务（\(tasks.joined(separator: "、"))）加强调度，请牵头单位提出解决措施。")
        }
        for lf in f.ledgers {
            guard let pct = lf.targetPercent, pct < 50 else { continue }
            let urge = lf.decl.urge ?? "\(lf.target?.name ?? "")目标完成率 {percent}，请加快推进。"
            next.append(urge.replacingOccurrences(of: "{percent}", with: Self.pct(pct)))
        }
        if next.isEmpty { next.append("各单位按计划继续推进，按时报送下期进展。") }
        blocks.append(.bullets(next))

        blocks.append(.heading("附：数据说明"))
        let problems = r.problems
        let errors = problems.filter { $0.severity == .error }.count
        let rejectedFileRows = r.files.filter { $0.status == .rejected }.compactMap(\.submission).map(\.rowsRead).reduce(0, +)
        let errorRows = t.rowsRejected - rejectedFileRows
        blocks.append(.paragraph("报送文件夹共 \(r.files.count) 个文件；读取数据 \(Self.count(t.rowsRead)) 行，计入汇总 \(Self.count(t.rowsMerged)) 行，"
            + "未计入 \(Self.count(t.rowsRejected)) 行（被退回文件中 \(Self.count(rejectedFileRows)) 行，已接收文件中有误的 \(Self.count(errorRows)) 行，后者在汇总表各明细表中标为“有误”）。"
            + "汇总表“校验问题”逐条列出全部 \(problems.count) 个问题（错误 \(errors) 个、提示 \(problems.count - errors) 个）。"
            + "同一单位报送多份的，以单位最后保存的合格文件为准。"))
    }

    /// Names in first-seen order, each once.
    static func uniqued(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// Chinese typography over everything the briefing says.
    private mutating func typeset() {
        let t = ChineseTypography.apply
        title = t(title)
        blocks = blocks.map(\.typeset)
        sendTo = t(sendTo)
        copyTo = t(copyTo)
    }

    /// The title split into lines of at most `perLine` characters, as even as possible, so no
    /// line is left with one character alone.
    public static func titleLines(_ title: String, perLine: Int) -> [String] {
        let chars = Array(title)
        guard chars.count > perLine, perLine > 0 else { return [title] }
        let n = (chars.count + perLine - 1) / perLine
        let size = (chars.count + n - 1) / n
        return stride(from: 0, to: chars.count, by: size).map { String(chars[$0..<min($0 + size, chars.count)]) }
    }

    // Rendering (markdown, html) is shared with other briefings: see BriefingDocument.

    /// Neutralises Markdown that units' text could inject (links, HTML, emphasis).
    static func mdEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>#!|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out.replacingOccurrences(of: "\n", with: " ")
    }

    /// HTML text escaping (also quotes, for attribute safety).
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
