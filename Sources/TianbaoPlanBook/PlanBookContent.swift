import TianbaoPlan
import XLSX

/// A cell of a plan workbook as the plan sees it.
enum BookValue: Equatable, Sendable {
    case text(String)
    case number(Double)
    case date(Day)

    /// The text a YAML scalar is made of.
    var text: String {
        switch self {
        case .text(let s): return s
        case .number(let n): return NumberText.format(n)
        case .date(let d): return d.description
        }
    }
}

/// One row of a plan workbook sheet, with its row number (1-based; the header is row 1).
struct BookRow: Sendable {
    var row: Int
    var cells: [BookValue?]

    /// The cell's text, trimmed; "" for an empty cell.
    func text(_ column: Int) -> String {
        guard column < cells.count, let v = cells[column] else { return "" }
        return v.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func value(_ column: Int) -> BookValue? {
        guard column < cells.count, let v = cells[column] else { return nil }
        if case .text(let s) = v, s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
        return v
    }
}

/// The data rows of every sheet of a plan workbook, by sheet name: what the writer writes and
/// what the reader reads back, before either becomes a plan.
struct PlanBookContent: Sendable {
    var rows: [String: [BookRow]] = [:]

    /// A sheet's rows. Changed in place (`content[sheet].append(row)` appends to the stored
    /// array, without copying the rows before it: a plan of 100,000 rows reads in linear time).
    subscript(_ sheet: String) -> [BookRow] {
        get { rows[sheet] ?? [] }
        _modify { yield &rows[sheet, default: []] }
    }

    /// Appends a row to a sheet (numbered after the header and the rows before it).
    mutating func append(_ sheet: String, _ cells: [BookValue?]) {
        let n = (rows[sheet]?.count ?? 0) + 2
        rows[sheet, default: []].append(BookRow(row: n, cells: cells))
    }
}

/// Splitting and joining the lists written in one cell.
enum CellList {
    /// A list of names or ids: one per line when the cell has several lines, otherwise
    /// separated by `、` (also `，` and `,`).
    static func split(_ text: String) -> [String] {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { return [] }
        let parts: [Substring]
        if t.contains("\n") {
            parts = t.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        } else {
            parts = t.split(whereSeparator: { $0 == "、" || $0 == "，" || $0 == "," })
        }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Free text items (deliverables, 报送 lines): one per line.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Joins with `、`, or with line breaks when an item has a `、` of its own.
    static func join(_ items: [String]) -> String {
        items.contains { $0.contains("、") || $0.contains("，") || $0.contains(",") } ? items.joined(separator: "\n") : items.joined(separator: "、")
    }
}
