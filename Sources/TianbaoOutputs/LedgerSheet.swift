import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import XLSX

/// A ledger sheet of the 汇总 (a sheet the plan declares as a ledger: communities, buildings …):
/// every item of every accepted unit, those with errors marked 有误, streamed in unit by unit
/// (`add`) while files are still being checked. `finish` adds the filter and the status
/// colours, and below the table one subtotal row for every unit asked for the ledger and the
/// total, as formulas with what each leaves out, so the table filters and sorts cleanly.
final class LedgerSheet {
    let spec: SheetSpec
    let ws: SheetWriter
    let decl: LedgerOutput
    private let cells: DetailCells
    private let style: HouseStyle
    /// Fields summed in the subtotals: numbers that are not years.
    private let summed: Set<String>
    private let widths: [Double]
    private var lastRow = 0
    private let numberFormats: [PreparedFormat]

    private typealias H = HouseStyle

    /// Writes the header row of the sheet.
    init(_ ws: SheetWriter, spec: SheetSpec, decl: LedgerOutput, cells: DetailCells, style: HouseStyle) throws {
        self.ws = ws
        self.spec = spec
        self.decl = decl
        self.cells = cells
        self.style = style
        let summed = Set(spec.fields.filter { [.integer, .decimal].contains($0.type) && !$0.isYear }.map(\.id))
        self.summed = summed
        numberFormats = cells.numberFormats(spec)
        // Columns with subtotals wide enough for the totals (`4,206,612.4`, `已完工 67 个`).
        let doneWidth = Double(WrappedText.columns("\(decl.done) 999 \(decl.counter)") + 2)
        let headers = [(decl.unitLabel, 18.0)] + spec.fields.map { f -> (String, Double) in
            let width = DetailCells.summaryWidth(f, in: spec)
            if summed.contains(f.id) { return (f.name, max(width, 11)) }
            return (f.name, f.id == decl.status ? max(width, doneWidth) : width)
        } + DetailCells.checkHeader + DetailCells.sourceHeaders
        // Printed: all but the source columns; the unit and the item's name repeated.
        try style.header(ws, headers, printed: headers.count - DetailCells.sourceHeaders.count, identifying: 0...1)
        widths = headers.map(\.1)
    }

    /// One unit's ledger rows: those that count, and those with errors marked 有误.
    func add(_ unit: ReportingUnit, _ s: Submission, rows: [CheckedRow], errors: RowErrors) throws {
        var r = lastRow
        let ids = spec.fields.map(\.id)
        for row in rows where row.sheet == spec.id {
            r += 1
            try ws.write(r, 0, unit.name, cells.formats.wrapped)
            var lines = DetailCells.RowLines(widths)
            lines.add(unit.name, column: 0)
            var refused: [(column: Int, templateColumn: Int)] = []
            let inOrder = row.values.keys == ids
            for (i, f) in spec.fields.enumerated() {
                let value = inOrder ? row.values.value(at: i) : row.values[f.id]
                try cells.write(ws, r, i + 1, value, numberFormat: numberFormats[i])
                if case .text(let t)? = value { lines.add(t, column: i + 1) }
                if value == nil { refused.append((i + 1, i + 1)) }
            }
            let checkColumn = spec.fields.count + 1
            try cells.finishRow(ws, r, row: row, errors: errors, checkColumn: checkColumn, refused: refused, lines: lines,
                                source: s, sheet: spec)
        }
        lastRow = r
    }

    /// The filter and the status colours over the rows, then the subtotals and the total.
    func finish(_ figures: Figures) throws {
        try style.ranges(ws, columns: widths.count, rows: lastRow)
        if let lf = figures.ledgers.first(where: { $0.decl.sheet == spec.id }) {
            try writeTotals(lf)
        }
    }

