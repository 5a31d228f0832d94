import Foundation
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// The 回头看 briefing's sections: the figures against target and time (the same `TimeProgress`
/// and `Pace` as the round briefings), who sent late, was returned, sent errors or had problems
/// across rounds, the tasks, the ledger's course (regressions included), the indicators, the
/// problems raised again, publicity, and the 整改清单 that carries each problem until a round
/// shows it resolved. Long lists are 附件 tables. Sections follow the plan's declarations.
struct ReviewBriefingWriter {
    let review: YearReview
    private var plan: Plan { review.plan }
    /// The sections and their 附件, built one after the other.
    private var doc = BriefingBuilder()

    init(review: YearReview) { self.review = review }

    mutating func blocks() -> [Briefing.Block] {
        doc.paragraph(intro())
        punctuality()
        targets()
        tasks()
        ledgers()
        indicators()
        problems()
        publicity()
        rectification()
        nextSteps()
        return doc.blocks()
    }

    private var titles: [String] { review.rounds.map(\.title) }
    private var lastRound: Round? { review.rounds.last }

    private func intro() -> String {
        "\(ReviewBriefing.period(review))共汇总 \(review.rounds.count) 轮报送（\(titles.joined(separator: "、"))）。"
            + "本期对照工作方案逐轮回头看：各单位是否按时、按要求报送，目标和任务进度，\(plan.outputs.ledgers.map { "\($0.called)状态变化、" }.joined())"
            + "反映的问题是否解决，并列出整改清单。各项数字只计各轮已报送且填报无误的数据；工作簿“\(ReviewWorkbook.fileName(year: review.year))”逐项列出明细。"
    }

    // MARK: Sections

    private mutating func punctuality() {
        doc.heading("报送情况")
        let table = review.rounds.enumerated().map { k, round -> [String] in
            let states = review.units.map { $0.states[k] }
            let expected = states.filter { $0 != .notExpected }.count
            let c = { (s: YearReview.UnitState) in states.filter { $0 == s }.count }
            let rate = expected == 0 ? 0 : Double(c(.onTime) + c(.late)) / Double(expected)
            return [round.title, "\(expected)", "\(c(.onTime))", "\(c(.late))", "\(c(.rejected))", "\(c(.missing))", Pace.percent(rate)]
        }
        doc.table(["轮次", "应报送", "按时", "迟报", "被退回", "未报送", "报送率"], table)
        let expectedUnits = review.units.filter { $0.expected > 0 }
        let allOnTime = expectedUnits.filter { $0.count(.onTime) == $0.expected }
        var p = "\(expectedUnits.count) 个单位中，\(allOnTime.count) 个每轮均按时报送"
        let lateOnes = expectedUnits.filter { $0.count(.late) > 0 }
        let missOnes = expectedUnits.filter { $0.count(.missing) + $0.count(.rejected) > 0 }
        p += lateOnes.isEmpty ? "，没有单位迟报" : "；迟报过的 \(lateOnes.count) 个：\(lateOnes.map { "\($0.unit.name)（\($0.count(.late)) 次）" }.joined(separator: "、"))"
        p += missOnes.isEmpty ? "；没有单位缺报或被退回。"
            : "；未报送或被退回过的 \(missOnes.count) 个：\(missOnes.map(ReviewBriefing.describeMisses).joined(separator: "、"))。"
        let withErrors = expectedUnits.filter { !$0.errorRounds.isEmpty }
        if !withErrors.isEmpty {
            p += "报送数据有误的 \(withErrors.count) 个：" + withErrors.map { u in
                "\(u.unit.name)（\(u.errorRounds.compactMap { id in review.rounds.first { $0.id == id }?.title }.joined(separator: "、"))）"
            }.joined(separator: "、") + "。"
        }
        let across = expectedUnits.filter { !$0.acrossRounds.isEmpty }
        if !across.isEmpty {
            p += "与此前各轮或其他单位对照发现问题的 \(across.count) 个：" + across.map { u in
                let rules = Dictionary(grouping: u.acrossRounds, by: { $0.rule.name }).sorted { $0.key < $1.key }
                return "\(u.unit.name)（" + rules.map { "\($0.key) \($0.value.count) 次" }.joined(separator: "、") + "）"
            }.joined(separator: "、") + "。"
        }
        let rows = expectedUnits.filter { u in u.count(.late) + u.count(.rejected) + u.count(.missing) > 0 || !u.errorRounds.isEmpty || !u.acrossRounds.isEmpty }
            .map { u -> [String] in
                ["\(u.unit.name)", "\(u.count(.late))", "\(u.count(.rejected))", "\(u.count(.missing))", "\(u.errorRounds.count)",
                 u.acrossRounds.isEmpty ? "" : u.acrossRounds.map { a in "\(title(a.round))：\(a.rule.name)" }
                    .joined(separator: "；")]
            }
        if !rows.isEmpty {
            p += "各单位逐项情况见" + doc.annex("迟报、退回、未报送、数据有误和跨轮次问题的单位", ["单位", "迟报（次）", "被退回（次）", "未报送（次）", "数据有误（轮）", "与此前各轮或其他单位对照发现的问题"], rows) + "。"
        }
        doc.paragraph(p)
    }

