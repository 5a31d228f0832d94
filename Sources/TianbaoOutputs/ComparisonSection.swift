import TianbaoPlan
import TianbaoRound
import XLSX

/// The 环比 (this round against the previous recorded one) as 总览 and the briefing show it:
/// punctuality, each ledger's items newly done (city-wide and per unit), task rows whose
/// status moved, units newly lagging or recovered. Words and sheets come from the plan's
/// `outputs:` declarations. Without an earlier round it is one line saying so.
struct ComparisonSection {
    private typealias H = HouseStyle
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
    func newlyDoneByUnit(_ sheet: String, first: Bool = true) -> [(unit: String, items: [RoundHistory.Completion])] {
        let all = (history.comparison?.newlyDone[sheet] ?? []).filter { $0.isFirst == first }
        return result.units.compactMap { o in
            let mine = all.filter { $0.unit == o.unit.id }
            return mine.isEmpty ? nil : (o.unit.id, mine)
        }
    }

    /// `已完工` as "already done": the status word itself where it starts with 已, so the text
    /// never reads 已已完工.
    static func already(_ done: String) -> String { done.hasPrefix("已") ? done : "已" + done }

    // MARK: Briefing

    /// The previous round's title (`5月工作调度`), or its id when the plan no longer has it.
    var previousTitle: String {
        guard let c = history.comparison else { return "" }
        return plan.round(c.previousRound)?.title ?? c.previousRound
    }

    /// The reconciled change of each ledger since the previous round.
    var changes: [LedgerChange] {
        figures.ledgers.compactMap { LedgerChange(ledger: $0, result: result, history: history) }
    }

    /// The briefing's paragraphs: without an earlier round one line; else punctuality, each
    /// ledger's done items reconciled (上期 + 新增 − 移出 = 本期, naming the units out of
    /// either count), the task statuses in numbers. The lists they summarise are attachments
    /// (`annexes`).
    func briefingBlocks(annexOf: (String) -> String) -> [Briefing.Block] {
        var blocks: [Briefing.Block] = []
        guard let c = history.comparison else {
            blocks.append(.paragraph(RoundHistory.noPreviousRound))
            return blocks
        }
        let b = c.punctualityBefore, n = c.punctualityNow
        blocks.append(.paragraph("与上期（\(previousTitle)）相比：按时报送 \(n.onTime) 个单位（上期 \(b.onTime) 个），"
            + "迟报 \(n.late) 个（上期 \(b.late) 个），未报送或被退回 \(n.notAccepted) 个（上期 \(b.notAccepted) 个）。"))
        for change in changes {
            guard let lf = figures.ledgers.first(where: { $0.decl.sheet == change.ledgerSheet }) else { continue }
            blocks.append(.paragraph(reconciliation(change, lf, annexOf: annexOf)))
        }
        if let p = plan.outputs.progress {
            var s: String
            if c.statusMoves.isEmpty {
                s = "\(p.sheetName)中，没有任务的状态较上期变化。"
            } else {
                let byAfter = Dictionary(grouping: c.statusMoves, by: \.after)
                let parts = p.colouredOrder.compactMap { st in byAfter[st].map { "转为“\(st)”\($0.count) 条" } }
                s = "\(p.sheetName)中，状态较上期变化的 \(c.statusMoves.count) 条：\(parts.joined(separator: "、"))（逐条见\(annexOf("status"))）。"
            }
            if let lagging = p.lagging {
                s += c.newlyLagging.isEmpty ? "没有新出现\(lagging)事项的单位" : "新出现\(lagging)事项的单位 \(c.newlyLagging.count) 个（\(Briefing.list(c.newlyLagging.map(name)))）"
                s += c.recovered.isEmpty ? "，没有\(lagging)事项全部消除的单位。" : "，\(lagging)事项全部消除的单位 \(c.recovered.count) 个（\(Briefing.list(c.recovered.map(name)))）。"
            }
            blocks.append(.paragraph(s))
        }
        return blocks
    }