    /// Below the ledger table, after a blank row: one subtotal row for every unit asked for a
    /// ledger (COUNTIFS/SUMIFS over the table's rows marked 通过, so they follow corrections
    /// made in the table), then the total, each with what it leaves out.
    private func writeTotals(_ f: Figures.LedgerFigures) throws {
        let lastDataRow = lastRow
        let checkColumn = spec.fields.count + 1
        let last = max(lastDataRow, 1) + 1
        func col(_ c: Int) -> String { "$\(CellReference.columnName(c + 1))$2:$\(CellReference.columnName(c + 1))$\(last)" }
        let unitRange = col(0), checkRange = col(checkColumn)
        let passed = DetailCells.passed
        let statusColumn = spec.fields.firstIndex { $0.id == decl.status }.map { $0 + 1 }
        var r = lastDataRow + 2
        try ws.write(r, 0, ChineseTypography.apply("各单位小计与合计（只计校验结果为“通过”的行；公式随上表更新）"), H.section)
        r += 1
        let first = r
        // The plan's words inside a number format and a formula string: quotes doubled.
        func quoted(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "\"\"") }
        let countFormat = H.subtotal.with { $0.numberFormat = "0\" \(quoted(decl.counter + decl.label))\"" }
        let completedFormat = H.subtotal.with { $0.numberFormat = "\"\(quoted(decl.done)) \"0\" \(quoted(decl.counter))\"" }
        // Sums of counts (households, buildings …) as integers, of amounts with one decimal.
        func sumFormat(_ field: FieldSpec) -> CellFormat { field.type == .integer ? H.integerSubtotal : H.subtotal }
        let noteWidth = 18.0 + 16
        for d in f.districts {
            let label = CellReference.columnName(1) + "\(r + 1)"
            try ws.write(r, 0, d.unit.name, H.subtotal.with { $0.wrap = true })
            if !d.state.counted {
                // No file that counts: its state where the counts would be, not a 0 that reads
                // as no work done.
                let state = H.subtotal.with { $0.fill = H.fill(of: d.state); $0.horizontal = .center }
                try ws.write(r, 1, d.status, state)
                for c in 2...spec.fields.count { try ws.write(r, c, c == statusColumn ? d.status : "", c == statusColumn ? state : H.subtotal) }
            } else {
                try ws.formula(r, 1, "COUNTIFS(\(unitRange),\(label),\(checkRange),\"\(passed)\")",
                               result: .number(Double(d.items)), countFormat)
                for (i, field) in spec.fields.enumerated() where i > 0 {
                    let c = i + 1
                    if summed.contains(field.id) {
                        try ws.formula(r, c, "SUMIFS(\(col(c)),\(unitRange),\(label),\(checkRange),\"\(passed)\")",
                                       result: .number(d.sums[field.id] ?? 0), sumFormat(field))
                    } else if c == statusColumn {
                        try ws.formula(r, c, "COUNTIFS(\(unitRange),\(label),\(col(c)),\"\(quoted(decl.done))\",\(checkRange),\"\(passed)\")",
                                       result: .number(Double(d.byStatus[decl.done] ?? 0)), completedFormat)
                    } else {
                        try ws.blank(r, c, H.subtotal)
                    }
                }
            }
            let note = ChineseTypography.apply(Self.districtNote(d, f))
            try ws.merge(r, checkColumn, r, checkColumn + 1, note, note.isEmpty ? H.subtotal : H.flagged.with { $0.bold = true })
            if let h = H.rowHeight([(note, noteWidth), (d.unit.name, 18)]) { try ws.row(r, height: h) }
            r += 1
        }
        try ws.write(r, 0, "合计", H.subtotal)
        for c in 1...spec.fields.count {
            let field = spec.fields[c - 1]
            let letter = CellReference.columnName(c + 1)
            if c == 1 || c == statusColumn || summed.contains(field.id) {
                let value: Double = c == 1 ? Double(f.items) : (c == statusColumn ? Double(f.done)
                    : FieldReader.rounded(f.districts.reduce(0) { $0 + ($1.sums[field.id] ?? 0) }))
                try ws.formula(r, c, "SUM(\(letter)\(first + 1):\(letter)\(r))", result: .number(value),
                               c == 1 ? countFormat : (c == statusColumn ? completedFormat : sumFormat(field)))
            } else {
                try ws.blank(r, c, H.subtotal)
            }
        }
        let note = ChineseTypography.apply(Self.exclusionNote(f))
        try ws.merge(r, checkColumn, r, checkColumn + 1, note, note.isEmpty ? H.subtotal : H.flagged.with { $0.bold = true })
        if let h = H.rowHeight([(note, noteWidth)]) { try ws.row(r, height: h) }
    }

    /// What a unit's subtotal leaves out.
    static func districtNote(_ d: Figures.DistrictLedger, _ f: Figures.LedgerFigures) -> String {
        switch d.state {
        case .returned:
            return "文件被退回，未计入（文件中报 \(reported(d.items, d.byStatus[f.decl.done] ?? 0, d.investment, f))）"
        case .missing: return "未报送，无\(f.decl.called)数据"
        case .unread: return "办公室未能读取所报文件，待重新汇总"
        case .reported, .late: return d.errorRows > 0 ? "另有 \(d.errorRows) 行有误，未计入" : ""
        }
    }

    /// What the ledger totals leave out, in one sentence (empty when nothing).
    static func exclusionNote(_ f: Figures.LedgerFigures) -> String {
        var parts: [String] = []
        for d in f.rejectedDistricts {
            parts.append("被退回的\(d.unit.name)(\(reported(d.items, d.byStatus[f.decl.done] ?? 0, d.investment, f)))")
        }
        let missing = f.missingDistricts.map(\.unit.name)
        if !missing.isEmpty { parts.append("未报送的\(missing.joined(separator: "、"))") }
        let unread = f.unreadDistricts.map(\.unit.name)
        if !unread.isEmpty { parts.append("文件待办公室处理的\(unread.joined(separator: "、"))") }
        let e = f.errorLedger
        if e.items > 0 {
            var text = "有误的\(f.decl.called)行 \(e.items) 行(" + (e.repeated > 0 ? "其中重复填报 \(e.repeated) 行;" : "")
                + "\(f.decl.done) \(e.byStatus[f.decl.done] ?? 0) \(f.decl.counter)"
            if let money = f.decl.money { text += "、\(f.moneyName) \(Briefing.wan(e.investment, unit: money.unit))" }
            parts.append(text + ")")
        }
        return parts.isEmpty ? "" : "不含" + parts.joined(separator: ";")
    }

    /// `12 个小区、已完工 3 个、计划投资 1,234.0 万元`: what a file reported of a ledger.
    static func reported(_ items: Int, _ done: Int, _ money: Double, _ f: Figures.LedgerFigures) -> String {
        let l = f.decl
        var text = "\(items) \(l.counter)\(l.label)、\(l.done) \(done) \(l.counter)"
        if let m = l.money { text += "、\(f.moneyName) \(Briefing.wan(money, unit: m.unit))" }
        return text
    }
}
