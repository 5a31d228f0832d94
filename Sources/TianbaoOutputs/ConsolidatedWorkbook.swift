import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// Writes `汇总-<round>.xlsx`, the workbook leaders open: an overview on one screen (who
/// reported, who did not, where the plan stands, with charts), then every detail sheet with
/// each row traceable to its source file, sheet and row.
public struct ConsolidatedWorkbook {
    public let report: RoundReport
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    public let sourceFolder: String

    public init(report: RoundReport, sourceFolder: String) {
        self.report = report
        self.sourceFolder = sourceFolder
    }

    // Formats (the review's workbook, TianbaoReview, uses the same).
    public static let base = CellFormat()
    public static let title = base.with { $0.bold = true; $0.fontSize = 16 }
    public static let subtitle = base.with { $0.fontColor = 0x595959 }
    public static let section = base.with { $0.bold = true; $0.fontSize = 12; $0.fontColor = 0x1F4E79 }
    public static let header = base.with { $0.bold = true; $0.fill = 0xDDEBF7; $0.border = true; $0.wrap = true; $0.horizontal = .center }
    public static let cell = base.with { $0.border = true; $0.vertical = .top }
    public static let wrapped = cell.with { $0.wrap = true }
    /// Decimals as a clerk writes them (80, 80.5, 10926.1): Excel's General, not `#,##0.##`
    /// (which prints "80.").
    static let number = cell
    public static let integer = cell.with { $0.numberFormat = "#,##0" }
    /// Years and other integers that are not quantities (建成年份 1999, not "1,999").
    static let plainInteger = cell.with { $0.numberFormat = "0" }
    static let dateTime = cell.with { $0.numberFormat = "yyyy-mm-dd hh:mm" }
    /// A row with an error: its 校验结果 cell, and values the check refused.
    static let flagged = cell.with { $0.fill = red; $0.fontColor = 0x9C0006; $0.wrap = true }
    public static let note = base.with { $0.fontColor = 0x7F3F00; $0.wrap = true; $0.vertical = .top }
    public static let percent = cell.with { $0.numberFormat = "0.0%" }
    public static let date = cell.with { $0.numberFormat = "yyyy-mm-dd" }
    static let link = cell.with { $0.fontColor = 0x0563C1; $0.underline = true }
    static let subtotal = cell.with { $0.bold = true; $0.fill = 0xF2F2F2; $0.numberFormat = "#,##0.0" }
    /// A subtotal of counts (households, buildings): an integer.
    static let integerSubtotal = subtotal.with { $0.numberFormat = "#,##0" }
    static let big = cell.with { $0.bold = true; $0.fontSize = 14; $0.numberFormat = "#,##0" }

    public static let green: UInt32 = 0xC6EFCE, yellow: UInt32 = 0xFFEB9C, red: UInt32 = 0xFFC7CE, orange: UInt32 = 0xF8CBAD
    public static let grey: UInt32 = 0xE7E6E6

    /// Status words and their fill colours, used by every coloured status column: the
    /// report's own words, then the status values the plan declares (done green, not started
    /// grey, lagging red, the others blue).
    public static func statusColors(_ plan: Plan) -> [(String, UInt32)] {
        var out: [(String, UInt32)] = [("已报送", green), ("迟报", yellow), ("被退回", orange), ("未报送", red), ("未处理", grey)]
        let blue: UInt32 = 0xDDEBF7
        if let p = plan.outputs.progress {
            for v in p.colouredOrder {
                out.append((v, v == p.done ? green : v == p.notStarted ? grey : v == p.lagging ? red : blue))
            }
        }
        for l in plan.outputs.ledgers {
            for v in l.shownStatuses { out.append((v, v == l.done ? green : v == l.notStarted ? grey : blue)) }
        }
        out += [("未报", red), ("错误", red), ("提示", yellow), ("通过", green)]
        var seen: Set<String> = []
        return out.filter { seen.insert($0.0).inserted }
    }

    /// The word in a detail row's 校验结果 column for a row that counts.
    static let passed = "通过"

    /// Row height for wrapped texts (see `WrappedText`).
    static func rowHeight(_ texts: [(String, Double)], fontSize: Double = 11) -> Double? {
        WrappedText.rowHeight(texts, fontSize: fontSize)
    }

    /// Writes the workbook: every accepted unit's rows through `ConsolidatedWorkbookWriter`,
    /// then the summary sheets. `merge` streams the units into the writer while files are
    /// still being checked; this is the same sequence of writes, so the bytes are the same.
    public func write(to path: String) throws {
        let writer = try ConsolidatedWorkbookWriter(path: path, plan: report.plan, round: report.round, sourceFolder: sourceFolder)
        try writer.addAll(report)
        try writer.finish(report)
    }

    public static func statusWord(_ u: UnitOutcome) -> String { u.statusWord }

    /// A short column label: `江岸区`, `东湖高新区` …
    static func shortName(_ u: ReportingUnit) -> String {
        var s = u.name
        for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        if let open = s.firstIndex(where: { $0 == "（" || $0 == "(" }) { s = String(s[..<open]) }
        if s.hasPrefix("市") && s.count > 2 { s.removeFirst() }
        if s.hasPrefix("武汉") && s.count > 4 { s.removeFirst(2) }
        return s
    }

}

/// Writes the consolidated workbook unit by unit: `add` streams each accepted unit's rows into
/// the detail sheets as soon as the unit is decided (while other files are still being
/// checked), `finish` writes the overview, status, matrix and problem sheets from the whole
/// round and closes the package. libxlsxwriter's constant-memory mode keeps one row per sheet
/// in memory; every sheet is written top to bottom.
/// Owned by one thread from start to finish (the merging thread): not `Sendable`.
public final class ConsolidatedWorkbookWriter {
    private typealias CW = ConsolidatedWorkbook
    let plan: Plan
    let round: Round
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    let sourceFolder: String
    private let book: WorkbookWriter
    private let formats: DetailFormats
    private let overview: SheetWriter, status: SheetWriter, problemSheet: SheetWriter
    /// What a detail sheet is, as the plan's `outputs:` declares it.
    private enum DetailKind {
        case progress(ProgressOutput)
        case ledger(LedgerOutput)
        case plain
    }
    /// The detail sheets, in the round's order, and the task matrix after the progress sheet.
    private var details: [(spec: SheetSpec, ws: SheetWriter, kind: DetailKind)] = []
    private var matrix: SheetWriter?
    /// Status words and their colours (from the plan's declarations).
    private let statusColors: [(String, UInt32)]
    /// Columns, their widths, and last written row of each detail sheet, by sheet id.
    private var columns: [String: Int] = [:]
    private var widths: [String: [Double]] = [:]
    private var lastRow: [String: Int] = [:]
    /// Each ledger's summed fields (numbers that are not years), by ledger sheet id.
    private var summed: [String: Set<String>] = [:]
    /// Number formats of each sheet's fields (`numberFormats(_:)`), by sheet id.
    private var numberFormatsBySheet: [String: [PreparedFormat]] = [:]
    private var report: RoundReport!
    private var result: RoundResult!
    private var finalFigures: Figures!
    /// The 进度趋势 sheet, when the workbook was started with one.
    private var trend: SheetWriter?
    /// Earlier rounds (from the archive), for the 环比 in 总览, 进度趋势 and 报送情况's
    /// contacts: the report's (`RoundReport.history`). Nil: no archive, nothing compared.
    private var history: RoundHistory? { report?.history }