    private mutating func targets() {
        guard !review.targets.isEmpty, let last = lastRound else { return }
        doc.heading(plan.outputs.words.targetsHeading)
        for t in review.targets {
            let target = t.target
            let series = zip(titles, t.done).compactMap { title, d in d.map { "\(title) \($0) \(target.unit)" } }
            var s = "\(plan.outputs.words.whole)\(target.name)目标 \(ReviewWorkbook.number(target.value)) \(target.unit)（\(target.due.chinese)前）。"
            guard let lastDone = t.done.last ?? nil else {
                s += series.isEmpty ? "年内各轮均未报送此项。" : "逐轮已完成：\(series.joined(separator: "，"))。"
                doc.paragraph(s)
                continue
            }
            let period = TimeProgress(target: target, year: review.year)
            let pace = Pace(target: target.value, done: lastDone, timeShare: period.share(at: last.due))
            s += "逐轮已完成：\(series.joined(separator: "，"))。截至\(last.due.chinese)，完成 \(lastDone) \(target.unit)，占目标的 \(Pace.percent(pace.doneShare))；"
            s += "时间进度 \(Pace.percent(pace.timeShare))，按时间进度应完成 \(pace.expected) \(target.unit)"
            s += pace.behind ? "，尚差 \(pace.shortfall) \(target.unit)，\(pace.verdict)。" : "，\(pace.verdict)。"
            s += period.explained(at: last.due) + "；" + Pace.convention + "。"
            if !(t.leftOut.last ?? []).isEmpty { s += "以上不含\(last.title)未计入的\(t.leftOut.last!.joined(separator: "、"))。" }
            if target.shares.isEmpty {
                s += "工作方案未将目标分解到各单位，不判断各单位进度快慢。"
            } else {
                let judged = t.byUnit.compactMap { u -> (ReportingUnit, Pace)? in
                    guard let share = target.share(of: u.unit.id), let done = u.done.last ?? nil else { return nil }
                    return (u.unit, Pace(target: share, done: done, timeShare: pace.timeShare))
                }
                let behind = judged.filter { $0.1.behind }
                s += "按各单位分解目标计，落后于时间进度的 \(behind.count) 个"
                s += behind.isEmpty ? "。" : "：" + behind.map { "\($0.0.name)（应完成 \($0.1.expected)，完成 \($0.1.done)）" }.joined(separator: "、") + "。"
            }
            doc.paragraph(s)
        }
    }

