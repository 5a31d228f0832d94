import TianbaoCheck
import TianbaoPlan
import XLSX

/// The errors of a submission by sheet and row, so a row with an error can be shown where it
/// belongs (marked 有误, with its problems) instead of disappearing.
public struct RowErrors: Sendable {
    /// Error messages by sheet id and 1-based row.
    private var messages: [String: [Int: [String]]] = [:]
    /// The values found in cells that failed (a 10-digit mobile is not kept as a value), by
    /// sheet id, row and column (1-based).
    private var found: [String: [Int: [Int: String]]] = [:]

    public init(_ submission: Submission, plan: Plan) {
        var idByName: [String: String] = [:]
        for s in plan.sheets { idByName[s.name] = s.id }
        for p in submission.problems where p.severity == .error {
            guard let name = p.sheet, let id = idByName[name], let cell = p.cell, let ref = CellReference(cell) else { continue }
            messages[id, default: [:]][ref.row, default: []].append(p.message)
            if !p.value.isEmpty { found[id, default: [:]][ref.row, default: [:]][ref.column] = p.value }
        }
    }

    /// True when the row is kept out of the totals (the checker refused it for an error).
    public func hasError(_ row: CheckedRow) -> Bool { !row.accepted }

    /// The row's error messages, joined (empty when none).
    public func text(_ row: CheckedRow) -> String {
        let list = messages[row.sheet]?[row.row] ?? []
        return list.isEmpty && !row.accepted ? "该行有错误" : list.joined(separator: ";")
    }

    /// What the unit wrote in a cell that failed its check, if that is why the value is missing.
    public func foundValue(_ row: CheckedRow, column: Int) -> String? {
        found[row.sheet]?[row.row]?[column]
    }
}