    /// The formats of the detail rows, registered once (a national merge writes millions of
    /// cells with them).
    struct DetailFormats {
        let cell, wrapped, number, integer, plainInteger, date, flagged: PreparedFormat
        init(_ book: WorkbookWriter) {
            cell = book.prepare(ConsolidatedWorkbook.cell)
            plainInteger = book.prepare(ConsolidatedWorkbook.plainInteger)
            flagged = book.prepare(ConsolidatedWorkbook.flagged)
            wrapped = book.prepare(ConsolidatedWorkbook.wrapped)
            number = book.prepare(ConsolidatedWorkbook.number)
            integer = book.prepare(ConsolidatedWorkbook.integer)
            date = book.prepare(ConsolidatedWorkbook.date)
        }
    }

    /// Rows link back to their source cell for the first this many rows of a sheet. Excel
    /// allows 65,530 links on a worksheet, and libxlsxwriter holds every link of a sheet in
    /// memory until the sheet is closed (about 2.8 KB each): a national merge of 180,000 rows
    /// would hold half a gigabyte for links nobody clicks through. Later rows give the source
    /// file and place as text (the same information, filterable).
    public static let maxLinkedRows = 10_000

    private static let sourceHeaders: [(String, Double)] = [("来源文件", 28), ("来源位置", 40)]

    /// A detail row's place in its source: file, sheet and cell (`硚口区人民政府-2021-06.xlsx 任务进展!A7`),
    /// so the place names its source also where the link cannot be followed (printed, filtered,
    /// past the linked rows).
    public static func placeText(file: String, sheet: String, row: Int) -> String {
        "\(file) \(sheet)!A\(row)"
    }
    /// The column that says whether a row counts (通过) or not (有误:…), and the unit's 说明.
    private static let checkHeader: [(String, Double)] = [("校验结果", 18), ("说明", 16)]

    /// The width of a field's column in the 汇总: narrower than the template's input columns, so
    /// that a sheet prints one page wide where it can. Numbers 9 characters, dates 12, a choice
    /// its longest choice (at least 8), the sheet's widest text field its plan width up to 40
    /// and other texts up to 20.
    static func summaryWidth(_ field: FieldSpec, in spec: SheetSpec) -> Double {
        let planned = field.width ?? 12
        switch field.type {
        case .integer, .decimal, .percent: return 9
        case .date: return 12
        case .choice, .yesNo:
            let longest = field.choices.map { Double(WrappedText.columns($0)) }.max() ?? 4
            return min(max(longest + 2, 8), max(planned, 8))
        case .taskRef: return 8
        case .phone, .mobile: return min(max(planned, 8), 16)
        case .email, .text:
            let widest = spec.fields.filter { $0.type == .text && $0.prefilled == nil }.map { $0.width ?? 12 }.max() ?? planned
            return min(max(planned, 8), planned >= widest ? 40 : 20)
        }
    }

    /// Starts the workbook (written to a temporary file, moved to `path` by `finish`): every
    /// sheet the round has, detail sheets with their headers.
    /// `trendSheet`: add a 进度趋势 sheet after 总览 (when an archive gives earlier rounds).
    public init(path: String, plan: Plan, round: Round, sourceFolder: String, trendSheet: Bool = false) throws {
        self.plan = plan
        self.round = round
        self.sourceFolder = sourceFolder
        book = try WorkbookWriter(path: path, constantMemory: true)
        formats = DetailFormats(book)
        try book.setProperties(title: "\(plan.title) \(round.title)汇总", subject: plan.subject,
                               author: plan.office.name, company: plan.office.name)
        statusColors = CW.statusColors(plan)
        overview = try book.addSheet("总览")
        if trendSheet { trend = try book.addSheet(ProgressTrendSheet.name) }
        status = try book.addSheet("报送情况")
        // A detail sheet for every row sheet this round asks for (named as in the plan), in the
        // round's order; the declared progress sheet is followed by the task matrix.
        var seen: Set<String> = []
        for id in round.sheets where seen.insert(id).inserted {
            guard let spec = plan.sheet(id), spec.kind != .text else { continue }
            let kind: DetailKind
            if let p = plan.outputs.progress, p.sheet == id { kind = .progress(p) }
            else if let l = plan.outputs.ledger(id) { kind = .ledger(l) }
            else { kind = .plain }
            details.append((spec, try book.addSheet(spec.name), kind))
            if case .progress = kind { matrix = try book.addSheet("任务矩阵") }
        }
        problemSheet = try book.addSheet("校验问题")

        for (spec, ws, kind) in details {
            switch kind {
            case .progress: try detailHeader(ws, sheetId: spec.id, leading: [("单位", 20), ("角色", 6), ("任务", 16)])
            case .plain: try detailHeader(ws, sheetId: spec.id, leading: [("单位", 20)])
            case .ledger(let l):
                summed[spec.id] = Set(spec.fields.filter { [.integer, .decimal].contains($0.type) && !Self.isYear($0) }.map(\.id))
                // Columns with subtotals wide enough for the totals (`4,206,612.4`, `已完工 67 个`).
                let doneWidth = Double(WrappedText.columns("\(l.done) 999 \(l.counter)") + 2)
                let headers = [(l.unitLabel, 18.0)] + spec.fields.map { f -> (String, Double) in
                    let width = Self.summaryWidth(f, in: spec)
                    if summed[spec.id]?.contains(f.id) == true { return (f.name, max(width, 11)) }
                    return (f.name, f.id == l.status ? max(width, doneWidth) : width)
                } + Self.checkHeader + Self.sourceHeaders
                // Printed: all but the source columns; the unit and the item's name repeated.
                try header(ws, headers, printed: headers.count - Self.sourceHeaders.count, identifying: 0...1)
                columns[spec.id] = headers.count
                widths[spec.id] = headers.map(\.1)
                lastRow[spec.id] = 0
            }
        }
    }

    // MARK: Streaming the units

    /// Writes the accepted rows of an accepted unit into every detail sheet. Units come in
    /// plan order.
    public func add(_ unit: ReportingUnit, _ submission: Submission, rows: [CheckedRow]) throws {
        let errors = RowErrors(submission, plan: plan)
        for (spec, ws, kind) in details {
            switch kind {
            case .progress(let p):
                try detailRows(ws, sheetId: spec.id, rows, submission, errors) { row in
                    let id = row.values[p.task]?.text ?? ""
                    let role = self.plan.task(id).map { $0.lead.contains(unit.id) ? TaskRole.lead.rawValue : TaskRole.responsible.rawValue } ?? ""
                    return [unit.name, role, self.plan.task(id)?.title ?? ""]
                }
            case .ledger(let l): try ledgerRows(ws, l, spec, unit, rows, submission, errors)
            case .plain: try detailRows(ws, sheetId: spec.id, rows, submission, errors) { _ in [unit.name] }
            }
        }
    }