    /// `已完工小区由上期的 34 个变为本期的 67 个：…（34 − 3 + 35 + 1 = 67）。`
    func reconciliation(_ change: LedgerChange, _ lf: Figures.LedgerFigures, annexOf: (String) -> String) -> String {
        let l = lf.decl, k = l.counter
        let label = (figures.ledgers.count > 1 ? lf.spec.name : "") + l.done + l.label
        var s = "\(label)由上期的 \(change.previous) \(k)变为本期的 \(change.now) \(k)"
        s += change.net >= 0 ? "，净增 \(change.net) \(k)：" : "，净减 \(-change.net) \(k)："
        var parts: [String] = []
        var sum = "\(change.previous)"
        if !change.leftCount.isEmpty {
            let n = change.leftCount.map(\.done).reduce(0, +)
            parts.append("上期计入、本期未计入的" + change.leftCount.map { "\($0.unit.name)（本期\($0.status)）" }.joined(separator: "、")
                         + "上期\(l.done) \(n) \(k)，不在本期数内")
            sum += " − \(n)"
        }
        if !change.joinedCount.isEmpty {
            let n = change.joinedCount.map(\.done).reduce(0, +)
            parts.append("本期新计入的" + change.joinedCount.map { "\($0.unit.name)（上期\($0.status)）" }.joined(separator: "、")
                         + "\(l.done) \(n) \(k)")
            sum += " + \(n)"
        }
        parts.append("两期均计入的单位中，首次报\(l.done)的\(l.label) \(change.first.count) \(k)"
                     + (change.first.isEmpty ? "" : "（名单见\(annexOf(l.sheet))）"))
        sum += " + \(change.first.count)"
        if !change.again.isEmpty {
            parts.append("此前已报\(l.done)、本期再次报\(l.done)的 \(change.again.count) \(k)（" + change.again.map { item in
                var t = "\(name(item.unit))\(item.item)，\(plan.round(item.doneIn ?? "")?.title ?? item.doneIn ?? "")已报\(l.done)"
                if let before = item.before { t += "，上期报“\(before)”" } else if let u = item.beforeUncounted { t += "，上期报“\(u)”有误未计入" }
                else { t += "，上期未列" }
                return t
            }.joined(separator: "；") + "），不计为新增")
            sum += " + \(change.again.count)"
        }
        if !change.undone.isEmpty {
            parts.append("上期\(Self.already(l.done))、本期不再计为\(l.done)的 \(change.undone.count) \(k)（" + change.undone.map { u in
                "\(name(u.unit))\(u.item)" + (u.now.map { "，本期报“\($0)”" } ?? "，本期未列或填报有误")
            }.joined(separator: "；") + "）")
            sum += " − \(change.undone.count)"
        }
        if change.unmatched != 0 {
            parts.append("另有 \(abs(change.unmatched)) \(k)因台账中名称重复或相近，无法逐一对应")
            sum += change.unmatched > 0 ? " + \(change.unmatched)" : " − \(-change.unmatched)"
        }
        return s + parts.joined(separator: "；") + "。核算：\(sum) = \(change.now)。"
    }

    /// The attachments' rows: each ledger's first completions (unit, item, last round's status),
    /// and the task rows whose status moved.
    func firstCompletionRows(_ sheet: String) -> [[String]] {
        guard let change = changes.first(where: { $0.ledgerSheet == sheet }) else { return [] }
        return change.first.map { c in
            [name(c.unit), c.item, c.before ?? c.beforeUncounted.map { "\($0)（有误未计入）" } ?? "未列"]
        }
    }

    func statusMoveRows() -> [[String]] {
        (history.comparison?.statusMoves ?? []).map { m in
            [name(m.unit), m.task + (plan.task(m.task).map { " " + $0.title } ?? ""), m.before, m.after]
        }
    }

    // MARK: 总览

