import GRDB
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan

extension RoundArchive {
    /// What the outputs of `result` show of the rounds recorded before it: the 环比 with the
    /// previous one (`RoundComparison`, per declared ledger), each earlier round's ledger
    /// figures per unit (进度趋势), and each unit's last liaison. Everything by the plan's
    /// `outputs:` declarations.
    public func history(for result: RoundResult) throws -> RoundHistory {
        let plan = result.plan, round = result.round
        let fields = CrossRoundFields(plan: plan)
        var comparison: RoundHistory.Comparison?
        if let previous = try previousRound(before: round, plan: plan) {
            let base = try RoundComparison(result, previous: previous, fields: fields)
            var newlyDone: [String: [RoundHistory.Completion]] = [:]
            for l in plan.outputs.ledgers {
                let c = l.sheet == fields.ledgerSheet ? base : try RoundComparison(result, previous: previous, fields: CrossRoundFields(plan: plan, ledger: l))
                newlyDone[l.sheet] = c.newlyCompleted.map { .init(unit: $0.unit, item: $0.community, before: $0.before) }
            }
            let p = base.punctuality
            comparison = RoundHistory.Comparison(
                previousRound: previous.round, newlyDone: newlyDone,
                statusMoves: base.statusMoves.map { .init(unit: $0.unit, task: $0.task, before: $0.before, after: $0.after) },
                newlyLagging: base.newlyLagging, recovered: base.recovered,
                punctualityBefore: .init(onTime: p.before.onTime, late: p.before.late, notAccepted: p.before.notAccepted),
                punctualityNow: .init(onTime: p.now.onTime, late: p.now.late, notAccepted: p.now.notAccepted))
        }
        let liaisons = fields.liaisonSheet.isEmpty ? [:] : try lastLiaisons(before: round, plan: plan, fields: fields)
        return RoundHistory(comparison: comparison, earlier: try trendPoints(before: round, plan: plan),
                            lastLiaisons: liaisons)
    }

    /// Each recorded round before `round`: its units' states and, for every declared ledger the
    /// round asked for, each accepted unit's accepted rows and those whose status is done,
    /// counted in the database (the rows stay there).
    func trendPoints(before round: Round, plan: Plan) throws -> [RoundHistory.TrendPoint] {
        guard let position = plan.rounds.firstIndex(where: { $0.id == round.id }), try !rounds().isEmpty else { return [] }
        return try readRows { db in
            let ids = try String.fetchAll(db, sql: "SELECT round_id FROM rounds WHERE position < ? ORDER BY position", arguments: [position])
            return try ids.map { id in
                var status: [String: String] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT unit_id, status FROM units WHERE round_id = ?", arguments: [id]) {
                    status[r["unit_id"]] = r["status"]
                }
                var ledgers: [String: [String: (items: Int, done: Int)]] = [:]
                for l in plan.outputs.ledgers where plan.round(id)?.sheets.contains(l.sheet) ?? true {
                    guard let fieldsJSON = try String.fetchOne(db, sql: "SELECT fields_json FROM sheets WHERE round_id = ? AND sheet_id = ?",
                                                               arguments: [id, l.sheet]),
                          let index = RowValuesCoding.fieldList(fieldsJSON).firstIndex(of: l.status) else { continue }
                    var byUnit: [String: (items: Int, done: Int)] = [:]
                    // Every accepted unit asked for the ledger counts, with zero rows too.
                    for (unit, s) in status where s == "accepted" {
                        guard let u = plan.unit(unit), let r = plan.round(id),
                              plan.sheets(for: u, in: r).contains(where: { $0.id == l.sheet }) else { continue }
                        byUnit[unit] = (0, 0)
                    }
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT r.unit_id, COUNT(*) AS items,
                               SUM(CASE WHEN json_extract(r.values_json, '$[\(index)]') = ? THEN 1 ELSE 0 END) AS done
                        FROM rows r JOIN units u ON u.round_id = r.round_id AND u.unit_id = r.unit_id
                        WHERE r.round_id = ? AND r.sheet_id = ? AND r.accepted = 1 AND u.status = 'accepted'
                        GROUP BY r.unit_id
                        """, arguments: [l.done, id, l.sheet])
                    for r in rows { byUnit[r["unit_id"]] = (r["items"], r["done"]) }
                    ledgers[l.sheet] = byUnit
                }
                return RoundHistory.TrendPoint(round: id, unitStatus: status, ledgers: ledgers)
            }
        }
    }
}
