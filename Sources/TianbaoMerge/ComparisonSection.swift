import TianbaoPlan
import XLSX

/// The 环比 (this round against the previous recorded one) as 总览 and the briefing show it:
/// punctuality, each ledger's items newly done (city-wide and per unit), task rows whose
/// status moved, units newly lagging or recovered. Words and sheets come from the plan's
/// `outputs:` declarations. Without an earlier round it is one line saying so.
struct ComparisonSection {
    private typealias CW = ConsolidatedWorkbook
    let result: RoundResult
    let figures: Figures
    let history: RoundHistory

    private var plan: Plan { result.plan }
    private func name(_ unit: String) -> String { plan.unit(unit)?.name ?? unit }

    /// Done items of a ledger in the previous round (units whose file counted then), if recorded.
    func previousDone(_ sheet: String) -> Int? {
        guard let c = history.comparison, let point = history.earlier.last(where: { $0.round == c.previousRound }),
              let byUnit = point.ledgers[sheet] else { return nil }
        return byUnit.values.map(\.done).reduce(0, +)
    }

    /// Newly done items of a ledger by unit, in plan order: (unit id, items).
    func newlyDoneByUnit(_ sheet: String) -> [(unit: String, items: [RoundHistory.Completion])] {
        let all = history.comparison?.newlyDone[sheet] ?? []
        return result.units.compactMap { o in
            let mine = all.filter { $0.unit == o.unit.id }
            return mine.isEmpty ? nil : (o.unit.id, mine)
        }
    }

    // MARK: Briefing

    /// The briefing's blocks: one line without an earlier round; else a paragraph each for
    /// punctuality, every ledger, the task statuses; then the trend sentence of every ledger.
    func briefingBlocks() -> [Briefing.Block] {
        var blocks: [Briefing.Block] = []
        guard let c = history.comparison else {
            blocks.append(.paragraph(RoundHistory.noPreviousRound))
            blocks += trendBlocks()
            return blocks
        }
        let b = c.punctualityBefore, n = c.punctualityNow
        blocks.append(.paragraph("与上期（轮次 \(c.previousRound)）相比：按时报送 \(n.onTime) 个单位（上期 \(b.onTime) 个），"
            + "迟报 \(n.late) 个（上期 \(b.late) 个），未报送或被退回 \(n.notAccepted) 个（上期 \(b.notAccepted) 个）。"))
        for lf in figures.ledgers {
            let l = lf.decl
            let byUnit = newlyDoneByUnit(l.sheet)
            let total = byUnit.map(\.items.count).reduce(0, +)
            var s = ""
            if let before = previousDone(l.sheet) {
                s += "\(figures.ledgers.count > 1 ? lf.spec.name : "")\(l.done)\(l.label)由上期的 \(before) \(l.counter)变为本期的 \(lf.done) \(l.counter)。"
            }
            if total == 0 {
                s += "与上期均已报送的单位中，本期没有新增\(l.done)的\(l.label)。"
            } else {
                s += "本期新增\(l.done)\(l.label) \(total) \(l.counter)（只计上期、本期均通过校验的单位）："
                s += byUnit.map { u in
                    "\(name(u.unit)) \(u.items.count) \(l.counter)（\(u.items.map(\.item).joined(separator: "、"))）"
                }.joined(separator: "；") + "。"
            }
            blocks.append(.paragraph(s))
        }
        if let p = plan.outputs.progress {
            var s: String
            if c.statusMoves.isEmpty {
                s = "\(p.sheetName)中，没有任务的状态较上期变化。"
            } else {
                s = "\(p.sheetName)中，状态较上期变化的 \(c.statusMoves.count) 条："
                s += c.statusMoves.map { m in "\(name(m.unit)) \(m.task) 由“\(m.before)”变为“\(m.after)”" }.joined(separator: "；") + "。"
            }
            if let lagging = p.lagging {
                s += c.newlyLagging.isEmpty ? "没有新出现\(lagging)事项的单位" : "新出现\(lagging)事项的单位 \(c.newlyLagging.count) 个（\(Briefing.list(c.newlyLagging.map(name)))）"
                s += c.recovered.isEmpty ? "，没有\(lagging)事项全部消除的单位。" : "，\(lagging)事项全部消除的单位 \(c.recovered.count) 个（\(Briefing.list(c.recovered.map(name)))）。"
            }
            blocks.append(.paragraph(s))
        }
        blocks += trendBlocks()
        return blocks
    }

    private func trendBlocks() -> [Briefing.Block] {
        figures.ledgers.map { .paragraph(ProgressTrend(ledger: $0, result: result, history: history).sentence(words: plan.outputs.words)) }
    }

    // MARK: 总览