    /// Adds every accepted unit of a complete round, in plan order (what `merge` streams).
    public func addAll(_ report: RoundReport) throws {
        for outcome in report.result.units where outcome.status == .accepted {
            if let s = outcome.submission { try add(outcome.unit, s, rows: try report.result.rows(of: s)) }
        }
    }

    /// Writes the summary sheets from the whole round (with the figures of the units added)
    /// and closes the workbook.
    public func finish(_ report: RoundReport) throws {
        self.report = report
        self.result = report.result
        self.finalFigures = report.figures
        try writeOverview(overview, book: book)
        if let trend { try ProgressTrendSheet(result: result, figures: finalFigures, history: history).write(trend, book: book) }
        try writeStatus(status)
        for (spec, ws, kind) in details {
            switch kind {
            case .progress(let p):
                try detailRanges(ws, sheetId: spec.id)
                if let m = matrix { try writeMatrix(m, p) }
            case .ledger(let l):
                let rows = lastRow[spec.id]!
                try ranges(ws, columns: columns[spec.id]!, rows: rows)
                if let lf = finalFigures.ledgers.first(where: { $0.decl.sheet == spec.id }) {
                    try writeLedgerTotals(ws, l, lf, spec: spec, lastDataRow: rows)
                }
            case .plain:
                try detailRanges(ws, sheetId: spec.id)
                if let p = plan.outputs.publicity, p.sheet == spec.id { try writePublicitySummary(ws, p) }
            }
        }
        try writeProblems(problemSheet)
        overview.activate()
        Timings.mark("consolidated workbook: cells written")
        try book.close()
    }

    // MARK: Helpers

    /// Writes a header row and sets widths, frozen header and print settings: the first
    /// `printed` columns are printed (the rest, the source columns, are not), `identifying`
    /// repeated on each page when the sheet prints over pages across.
    private func header(_ ws: SheetWriter, _ headers: [(String, Double)], headerRow: Int = 0, printed: Int? = nil,
                        identifying: ClosedRange<Int>? = 0...0) throws {
        for (c, (h, w)) in headers.enumerated() {
            try ws.write(headerRow, c, h, CW.header)
            try ws.columns(c, c, width: w)
        }
        try ws.row(headerRow, height: 30)
        ws.freeze(rows: headerRow + 1)
        let printed = min(printed ?? headers.count, headers.count)
        try printLayout(ws, widths: headers.prefix(printed).map(\.1), moreColumns: printed < headers.count,
                        repeatRows: headerRow...headerRow, identifying: identifying)
    }

    /// Print settings every sheet shares (`PrintLayout`): the plan, round and sheet in the page
    /// header, 第 N 页，共 M 页 in the footer.
    private func printLayout(_ ws: SheetWriter, widths: [Double], moreColumns: Bool = false,
                             repeatRows: ClosedRange<Int>? = nil, identifying: ClosedRange<Int>? = 0...0) throws {
        let header = "&L&9\(PrintLayout.headerText(plan.title))&C&9&A&R&9\(PrintLayout.headerText(round.title))（\(round.id)）"
        try ws.pageSetup(PrintLayout.pageSetup(widths: widths, moreColumns: moreColumns, identifying: identifying,
                                               repeatRows: repeatRows, header: header))
    }

    /// Text for a page header (`PrintLayout.headerText`).
    static func headerText(_ s: String) -> String { PrintLayout.headerText(s) }

    /// The filter and the status colours over a table's rows (known once it is written).
    private func ranges(_ ws: SheetWriter, columns: Int, rows: Int, headerRow: Int = 0) throws {
        try ws.autofilter(headerRow, 0, headerRow + max(rows, 1), columns - 1)
        for (word, color) in statusColors {
            try ws.highlight(headerRow + 1, 0, headerRow + max(rows, 1), columns - 1, equalTo: word,
                             CW.cell.with { $0.fill = color })
        }
    }

    /// A whole table at once: header, then filter and colours over `rows` rows.
    private func table(_ ws: SheetWriter, headers: [(String, Double)], rows: Int, headerRow: Int = 0,
                       identifying: ClosedRange<Int>? = 0...0) throws {
        try header(ws, headers, headerRow: headerRow, identifying: identifying)
        try ranges(ws, columns: headers.count, rows: rows, headerRow: headerRow)
    }