    private mutating func tasks() {
        guard let prog = plan.outputs.progress, !review.taskCourses.isEmpty else { return }
        doc.heading("任务推进情况")
        let k = review.statusCounts.lastIndex { !$0.isEmpty } ?? (review.rounds.count - 1)
        if k >= 0 {
            let counts = prog.colouredOrder.map { "\($0) \(review.statusCounts[k][$0] ?? 0) 条" }.joined(separator: "、")
            doc.paragraph("至\(review.rounds[k].title)，\(plan.tasks.count) 项任务的进展记录：\(counts)。各单位每轮的状态见工作簿“\(ReviewWorkbook.courseName(prog.sheetName))”。")
        }
        if let done = prog.done {
            let reached = review.taskCourses.filter { c in
                c.steps.last == .status(done) && c.steps.dropLast().contains { step in
                    if case .status(let s) = step { return prog.statuses.contains(s) && s != done } else { return false }
                }
            }
            if !reached.isEmpty {
                doc.paragraph("年内转为“\(done)”的 \(reached.count) 条：\(reached.map { "\($0.unit.name)（\($0.task.id)）" }.joined(separator: "、"))。")
            }
        }
        if let lagging = prog.lagging {
            let lag = review.taskCourses.filter { $0.steps.contains(.status(lagging)) }
            if !lag.isEmpty {
                let still = lag.filter { $0.steps.last == .status(lagging) }.count
                doc.paragraph("年内报告过“\(lagging)”的 \(lag.count) 条，" + (still == 0 ? "均已消除。" : "至\(titles.last ?? "")仍为“\(lagging)”的 \(still) 条，已列入整改清单。"))
            }
        }
    }

    private mutating func ledgers() {
        for l in review.ledgers where l.decl.name != nil {
            let d = l.decl
            doc.heading("\(l.sheetName)状态变化")
            let back = l.changed.filter(\.wentBack)
            var s = "年内\(d.called)共出现\(d.label) \(l.itemsSeen) \(d.counter)，状态有变化的 \(l.changed.count) \(d.counter)。"
            // Done items reconciled: first listed as done + turned done = done at the end; of
            // those, the ones of units whose file did not count in the last round are apart.
            s += "按各单位最近一次计入的\(d.called)，报\(d.done)的 \(l.doneAtEnd) \(d.counter)："
                + "首次列入时即为\(d.done)的 \(l.firstSeenDone) \(d.counter)，年内由其他状态转为\(d.done)的 \(l.newlyDone) \(d.counter)"
            if l.doneBeforeLast > 0, let last = lastRound {
                s += "；其中 \(l.doneBeforeLast) \(d.counter)为\(last.title)未计入的单位此前所报，\(last.title)计入的\(d.done) \(l.doneAtEnd - l.doneBeforeLast) \(d.counter)"
            }
            s += back.isEmpty ? "。没有状态倒退的\(d.label)。" : "。状态倒退过的 \(back.count) \(d.counter)（含填报有误、未计入统计的行），已列入整改清单："
            doc.paragraph(s)
            if !back.isEmpty {
                doc.bullets(back.map { item in
                    "\(item.unit.name) \(item.name)：" + item.path.map { step in
                        "\(step.status)（\(review.rounds.first { $0.id == step.round }?.title ?? step.round)\(step.uncounted ? "，有误未计入" : "")）"
                    }.joined(separator: " → ")
                })
            }
        }
    }

