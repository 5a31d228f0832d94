import TianbaoPlan
import TianbaoRound
import XLSX

/// The look of Tianbao's own workbooks (the 汇总 and the 回头看): the cell formats, the fill
/// colours and the status words they go with, row heights for wrapped text, and the helpers
/// that lay out a table (header row, widths, frozen header, filter, status colours) and its
/// printing. A value of it carries what differs between workbooks: the page header and the
/// status colours; the formats and colours are the same everywhere.
public struct HouseStyle {
    // MARK: Formats

    public static let base = CellFormat()
    public static let title = base.with { $0.bold = true; $0.fontSize = 16 }
    public static let subtitle = base.with { $0.fontColor = 0x595959 }
    public static let section = base.with { $0.bold = true; $0.fontSize = 12; $0.fontColor = 0x1F4E79 }
    public static let header = base.with { $0.bold = true; $0.fill = 0xDDEBF7; $0.border = true; $0.wrap = true; $0.horizontal = .center }
    public static let cell = base.with { $0.border = true; $0.vertical = .top }
    public static let wrapped = cell.with { $0.wrap = true }
    /// Decimals as a clerk writes them (80, 80.5, 10926.1): Excel's General, not `#,##0.##`
    /// (which prints "80.").
    public static let number = cell
    public static let integer = cell.with { $0.numberFormat = "#,##0" }
    /// Years and other integers that are not quantities (建成年份 1999, not "1,999").
    public static let plainInteger = cell.with { $0.numberFormat = "0" }
    public static let dateTime = cell.with { $0.numberFormat = "yyyy-mm-dd hh:mm" }
    /// A row with an error: its 校验结果 cell, and values the check refused.
    public static let flagged = cell.with { $0.fill = red; $0.fontColor = 0x9C0006; $0.wrap = true }
    public static let note = base.with { $0.fontColor = 0x7F3F00; $0.wrap = true; $0.vertical = .top }
    public static let percent = cell.with { $0.numberFormat = "0.0%" }
    public static let date = cell.with { $0.numberFormat = "yyyy-mm-dd" }
    public static let link = cell.with { $0.fontColor = 0x0563C1; $0.underline = true }
    public static let subtotal = cell.with { $0.bold = true; $0.fill = 0xF2F2F2; $0.numberFormat = "#,##0.0" }
    /// A subtotal of counts (households, buildings): an integer.
    public static let integerSubtotal = subtotal.with { $0.numberFormat = "#,##0" }
    public static let big = cell.with { $0.bold = true; $0.fontSize = 14; $0.numberFormat = "#,##0" }
    /// A cell centred across (a status word, a dash).
    public static let centred = cell.with { $0.horizontal = .center }

    // MARK: Colours

    public static let green: UInt32 = 0xC6EFCE, yellow: UInt32 = 0xFFEB9C, red: UInt32 = 0xFFC7CE, orange: UInt32 = 0xF8CBAD
    public static let grey: UInt32 = 0xE7E6E6

    /// The fill colour of a unit's state: reported green, late yellow, returned orange,
    /// missing red, unread grey.
    public static func fill(of state: UnitState) -> UInt32 {
        switch state {
        case .reported: return green
        case .late: return yellow
        case .returned: return orange
        case .missing: return red
        case .unread: return grey
        }
    }

    /// Status words and their fill colours, used by every coloured status column: the
    /// report's own words, then the status values the plan declares (done green, not started
    /// grey, lagging red, the others blue).
    public static func statusColors(_ plan: Plan) -> [(String, UInt32)] {
        var out: [(String, UInt32)] = UnitState.allCases.map { ($0.word, fill(of: $0)) }
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

    /// Row height for wrapped texts (see `WrappedText`).
    public static func rowHeight(_ texts: [(String, Double)], fontSize: Double = 11) -> Double? {
        WrappedText.rowHeight(texts, fontSize: fontSize)
    }

    /// A short column label: `江岸区`, `东湖高新区` …
    public static func shortName(_ u: ReportingUnit) -> String {
        var s = u.name
        for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        if let open = s.firstIndex(where: { $0 == "（" || $0 == "(" }) { s = String(s[..<open]) }
        if s.hasPrefix("市") && s.count > 2 { s.removeFirst() }
        if s.hasPrefix("武汉") && s.count > 4 { s.removeFirst(2) }
        return s
    }

    // MARK: A workbook's tables

    /// The page header every sheet of the workbook prints (`&L…&C…&R…`).
    public let pageHeader: String
    /// Status words and their colours (`statusColors(_:)`, or the workbook's own list).
    public let statusColors: [(String, UInt32)]

    public init(pageHeader: String, statusColors: [(String, UInt32)]) {
        self.pageHeader = pageHeader
        self.statusColors = statusColors
    }

    /// The page header of a round's workbook: the plan at the left, the sheet in the middle,
    /// the round at the right.
    public static func roundPageHeader(plan: Plan, round: Round) -> String {
        "&L&9\(PrintLayout.headerText(plan.title))&C&9&A&R&9\(PrintLayout.headerText(round.title))（\(round.id)）"
    }

    /// The fill colour of a status word, if it has one.
    public func color(of word: String) -> UInt32? { statusColors.first { $0.0 == word }?.1 }

    /// Writes a header row and sets widths, frozen header and print settings: the first
    /// `printed` columns are printed (the rest, the source columns, are not), `identifying`
    /// repeated on each page when the sheet prints over pages across.
    public func header(_ ws: SheetWriter, _ headers: [(String, Double)], headerRow: Int = 0, printed: Int? = nil,
                       identifying: ClosedRange<Int>? = 0...0) throws {
        for (c, (h, w)) in headers.enumerated() {
            try ws.write(headerRow, c, h, Self.header)
            try ws.columns(c, c, width: w)
        }
        try ws.row(headerRow, height: 30)
        ws.freeze(rows: headerRow + 1)
        let printed = min(printed ?? headers.count, headers.count)
        try printLayout(ws, widths: headers.prefix(printed).map(\.1), moreColumns: printed < headers.count,
                        repeatRows: headerRow...headerRow, identifying: identifying)
    }

    /// Print settings every sheet shares (`PrintLayout`): the page header, 第 N 页，共 M 页 in
    /// the footer, one page wide where the text stays readable.
    public func printLayout(_ ws: SheetWriter, widths: [Double], moreColumns: Bool = false,
                            repeatRows: ClosedRange<Int>? = nil, identifying: ClosedRange<Int>? = 0...0) throws {
        try ws.pageSetup(PrintLayout.pageSetup(widths: widths, moreColumns: moreColumns, identifying: identifying,
                                               repeatRows: repeatRows, header: pageHeader))
    }

    /// The filter and the status colours over a table's rows (known once it is written).
    public func ranges(_ ws: SheetWriter, columns: Int, rows: Int, headerRow: Int = 0) throws {
        try ws.autofilter(headerRow, 0, headerRow + max(rows, 1), columns - 1)
        for (word, color) in statusColors {
            try ws.highlight(headerRow + 1, 0, headerRow + max(rows, 1), columns - 1, equalTo: word,
                             Self.cell.with { $0.fill = color })
        }
    }

    /// A whole table at once: header, then filter and colours over `rows` rows.
    public func table(_ ws: SheetWriter, headers: [(String, Double)], rows: Int, headerRow: Int = 0,
                      identifying: ClosedRange<Int>? = 0...0) throws {
        try header(ws, headers, headerRow: headerRow, identifying: identifying)
        try ranges(ws, columns: headers.count, rows: rows, headerRow: headerRow)
    }
}
