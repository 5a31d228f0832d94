import Foundation
import TianbaoMerge
import TianbaoPlan
import TianbaoSupport

/// The 回头看 briefing: the year's review as a 工作简报 (the round briefing's form: masthead,
/// office, date, 报送/抄送), rendered as Markdown, HTML and .docx by the round briefing's
/// renderers. Sections follow the plan's declarations, numbered as they come.
public enum ReviewBriefing {
    /// `回头看简报-2021`, the files' base name.
    public static func baseName(year: Int) -> String { "回头看简报-\(year)" }

    public static func make(_ review: YearReview) -> BriefingPage {
        let plan = review.plan
        let rounds = review.rounds
        var blocks: [Briefing.Block] = []
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        var section = 0
        func heading(_ text: String) {
            blocks.append(.heading("\(numerals[min(section, numerals.count - 1)])、\(text)"))
            section += 1
        }
        let ids = rounds.map(\.id)
        let last = rounds.count - 1
        let lastDue = rounds.last?.due ?? Day(year: review.year, month: 12, day: 31)
        blocks.append(.paragraph("\(review.year) 年共汇总 \(rounds.count) 轮报送（\(ids.joined(separator: "、"))），"
            + "本简报据汇总档案逐轮回头看：各单位报送是否及时、各项任务推进和目标完成情况、\(plan.outputs.ledgers.map { "\($0.called)状态变化、" }.joined())"
            + "反映的问题是否解决。各项数字只计通过校验的数据；工作簿“\(ReviewWorkbook.fileName(year: review.year))”逐项列出明细。"))

        // 报送情况
        heading("报送情况")
        var table: [[String]] = []
        for (k, round) in rounds.enumerated() {
            let states = review.units.map { $0.states[k] }
            let expected = states.filter { $0 != .notExpected }.count
            let c = { (s: YearReview.UnitState) in states.filter { $0 == s }.count }
            let rate = expected == 0 ? 0 : Double(c(.onTime) + c(.late)) / Double(expected) * 100
            table.append([round.id, "\(expected)", "\(c(.onTime))", "\(c(.late))", "\(c(.rejected))", "\(c(.missing))", pct(rate)])
        }
        blocks.append(.table(["轮次", "应报送", "按时", "迟报", "被退回", "未报送", "报送率"], table))
        let expectedUnits = review.units.filter { $0.expected > 0 }
        let allOnTime = expectedUnits.filter { $0.count(.onTime) == $0.expected }
        var p = "\(expectedUnits.count) 个单位中，\(allOnTime.count) 个单位每轮均按时报送"
        let lateOnes = expectedUnits.filter { $0.count(.late) > 0 }
        let missOnes = expectedUnits.filter { $0.count(.missing) + $0.count(.rejected) > 0 }
        p += lateOnes.isEmpty ? "，没有单位迟报" : "；迟报过的 \(lateOnes.count) 个：\(lateOnes.map { "\($0.unit.name)（\($0.count(.late)) 次）" }.joined(separator: "、"))"
        p += missOnes.isEmpty ? "；没有单位缺报或被退回。"
            : "；有未报送或被退回的 \(missOnes.count) 个：\(missOnes.map { u in describeMisses(u) }.joined(separator: "、"))。"
        blocks.append(.paragraph(p))
        let bottom = expectedUnits.filter { $0.rank > 0 }.sorted { ($0.rank, $0.unit.name) > ($1.rank, $1.unit.name) }
        if let worst = bottom.first, worst.onTimeRate < 1 {
            let tail = bottom.filter { $0.rank == worst.rank }.map(\.unit.name)
            blocks.append(.paragraph("按按时率排名，末位为\(tail.joined(separator: "、"))（按时率 \(pct(worst.onTimeRate * 100))）；完整排名见工作簿“\(ReviewWorkbook.punctualityName)”。"))
        }

        // 目标
        if !review.targets.isEmpty {
            heading(plan.outputs.words.targetsHeading)
            for t in review.targets {
                let target = t.target
                let series = zip(ids, t.done).compactMap { id, d in d.map { "\(id) \($0) \(target.unit)" } }
                var s = "\(plan.outputs.words.whole)\(target.name)目标 \(ReviewWorkbook.number(target.value)) \(target.unit)（\(target.due.chinese)前）。"
                if let lastDone = t.done.last ?? nil, target.value > 0 {
                    let share = Double(lastDone) / target.value * 100
                    let time = ReviewWorkbook.elapsed(lastDue, of: target, year: review.year) * 100
                    s += "逐轮已完成：\(series.joined(separator: "，"))。截至 \(ids[last])，完成 \(lastDone) \(target.unit)，占目标的 \(pct(share))；"
                    s += "时间进度 \(pct(time))，" + (share >= time ? "任务进度不落后于时间进度。" : "任务进度落后于时间进度 \(String(format: "%.1f", time - share)) 个百分点。")
                    if !t.leftOut[last].isEmpty { s += "以上不含 \(ids[last]) 未计入的\(t.leftOut[last].joined(separator: "、"))。" }
                } else {
                    s += series.isEmpty ? "年内各轮均未报送此项。" : "逐轮已完成：\(series.joined(separator: "，"))。"
                }
                blocks.append(.paragraph(s))
            }
        }

        // 任务进展
        if let prog = plan.outputs.progress, !review.taskCourses.isEmpty {
            heading("任务推进情况")
            let k = review.statusCounts.lastIndex { !$0.isEmpty } ?? last
            if k >= 0 {
                let counts = prog.statuses.map { "\($0) \(review.statusCounts[k][$0] ?? 0) 条" }.joined(separator: "、")
                blocks.append(.paragraph("截至 \(ids[k])，\(plan.tasks.count) 项任务通过校验的进展记录：\(counts)。各单位每轮的状态见工作簿“\(ReviewWorkbook.courseName(prog.sheetName))”。"))
            }
            if let done = prog.done {
                let reached = review.taskCourses.filter { c in
                    c.cells.last == done && c.cells.dropLast().contains { prog.statuses.contains($0) && $0 != done }
                }
                if !reached.isEmpty {
                    blocks.append(.paragraph("年内转为“\(done)”的有 \(reached.count) 条：\(reached.map { "\($0.unit.name)（\($0.task.id)）" }.joined(separator: "、"))。"))
                }
            }
            if let lagging = prog.lagging {
                let lag = review.taskCourses.filter { $0.cells.contains(lagging) }
                if !lag.isEmpty {
                    blocks.append(.paragraph("年内报告过“\(lagging)”的有 \(lag.count) 条，"
                        + "至 \(ids[last]) 仍为“\(lagging)”的 \(lag.filter { $0.cells.last == lagging }.count) 条："
                        + lag.map { c in "\(c.unit.name)（\(c.task.id)，\(zip(ids, c.cells).filter { $0.1 == lagging }.map(\.0).joined(separator: "、"))）" }.joined(separator: "、") + "。"))
                }
            }
        }

        // 台账状态变化
        for l in review.ledgers where l.decl.name != nil {
            let d = l.decl
            heading("\(l.sheetName)状态变化")
            let back = l.changed.filter(\.wentBack)
            var s = "全年\(d.called)共出现 \(l.itemsSeen) \(d.counter)\(d.label)，年内状态有变化的 \(l.changed.count) \(d.counter)，新\(d.done) \(l.newlyDone) \(d.counter)"
            s += back.isEmpty ? "，没有状态倒退的\(d.label)。" : "；状态倒退的 \(back.count) \(d.counter)，请核实："
            blocks.append(.paragraph(s))
            if !back.isEmpty {
                blocks.append(.bullets(back.map { "\($0.unit.name) \($0.name)：\($0.path.map { "\($0.status)（\($0.round)）" }.joined(separator: " → "))" }))
            }
        }

        // 问题
        if !review.problems.isEmpty {
            heading("反映问题的跟踪")
            let recurred = review.problems.filter(\.recurred)
            let units = Set(review.problems.map(\.unit.id)).count
            blocks.append(.paragraph("年内 \(units) 个单位就 \(review.problems.count) 个事项反映了问题，其中 \(recurred.count) 个在此后的轮次中再次反映"
                + (recurred.isEmpty ? "。" : "（\(recurred.filter(\.sameText).count) 个原文重复），尚未解决，列出如下：")))
            // Identical words once, with every unit that raised them (as the round briefing groups).
            let items = recurred.map { p -> (text: String, source: String) in
                let subject = plan.task(p.subject).map { "任务 \($0.id)" } ?? p.subject
                return (Briefing.excerpt(p.latest ?? p.text, limit: 120), "\(p.unit.name)（\(subject)，\(p.rounds.joined(separator: "、"))）")
            }
            for group in Briefing.grouped(items) {
                blocks.append(.quote(group.text, source: group.sources.joined(separator: "；")))
            }
        }

        // 宣传信息
        if let pub = review.publicity {
            heading("\(pub.sheetName)报送")
            let total = pub.counts.map { $0.perMonth.reduce(0, +) }.reduce(0, +)
            let short = review.publicityShortfalls
            var s = "\(pub.months.first.map { "\($0)" } ?? "")—\(pub.months.last.map { "\($0)" } ?? "")月，\(pub.counts.count) 个单位共报送\(pub.sheetName) \(total) 篇"
            s += short.isEmpty ? "，各单位每月均不少于 \(pub.decl.perMonthMin) 篇。"
                : "；有月份少于 \(pub.decl.perMonthMin) 篇的单位 \(short.count) 个：" + short.map { "\($0.unit.name)（\($0.months.map { "\($0)月" }.joined(separator: "、"))）" }.joined(separator: "、") + "。"
            blocks.append(.paragraph(s))
        }

        // 下步
        heading("下步工作建议")
        var next: [String] = []
        if !missOnes.isEmpty || !lateOnes.isEmpty { next.append("对迟报、缺报或被退回的单位进行通报，督促其按时、按要求报送。") }
        for l in review.ledgers where l.changed.contains(where: \.wentBack) {
            next.append("核实\(l.sheetName)中状态倒退的\(l.decl.label)，更正台账或说明原因。")
        }
        if review.problems.contains(where: \.recurred) { next.append("对反复反映的问题逐项明确责任单位和解决时限，下轮调度时跟踪落实。") }
        if !review.publicityShortfalls.isEmpty { next.append("督促\(review.publicity?.sheetName ?? "")报送不足的单位补报。") }
        if next.isEmpty { next.append("各单位按计划继续推进，按时报送。") }
        blocks.append(.bullets(next))

        let form = plan.briefing
        return BriefingPage(
            masthead: form.masthead, issue: "\(review.year)年回头看", office: plan.office.name, date: lastDue.chinese,
            title: "\(plan.title)\(review.year)年回头看情况", blocks: blocks,
            sendTo: form.sendTo.isEmpty ? "领导小组组长、副组长" : form.sendTo.joined(separator: "、"),
            copyTo: form.copyTo.isEmpty ? "领导小组各成员单位" : form.copyTo.joined(separator: "、"))
    }