    private mutating func indicators() {
        guard let decl = plan.outputs.indicators, let last = lastRound, !review.indicators.isEmpty else { return }
        let name = plan.sheet(decl.sheet)?.name ?? decl.sheet
        doc.heading(name)
        let n = review.rounds.count
        // Each indicator judged at the round its latest value comes from.
        let rows = review.indicators.compactMap { i -> (YearReview.IndicatorYear, Double, Bool)? in
            guard let latest = i.latest else { return nil }
            let time = review.indicatorTime(i)
            let behind = i.target > 0 && latest.value < i.target && Pace.behind(doneShare: latest.value / i.target, timeShare: time)
            return (i, time, behind)
        }
        let reached = rows.filter { $0.0.target > 0 && ($0.0.latest?.value ?? 0) >= $0.0.target }
        let behind = rows.filter(\.2)
        let inLast = rows.filter { $0.0.latest?.round == n - 1 }
        let earlier = rows.count - inLast.count
        var s = "年内 \(Set(rows.map(\.0.unit.id)).count) 个单位报\(name) \(rows.count) 项"
        if earlier > 0 {
            s += "：\(last.title) \(Set(inLast.map(\.0.unit.id)).count) 个单位报 \(inLast.count) 项，"
                + "其余 \(earlier) 项（\(Set(rows.filter { $0.0.latest?.round != n - 1 }.map(\.0.unit.id)).count) 个单位\(last.title)未计入或未报）取此前最近一轮的数值"
        }
        s += "。已完成年度目标的 \(reached.count) 项，落后于时间进度的 \(behind.count) 项（时间进度按各指标的完成时限，算至其数值所在轮次的截止日期）"
        if !behind.isEmpty {
            s += "，见" + doc.annex("落后于时间进度的\(name)", ["单位", "指标", "年度目标", "累计完成", "数值所在轮次", "完成率", "时间进度"], behind.map { i, time, _ in
                [i.unit.name, i.name, "\(NumberFormat.text(i.target)) \(i.measure)", "\(NumberFormat.text(i.latest!.value)) \(i.measure)",
                 review.rounds[i.latest!.round].title, Pace.percent(i.latest!.value / i.target), Pace.percent(time)]
            })
        }
        doc.paragraph(s + "。逐轮数值见工作簿“\(ReviewWorkbook.indicatorsName(name))”。")
    }

    private mutating func problems() {
        guard !review.problems.isEmpty else { return }
        doc.heading("反映问题的跟踪")
        let recurred = review.problems.filter(\.recurred)
        let units = Set(review.problems.map(\.unit.id)).count
        var s = "年内 \(units) 个单位就 \(review.problems.count) 个事项反映了问题"
        // Problems first raised in the last round have no later round to show them again.
        let lastId = lastRound?.id ?? ""
        let inLastOnly = review.problems.filter { $0.firstRound == lastId }.count
        let lastTitle = lastRound?.title ?? ""
        if inLastOnly == review.problems.count {
            s += "，均为\(lastTitle)首次反映，此后尚无报送轮次可看是否解决。"
        } else if recurred.isEmpty {
            s += "，此前各轮反映的 \(review.problems.count - inLastOnly) 个在此后各轮没有再次反映"
                + (inLastOnly > 0 ? "；另 \(inLastOnly) 个为\(lastTitle)首次反映，尚无此后轮次可对照。" : "。")
        } else {
            s += "，其中 \(recurred.count) 个在此后各轮再次反映（\(recurred.filter(\.sameText).count) 个原文照抄），列入整改清单"
                + (inLastOnly > 0 ? "（另 \(inLastOnly) 个为\(lastTitle)首次反映，尚无此后轮次可对照）" : "") + "："
        }
        doc.paragraph(s)
        let items = recurred.map { p -> (text: String, source: String) in
            let subject = plan.task(p.subject).map { "任务 \($0.id)" } ?? p.subject
            return (Briefing.excerpt(p.latest ?? p.text, limit: 120), "\(p.unit.name)（\(subject)，\(p.rounds.compactMap { id in review.rounds.first { $0.id == id }?.title }.joined(separator: "、"))）")
        }
        doc.quotes(items)
    }

