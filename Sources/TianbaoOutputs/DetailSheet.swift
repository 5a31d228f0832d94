import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import XLSX

/// A detail sheet of the 汇总 (named as the plan's row sheet): every row of that sheet from
/// every accepted unit, rows that count and rows with errors marked 有误 with their problems
/// (kept out of every total), each with its source file and a link back to its place. The
/// declared progress sheet leads with the unit, its role and the task's title; others with the
/// unit. Rows stream in unit by unit (`add`) while files are still being checked; `finish`
/// adds the filter and the status colours over them, and under the publicity sheet the items
/// per unit per month (`PublicitySummary`).
final class DetailSheet {
    /// The progress sheet the plan declares (its rows name a task), or another row sheet.
    enum Kind {
        case progress(ProgressOutput)
        case plain
    }

    let spec: SheetSpec
    let ws: SheetWriter
    let kind: Kind
    private let plan: Plan
    private let cells: DetailCells
    private let style: HouseStyle
    /// The columns' widths, and the last row written.
    private let widths: [Double]
    private var lastRow = 0
    /// Positions of the fields the sheet shows: those the unit fills, and the task id.
    private let positions: [Int]
    private let numberFormats: [PreparedFormat]

    /// Writes the header row of the sheet.
    init(_ ws: SheetWriter, spec: SheetSpec, kind: Kind, plan: Plan, cells: DetailCells, style: HouseStyle) throws {
        self.ws = ws
        self.spec = spec
        self.kind = kind
        self.plan = plan
        self.cells = cells
        self.style = style
        positions = spec.fields.indices.filter { spec.fields[$0].prefilled == nil || spec.fields[$0].prefilled == .taskId }
        numberFormats = cells.numberFormats(spec)
        let leading: [(String, Double)]
        switch kind {
        case .progress: leading = [("单位", 20), ("角色", 6), ("任务", 16)]
        case .plain: leading = [("单位", 20)]
        }
        let headers = leading + positions.map { i in (spec.fields[i].name, DetailCells.summaryWidth(spec.fields[i], in: spec)) }
            + DetailCells.checkHeader + DetailCells.sourceHeaders
        // Printed: all but the source columns; the leading columns and the first field repeated.
        try style.header(ws, headers, printed: headers.count - DetailCells.sourceHeaders.count, identifying: 0...leading.count)
        widths = headers.map(\.1)
    }

    /// Writes one accepted unit's rows of this sheet.
    func add(_ unit: ReportingUnit, _ submission: Submission, rows: [CheckedRow], errors: RowErrors) throws {
        switch kind {
        case .progress(let p):
            try addRows(rows, submission, errors) { row in
                let id = row.values[p.task]?.text ?? ""
                let role = self.plan.task(id).map { $0.lead.contains(unit.id) ? TaskRole.lead.rawValue : TaskRole.responsible.rawValue } ?? ""
                return [unit.name, role, self.plan.task(id)?.title ?? ""]
            }
        case .plain: try addRows(rows, submission, errors) { _ in [unit.name] }
        }
    }

    /// The filter and the status colours over the rows written; under the publicity sheet, its
    /// items per unit per month.
    func finish(_ report: RoundReport) throws {
        try style.ranges(ws, columns: widths.count, rows: lastRow)
        if case .plain = kind, let p = plan.outputs.publicity, p.sheet == spec.id {
            try PublicitySummary(report: report, decl: p, style: style).write(ws)
        }
    }

    private func addRows(_ rows: [CheckedRow], _ s: Submission, _ errors: RowErrors,
                         leadingValues: (CheckedRow) -> [String]) throws {
        var r = lastRow
        let ids = spec.fields.map(\.id)
        let f = cells.formats
        for row in rows where row.sheet == spec.id {
            r += 1
            var c = 0
            var lines = DetailCells.RowLines(widths)
            for v in leadingValues(row) {
                try ws.write(r, c, v, v.count > 6 ? f.wrapped : f.cell)
                lines.add(v, column: c)
                c += 1
            }
            // Values by position when the row has the sheet's fields in order (always, for
            // checked rows), by id otherwise.
            let inOrder = row.values.keys == ids
            var refused: [(column: Int, templateColumn: Int)] = []
            for position in positions {
                let value = inOrder ? row.values.value(at: position) : row.values[spec.fields[position].id]
                try cells.write(ws, r, c, value, numberFormat: numberFormats[position])
                if case .text(let t)? = value { lines.add(t, column: c) }
                if value == nil { refused.append((c, position + 1)) }
                c += 1
            }
            try cells.finishRow(ws, r, row: row, errors: errors, checkColumn: c, refused: refused, lines: lines, source: s, sheet: spec)
        }
        lastRow = r
    }
}
