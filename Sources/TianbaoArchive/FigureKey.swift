/// The name of a figure the archive keeps for a round (the `figures` table): accepted rows of a
/// sheet (`rows:ledger`, and per unit `rows:ledger:jiangan`), rows that meet a target of the plan
/// (`target:communities`, `target:communities:jiangan`), and progress rows by status
/// (`task_status:已完成`). The names are the archive's and `history --format json`'s interface.
struct FigureKey: Hashable, Sendable {
    enum Kind: String, Sendable {
        case rows
        case target
        case taskStatus = "task_status"
    }

    var kind: Kind
    /// The sheet id, the target id or the status text.
    var subject: String
    /// The unit id, for a unit's share of the figure.
    var unit: String?

    static func rows(_ sheet: String, unit: String? = nil) -> FigureKey { FigureKey(kind: .rows, subject: sheet, unit: unit) }
    static func target(_ id: String, unit: String? = nil) -> FigureKey { FigureKey(kind: .target, subject: id, unit: unit) }
    static func taskStatus(_ status: String) -> FigureKey { FigureKey(kind: .taskStatus, subject: status, unit: nil) }

    /// The name as stored.
    var name: String { [kind.rawValue, subject, unit].compactMap { $0 }.joined(separator: ":") }
}