    /// Writes the 环比 block of 总览 from row `top` (columns A–C, notes across A–D and on);
    /// returns the next free row.
    func writeOverview(_ ws: SheetWriter, at top: Int, note: (Int, String) throws -> Void) throws -> Int {
        var r = top
        guard let c = history.comparison else {
            try ws.write(r, 0, "与上期比较（环比）", CW.section)
            try ws.write(r + 1, 0, ChineseTypography.apply(RoundHistory.noPreviousRound), CW.subtitle)
            return r + 3
        }
        try ws.write(r, 0, ChineseTypography.apply("与上期比较（环比；上期：轮次 \(c.previousRound)）"), CW.section)
        r += 1
        for (i, h) in ["项目", "上期", "本期"].enumerated() { try ws.write(r, i, h, CW.header) }
        r += 1
        var rows: [(String, Int?, Int)] = [
            ("按时报送单位", c.punctualityBefore.onTime, c.punctualityNow.onTime),
            ("迟报单位", c.punctualityBefore.late, c.punctualityNow.late),
            ("未报送或被退回单位", c.punctualityBefore.notAccepted, c.punctualityNow.notAccepted),
        ]
        for lf in figures.ledgers {
            let l = lf.decl
            rows.append(("\(l.done)\(l.label)（\(l.counter)）", previousDone(l.sheet), lf.done))
            rows.append(("其中本期新增\(l.done)", nil, newlyDoneByUnit(l.sheet).map(\.items.count).reduce(0, +)))
        }
        if let p = plan.outputs.progress {
            rows.append(("\(p.sheetName)状态变化（条）", nil, c.statusMoves.count))
            if let lagging = p.lagging {
                rows.append(("新出现\(lagging)的单位", nil, c.newlyLagging.count))
                rows.append(("\(lagging)全部消除的单位", nil, c.recovered.count))
            }
        }
        for (label, before, now) in rows {
            try ws.write(r, 0, ChineseTypography.apply(label), CW.cell)
            if let before { try ws.write(r, 1, Double(before), CW.integer) } else { try ws.write(r, 1, "—", CW.cell.with { $0.horizontal = .center }) }
            try ws.write(r, 2, Double(now), CW.integer.with { $0.bold = true })
            r += 1
        }
        try note(r, "上期、本期的数字各只计当期通过校验的单位；“新增”“变化”只比较上期、本期均通过校验的单位。")
        r += 2

        for lf in figures.ledgers {
            let l = lf.decl
            let byUnit = newlyDoneByUnit(l.sheet)
            guard !byUnit.isEmpty else { continue }
            try ws.write(r, 0, ChineseTypography.apply("本期新增\(l.done)的\(l.label)（按\(l.unitLabel)）"), CW.section)
            r += 1
            try ws.write(r, 0, l.unitLabel, CW.header); try ws.write(r, 1, "新增（\(l.counter)）", CW.header)
            try ws.merge(r, 2, r, 6, l.label, CW.header)
            r += 1
            for u in byUnit {
                let names = u.items.map { $0.item + ($0.before.map { "（上期\($0)）" } ?? "（上期未列）") }.joined(separator: "、")
                let text = ChineseTypography.apply(names)
                try ws.write(r, 0, name(u.unit), CW.wrapped)
                try ws.write(r, 1, Double(u.items.count), CW.integer)
                try ws.merge(r, 2, r, 6, text, CW.wrapped)
                try ws.row(r, height: CW.rowHeight([(text, 14 + 4 + 11 * 3), (name(u.unit), 22)]) ?? 16)
                r += 1
            }
            r += 1
        }
        if !c.statusMoves.isEmpty, let p = plan.outputs.progress {
            try ws.write(r, 0, ChineseTypography.apply("\(p.sheetName)状态较上期变化的任务"), CW.section)
            r += 1
            for (i, h) in ["单位", "任务", "上期 → 本期"].enumerated() { try ws.write(r, i, h, CW.header) }
            r += 1
            for m in c.statusMoves {
                // Short texts: one line each, at the default height.
                try ws.write(r, 0, name(m.unit), CW.cell)
                try ws.write(r, 1, m.task, CW.cell)
                try ws.write(r, 2, "\(m.before) → \(m.after)", CW.cell)
                r += 1
            }
            r += 1
        }
        if let lagging = plan.outputs.progress?.lagging, !(c.newlyLagging.isEmpty && c.recovered.isEmpty) {
            if !c.newlyLagging.isEmpty {
                try note(r, "新出现\(lagging)事项的单位：" + c.newlyLagging.map(name).joined(separator: "、") + "。")
                r += 1
            }
            if !c.recovered.isEmpty {
                try note(r, "\(lagging)事项全部消除的单位：" + c.recovered.map(name).joined(separator: "、") + "。")
                r += 1
            }
            r += 1
        }
        return r
    }
}