    /// `市水务局（未报送 1 次、被退回 2 次）`.
    static func describeMisses(_ u: YearReview.UnitYear) -> String {
        var parts: [String] = []
        if u.count(.missing) > 0 { parts.append("未报送 \(u.count(.missing)) 次") }
        if u.count(.rejected) > 0 { parts.append("被退回 \(u.count(.rejected)) 次") }
        return "\(u.unit.name)（\(parts.joined(separator: "、"))）"
    }

    static func pct(_ v: Double) -> String { String(format: "%.1f%%", v) }
}

/// Writes the review's files into a folder: the workbook and the briefing (md, html, docx).
public enum ReviewOutputs {
    /// Writes every file of the review into `folder` (each atomically); returns their paths.
    @discardableResult
    public static func write(_ review: YearReview, to folder: String) throws -> [String] {
        try FileSystem.makeFolder(folder)
        let workbook = (folder as NSString).appendingPathComponent(ReviewWorkbook.fileName(year: review.year))
        try ReviewWorkbook(review).write(to: workbook)
        try FileSystem.syncFile(workbook)
        let page = ReviewBriefing.make(review)
        let base = (folder as NSString).appendingPathComponent(ReviewBriefing.baseName(year: review.year))
        try FileSystem.writeAtomically(Data(page.markdown.utf8), to: base + ".md")
        try FileSystem.writeAtomically(Data(page.html.utf8), to: base + ".html")
        try BriefingDocx(page).write(to: base + ".docx")
        try FileSystem.syncFile(base + ".docx")
        return [workbook, base + ".md", base + ".html", base + ".docx"]
    }
}
