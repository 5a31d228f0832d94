import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// Runs the checks across rounds over a merged round, before its outputs are written: each
/// finding joins its file's problems (so it reaches the consolidated workbook, the briefing,
/// the feedback workbook and report.json like any other problem), and a row an error rejects
/// leaves the merge, the totals following.
public enum CrossRoundPass {
    /// The round with the findings of `checker` added; `rowsRejected` is true when rows left
    /// the merge (a consolidated workbook streamed during the merge must then be written again).
    public static func apply(_ checker: CrossRoundChecker, to result: RoundResult) throws -> (result: RoundResult, rowsRejected: Bool) {
        var r = result
        var rowsRejected = false
        var ledger: [CrossRoundChecker.LedgerEntry] = []
        // One unit's rows in memory at a time (a national round has hundreds of thousands).
        for i in r.units.indices where r.units[i].status == .accepted {
            guard var s = r.units[i].submission else { continue }
            let unit = CrossRoundChecker.UnitRows(unit: r.units[i].unit, submission: s, rows: try r.rows(of: s))
            ledger += checker.ledgerEntries(unit)
            let found = try checker.check(unit)
            guard !found.isEmpty else { continue }
            s.problems += found.map(\.problem)
            let rejected = Set(found.compactMap { $0.rejects.map { "\($0.sheet)#\($0.row)" } })
            if !rejected.isEmpty {
                var rows = unit.rows
                for j in rows.indices where rows[j].accepted && rejected.contains("\(rows[j].sheet)#\(rows[j].row)") {
                    rows[j].accepted = false
                    rowsRejected = true
                }
                s.setRows(rows)
            }
            set(s, unit: i, in: &r)
        }
        for (unitId, found) in try checker.acrossUnits(ledger) {
            guard let i = r.units.firstIndex(where: { $0.unit.id == unitId }), var s = r.units[i].submission else { continue }
            s.problems += found.map(\.problem)
            set(s, unit: i, in: &r)
        }
        if rowsRejected { r.totals = Totals(units: r.units, files: r.files) }
        return (r, rowsRejected)
    }

    /// Puts a unit's changed submission back, in its unit and in its file.
    private static func set(_ s: Submission, unit i: Int, in r: inout RoundResult) {
        r.units[i].submission = s
        if let f = r.files.firstIndex(where: { $0.file == s.file && $0.status == .accepted }) { r.files[f].submission = s }
    }

    /// The checks of a round against the archive's previous round, if the archive holds one;
    /// nil when there is nothing to compare with.
    public static func checker(archive: RoundArchive, plan: Plan, round: Round) throws -> CrossRoundChecker? {
        let fields = CrossRoundFields(plan: plan)
        guard let previous = try archive.previousRound(before: round, plan: plan, sheets: fields.sheetsRead) else { return nil }
        return CrossRoundChecker(previous: previous, plan: plan, round: round, fields: fields)
    }
}

extension CrossRoundPass {
    /// The checks across rounds for loose files (`tianbao check`): each accepted file against
    /// the round recorded before its own round, and the files' ledgers against each other.
    /// A row an error rejects is marked so in the file's rows.
    public static func apply(archive: RoundArchive, plan: Plan, to submissions: [Submission]) throws -> [Submission] {
        var out = submissions
        var byRound: [String: [Int]] = [:]
        for (i, s) in submissions.enumerated() where s.fileAccepted && s.unit != nil {
            if let r = s.roundId { byRound[r, default: []].append(i) }
        }
        for (roundId, indices) in byRound.sorted(by: { $0.key < $1.key }) {
            guard let round = plan.round(roundId), let checker = try checker(archive: archive, plan: plan, round: round) else { continue }
            let units = try indices.map { CrossRoundChecker.UnitRows(unit: out[$0].unit!, submission: out[$0], rows: try out[$0].rows(in: nil)) }
            let findings = try checker.check(units)
            for (k, i) in indices.enumerated() {
                guard let found = findings[units[k].unit.id], !found.isEmpty else { continue }
                // Two files of one unit: each gets only the findings about itself.
                let mine = found.filter { $0.problem.file == out[i].file }
                out[i].problems += mine.map(\.problem)
                let rejected = Set(mine.compactMap { $0.rejects.map { "\($0.sheet)#\($0.row)" } })
                if !rejected.isEmpty {
                    var rows = units[k].rows
                    for j in rows.indices where rejected.contains("\(rows[j].sheet)#\(rows[j].row)") { rows[j].accepted = false }
                    out[i].setRows(rows)
                }
            }
        }
        return out
    }
}