    /// Writes a value, numbers in `numberFormat` (see `numberFormats(_:)`).
    private func write(_ ws: SheetWriter, _ r: Int, _ c: Int, _ value: FieldValue?, numberFormat: PreparedFormat) throws {
        switch value {
        case .none: try ws.blank(r, c, formats.cell)
        case .text(let s)?: try ws.write(r, c, s, (s.utf8.count > 8 && s.unicodeScalars.count > 8) ? formats.wrapped : formats.cell)
        case .number(let n)?: try ws.write(r, c, n, numberFormat)
        case .date(let d)?:
            try ws.write(r, c, ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day).serial(date1904: false),
                         formats.date)
        }
    }

    /// The number format of each field of a sheet, by position: integers with a thousands
    /// separator, years without, decimals with two places. Worked out once per sheet.
    private func numberFormats(_ spec: SheetSpec) -> [PreparedFormat] {
        if let known = numberFormatsBySheet[spec.id] { return known }
        let made = spec.fields.map { f in
            f.type != .integer ? formats.number : (Self.isYear(f) ? formats.plainInteger : formats.integer)
        }
        numberFormatsBySheet[spec.id] = made
        return made
    }

    /// A field that holds a year (建成年份): printed without a thousands separator.
    static func isYear(_ field: FieldSpec?) -> Bool { field?.isYear ?? false }

    /// The end of a detail or ledger row: the 校验结果 cell, the value cells the check refused
    /// (what the unit wrote, marked), the 说明, the source columns, and the row's height from
    /// its tallest wrapped text (`lines`, with what these add).
    private func finishRow(_ ws: SheetWriter, _ r: Int, row: CheckedRow, errors: RowErrors, checkColumn: Int,
                           refused: [(column: Int, templateColumn: Int)], lines: RowLines,
                           source s: Submission, sheet: SheetSpec) throws {
        var lines = lines
        if errors.hasError(row) {
            let text = ChineseTypography.apply("有误：" + errors.text(row))
            try ws.write(r, checkColumn, text, formats.flagged)
            lines.add(text, column: checkColumn)
            for (c, tc) in refused {
                if let found = errors.foundValue(row, column: tc) {
                    try ws.write(r, c, found, formats.flagged)
                    lines.add(found, column: c)
                }
            }
        } else {
            try ws.write(r, checkColumn, CW.passed, formats.cell)
        }
        try ws.write(r, checkColumn + 1, row.explanation ?? "", formats.wrapped)
        if let e = row.explanation { lines.add(e, column: checkColumn + 1) }
        try source(ws, r, checkColumn + 2, s, sheet: sheet.name, row: row.row)
        try lines.apply(ws, r)
    }

    /// The tallest wrapped text of a row being written, for its height (see `WrappedText`).
    private struct RowLines {
        let widths: [Double]
        private(set) var most = 1
        init(_ widths: [Double]) { self.widths = widths }
        mutating func add(_ text: String, column: Int) {
            most = max(most, WrappedText.lines(text, width: column < widths.count ? widths[column] : 12))
        }
        /// Sets the row's height when a text takes more than one line.
        func apply(_ ws: SheetWriter, _ r: Int) throws {
            if let h = WrappedText.rowHeight(lines: most) { try ws.row(r, height: h) }
        }
    }

    /// The source columns: file name and the place of the row's first cell in that file, as a
    /// link on the first `maxLinkedRows` rows of a sheet.
    private func source(_ ws: SheetWriter, _ r: Int, _ c: Int, _ s: Submission, sheet: String, row: Int) throws {
        try ws.write(r, c, s.file, formats.cell)
        let place = Self.placeText(file: s.file, sheet: sheet, row: row)
        if r <= Self.maxLinkedRows {
            let url = "external:\(sourceFolder)/\(s.file)#'\(sheet)'!A\(row)"
            if url.utf8.count < 2000 { return try ws.link(r, c + 1, url: url, text: place, CW.link) }
        }
        try ws.write(r, c + 1, place, formats.cell)
    }

    // MARK: Detail sheets

    /// Positions of the fields a detail sheet shows: those the unit fills, and the task id.
    private func detailPositions(_ spec: SheetSpec) -> [Int] {
        spec.fields.indices.filter { spec.fields[$0].prefilled == nil || spec.fields[$0].prefilled == .taskId }
    }

    private func detailHeader(_ ws: SheetWriter, sheetId: String, leading: [(String, Double)]) throws {
        guard let spec = plan.sheet(sheetId) else { return }
        let headers = leading + detailPositions(spec).map { i in (spec.fields[i].name, Self.summaryWidth(spec.fields[i], in: spec)) }
            + Self.checkHeader + Self.sourceHeaders
        // Printed: all but the source columns; the leading columns and the first field repeated.
        try header(ws, headers, printed: headers.count - Self.sourceHeaders.count, identifying: 0...leading.count)
        columns[sheetId] = headers.count
        widths[sheetId] = headers.map(\.1)
        lastRow[sheetId] = 0
    }

    private func detailRanges(_ ws: SheetWriter, sheetId: String) throws {
        guard let columns = columns[sheetId], let rows = lastRow[sheetId] else { return }
        try ranges(ws, columns: columns, rows: rows)
    }

    /// Every row of one sheet of an accepted unit: rows that count, and rows with errors
    /// marked 有误 with their problems (kept out of every total).
    private func detailRows(_ ws: SheetWriter, sheetId: String, _ rows: [CheckedRow], _ s: Submission, _ errors: RowErrors,
                            leadingValues: (CheckedRow) -> [String]) throws {
        guard let spec = plan.sheet(sheetId), var r = lastRow[sheetId] else { return }
        let ids = spec.fields.map(\.id)
        let positions = detailPositions(spec)
        let numberFormats = numberFormats(spec)
        let w = widths[sheetId] ?? []
        for row in rows where row.sheet == sheetId {
            r += 1
            var c = 0
            var lines = RowLines(w)
            for v in leadingValues(row) {
                try ws.write(r, c, v, v.count > 6 ? formats.wrapped : formats.cell)
                lines.add(v, column: c)
                c += 1
            }
            // Values by position when the row has the sheet's fields in order (always, for
            // checked rows), by id otherwise.
            let inOrder = row.values.keys == ids
            var refused: [(column: Int, templateColumn: Int)] = []
            for position in positions {
                let value = inOrder ? row.values.value(at: position) : row.values[spec.fields[position].id]
                try write(ws, r, c, value, numberFormat: numberFormats[position])
                if case .text(let t)? = value { lines.add(t, column: c) }
                if value == nil { refused.append((c, position + 1)) }
                c += 1
            }
            try finishRow(ws, r, row: row, errors: errors, checkColumn: c, refused: refused, lines: lines, source: s, sheet: spec)
        }
        lastRow[sheetId] = r
    }

    /// One unit's ledger rows: those that count, and those with errors marked 有误. The unit
    /// subtotals are written below the table by `writeLedgerTotals`, so the table filters and
    /// sorts cleanly.
    private func ledgerRows(_ ws: SheetWriter, _ decl: LedgerOutput, _ spec: SheetSpec, _ unit: ReportingUnit, _ rows: [CheckedRow],
                            _ s: Submission, _ errors: RowErrors) throws {
        var r = lastRow[spec.id]!
        let ids = spec.fields.map(\.id)
        let numberFormats = numberFormats(spec)
        let w = widths[spec.id] ?? []
        for row in rows where row.sheet == spec.id {
            r += 1
            try ws.write(r, 0, unit.name, formats.wrapped)
            var lines = RowLines(w)
            lines.add(unit.name, column: 0)
            var refused: [(column: Int, templateColumn: Int)] = []
            let inOrder = row.values.keys == ids
            for (i, f) in spec.fields.enumerated() {
                let value = inOrder ? row.values.value(at: i) : row.values[f.id]
                try write(ws, r, i + 1, value, numberFormat: numberFormats[i])
                if case .text(let t)? = value { lines.add(t, column: i + 1) }
                if value == nil { refused.append((i + 1, i + 1)) }
            }
            let checkColumn = spec.fields.count + 1
            try finishRow(ws, r, row: row, errors: errors, checkColumn: checkColumn, refused: refused, lines: lines,
                          source: s, sheet: spec)
        }
        lastRow[spec.id] = r
    }

    /// Below the ledger table, after a blank row: one subtotal row for every unit asked for a
    /// ledger (COUNTIFS/SUMIFS over the table's rows marked 通过, so they follow corrections
    /// made in the table), then the total, each with what it leaves out.
    private func writeLedgerTotals(_ ws: SheetWriter, _ decl: LedgerOutput, _ f: Figures.LedgerFigures, spec: SheetSpec,
                                   lastDataRow: Int) throws {
        let summed = self.summed[spec.id] ?? []
        let checkColumn = spec.fields.count + 1
        let last = max(lastDataRow, 1) + 1
        func col(_ c: Int) -> String { "$\(CellReference.columnName(c + 1))$2:$\(CellReference.columnName(c + 1))$\(last)" }
        let unitRange = col(0), checkRange = col(checkColumn)
        let statusColumn = spec.fields.firstIndex { $0.id == decl.status }.map { $0 + 1 }
        var r = lastDataRow + 2
        try ws.write(r, 0, ChineseTypography.apply("各单位小计与合计（只计校验结果为“通过”的行；公式随上表更新）"), CW.section)
        r += 1
        let first = r
        // The plan's words inside a number format and a formula string: quotes doubled.
        func quoted(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "\"\"") }
        let countFormat = CW.subtotal.with { $0.numberFormat = "0\" \(quoted(decl.counter + decl.label))\"" }
        let completedFormat = CW.subtotal.with { $0.numberFormat = "\"\(quoted(decl.done)) \"0\" \(quoted(decl.counter))\"" }
        // Sums of counts (households, buildings …) as integers, of amounts with one decimal.
        func sumFormat(_ field: FieldSpec) -> CellFormat { field.type == .integer ? CW.integerSubtotal : CW.subtotal }
        let noteWidth = 18.0 + 16
        for d in f.districts {
            let label = CellReference.columnName(1) + "\(r + 1)"
            try ws.write(r, 0, d.unit.name, CW.subtotal.with { $0.wrap = true })
            if !d.state.counted {
                // No file that counts: its state where the counts would be, not a 0 that reads
                // as no work done.
                let state = CW.subtotal.with { $0.fill = statusColors.first { $0.0 == d.status }?.1; $0.horizontal = .center }
                try ws.write(r, 1, d.status, state)
                for c in 2...spec.fields.count { try ws.write(r, c, c == statusColumn ? d.status : "", c == statusColumn ? state : CW.subtotal) }
            } else {
                try ws.formula(r, 1, "COUNTIFS(\(unitRange),\(label),\(checkRange),\"\(CW.passed)\")",
                               result: .number(Double(d.items)), countFormat)
                for (i, field) in spec.fields.enumerated() where i > 0 {
                    let c = i + 1
                    if summed.contains(field.id) {
                        try ws.formula(r, c, "SUMIFS(\(col(c)),\(unitRange),\(label),\(checkRange),\"\(CW.passed)\")",
                                       result: .number(d.sums[field.id] ?? 0), sumFormat(field))
                    } else if c == statusColumn {
                        try ws.formula(r, c, "COUNTIFS(\(unitRange),\(label),\(col(c)),\"\(quoted(decl.done))\",\(checkRange),\"\(CW.passed)\")",
                                       result: .number(Double(d.byStatus[decl.done] ?? 0)), completedFormat)
                    } else {
                        try ws.blank(r, c, CW.subtotal)
                    }
                }
            }
            let note = ChineseTypography.apply(Self.districtNote(d, f))
            try ws.merge(r, checkColumn, r, checkColumn + 1, note, note.isEmpty ? CW.subtotal : CW.flagged.with { $0.bold = true })
            if let h = CW.rowHeight([(note, noteWidth), (d.unit.name, 18)]) { try ws.row(r, height: h) }
            r += 1
        }
        try ws.write(r, 0, "合计", CW.subtotal)
        for c in 1...spec.fields.count {
            let field = spec.fields[c - 1]
            let letter = CellReference.columnName(c + 1)
            if c == 1 || c == statusColumn || summed.contains(field.id) {
                let value: Double = c == 1 ? Double(f.items) : (c == statusColumn ? Double(f.done)
                    : FieldReader.rounded(f.districts.reduce(0) { $0 + ($1.sums[field.id] ?? 0) }))
                try ws.formula(r, c, "SUM(\(letter)\(first + 1):\(letter)\(r))", result: .number(value),
                               c == 1 ? countFormat : (c == statusColumn ? completedFormat : sumFormat(field)))
            } else {
                try ws.blank(r, c, CW.subtotal)
            }
        }
        let note = ChineseTypography.apply(Self.exclusionNote(f))
        try ws.merge(r, checkColumn, r, checkColumn + 1, note, note.isEmpty ? CW.subtotal : CW.flagged.with { $0.bold = true })
        if let h = CW.rowHeight([(note, noteWidth)]) { try ws.row(r, height: h) }
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

    // MARK: 总览

    private func writeOverview(_ ws: SheetWriter, book: WorkbookWriter) throws {
        let r0 = result.round, t = result.totals
        try ws.columns(0, 0, width: 22)
        try ws.columns(1, 2, width: 14)
        try ws.columns(3, 3, width: 4)
        try ws.columns(4, 12, width: 11)
        try ws.write(0, 0, "\(result.plan.title)", CW.title)
        try ws.write(1, 0, ChineseTypography.apply("\(r0.title)（\(r0.due.year)年\(r0.due.month)月，截止 \(r0.due.chinese)）汇总"), CW.section)
        // Files read and rows counted are the office's notes (工作提示), not the leaders'.
        try ws.write(2, 0, ChineseTypography.apply("应报 \(t.expected) 个单位。各项数字只计通过校验的数据；被退回单位的数据和有误的行未计入，"
                     + "有误的行在各明细表中标为“有误”。"), CW.subtitle)

        // 报送情况
        var r = 4
        try ws.write(r, 0, "报送情况", CW.section)
        r += 1
        try ws.write(r, 0, "项目", CW.header); try ws.write(r, 1, "单位数", CW.header); try ws.write(r, 2, "占应报", CW.header)
        let onTime = t.accepted - t.late
        let statusRows: [(String, Int)] = [("应报单位", t.expected), (ChineseTypography.apply("已报送（通过）"), t.accepted), ("  其中按时", onTime),
                                           ("  其中迟报", t.late), ("被退回", t.rejected), ("未报送", t.missing - t.unread)]
            + (t.unread > 0 ? [(UnitState.unread.word, t.unread)] : []) + [("有表声明本期无", finalFigures.nilUnits.count)]
        let firstStatus = r + 1
        for (i, (label, n)) in statusRows.enumerated() {
            let row = r + 1 + i
            let fill: UInt32? = label == "未报送" && n > 0 ? CW.red : (label == "被退回" && n > 0 ? CW.orange
                : (label.contains("迟报") && n > 0 ? CW.yellow : (label == UnitState.unread.word && n > 0 ? CW.grey : nil)))
            try ws.write(row, 0, label, CW.cell.with { $0.fill = fill })
            try ws.write(row, 1, Double(n), CW.big.with { $0.fontSize = 11; $0.fill = fill })
            let ratio = t.expected > 0 ? Double(n) / Double(t.expected) : 0
            try ws.formula(row, 2, "IF($B$\(firstStatus + 1)=0,0,B\(row + 1)/$B$\(firstStatus + 1))", result: .number(ratio),
                           CW.percent.with { $0.fill = fill })
        }
        r += statusRows.count + 2

        // 目标进度: one block for each declared ledger of the round.
        for lf in finalFigures.ledgers {
            let l = lf.decl
            try ws.write(r, 0, finalFigures.ledgers.count > 1 ? ChineseTypography.apply("目标进度：\(lf.spec.name)") : "目标进度", CW.section)
            r += 1
            var targetRows: [(String, Double)] = []
            if let target = lf.target { targetRows.append((ChineseTypography.apply("年度目标（\(target.unit.isEmpty ? l.counter : target.unit)）"), target.value)) }
            targetRows.append((l.countLabel, Double(lf.items)))
            for v in l.shownStatuses { targetRows.append((v, Double(lf.byStatus[v] ?? 0))) }
            let targetTop = r
            for (i, (label, n)) in targetRows.enumerated() {
                try ws.write(r + i, 0, label, CW.cell)
                try ws.write(r + i, 1, n, CW.big.with { $0.fontSize = 11 })
            }
            r += targetRows.count
            if let target = lf.target {
                // Rows: target, items, done.
                try ws.write(r, 0, ChineseTypography.apply("完成率（\(l.done)/目标）"), CW.cell.with { $0.bold = true })
                try ws.formula(r, 1, "IF(B\(targetTop + 1)=0,0,B\(targetTop + 3)/B\(targetTop + 1))",
                               result: .number((lf.targetPercent ?? 0) / 100), CW.percent.with { $0.bold = true; $0.fontSize = 14 })
                r += 1
                // Against time: the same `TimeProgress` and `Pace` as the briefing and the review.
                let period = TimeProgress(target: target, year: round.due.year)
                let pace = Pace(target: target.value, done: lf.done, timeShare: period.share(at: round.due))
                try ws.write(r, 0, "时间进度", CW.cell)
                try ws.write(r, 1, pace.timeShare, CW.percent)
                try ws.write(r + 1, 0, "按时间进度应完成", CW.cell)
                try ws.write(r + 1, 1, Double(pace.expected), CW.integer)
                try ws.write(r + 2, 0, "尚差", CW.cell)
                try ws.write(r + 2, 1, Double(pace.shortfall), CW.integer.with { $0.fill = pace.behind ? CW.red : nil })
                r += 3
                try note(ws, r, period.explained(at: round.due) + "；" + Pace.convention + "。")
                r += 1
            }
            let exclusion = Self.exclusionNote(lf)
            if !exclusion.isEmpty {
                try note(ws, r, "以上\(l.called)数" + exclusion + "。各单位情况见“\(lf.spec.name)”表下方小计。")
                r += 1
            }
            r += 1

            // 投资情况
            guard l.money != nil else { continue }
            try ws.write(r, 0, ChineseTypography.apply(lf.moneyHeading), CW.section)
            r += 1
            let investTop = r
            try ws.write(r, 0, "\(lf.moneyName)合计", CW.cell.with { $0.bold = true })
            // Sums of amounts: one decimal, thousands separated.
            let amount = CW.cell.with { $0.numberFormat = "#,##0.0" }
            try ws.write(r, 1, lf.plannedInvestment, amount.with { $0.bold = true })
            for (i, src) in lf.investmentBySource.enumerated() {
                try ws.write(r + 1 + i, 0, "  " + src.name, CW.cell)
                try ws.write(r + 1 + i, 1, src.amount, amount)
            }
            let sourcesEnd = r + lf.investmentBySource.count
            if !lf.investmentBySource.isEmpty {
                let sourceSum = FieldReader.rounded(lf.investmentBySource.map(\.amount).reduce(0, +))
                try ws.write(sourcesEnd + 1, 0, "各来源合计", CW.cell)
                try ws.formula(sourcesEnd + 1, 1, "SUM(B\(investTop + 2):B\(sourcesEnd + 1))", result: .number(sourceSum), amount)
                r = sourcesEnd + 2
            } else {
                r = sourcesEnd + 1
            }
            if let gap = Self.investmentGapNote(lf) {
                try note(ws, r, gap)
                r += 1
            }
            if !exclusion.isEmpty {
                try note(ws, r, lf.moneyName + exclusion + "。")
                r += 1
            }
            r += 1
        }

        // 任务进展状态
        var taskTop: Int?
        if let p = finalFigures.progress {
            try ws.write(r, 0, ChineseTypography.apply("\(p.sheetName)（条）"), CW.section)
            r += 1
            taskTop = r
            let n = p.statuses.count
            for (i, status) in p.statuses.enumerated() {
                let fill = statusColors.first { $0.0 == status }?.1
                try ws.write(r + i, 0, status, CW.cell.with { $0.fill = fill })
                try ws.write(r + i, 1, Double(finalFigures.taskStatus[status] ?? 0), CW.integer)
            }
            try ws.write(r + n, 0, "合计", CW.cell.with { $0.bold = true })
            try ws.formula(r + n, 1, "SUM(B\(r + 1):B\(r + n))", result: .number(Double(finalFigures.taskRows)), CW.integer)
            let taskNote = Self.taskErrorNote(finalFigures)
            if let taskNote { try note(ws, r + n + 1, taskNote) }
            r += n + (taskNote == nil ? 2 : 3)
        }
        // 环比, from the archive's previous round.
        if let history {
            r = try ComparisonSection(result: result, figures: finalFigures, history: history)
                .writeOverview(ws, at: r, note: { try self.note(ws, $0, $1) })
        }

        // Charts on the right.
        let lastStatus = firstStatus + 6 + (result.totals.unread > 0 ? 1 : 0)
        let statusChart = try book.addChart(ChartSpec(kind: .column, title: "报送情况", series: [
            .init(name: "单位数", categories: "=总览!$A$\(firstStatus + 2):$A$\(lastStatus)",
                  values: "=总览!$B$\(firstStatus + 2):$B$\(lastStatus)", color: 0x5B9BD5)]))
        try ws.insertChart(4, 4, statusChart, widthScale: 1.2, heightScale: 1.0)
        if let taskTop, let n = finalFigures.progress?.statuses.count {
            let taskChart = try book.addChart(ChartSpec(kind: .pie, title: "\(finalFigures.progress?.sheetName ?? "")状态", series: [
                .init(name: "条数", categories: "=总览!$A$\(taskTop + 1):$A$\(taskTop + n)",
                      values: "=总览!$B$\(taskTop + 1):$B$\(taskTop + n)")]))
            try ws.insertChart(20, 4, taskChart, widthScale: 1.2, heightScale: 1.0)
        }
        try printLayout(ws, widths: [22, 14, 14, 4] + Array(repeating: 11, count: 9))
    }

    /// A note under a figure of the overview: across columns A–D, wrapped, with its height.
    private func note(_ ws: SheetWriter, _ r: Int, _ text: String) throws {
        let text = ChineseTypography.apply(text)
        try ws.merge(r, 0, r, 3, text, CW.note)
        try ws.row(r, height: CW.rowHeight([(text, 22 + 14 + 14 + 4)], fontSize: 11) ?? 16)
    }

    /// Why a ledger's money total and the sum of its parts differ: the rows whose parts do not add up.
    static func investmentGapNote(_ f: Figures.LedgerFigures) -> String? {
        guard let money = f.decl.money, !money.parts.isEmpty else { return nil }
        let sourceSum = FieldReader.rounded(f.investmentBySource.map(\.amount).reduce(0, +))
        let diff = FieldReader.rounded(f.plannedInvestment - sourceSum)
        guard !f.investmentGaps.isEmpty || abs(diff) >= 0.05 else { return nil }
        let name = f.moneyName, l = f.decl
        let rows = f.investmentGaps.map {
            "\($0.unit.name)“\($0.item)”(\(l.called)第 \($0.row) 行：\(name) \(Briefing.wan($0.investment, unit: false)),"
                + "各来源之和 \(Briefing.wan($0.sources, unit: false)))"
        }
        var text = "\(name)合计与各来源合计相差 \(Briefing.wan(abs(diff), unit: money.unit))"
        text += rows.isEmpty ? "。" : "，因以下 \(rows.count) \(l.counter)\(l.label)的\(name)不等于各\(money.partsLabel)之和：" + rows.joined(separator: ";") + "。"
        return text
    }

    /// Progress rows with errors that the task counts leave out.
    static func taskErrorNote(_ f: Figures) -> String? {
        guard let p = f.progress else { return nil }
        let n = f.errorRows[p.sheet] ?? 0
        guard n > 0 else { return nil }
        let byStatus = p.statuses.compactMap { s in f.errorTaskStatus[s].map { "\(s) \($0) 条" } }
        return "另有 \(n) 条进展记录有误，未计入上表" + (byStatus.isEmpty ? "" : "（所报状态：\(byStatus.joined(separator: "、"))）")
            + "，见“\(p.sheetName)”表“校验结果”列。"
    }

    // MARK: 报送情况

    private func writeStatus(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 24), ("类型", 8), ("状态", 8), ("报送文件", 24), ("保存时间", 17),
                                           ("错误", 6), ("提示", 6), ("本期无的表", 10), ("联络员", 12), ("职务", 12),
                                           ("办公电话", 14), ("手机", 13), ("领导小组成员", 18), ("说明", 30)]
        try table(ws, headers: headers, rows: result.units.count, identifying: 0...1)
        for (i, u) in result.units.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), CW.integer)
            try ws.write(r, 1, u.unit.name, CW.cell)
            try ws.write(r, 2, u.unit.kind.rawValue, CW.cell)
            try ws.write(r, 3, CW.statusWord(u), CW.cell)
            try ws.write(r, 4, u.submission?.file ?? "", CW.wrapped)
            // 保存时间: the workbook's own record, as a date-time. An .xls file has none (its
            // file date is only when it was copied), so none is shown.
            let isXls = u.submission?.file.lowercased().hasSuffix(".xls") ?? false
            if let saved = u.submission?.savedAt, !isXls {
                try ws.write(r, 5, Self.excelSerial(saved), CW.dateTime)
            } else {
                try ws.write(r, 5, isXls ? "（.xls 无记录）" : "", CW.cell)
            }
            try ws.write(r, 6, Double(u.submission?.errorCount ?? 0), CW.integer)
            try ws.write(r, 7, Double(u.submission?.warningCount ?? 0), CW.integer)
            let nilNames = (u.submission?.nilSheets ?? []).compactMap { result.plan.sheet($0)?.name }
            try ws.write(r, 8, nilNames.joined(separator: "、"), CW.cell)
            // Whom to call: this round's liaison; for a unit that named none, the one it named
            // last time, else the plan's contact, each saying where it comes from.
            let l = ContactToCall.find(u, liaison: report.liaison(u.unit), plan: result.plan, history: history)
            let contactName = l.map { $0.name + ChineseTypography.apply($0.sourceNote) } ?? ""
            try ws.write(r, 9, contactName, contactName.count > 5 ? CW.wrapped : CW.cell)
            try ws.write(r, 10, l?.title ?? "", CW.wrapped)
            try ws.write(r, 11, l?.officePhone ?? "", CW.cell)
            try ws.write(r, 12, l?.mobile ?? "", CW.cell)
            let members = u.unit.members.map { "\($0.name)（\($0.title)）" }.joined(separator: "、")
            try ws.write(r, 13, members, CW.wrapped)
            var notes: [String] = []
            if !u.superseded.isEmpty { notes.append(ChineseTypography.apply("以最新文件为准，已替代：") + u.superseded.joined(separator: "、")) }
            if !u.otherRejected.isEmpty { notes.append(ChineseTypography.apply("另有被退回文件：") + u.otherRejected.joined(separator: "、")) }
            if isXls { notes.append(ChineseTypography.apply(".xls 文件不记录保存时间，文件日期只是拷贝时间，故不显示")) }
            if !u.unreadFiles.isEmpty { notes.append("办公室无法读取文件“" + u.unreadFiles.joined(separator: "”、“") + "”（不是单位的问题），待处理后重新汇总") }
            if u.status == .rejected, let p = u.submission?.problems.first(where: { $0.severity == .error }) {
                notes.append(ChineseTypography.apply("退回原因：") + p.message)
            }
            let text = notes.joined(separator: "\u{FF1B}")
            try ws.write(r, 14, text, CW.wrapped)
            if let h = CW.rowHeight([(text, 30), (u.unit.name, 24), (contactName, 12), (u.submission?.file ?? "", 24),
                                     (l?.title ?? "", 12), (members, 18)]) { try ws.row(r, height: h) }
        }
    }

    /// A date as an Excel serial date-time in China Standard Time.
    static func excelSerial(_ date: Date) -> Double {
        (date.timeIntervalSince1970 + 8 * 3600) / 86400 + 25569
    }

    private func writeMatrix(_ ws: SheetWriter, _ p: ProgressOutput) throws {
        let units = result.units
        try ws.write(0, 0, "任务", CW.header)
        try ws.write(0, 1, "牵头单位", CW.header)
        try ws.columns(0, 0, width: 26)
        try ws.columns(1, 1, width: 16)
        for (j, u) in units.enumerated() {
            // A unit without a file that counts says so in its column head.
            let head = CW.shortName(u.unit) + (u.status == .accepted ? "" : "\n(\(CW.statusWord(u)))")
            try ws.write(0, j + 2, ChineseTypography.apply(head), CW.header.with { $0.fontSize = 9 })
            try ws.columns(j + 2, j + 2, width: 7)
        }
        try ws.row(0, height: 60)
        // Every progress row of the accepted units, those with errors too (marked 有误).
        var status: [String: [String: (text: String, error: String)]] = [:]
        var errorsOf: (file: String, errors: RowErrors)?
        for item in report.rows(p.sheet) {
            let row = item.row
            if errorsOf?.file != item.submission.file { errorsOf = (item.submission.file, RowErrors(item.submission, plan: result.plan)) }
            let errors = errorsOf!.errors
            guard let t = row.values[p.task]?.text else { continue }
            status[t, default: [:]][item.unit.id] = (row.values[p.status]?.text ?? "", errors.hasError(row) ? errors.text(row) : "")
        }
        var flagged: [String] = []
        let small = CW.cell.with { $0.horizontal = .center; $0.fontSize = 9; $0.wrap = true }
        for (i, task) in result.plan.tasks.enumerated() {
            try ws.write(i + 1, 0, "\(task.id) \(task.title)", CW.cell.with { $0.wrap = true })
            try ws.write(i + 1, 1, TemplateContent.leadNames(plan: result.plan, task: task), CW.cell.with { $0.wrap = true })
            for (j, u) in units.enumerated() {
                let involved = task.lead.contains(u.unit.id) || task.responsible.contains(u.unit.id)
                if involved, u.status == .accepted, let entry = status[task.id]?[u.unit.id], !entry.error.isEmpty {
                    // Reported, but the row has an error: shown as reported, marked, not counted.
                    let fill = statusColors.first { $0.0 == entry.text }?.1
                    try ws.write(i + 1, j + 2, (entry.text.isEmpty ? "" : entry.text + "\n") + "有误",
                                 small.with { $0.fill = fill; $0.fontColor = 0xC00000; $0.bold = true })
                    flagged.append("\(u.unit.name) \(task.id)（报“\(entry.text.isEmpty ? "未填" : entry.text)”）：\(entry.error)")
                    continue
                }
                let text: String
                if !involved { text = "" } else if u.status != .accepted { text = "未报" } else {
                    text = status[task.id]?[u.unit.id]?.text ?? "未报"
                }
                try ws.write(i + 1, j + 2, text, small)
            }
            let lines = WrappedText.lines("\(task.id) \(task.title)", width: 26)
            try ws.row(i + 1, height: Double(max(2, lines)) * 15 + 3)
        }
        ws.freeze(rows: 1, columns: 2)
        for (word, color) in statusColors {
            try ws.highlight(1, 2, result.plan.tasks.count, units.count + 1, equalTo: word, CW.cell.with { $0.fill = color })
        }
        var r = result.plan.tasks.count + 2
        try ws.merge(r, 0, r, min(units.count + 1, 20), ChineseTypography.apply("说明：“未报”为应报未报（单位未报送、被退回或漏填该任务）；"
                     + "“有误”为单位已填报但该行有错误，按所报状态显示，未计入任何统计。"), CW.note)
        try ws.row(r, height: 32)
        for line in flagged.map({ ChineseTypography.apply("有误：" + $0) }) {
            r += 1
            try ws.merge(r, 0, r, min(units.count + 1, 20), line, CW.note.with { $0.fontColor = 0xC00000 })
            if let h = CW.rowHeight([(line, 26 + 16 + 7 * 18)]) { try ws.row(r, height: h) }
        }
        try printLayout(ws, widths: [26, 16] + units.map { _ in 7 }, repeatRows: 0...0, identifying: 0...1)
    }

    /// Items per unit per month, below the list.
    private func writePublicitySummary(_ ws: SheetWriter, _ p: PublicityOutput) throws {
        let rows = report.acceptedRows(p.sheet)
        let months = Set(rows.compactMap { $0.row.values[p.date]?.day.map { $0.year * 100 + $0.month } }).sorted()
        var r = rows.count + 3
        try ws.write(r, 0, ChineseTypography.apply("各单位每月报送篇数" + (p.perMonthMin > 0 ? "（每月不少于 \(p.perMonthMin) 篇）" : "")), CW.section)
        // A month is judged (0 shaded red) only in the round that covers it: earlier months
        // are judged from their own rounds' files, not from this round's.
        let ownStart = result.round.start.year * 100 + result.round.start.month
        let ownEnd = result.round.due.year * 100 + result.round.due.month
        let judged = { (m: Int) in m >= ownStart && m <= ownEnd }
        if months.contains(where: { !judged($0) }) {
            r += 1
            try ws.write(r, 0, ChineseTypography.apply("本期以前月份的篇数只是本期文件中所列，仅供参考（该月是否达标以该月调度的报送为准），不标红。"), CW.note.with { $0.wrap = false })
        }
        r += 1
        try ws.write(r, 0, "单位", CW.header)
        for (j, m) in months.enumerated() {
            try ws.write(r, 1 + j, ChineseTypography.apply("\(m / 100)年\(m % 100)月" + (judged(m) ? "" : "（参考）")), CW.header)
        }
        try ws.write(r, 1 + months.count, "合计", CW.header)
        var perUnitMonth: [String: [Int: Int]] = [:]
        for row in rows {
            if let m = row.row.values[p.date]?.day.map({ $0.year * 100 + $0.month }) { perUnitMonth[row.unit.id, default: [:]][m, default: 0] += 1 }
        }
        for u in result.units {
            r += 1
            try ws.write(r, 0, u.unit.name, CW.cell)
            if u.status != .accepted {
                // No file that counts: say so instead of counting zeros.
                let word = CW.statusWord(u)
                let fill = statusColors.first { $0.0 == word }?.1
                for j in 0...months.count { try ws.write(r, 1 + j, word, CW.cell.with { $0.fill = fill; $0.horizontal = .center }) }
                continue
            }
            var total = 0
            for (j, m) in months.enumerated() {
                let n = perUnitMonth[u.unit.id]?[m] ?? 0
                total += n
                try ws.write(r, 1 + j, Double(n), n < p.perMonthMin && judged(m) ? CW.integer.with { $0.fill = CW.red } : CW.integer)
            }
            try ws.write(r, 1 + months.count, Double(total), CW.integer.with { $0.bold = true })
        }
    }

    private func writeProblems(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 26), ("文件", 30), ("级别", 6), ("工作表", 10), ("单元格", 8),
                                           ("规则", 16), ("填写值", 20), ("问题及处理建议", 60), ("已说明", 7)]
        let problems = result.problems
        try table(ws, headers: headers, rows: problems.count, identifying: 0...1)
        for (i, p) in problems.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), CW.integer)
            try ws.write(r, 1, p.unit.flatMap { result.plan.unit($0)?.name } ?? "（未识别）", CW.cell)
            try ws.write(r, 2, p.file, CW.cell)
            try ws.write(r, 3, p.severity == .error ? "错误" : "提示", CW.cell)
            try ws.write(r, 4, p.sheet ?? "", CW.cell)
            // The cell links back to the source cell (relative to the output folder, as the
            // detail sheets' 来源位置).
            if let sheet = p.sheet, let cell = p.cell, r <= ConsolidatedWorkbookWriter.maxLinkedRows {
                let url = "external:\(sourceFolder)/\(p.file)#'\(sheet)'!\(cell)"
                if url.utf8.count < 2000 { try ws.link(r, 5, url: url, text: cell, CW.link) } else { try ws.write(r, 5, cell, CW.cell) }
            } else {
                try ws.write(r, 5, p.cell ?? "", CW.cell)
            }
            try ws.write(r, 6, p.rule.name, CW.cell)
            try ws.write(r, 7, p.value, CW.wrapped)
            try ws.write(r, 8, p.message, CW.wrapped)
            try ws.write(r, 9, p.explained ? "是" : "", CW.cell)
            if let h = CW.rowHeight([(p.message, 60), (p.value, 20), (p.file, 30)]) { try ws.row(r, height: h) }
        }
    }
}
