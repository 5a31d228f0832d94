import TianbaoPlan
import TianbaoRound

/// The course of one declared ledger's done items through the rounds recorded so far and this
/// one, against the target and the time elapsed (进度趋势, "时间过半、任务过半"): the 进度趋势
/// sheet, the briefing's sentences and the 要情 are written from it.
///
/// Time progress and pace come from `TimeProgress` and `Pace` (the one place they are
/// computed). City-wide, done items are measured against the target (against the items listed,
/// without a target). A unit is judged only against its own share of the target, when the plan
/// declares one (`shares:`); a plan that splits the target among no unit gets no per-unit
/// judgement, and the outputs say so (a unit's own list is no measure of its part of the work).
public struct ProgressTrend: Sendable {
    /// One round's figures, city-wide.
    public struct Point: Sendable {
        public var round: String
        public var title: String
        public var due: Day
        /// Done items of the units whose file counted in that round, against the target (or the
        /// items listed) at the round's due date.
        public var pace: Pace
        public var items: Int
        /// Units asked for the ledger whose file did not count in that round.
        public var notCounted: [ReportingUnit]

        public var done: Int { pace.done }
        public var timeShare: Double { pace.timeShare }
    }

    /// One unit of the ledger: its done items per round (nil: its file did not count, with the
    /// state it was in), and this round's figures.
    public struct UnitRow: Sendable {
        public var unit: ReportingUnit
        public var perRound: [(done: Int?, state: UnitState?)]
        public var items: Int
        public var done: Int
        /// Whether its file counts this round.
        public var counted: Bool
        /// Its share of the target, when the plan declares one.
        public var share: Double?
        /// Its pace against its share (nil without a share, or when its file does not count).
        public var pace: Pace?
    }

    public var ledger: Figures.LedgerFigures
    /// The rounds asking for this ledger, oldest first, this round last.
    public var points: [Point]
    public var units: [UnitRow]
    /// The target's period (the year without a target).
    public var period: TimeProgress
    /// The target splits among units (`shares:`): per-unit judgements are made.
    public var hasShares: Bool { !(ledger.target?.shares.isEmpty ?? true) }

    public var current: Point { points[points.count - 1] }

    /// The trend of `ledger` from the history's earlier rounds and this round's figures.
    public init(ledger lf: Figures.LedgerFigures, result: RoundResult, history: RoundHistory?) {
        ledger = lf
        let plan = result.plan, round = result.round
        period = TimeProgress(target: lf.target, year: round.due.year)
        let ledgerUnits = lf.districts.map(\.unit)
        var points: [Point] = []
        var perUnit: [String: [(done: Int?, state: UnitState?)]] = [:]
        for e in history?.earlier ?? [] {
            guard let byUnit = e.ledgers[lf.decl.sheet], let r = plan.rounds.first(where: { $0.id == e.round }) else { continue }
            let done = byUnit.values.map(\.done).reduce(0, +), items = byUnit.values.map(\.items).reduce(0, +)
            let pace = Pace(target: lf.target?.value ?? Double(items), done: done, timeShare: period.share(at: r.due))
            points.append(Point(round: r.id, title: r.title, due: r.due, pace: pace, items: items,
                                notCounted: ledgerUnits.filter { byUnit[$0.id] == nil }))
            for u in ledgerUnits {
                perUnit[u.id, default: []].append((byUnit[u.id]?.done, byUnit[u.id] == nil ? Self.state(e.unitStatus[u.id]) : nil))
            }
        }
        let time = period.share(at: round.due)
        points.append(Point(round: round.id, title: round.title, due: round.due,
                            pace: Pace(target: lf.target?.value ?? Double(lf.items), done: lf.done, timeShare: time),
                            items: lf.items, notCounted: lf.districts.filter { !$0.counted }.map(\.unit)))
        self.points = points
        units = lf.districts.map { d in
            let done = d.byStatus[lf.decl.done] ?? 0
            let share = lf.target?.share(of: d.unit.id)
            return UnitRow(unit: d.unit, perRound: (perUnit[d.unit.id] ?? []) + [(d.counted ? done : nil, d.counted ? nil : d.state)],
                           items: d.items, done: done, counted: d.counted, share: share,
                           pace: share.flatMap { d.counted ? Pace(target: $0, done: done, timeShare: time) : nil })
        }
    }

    /// The state shown for an archived unit's status.
    static func state(_ status: UnitStatus?) -> UnitState {
        switch status {
        case .rejected?: return .returned
        case .accepted?: return .reported
        case .missing?, nil: return .missing
        }
    }

    /// Units behind their share's time line, most behind first; and those not behind.
    public var unitsBehind: [UnitRow] {
        units.filter { $0.pace?.behind ?? false }.sorted { ($0.pace!.shortfall, -$0.pace!.done) > ($1.pace!.shortfall, -$1.pace!.done) }
    }
    public var unitsOnPace: [UnitRow] { units.filter { $0.pace.map { !$0.behind } ?? false } }

