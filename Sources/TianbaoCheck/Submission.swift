import Foundation
import TianbaoPlan
import TianbaoTemplates

/// One data row of a returned file, read into the plan's fields.
public struct CheckedRow: Sendable {
    /// Sheet id.
    public var sheet: String
    /// 1-based row in the file.
    public var row: Int
    /// Values by field id (absent when empty).
    public var values: FieldValues
    /// The unit's 说明 (合理性说明), if any.
    public var explanation: String?
    /// False when an error keeps the row out of the consolidated workbook.
    public var accepted: Bool
}

/// A returned file after checking.
public struct Submission: Sendable {
    public var file: String
    public var path: String
    public var sha256: String
    /// When the unit last saved the file: the workbook's own record (docProps/core.xml
    /// `modified`), else the file's modification time.
    public var savedAt: Date?
    public var identity: TemplateIdentity?
    public var unit: ReportingUnit?
    public var roundId: String?
    public var problems: [Problem] = []
    /// The checked rows, in file order: in memory (`check`), or in a round's row store after
    /// `spill(to:)` (`merge`), read back through the store's owner (`RoundResult.rows(of:)`).
    /// Either way a read gives every row or throws (`RowStoreError`), never empty rows.
    public func rows(in store: RowSpill?) throws -> [CheckedRow] {
        guard let handle = storedRows else { return inlineRows }
        guard let store else { throw RowStoreError(.otherStore) }
        return try store.rows(handle)
    }
    /// Replaces the rows (in memory from then on) and their counts.
    public mutating func setRows(_ rows: [CheckedRow]) {
        inlineRows = rows
        storedRows = nil
        counts = Self.counts(of: rows)
    }
    private var inlineRows: [CheckedRow] = []
    private var storedRows: RowSpill.Handle?
    /// Rows read, and accepted rows by sheet id: known without reading spilled rows back.
    private var counts: (read: Int, accepted: [String: Int]) = (0, [:])
    /// Sheets declared 本期无 (nil return), by id.
    public var nilSheets: [String] = []
    public var hasMacros = false

    public init(file: String, path: String, sha256: String) {
        self.file = file
        self.path = path
        self.sha256 = sha256
    }

    /// True when nothing makes the whole file unacceptable.
    public var fileAccepted: Bool {
        !problems.contains { $0.severity == .error && $0.isFileLevel }
    }
    public var errorCount: Int { problems.filter { $0.severity == .error }.count }
    public var warningCount: Int { problems.filter { $0.severity == .warning }.count }
    public var rowsRead: Int { counts.read }
    public var rowsAccepted: Int { fileAccepted ? counts.accepted.values.reduce(0, +) : 0 }
    /// Accepted rows of one sheet (whether or not the file is accepted).
    public func acceptedRows(in sheet: String) -> Int { counts.accepted[sheet] ?? 0 }

    /// Moves the rows out of memory into `spill` (the round's row store, which owns them from
    /// then on).
    public mutating func spill(to spill: RowSpill) {
        guard storedRows == nil, !inlineRows.isEmpty else { return }
        storedRows = spill.store(inlineRows)
        inlineRows = []
    }

    private static func counts(of rows: [CheckedRow]) -> (read: Int, accepted: [String: Int]) {
        var accepted: [String: Int] = [:]
        for row in rows where row.accepted { accepted[row.sheet, default: 0] += 1 }
        return (rows.count, accepted)
    }
}
