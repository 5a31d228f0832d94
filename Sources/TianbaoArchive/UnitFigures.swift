import GRDB
import TianbaoPlan
import TianbaoRound

/// Per round, declared ledger and unit: the accepted rows (items) and those whose status is
/// the ledger's done value — what the 进度趋势 of every later round and the year's review
/// show of an earlier round. Stored when the round is recorded (`RoundWriter`, schema v2);
/// for a round recorded by schema version 1, counted from its rows (`count`) until the next
/// merge into the archive stores them (`backfill`).
enum UnitFigures {
    /// Ledger sheet id → unit id → (items, done).
    typealias Counts = [String: [String: (items: Int, done: Int)]]

    /// The round's figures: stored ones when the round has them, else counted from its rows.
    static func read(_ db: Database, round: String, plan: Plan) throws -> Counts {
        let stored = try db.columns(in: "rounds").contains { $0.name == "unit_figures" }
            && (try Bool.fetchOne(db, sql: "SELECT unit_figures FROM rounds WHERE round_id = ?", arguments: [round]) ?? false)
        guard stored else { return try count(db, round: round, plan: plan) }
        var out: Counts = [:]
        for r in try Row.fetchAll(db, sql: "SELECT sheet_id, unit_id, items, done FROM unit_figures WHERE round_id = ?",
                                  arguments: [round]) {
            out[r["sheet_id"], default: [:]][r["unit_id"]] = (r["items"], r["done"])
        }
        return out
    }

    /// Counts the round's figures from its stored rows, in the database (the rows stay there):
    /// accepted rows of accepted units, per declared ledger the round asked for.
    static func count(_ db: Database, round: String, plan: Plan) throws -> Counts {
        var out: Counts = [:]
        let accepted = try String.fetchAll(db, sql: "SELECT unit_id FROM units WHERE round_id = ? AND status = ?",
                                              arguments: [round, UnitStatus.accepted.rawValue])
        for l in plan.outputs.ledgers where plan.round(round)?.sheets.contains(l.sheet) ?? true {
            guard let fieldsJSON = try String.fetchOne(db, sql: "SELECT fields_json FROM sheets WHERE round_id = ? AND sheet_id = ?",
                                                       arguments: [round, l.sheet]),
                  let index = RowValuesCoding.fieldList(fieldsJSON).firstIndex(of: l.status) else { continue }
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.unit_id, COUNT(*) AS items,
                       SUM(CASE WHEN json_extract(r.values_json, '$[\(index)]') = ? THEN 1 ELSE 0 END) AS done
                FROM rows r JOIN units u ON u.round_id = r.round_id AND u.unit_id = r.unit_id
                WHERE r.round_id = ? AND r.sheet_id = ? AND r.accepted = 1 AND u.status = 'accepted'
                GROUP BY r.unit_id
                """, arguments: [l.done, round, l.sheet])
            var byUnit: [String: (items: Int, done: Int)] = [:]
            // Every accepted unit asked for the ledger counts, with zero rows too.
            for id in accepted {
                guard let u = plan.unit(id), let r = plan.round(round), plan.asks(u, for: l.sheet, in: r) else { continue }
                byUnit[id] = (0, 0)
            }
            for r in rows { byUnit[r["unit_id"]] = (r["items"], r["done"]) }
            out[l.sheet] = byUnit
        }
        return out
    }

    /// Stores `counts` as the round's figures and marks the round as having them.
    static func store(_ db: Database, round: String, counts: Counts) throws {
        let statement = try db.makeStatement(sql: "INSERT INTO unit_figures (round_id, sheet_id, unit_id, items, done) VALUES (?, ?, ?, ?, ?)")
        for (sheet, byUnit) in counts.sorted(by: { $0.key < $1.key }) {
            for (unit, c) in byUnit.sorted(by: { $0.key < $1.key }) {
                try statement.execute(arguments: [round, sheet, unit, c.items, c.done])
            }
        }
        try db.execute(sql: "UPDATE rounds SET unit_figures = 1 WHERE round_id = ?", arguments: [round])
    }

    /// Stores the figures of every round recorded by schema version 1 (inside the recording
    /// transaction, after the archive was found to hold only rounds of `plan`'s version).
    static func backfill(_ db: Database, plan: Plan) throws {
        for round in try String.fetchAll(db, sql: "SELECT round_id FROM rounds WHERE unit_figures = 0 ORDER BY position") {
            try store(db, round: round, counts: count(db, round: round, plan: plan))
        }
    }
}
