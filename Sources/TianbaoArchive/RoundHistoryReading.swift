import GRDB
import TianbaoCheck
import TianbaoPlan
import TianbaoRound

extension RoundArchive {
    /// What the outputs of `result` show of the rounds recorded before it: the 环比 with the
    /// previous one (`RoundComparison`, per declared ledger), each earlier round's ledger
    /// figures per unit (进度趋势), and each unit's last liaison. Everything by the plan's
    /// `outputs:` declarations.
    public func history(for result: RoundResult) throws -> RoundHistory {
        let plan = result.plan, round = result.round
        let fields = CrossRoundFields(plan: plan)
        var comparison: RoundHistory.Comparison?
        let ledgerFields = plan.outputs.ledgers.map { CrossRoundFields(plan: plan, ledger: $0) }
        let sheets = ledgerFields.reduce(fields.sheetsRead) { $0.union($1.sheetsRead) }
        if let previous = try previousRound(before: round, plan: plan, sheets: sheets) {
            let base = try RoundComparison(result, previous: previous, fields: fields)
            var newlyDone: [String: [RoundHistory.Completion]] = [:]
            var noLongerDone: [String: [RoundHistory.Undone]] = [:]
            for (l, lf) in zip(plan.outputs.ledgers, ledgerFields) {
                let c = l.sheet == fields.ledgerSheet ? base : try RoundComparison(result, previous: previous, fields: lf)
                let earlier = try doneEarlier(c.newlyCompleted, before: previous, plan: plan, fields: lf)
                newlyDone[l.sheet] = c.newlyCompleted.map {
                    .init(unit: $0.unit, item: $0.community, before: $0.before, beforeUncounted: $0.beforeUncounted,
                          doneIn: earlier[$0.unit + "\u{1}" + $0.community])
                }
                noLongerDone[l.sheet] = c.noLongerCompleted.map { .init(unit: $0.unit, item: $0.community, now: $0.now) }
            }
            let p = base.punctuality
            comparison = RoundHistory.Comparison(
                previousRound: previous.round, newlyDone: newlyDone,
                statusMoves: base.statusMoves.map { .init(unit: $0.unit, task: $0.task, before: $0.before, after: $0.after) },
                newlyLagging: base.newlyLagging, recovered: base.recovered,
                punctualityBefore: .init(onTime: p.before.onTime, late: p.before.late, notAccepted: p.before.notAccepted),
                punctualityNow: .init(onTime: p.now.onTime, late: p.now.late, notAccepted: p.now.notAccepted))
            comparison?.noLongerDone = noLongerDone
        }
        let liaisons = fields.liaisonSheet.isEmpty ? [:] : try lastLiaisons(before: round, plan: plan, fields: fields)
        return RoundHistory(comparison: comparison, earlier: try trendPoints(before: round, plan: plan),
                            lastLiaisons: liaisons)
    }

    /// For items newly done this round, the first recorded round before `previous` in which each
    /// was already done (a counted row of its unit with the done status), by unit id and the
    /// item's name: those are done again, not newly. An earlier row matches by its exact name,
    /// else by the normalised name where only one row of the unit has it (`CommunityIndex`).
    /// Reads only the units that have such items, and of them only the ledger's name and status.
    func doneEarlier(_ completions: [RoundComparison.Completion], before previous: ArchivedRound, plan: Plan,
                     fields: CrossRoundFields) throws -> [String: String] {
        guard !completions.isEmpty, !fields.ledgerSheet.isEmpty else { return [:] }
        var wanted: [String: Set<String>] = [:]
        for c in completions { wanted[c.unit, default: []].insert(c.community) }
        let ids = try readRows { db in
            try String.fetchAll(db, sql: "SELECT round_id FROM rounds WHERE position < ? ORDER BY position", arguments: [previous.position])
        }
        var found: [String: String] = [:]
        for id in ids {
            guard let round = try round(id, lazily: true, sheets: [fields.ledgerSheet],
                                        fields: [fields.ledgerSheet: [fields.ledgerName, fields.ledgerStatus]]) else { continue }
            for (unit, names) in wanted.sorted(by: { $0.key < $1.key }) {
                guard let u = try round.unit(unit), u.accepted else { continue }
                let named: [(name: String, item: String)] = u.acceptedRows(fields.ledgerSheet).compactMap { row in
                    guard let name = row.values[fields.ledgerName]?.text else { return nil }
                    return (CommunityName.exact(name), row.values[fields.ledgerStatus]?.text ?? "")
                }
                let index = CommunityIndex(named)
                for name in names.sorted() where found[unit + "\u{1}" + name] == nil {
                    if index.find(CommunityName.exact(name)) == fields.ledgerCompleted { found[unit + "\u{1}" + name] = id }
                }
            }
        }
        return found
    }

    /// Each recorded round before `round`: its units' states and, for every declared ledger the
    /// round asked for, each accepted unit's accepted rows and those whose status is done (the
    /// figures stored with the round, `UnitFigures`).
    func trendPoints(before round: Round, plan: Plan) throws -> [RoundHistory.TrendPoint] {
        guard let position = plan.rounds.firstIndex(where: { $0.id == round.id }), try !rounds().isEmpty else { return [] }
        return try readRows { db in
            let ids = try String.fetchAll(db, sql: "SELECT round_id FROM rounds WHERE position < ? ORDER BY position", arguments: [position])
            return try ids.map { id in
                var status: [String: UnitStatus] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT unit_id, status FROM units WHERE round_id = ?", arguments: [id]) {
                    status[r["unit_id"]] = UnitStatus(rawValue: r["status"] as String)
                }
                let counts = try UnitFigures.read(db, round: id, plan: plan)
                var ledgers: [String: [String: (items: Int, done: Int)]] = [:]
                for l in plan.outputs.ledgers where plan.round(id)?.sheets.contains(l.sheet) ?? true {
                    ledgers[l.sheet] = counts[l.sheet] ?? [:]
                }
                return RoundHistory.TrendPoint(round: id, unitStatus: status, ledgers: ledgers)
            }
        }
    }
}