    private mutating func publicity() {
        guard let pub = review.publicity else { return }
        let total = pub.counts.map { $0.perMonth.reduce(0, +) }.reduce(0, +)
        let short = review.publicityShortfalls
        var s = "\(pub.months.first.map { "\($0)" } ?? "")—\(pub.months.last.map { "\($0)" } ?? "")月，\(pub.counts.count) 个单位共报送\(pub.sheetName) \(total) 篇"
        if short.isEmpty {
            s += "，各单位每月均不少于 \(pub.decl.perMonthMin) 篇。"
        } else {
            // A month short because the unit's file did not count in that month's round is
            // told apart from a month it reported too few items in.
            func missed(_ u: ReportingUnit, _ month: Int) -> String? {
                guard let k = review.rounds.lastIndex(where: { $0.due.year == review.year && $0.due.month == month }),
                      let state = review.units.first(where: { $0.unit.id == u.id })?.states[k],
                      [.missing, .rejected].contains(state) else { return nil }
                return state.rawValue
            }
            var notCounted: [String] = [], tooFew: [String] = []
            for (unit, months) in short {
                let a = months.compactMap { m in missed(unit, m).map { "\(m)月\($0)" } }
                let b = months.filter { missed(unit, $0) == nil }.map { "\($0)月" }
                if !a.isEmpty { notCounted.append("\(unit.name)（\(a.joined(separator: "、"))）") }
                if !b.isEmpty { tooFew.append("\(unit.name)（\(b.joined(separator: "、"))）") }
            }
            s += "；有月份少于 \(pub.decl.perMonthMin) 篇的单位 \(short.count) 个"
            if !tooFew.isEmpty { s += "，其中报送了但篇数不足的 \(tooFew.count) 个：" + tooFew.joined(separator: "、") }
            if !notCounted.isEmpty { s += (tooFew.isEmpty ? "，均因" : "；") + "该月报送未计入（未报送或被退回）的 \(notCounted.count) 个：" + notCounted.joined(separator: "、") }
            s += "。"
        }
        doc.heading("\(pub.sheetName)报送")
        doc.paragraph(s)
    }

    private mutating func rectification() {
        let items = review.rectification
        doc.heading("整改清单")
        guard !items.isEmpty else {
            doc.paragraph("年内各轮没有需要整改的事项。")
            return
        }
        let open = items.filter(\.isOpen), closed = items.filter { !$0.isOpen }
        let overdue = open.filter { $0.overdue(on: review.asOf) }.count
        var s = "据各轮报送情况，年内共列整改事项 \(items.count) 项，已销号 \(closed.count) 项、未销号 \(open.count) 项"
            + (overdue > 0 ? "（其中至\(review.asOf.chinese)已过时限的 \(overdue) 项，标为“逾期”）。" : "。")
        var labels: [String] = []
        for item in open where !labels.contains(item.kindLabel) { labels.append(item.kindLabel) }
        let byKind = labels.map { label in "\(label) \(open.filter { $0.kindLabel == label }.count) 项" }
        if !byKind.isEmpty { s += "未销号的：" + byKind.joined(separator: "、") + "。" }
        if !closed.isEmpty {
            s += "已销号的：" + closed.prefix(6).map { "\($0.unit.name)\($0.kindLabel)（\(title($0.opened))列入，\(title($0.closed!))销号）" }.joined(separator: "、")
            s += closed.count > 6 ? "等 \(closed.count) 项。" : "。"
        }
        s += "事项一轮一核，下轮报送显示已解决的即销号。清单见"
        s += doc.annex("整改清单", ["问题", "责任单位", "措施", "时限", "状态"], (open + closed).map { item in
            // The day alone (the workbook says where it comes from): a narrow column.
            [item.problem, item.unit.name, item.measure, item.deadlineDay.map { "\($0.chinese)前" } ?? item.deadline,
             item.state(on: review.asOf, roundTitle: title)]
        }) + "。"
        doc.paragraph(s)
    }

    private func title(_ round: String) -> String { review.rounds.first { $0.id == round }?.title ?? round }

    private mutating func nextSteps() {
        var next: [String] = []
        let units = review.units.filter { $0.expected > 0 }
        if units.contains(where: { $0.count(.missing) + $0.count(.rejected) + $0.count(.late) > 0 }) {
            next.append("对迟报、缺报或被退回的单位进行通报，督促其按时、按要求报送。")
        }
        let open = review.rectification.filter(\.isOpen)
        if !open.isEmpty { next.append("对整改清单中未销号的 \(open.count) 项逐项督办，各责任单位按时限整改，下轮报送时报告整改情况。") }
        if !review.publicityShortfalls.isEmpty { next.append("督促\(review.publicity?.sheetName ?? "")报送不足的单位补报。") }
        if next.isEmpty { next.append("各单位按计划继续推进，按时报送。") }
        doc.heading("下步工作建议")
        doc.bullets(next)
    }
}

/// Numbers as a person writes them: `3,000`, `12.5`.
enum NumberFormat {
    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? Thousands.grouped(Int(v)) : Thousands.grouped(String(format: "%g", v))
    }
}
