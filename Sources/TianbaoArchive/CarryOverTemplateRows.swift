import TianbaoCheck
import TianbaoPlan
import TianbaoTemplates
import XLSX

extension CarryOver {
    /// The rows as a template writes them: values by field position, the 说明 last.
    public func templateRows(plan: Plan) -> CarriedRows {
        var sheets: [String: [[CellValue?]]] = [:]
        for (id, rows) in self.rows {
            guard let spec = plan.sheet(id) else { continue }
            sheets[id] = rows.map { row in
                spec.fields.map { field in row.values[field.id].map(Self.cell) } + [row.explanation.map { CellValue.string($0) }]
            }
        }
        return CarriedRows(round: round, sheets: sheets)
    }

    private static func cell(_ value: FieldValue) -> CellValue {
        switch value {
        case .text(let s): return .string(s)
        case .number(let n): return .number(n)
        case .date(let d): return .date(ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day), serial: nil)
        }
    }
}
