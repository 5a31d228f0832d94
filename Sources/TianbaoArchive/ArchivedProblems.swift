import GRDB
import TianbaoPlan

/// A problem recorded with a round: as the round's report.json gives it, with its unit.
public struct ArchivedProblem: Sendable, Equatable {
    public var unitId: String?
    /// As recorded (`error`, `warning`; a text this version does not know reads as a warning:
    /// nothing is taken as an error that was not recorded as one).
    public var severity: Severity
    public var sheet: String?
    public var cell: String?
    /// The rule's stable id (`status-went-back`).
    public var rule: String
    public var value: String
    public var message: String
    public var explained: Bool
}

extension RoundArchive {
    /// Every problem recorded with `round`, in the order the merge found them (empty for a
    /// round not recorded).
    public func problems(round: String) throws -> [ArchivedProblem] {
        try readRows { db in
            try Row.fetchAll(db, sql: """
                SELECT unit_id, severity, sheet, cell, rule, value, message, explained FROM problems
                WHERE round_id = ? ORDER BY position
                """, arguments: [round]).map { r in
                ArchivedProblem(unitId: r["unit_id"], severity: Severity(rawValue: r["severity"] as String) ?? .warning, sheet: r["sheet"], cell: r["cell"], rule: r["rule"],
                                value: r["value"], message: r["message"], explained: r["explained"])
            }
        }
    }
}