    /// The city-wide figures against target and time: `全市已完工小区 67 个，占年度目标 300 个的
    /// 22.3%；时间进度 45.5%，按时间进度应完成 136 个，尚差 69 个`.
    func core(words: ScopeWords) -> String {
        let l = ledger.decl, c = current
        var s = "\(words.whole)\(l.done)\(l.label) \(c.done) \(l.counter)，"
        if let target = ledger.target {
            let which = target.due.month == 12 && target.due.day == 31 ? "年度目标" : "目标（\(target.due.chinese)前）"
            s += "占\(which) \(Briefing.number(target.value)) \(target.unit.isEmpty ? l.counter : target.unit)的 \(Pace.percent(c.pace.doneShare))；"
        } else {
            s += "占所列 \(c.items) \(l.counter)的 \(Pace.percent(c.pace.doneShare))；"
        }
        s += "时间进度 \(Pace.percent(c.timeShare))，按时间进度应完成 \(c.pace.expected) \(l.counter)"
        return s + (c.pace.behind ? "，尚差 \(c.pace.shortfall) \(l.counter)" : "")
    }

    /// The headline 要情 opens with: the figures, and 不慢于时间进度 when not behind.
    public func headline(words: ScopeWords) -> String {
        core(words: words) + (current.pace.behind ? "。" : "，不慢于时间进度。")
    }

    /// The briefing's paragraph on pace: the figures with their verdict, how time progress is
    /// counted, the per-unit judgement against declared shares (or that there are none), and
    /// the done items of every round so far.
    public func sentence(words: ScopeWords, unitsInTable: Bool = false) -> String {
        let l = ledger.decl, c = current
        var s = "截至\(c.due.chinese)，" + core(words: words) + "，\(c.pace.verdict)。"
        s += period.explained(at: c.due) + "；" + Pace.convention + "。"
        s += unitSentence(words: words, listed: !unitsInTable)
        if points.count > 1 {
            s += "各轮\(l.done)数：" + points.map { "\($0.title) \($0.done) \(l.counter)" }.joined(separator: "、") + "。"
        }
        return s
    }

    /// The per-unit judgement as a table (units behind first, most behind first; then those on
    /// pace; then those not judged): 单位, 分解目标, 应完成, done, 差, 判断. Nil without shares.
    public func unitTable() -> (header: [String], rows: [[String]])? {
        guard hasShares else { return nil }
        let l = ledger.decl
        let judged = unitsBehind + unitsOnPace
        let rest = units.filter { $0.pace == nil }
        let rows = judged.map { u -> [String] in
            let p = u.pace!
            return [u.unit.name, Briefing.number(u.share ?? 0), "\(p.expected)", "\(u.done)", p.behind ? "\(p.shortfall)" : "—",
                    p.behind ? "落后于时间进度" : "不慢于时间进度"]
        } + rest.map { u in
            [u.unit.name, u.share.map(Briefing.number) ?? "—", "—", u.counted ? "\(u.done)" : "—", "—",
             u.share == nil ? "未分解目标，不作判断" : "本期未计入，不作判断"]
        }
        return ([l.unitLabel, "分解目标（\(l.counter)）", "应完成", l.done, "差", "判断"], rows)
    }

    /// The per-unit judgement: against each unit's declared share, or a statement that the
    /// plan declares none.
    /// `listed`: the units named in the sentence; without, only their numbers (the units are in
    /// `unitTable`).
    public func unitSentence(words: ScopeWords, listed: Bool = true) -> String {
        let l = ledger.decl
        guard hasShares else {
            return "工作方案未将年度目标分解到\(words.units.isEmpty ? "各单位" : words.units)，不判断各\(l.unitLabel)进度快慢。"
        }
        let behind = unitsBehind, ahead = unitsOnPace
        var s = "按各\(l.unitLabel)分解目标计，落后于时间进度的 \(behind.count) 个"
        if !listed {
            let notJudged = units.filter { $0.pace == nil }.count
            s += "，不慢于时间进度的 \(ahead.count) 个" + (notJudged > 0 ? "，不作判断的 \(notJudged) 个（未分解目标或本期未计入）" : "")
            return s + "，见下表。"
        }
        if !behind.isEmpty {
            s += "：" + behind.map { u in
                "\(u.unit.name)（分解目标 \(Briefing.number(u.share ?? 0)) \(l.counter)，应完成 \(u.pace!.expected) \(l.counter)，\(l.done) \(u.done) \(l.counter)，差 \(u.pace!.shortfall) \(l.counter)）"
            }.joined(separator: "、")
        }
        s += "；不慢于时间进度的 \(ahead.count) 个"
        s += ahead.isEmpty ? "" : "（\(Briefing.list(ahead.map(\.unit.name)))）"
        let unjudged = units.filter { $0.share == nil }.map(\.unit.name)
        let notCounted = units.filter { $0.share != nil && !$0.counted }.map(\.unit.name)
        if !notCounted.isEmpty { s += "；\(Briefing.list(notCounted))本期未计入，不作判断" }
        if !unjudged.isEmpty { s += "；\(Briefing.list(unjudged))未分解目标，不作判断" }
        return s + "。"
    }
}