    /// Writes the 环比 block of 总览 from row `top` (columns A–C, notes across A–D and on);
    /// returns the next free row.
    func writeOverview(_ ws: SheetWriter, at top: Int, note: (Int, String) throws -> Void) throws -> Int {
        var r = top
        guard let c = history.comparison else {
            try ws.write(r, 0, "与上期比较（环比）", H.section)
            try ws.write(r + 1, 0, ChineseTypography.apply(RoundHistory.noPreviousRound), H.subtitle)
            return r + 3
        }
        try ws.write(r, 0, ChineseTypography.apply("与上期比较（环比；上期：\(previousTitle)）"), H.section)
        r += 1
        for (i, h) in ["项目", "上期", "本期"].enumerated() { try ws.write(r, i, h, H.header) }
        r += 1
        var rows: [(String, Int?, Int)] = [
            ("按时报送单位", c.punctualityBefore.onTime, c.punctualityNow.onTime),
            ("迟报单位", c.punctualityBefore.late, c.punctualityNow.late),
            ("未报送或被退回单位", c.punctualityBefore.notAccepted, c.punctualityNow.notAccepted),
        ]
        for lf in figures.ledgers {
            let l = lf.decl
            guard let change = changes.first(where: { $0.ledgerSheet == l.sheet }) else {
                rows.append(("\(l.done)\(l.label)（\(l.counter)）", previousDone(l.sheet), lf.done))
                continue
            }
            // The reconciliation, row by row: last round's count, what entered and left it, this round's.
            rows.append(("\(l.done)\(l.label)（\(l.counter)）", change.previous, change.now))
            rows.append(("  减：本期未计入单位的上期\(l.done)", nil, change.leftCount.map(\.done).reduce(0, +)))
            rows.append(("  加：本期新计入单位的\(l.done)", nil, change.joinedCount.map(\.done).reduce(0, +)))
            rows.append(("  加：首次报\(l.done)", nil, change.first.count))
            rows.append(("  加：此前报过\(l.done)、本期再次报\(l.done)", nil, change.again.count))
            rows.append(("  减：上期\(l.done)、本期不再计入", nil, change.undone.count))
            if change.unmatched != 0 { rows.append(("  名称无法对应", nil, change.unmatched)) }
        }
        if let p = plan.outputs.progress {
            rows.append(("\(p.sheetName)状态变化（条）", nil, c.statusMoves.count))
            if let lagging = p.lagging {
                rows.append(("新出现\(lagging)的单位", nil, c.newlyLagging.count))
                rows.append(("\(lagging)全部消除的单位", nil, c.recovered.count))
            }
        }
        for (label, before, now) in rows {
            try ws.write(r, 0, ChineseTypography.apply(label), H.cell)
            if let before { try ws.write(r, 1, Double(before), H.integer) } else { try ws.write(r, 1, "—", H.cell.with { $0.horizontal = .center }) }
            try ws.write(r, 2, Double(now), H.integer.with { $0.bold = true })
            r += 1
        }
        var notes = "上期、本期的数字各只计当期通过校验的单位；“首次”“再次”“不再计入”和状态变化只比较上期、本期均通过校验的单位。"
        for change in changes where !change.leftCount.isEmpty || !change.joinedCount.isEmpty {
            if !change.leftCount.isEmpty { notes += "本期未计入：" + change.leftCount.map { "\(name($0.unit.id))（\($0.status)，上期 \($0.done)）" }.joined(separator: "、") + "。" }
            if !change.joinedCount.isEmpty { notes += "本期新计入：" + change.joinedCount.map { "\(name($0.unit.id))（上期\($0.status)，本期 \($0.done)）" }.joined(separator: "、") + "。" }
        }
        try note(r, notes)
        r += 2

        for lf in figures.ledgers {
            let l = lf.decl
            // New completions only (LedgerChange.first): an item done in an earlier round and
            // done again is listed below the table, not counted as new.
            let byUnit = newlyDoneByUnit(l.sheet)
            let again = newlyDoneByUnit(l.sheet, first: false).flatMap { u in u.items.map { (u.unit, $0) } }
            guard !byUnit.isEmpty || !again.isEmpty else { continue }
            try ws.write(r, 0, ChineseTypography.apply("本期新增\(l.done)的\(l.label)（按\(l.unitLabel)）"), H.section)
            r += 1
            try ws.write(r, 0, l.unitLabel, H.header); try ws.write(r, 1, "新增（\(l.counter)）", H.header)
            try ws.merge(r, 2, r, 6, l.label, H.header)
            r += 1
            for u in byUnit {
                let names = u.items.map { c in
                    c.item + (c.before.map { "（上期\($0)）" } ?? c.beforeUncounted.map { "（上期\($0)，有误未计入）" } ?? "（上期未列）")
                }.joined(separator: "、")
                let text = ChineseTypography.apply(names)
                try ws.write(r, 0, name(u.unit), H.wrapped)
                try ws.write(r, 1, Double(u.items.count), H.integer)
                try ws.merge(r, 2, r, 6, text, H.wrapped)
                try ws.row(r, height: H.rowHeight([(text, 14 + 4 + 11 * 3), (name(u.unit), 22)]) ?? 16)
                r += 1
            }
            if !byUnit.isEmpty {
                try ws.write(r, 0, "合计", H.header)
                try ws.write(r, 1, Double(byUnit.map(\.items.count).reduce(0, +)), H.integer.with { $0.bold = true })
                r += 1
            }
            if !again.isEmpty {
                try note(r, "此前已报\(l.done)、本期再次报\(l.done)的\(l.label) \(again.count) \(l.counter)，不计为新增：" + again.map { unit, c in
                    "\(name(unit))\(c.item)（\(plan.round(c.doneIn ?? "")?.title ?? c.doneIn ?? "")已报\(l.done)）"
                }.joined(separator: "、") + "。")
                r += 1
            }
            r += 1
        }
        if !c.statusMoves.isEmpty, let p = plan.outputs.progress {
            try ws.write(r, 0, ChineseTypography.apply("\(p.sheetName)状态较上期变化的任务"), H.section)
            r += 1
            for (i, h) in ["单位", "任务", "上期 → 本期"].enumerated() { try ws.write(r, i, h, H.header) }
            r += 1
            for m in c.statusMoves {
                // Short texts: one line each, at the default height.
                try ws.write(r, 0, name(m.unit), H.cell)
                try ws.write(r, 1, m.task, H.cell)
                try ws.write(r, 2, "\(m.before) → \(m.after)", H.cell)
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
