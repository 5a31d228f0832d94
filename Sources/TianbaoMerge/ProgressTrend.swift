import TianbaoPlan

/// The course of one declared ledger's done items through the rounds recorded so far and this
/// one, against the target and the time elapsed (进度趋势, "时间过半、任务过半"): the 进度趋势
/// sheet and the briefing's sentence are written from it.
///
/// The time elapsed at a round is the share of the year, from 1 January of the target's year
/// (the round's year without a target) to the target's date (31 December without one), that
/// has passed on the round's due date. The share done is the done items against the target
/// city-wide (against the items listed, without a target), and against the unit's own listed
/// items for each unit (a unit's ledger is its part of the year's work).
public struct ProgressTrend: Sendable {
    /// One round's figures, city-wide.
    public struct Point: Sendable {
        public var round: String
        public var title: String
        public var due: Day
        public var timeShare: Double
        /// Done items of the units whose file counted in that round.
        public var done: Int
        public var items: Int
        /// Units asked for the ledger whose file did not count in that round.
        public var notCounted: [ReportingUnit]
        /// The target line: the target (or items listed) times the time elapsed.
        public var expected: Double
        /// Done against the target (or the items listed).
        public var doneShare: Double
    }

    /// One unit of the ledger: its done items per round (nil: its file did not count, with the
    /// status word), and this round's figures.
    public struct UnitRow: Sendable {
        public var unit: ReportingUnit
        public var perRound: [(done: Int?, status: String)]
        public var items: Int
        public var done: Int
        /// Done against its own listed items; nil when it listed none or its file did not count.
        public var doneShare: Double?
    }

    public var ledger: Figures.LedgerFigures
    /// The rounds asking for this ledger, oldest first, this round last.
    public var points: [Point]
    public var units: [UnitRow]
    /// What the share done is measured against, city-wide.
    public var whole: Double
    public var start: Day, end: Day

    public var current: Point { points[points.count - 1] }

    /// The trend of `ledger` from the history's earlier rounds and this round's figures.
    public init(ledger lf: Figures.LedgerFigures, result: RoundResult, history: RoundHistory?) {
        ledger = lf
        let plan = result.plan, round = result.round
        let year = lf.target?.due.year ?? round.due.year
        start = Day(year: year, month: 1, day: 1)
        end = lf.target?.due ?? Day(year: year, month: 12, day: 31)
        whole = lf.target?.value ?? Double(lf.items)
        let ledgerUnits = lf.districts.map(\.unit)
        var points: [Point] = []
        var perUnit: [String: [(done: Int?, status: String)]] = [:]
        for e in history?.earlier ?? [] {
            guard let byUnit = e.ledgers[lf.decl.sheet], let r = plan.rounds.first(where: { $0.id == e.round }) else { continue }
            let done = byUnit.values.map(\.done).reduce(0, +), items = byUnit.values.map(\.items).reduce(0, +)
            let missed = ledgerUnits.filter { byUnit[$0.id] == nil }
            let share = Self.timeShare(r.due, start: start, end: end)
            let base = lf.target?.value ?? Double(items)
            points.append(Point(round: r.id, title: r.title, due: r.due, timeShare: share, done: done, items: items, notCounted: missed,
                                expected: base * share, doneShare: base > 0 ? Double(done) / base : 0))
            for u in ledgerUnits {
                let word = Self.statusWord(e.unitStatus[u.id])
                perUnit[u.id, default: []].append((byUnit[u.id]?.done, byUnit[u.id] == nil ? word : ""))
            }
        }
        let share = Self.timeShare(round.due, start: start, end: end)
        let counted = lf.districts.filter { $0.status != "被退回" && $0.status != "未报送" }
        points.append(Point(round: round.id, title: round.title, due: round.due, timeShare: share, done: lf.done, items: lf.items,
                            notCounted: lf.districts.filter { !counted.map(\.unit.id).contains($0.unit.id) }.map(\.unit),
                            expected: whole * share, doneShare: whole > 0 ? Double(lf.done) / whole : 0))
        self.points = points
        units = lf.districts.map { d in
            let isCounted = d.status != "被退回" && d.status != "未报送"
            let done = d.byStatus[lf.decl.done] ?? 0
            let row = (done: isCounted ? Optional(done) : nil, status: isCounted ? "" : d.status)
            return UnitRow(unit: d.unit, perRound: (perUnit[d.unit.id] ?? []) + [row], items: d.items, done: done,
                           doneShare: isCounted && d.items > 0 ? Double(done) / Double(d.items) : nil)
        }
    }

    /// The share of [start, end] passed on `day` (both ends counted), between 0 and 1.
    public static func timeShare(_ day: Day, start: Day, end: Day) -> Double {
        let total = Double(end.unixDays - start.unixDays + 1)
        guard total > 0 else { return 1 }
        return min(1, max(0, Double(day.unixDays - start.unixDays + 1) / total))
    }

    /// The judgement of a share done against the time elapsed: ahead of, or behind, the time,
    /// with "时间过半、任务过半" once half the time has passed.
    public static func judgement(done: Double, time: Double) -> String {
        let pace = done + 0.0005 >= time ? "不慢于时间进度" : "落后于时间进度"
        guard time >= 0.5 else { return pace }
        return pace + (done >= 0.5 ? "（时间过半、任务过半）" : "（时间过半、任务未过半）")
    }

    /// The word for an archived unit's status.
    static func statusWord(_ status: String?) -> String {
        switch status {
        case "rejected": return "被退回"
        case "accepted": return "已报送"
        default: return "未报送"
        }
    }

    /// The briefing's sentence on the trend: the time elapsed, the share done city-wide and
    /// its judgement, and which units are ahead or behind the time.
    public func sentence(words: ScopeWords) -> String {
        let l = ledger.decl, c = current
        var s = "按时间进度，截至\(c.due.chinese)全年时间已过 \(Briefing.pct(c.timeShare * 100))；"
        if let target = ledger.target {
            s += "\(words.whole)\(l.done)\(l.label) \(c.done) \(l.counter)，占年度目标 \(Briefing.number(target.value)) \(target.unit)的 \(Briefing.pct(c.doneShare * 100))，"
        } else {
            s += "\(words.whole)\(l.done)\(l.label) \(c.done) \(l.counter)，占所列 \(c.items) \(l.counter)的 \(Briefing.pct(c.doneShare * 100))，"
        }
        s += Self.judgement(done: c.doneShare, time: c.timeShare)
        let gap = Int((c.expected - Double(c.done)).rounded(.up))
        s += gap > 0 ? "，按时间进度应完成约 \(Int(c.expected.rounded())) \(l.counter)，尚差 \(gap) \(l.counter)。" : "。"
        let judged = units.filter { $0.doneShare != nil }
        let behind = judged.filter { $0.doneShare! + 0.0005 < c.timeShare }.map(\.unit.name)
        let ahead = judged.filter { $0.doneShare! + 0.0005 >= c.timeShare }.map(\.unit.name)
        if !judged.isEmpty {
            s += "按各\(l.unitLabel)\(l.called)所列\(l.label)计，不慢于时间进度的 \(ahead.count) 个" + (ahead.isEmpty ? "" : "（\(Briefing.list(ahead))）")
            s += "，落后于时间进度的 \(behind.count) 个" + (behind.isEmpty ? "" : "（\(Briefing.list(behind))）") + "。"
        }
        if points.count > 1 {
            s += "各轮\(l.done)数：" + points.map { "\($0.round) \($0.done) \(l.counter)" }.joined(separator: "、") + "（见汇总表“进度趋势”）。"
        }
        return s
    }
}
