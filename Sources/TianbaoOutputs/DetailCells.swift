import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import XLSX

/// What the detail sheets and the ledger sheets of the 汇总 share while units' rows stream in:
/// the formats of the rows (registered once: a national merge writes millions of cells with
/// them), the values as typed cells, the 校验结果 and 说明 columns, the source columns with a link
/// back to the row's first cell, and each row's height from its tallest wrapped text.
struct DetailCells {
    /// The formats of the detail rows, registered once.
    struct Formats {
        let cell, wrapped, number, integer, plainInteger, date, flagged: PreparedFormat
        init(_ book: WorkbookWriter) {
            cell = book.prepare(HouseStyle.cell)
            plainInteger = book.prepare(HouseStyle.plainInteger)
            flagged = book.prepare(HouseStyle.flagged)
            wrapped = book.prepare(HouseStyle.wrapped)
            number = book.prepare(HouseStyle.number)
            integer = book.prepare(HouseStyle.integer)
            date = book.prepare(HouseStyle.date)
        }
    }

    let formats: Formats
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    let sourceFolder: String

    /// Rows link back to their source cell for the first this many rows of a sheet. Excel
    /// allows 65,530 links on a worksheet, and libxlsxwriter holds every link of a sheet in
    /// memory until the sheet is closed (about 2.8 KB each): a national merge of 180,000 rows
    /// would hold half a gigabyte for links nobody clicks through. Later rows give the source
    /// file and place as text (the same information, filterable).
    static let maxLinkedRows = 10_000

    static let sourceHeaders: [(String, Double)] = [("来源文件", 28), ("来源位置", 40)]
    /// The column that says whether a row counts (通过) or not (有误:…), and the unit's 说明.
    static let checkHeader: [(String, Double)] = [("校验结果", 18), ("说明", 16)]
    /// The word in a detail row's 校验结果 column for a row that counts.
    static let passed = "通过"

    /// A detail row's place in its source: file, sheet and cell (`硚口区人民政府-2021-06.xlsx 任务进展!A7`),
    /// so the place names its source also where the link cannot be followed (printed, filtered,
    /// past the linked rows).
    static func placeText(file: String, sheet: String, row: Int) -> String {
        "\(file) \(sheet)!A\(row)"
    }

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

    /// The number format of each field of a sheet, by position: integers with a thousands
    /// separator, years (建成年份) without, decimals as written.
    func numberFormats(_ spec: SheetSpec) -> [PreparedFormat] {
        spec.fields.map { f in
            f.type != .integer ? formats.number : (f.isYear ? formats.plainInteger : formats.integer)
        }
    }

    /// Writes a value, numbers in `numberFormat` (see `numberFormats(_:)`).
    func write(_ ws: SheetWriter, _ r: Int, _ c: Int, _ value: FieldValue?, numberFormat: PreparedFormat) throws {
        switch value {
        case .none: try ws.blank(r, c, formats.cell)
        case .text(let s)?: try ws.write(r, c, s, (s.utf8.count > 8 && s.unicodeScalars.count > 8) ? formats.wrapped : formats.cell)
        case .number(let n)?: try ws.write(r, c, n, numberFormat)
        case .date(let d)?:
            try ws.write(r, c, ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day).serial(date1904: false),
                         formats.date)
        }
    }

    /// The end of a detail or ledger row: the 校验结果 cell, the value cells the check refused
    /// (what the unit wrote, marked), the 说明, the source columns, and the row's height from
    /// its tallest wrapped text (`lines`, with what these add).
    func finishRow(_ ws: SheetWriter, _ r: Int, row: CheckedRow, errors: RowErrors, checkColumn: Int,
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
            try ws.write(r, checkColumn, Self.passed, formats.cell)
        }
        try ws.write(r, checkColumn + 1, row.explanation ?? "", formats.wrapped)
        if let e = row.explanation { lines.add(e, column: checkColumn + 1) }
        try source(ws, r, checkColumn + 2, s, sheet: sheet.name, row: row.row)
        try lines.apply(ws, r)
    }

    /// The tallest wrapped text of a row being written, for its height (see `WrappedText`).
    struct RowLines {
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
            if url.utf8.count < 2000 { return try ws.link(r, c + 1, url: url, text: place, HouseStyle.link) }
        }
        try ws.write(r, c + 1, place, formats.cell)
    }
}
