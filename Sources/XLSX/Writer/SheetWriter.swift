import CXlsxWriter
import Foundation

/// A rule that limits what can be typed into cells (Excel's data validation).
public struct DataValidation: Sendable {
    public enum Rule: Sendable {
        /// A dropdown whose choices come from a range (`=字典!$A$2:$A$5`), so the list has no
        /// 255-character limit and WPS keeps it intact.
        case listFromRange(String)
        /// A short dropdown written inline.
        case list([String])
        case wholeNumber(min: Int, max: Int)
        case decimal(min: Double, max: Double)
        /// Dates between two days, inclusive.
        case date(min: ExcelDateTime, max: ExcelDateTime)
        case textLength(max: Int)
        /// Anything: used for the input message alone.
        case any
    }

    public var rule: Rule
    public var inputTitle: String?
    public var inputMessage: String?
    public var errorTitle: String?
    public var errorMessage: String?
    /// Stop (refuse the value) or only warn.
    public var strict = true

    public init(_ rule: Rule, inputTitle: String? = nil, inputMessage: String? = nil,
                errorTitle: String? = nil, errorMessage: String? = nil, strict: Bool = true) {
        self.rule = rule
        self.inputTitle = inputTitle
        self.inputMessage = inputMessage
        self.errorTitle = errorTitle
        self.errorMessage = errorMessage
        self.strict = strict
    }
}

/// A value to write with the cached result of a formula, so viewers that do not recalculate
/// (WPS on a phone, previewers) show the right figure.
public enum FormulaResult: Sendable {
    case number(Double)
    case string(String)
}

/// One worksheet of a WorkbookWriter. Rows and columns are 0-based here, as in libxlsxwriter;
/// `CellReference` converts from A1 notation.
public final class SheetWriter {
    private unowned let workbook: WorkbookWriter
    private let handle: UnsafeMutablePointer<lxw_worksheet>
    public let name: String
    /// In a constant-memory workbook: the rows, deflated while they are written.
    let rows: StreamedSheetData?
    /// Cells written, to look at the rows' size every few thousand.
    private var writes = 0

    init(workbook: WorkbookWriter, handle: UnsafeMutablePointer<lxw_worksheet>, name: String) {
        self.workbook = workbook
        self.handle = handle
        self.name = name
        self.rows = StreamedSheetData(worksheet: handle)
    }

    /// The message is only built when there is an error (this runs for every cell written).
    @inline(__always)
    private func check(_ e: lxw_error, _ what: @autoclosure () -> String) throws {
        writes &+= 1
        if writes & 4095 == 0 { rows?.grew() }
        guard e != LXW_NO_ERROR else { return }
        try workbook.check(e, "\(name)!\(what())")
    }

    private func ref(_ row: Int, _ col: Int) -> String { CellReference(row: row + 1, column: col + 1).description }

    /// Writes a number with a prepared format (no lookup per cell: for large sheets).
    public func write(_ row: Int, _ col: Int, _ number: Double, _ format: PreparedFormat) throws {
        try check(worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), number, format.pointer), ref(row, col))
    }

    /// Writes text with a prepared format (empty text: a formatted blank cell).
    public func write(_ row: Int, _ col: Int, _ text: String, _ format: PreparedFormat) throws {
        if text.isEmpty { return try blank(row, col, format) }
        try check(worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(col), text, format.pointer), ref(row, col))
    }

    /// Writes a blank cell that carries a prepared format.
    public func blank(_ row: Int, _ col: Int, _ format: PreparedFormat) throws {
        try check(worksheet_write_blank(handle, lxw_row_t(row), lxw_col_t(col), format.pointer), ref(row, col))
    }

    /// Writes text. Text is always stored as text, never read as a formula, whatever it starts
    /// with. The corresponding C function is `worksheet_write_string`.
    public func write(_ row: Int, _ col: Int, _ text: String, _ format: CellFormat? = nil) throws {
        if text.isEmpty { return try blank(row, col, format) }
        try check(worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(col), text, workbook.format(format)),
                  ref(row, col))
    }

    /// Writes a number. The corresponding C function is `worksheet_write_number`.
    public func write(_ row: Int, _ col: Int, _ number: Double, _ format: CellFormat? = nil) throws {
        try check(worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), number, workbook.format(format)),
                  ref(row, col))
    }

    /// Writes a boolean.
    public func write(_ row: Int, _ col: Int, _ value: Bool, _ format: CellFormat? = nil) throws {
        try check(worksheet_write_boolean(handle, lxw_row_t(row), lxw_col_t(col), value ? 1 : 0,
                                          workbook.format(format)), ref(row, col))
    }

    /// Writes a date or time as its serial number (1900 system); `format` should carry a date
    /// number format.
    public func write(_ row: Int, _ col: Int, _ date: ExcelDateTime, _ format: CellFormat? = nil) throws {
        try write(row, col, date.serial(date1904: false), format)
    }

    /// Writes a cell value as read from another workbook (dates by their serial).
    public func write(_ row: Int, _ col: Int, _ value: CellValue?, _ format: CellFormat? = nil) throws {
        switch value {
        case .none: try blank(row, col, format)
        case .string(let s): try write(row, col, s, format)
        case .number(let n): try write(row, col, n, format)
        case .bool(let b): try write(row, col, b, format)
        case .date(let d, _): try write(row, col, d, format)
        case .error(let e): try write(row, col, e, format)
        }
    }

    /// Formats a cell without a value (for unlocked input cells and borders).
    public func blank(_ row: Int, _ col: Int, _ format: CellFormat?) throws {
        guard let f = workbook.format(format) else { return }
        try check(worksheet_write_blank(handle, lxw_row_t(row), lxw_col_t(col), f), ref(row, col))
    }

    /// Writes a formula (without `=`) together with its computed result.
    /// The corresponding C functions are `worksheet_write_formula_num` and `_str`.
    public func formula(_ row: Int, _ col: Int, _ formula: String, result: FormulaResult,
                        _ format: CellFormat? = nil) throws {
        let f = workbook.format(format)
        switch result {
        case .number(let n):
            try check(worksheet_write_formula_num(handle, lxw_row_t(row), lxw_col_t(col), formula, f, n), ref(row, col))
        case .string(let s):
            try check(worksheet_write_formula_str(handle, lxw_row_t(row), lxw_col_t(col), formula, f, s), ref(row, col))
        }
    }

    /// Writes a link to a cell of another workbook or sheet (`external:file.xlsx#Sheet!A1`, or
    /// `internal:Sheet!A1`) shown as `text`.
    public func link(_ row: Int, _ col: Int, url: String, text: String, _ format: CellFormat? = nil) throws {
        try check(worksheet_write_url_opt(handle, lxw_row_t(row), lxw_col_t(col), url, workbook.format(format),
                                          text, nil), ref(row, col))
    }

    /// Merges a range and writes text into it.
    public func merge(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int, _ text: String,
                      _ format: CellFormat? = nil) throws {
        try check(worksheet_merge_range(handle, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow),
                                        lxw_col_t(lastCol), text, workbook.format(format)), "合并 \(ref(firstRow, firstCol))")
    }

    /// Sets the width (in characters) of columns; a format applies to their empty cells.
    public func columns(_ first: Int, _ last: Int, width: Double, _ format: CellFormat? = nil,
                        hidden: Bool = false) throws {
        var options = lxw_row_col_options()
        options.hidden = hidden ? 1 : 0
        try check(worksheet_set_column_opt(handle, lxw_col_t(first), lxw_col_t(last), width,
                                           workbook.format(format), &options), "列宽")
    }

    /// Sets a row's height in points.
    public func row(_ row: Int, height: Double, _ format: CellFormat? = nil) throws {
        try check(worksheet_set_row(handle, lxw_row_t(row), height, workbook.format(format)), "行高")
    }

    /// Freezes the rows above `row` and the columns left of `col`.
    public func freeze(rows row: Int, columns col: Int = 0) {
        worksheet_freeze_panes(handle, lxw_row_t(row), lxw_col_t(col))
    }

    /// Adds filter buttons to a header row range.
    public func autofilter(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int) throws {
        try check(worksheet_autofilter(handle, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow),
                                       lxw_col_t(lastCol)), "筛选")
    }

    /// Adds a data validation to a range. The corresponding C function is
    /// `worksheet_data_validation_range`.
    public func validate(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int,
                         _ validation: DataValidation) throws {
        let bag = CStringBag()
        var v = lxw_data_validation()
        var listStorage: [UnsafeMutablePointer<CChar>?] = []
        switch validation.rule {
        case .listFromRange(let range):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            v.value_formula = bag.keep(range)
        case .list(let items):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
            listStorage = items.map { bag.keep($0) } + [nil]
        case .wholeNumber(let min, let max):
            v.validate = UInt8(LXW_VALIDATION_TYPE_INTEGER.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            v.minimum_number = Double(min)
            v.maximum_number = Double(max)
        case .decimal(let min, let max):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            v.minimum_number = min
            v.maximum_number = max
        case .date(let min, let max):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DATE_NUMBER.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            v.minimum_number = min.serial(date1904: false)
            v.maximum_number = max.serial(date1904: false)
        case .textLength(let max):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LENGTH.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO.rawValue)
            v.value_number = Double(max)
        case .any:
            v.validate = UInt8(LXW_VALIDATION_TYPE_ANY.rawValue)
        }
        v.input_title = bag.keep(validation.inputTitle.map { String($0.prefix(32)) })
        v.input_message = bag.keep(validation.inputMessage.map { String($0.prefix(255)) })
        v.error_title = bag.keep(validation.errorTitle.map { String($0.prefix(32)) })
        v.error_message = bag.keep(validation.errorMessage.map { String($0.prefix(255)) })
        v.error_type = UInt8((validation.strict ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING).rawValue)
        let range = "\(ref(firstRow, firstCol)):\(ref(lastRow, lastCol))"
        if listStorage.isEmpty {
            try check(worksheet_data_validation_range(handle, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                                      lxw_row_t(lastRow), lxw_col_t(lastCol), &v), "数据验证 \(range)")
        } else {
            try listStorage.withUnsafeMutableBufferPointer { buf in
                v.value_list = buf.baseAddress
                try check(worksheet_data_validation_range(handle, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                                          lxw_row_t(lastRow), lxw_col_t(lastCol), &v), "数据验证 \(range)")
            }
        }
        withExtendedLifetime(bag) {}
    }

    /// Protects the sheet without a password: locked cells cannot be changed, unlocked input
    /// cells can; filtering, column widths and row heights stay allowed.
    /// The corresponding C function is `worksheet_protect`.
    public func protect() {
        var options = lxw_protection()
        options.format_columns = 1
        options.format_rows = 1
        options.autofilter = 1
        options.sort = 1
        worksheet_protect(handle, nil, &options)
    }

    /// Adds a cell comment (note). The corresponding C function is `worksheet_write_comment_opt`.
    public func comment(_ row: Int, _ col: Int, _ text: String, author: String = "填报") throws {
        var options = lxw_comment_options()
        options.author = workbook.strings.keep(author)
        options.width = 288
        options.height = 96
        try check(worksheet_write_comment_opt(handle, lxw_row_t(row), lxw_col_t(col), text, &options),
                  "批注 \(ref(row, col))")
    }

    /// A conditional format: cells whose text equals `value` (or, with `formula`, where the
    /// formula is true) take `format`.
    public func highlight(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int,
                          equalTo value: String? = nil, formula: String? = nil, _ format: CellFormat) throws {
        let bag = CStringBag()
        var cf = lxw_conditional_format()
        if let formula {
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
            cf.value_string = bag.keep(formula)
        } else {
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_EQUAL_TO.rawValue)
            cf.value_string = bag.keep("\"" + (value ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        }
        cf.format = workbook.format(format)
        try check(worksheet_conditional_format_range(handle, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                                     lxw_row_t(lastRow), lxw_col_t(lastCol), &cf), "条件格式")
        withExtendedLifetime(bag) {}
    }

    /// Places a chart with its top-left corner at a cell.
    public func insertChart(_ row: Int, _ col: Int, _ chart: OpaquePointer, widthScale: Double = 1,
                            heightScale: Double = 1) throws {
        var options = lxw_chart_options()
        options.x_scale = widthScale
        options.y_scale = heightScale
        try check(worksheet_insert_chart_opt(handle, lxw_row_t(row), lxw_col_t(col),
                                             UnsafeMutablePointer(chart), &options), "图表")
    }

    /// Hides the sheet (Excel shows it under 取消隐藏).
    public func hide() { worksheet_hide(handle) }

    /// Makes this the sheet shown when the workbook opens.
    public func activate() { worksheet_activate(handle) }

    /// Sets a tab colour (RGB).
    public func tabColor(_ rgb: UInt32) { worksheet_set_tab_color(handle, lxw_color_t(rgb)) }

    /// Print settings: landscape A4, fit to one page wide, header rows repeated.
    public func printSetup(landscape: Bool = true, repeatRows: ClosedRange<Int>? = nil) throws {
        if landscape { worksheet_set_landscape(handle) }
        worksheet_set_paper(handle, 9)  // A4
        worksheet_fit_to_pages(handle, 1, 0)
        if let rows = repeatRows {
            try check(worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)), "打印标题")
        }
    }

    /// Print settings (see `PageSetup`): A4, orientation, fitted to one page wide or at a fixed
    /// scale, the rows and columns repeated on every page, the columns printed, the side
    /// margins, page header and footer.
    public func pageSetup(_ setup: PageSetup) throws {
        if setup.landscape { worksheet_set_landscape(handle) } else { worksheet_set_portrait(handle) }
        worksheet_set_paper(handle, 9)  // A4
        switch setup.scaling {
        case .fitToWidth: worksheet_fit_to_pages(handle, 1, 0)
        case .percent(let p):
            worksheet_set_print_scale(handle, UInt16(min(400, max(10, p))))
            // Pages across first, so the parts of the same rows print one after another.
            worksheet_print_across(handle)
        }
        worksheet_set_margins(handle, setup.sideMargin, setup.sideMargin, -1, -1)
        if let rows = setup.repeatRows {
            try check(worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)), "打印标题")
        }
        if let cols = setup.repeatColumns {
            try check(worksheet_repeat_columns(handle, lxw_col_t(cols.lowerBound), lxw_col_t(cols.upperBound)), "打印标题列")
        }
        if let cols = setup.columns {
            // Whole columns (`$A:$M`): the rows printed are those used.
            try check(worksheet_print_area(handle, 0, lxw_col_t(cols.lowerBound), lxw_row_t(LXW_ROW_MAX - 1),
                                           lxw_col_t(cols.upperBound)), "打印区域")
        }
        try headerFooter(header: setup.header, footer: setup.footer)
    }

    /// Page header and footer text (Excel codes: `&P` page, `&N` pages, `&L`/`&C`/`&R`).
    public func headerFooter(header: String?, footer: String?) throws {
        if let header { try check(worksheet_set_header(handle, header), "页眉") }
        if let footer { try check(worksheet_set_footer(handle, footer), "页脚") }
    }

    /// Zoom percentage.
    public func zoom(_ percent: Int) { worksheet_set_zoom(handle, UInt16(percent)) }
}

/// How a worksheet prints (`SheetWriter.pageSetup`). Rows and columns are 0-based.
public struct PageSetup: Sendable, Equatable {
    public enum Scaling: Sendable, Equatable {
        /// As large as fits one page wide, as many pages tall as needed (Excel's fitToWidth 1,
        /// fitToHeight 0).
        case fitToWidth
        /// A fixed scale in percent: a sheet wider than a page continues on pages to the right.
        case percent(Int)
    }
    public var landscape: Bool
    public var scaling: Scaling
    /// Rows printed at the top of every page.
    public var repeatRows: ClosedRange<Int>?
    /// Columns printed at the left of every page (when a sheet runs over pages across).
    public var repeatColumns: ClosedRange<Int>?
    /// The columns printed (the print area); nil prints every column used.
    public var columns: ClosedRange<Int>?
    /// Left and right margins, in inches (Excel's default is 0.7).
    public var sideMargin: Double
    /// Page header and footer (Excel codes: `&P` page, `&N` pages, `&A` sheet, `&L`/`&C`/`&R`).
    public var header: String?
    public var footer: String?

    public init(landscape: Bool = true, scaling: Scaling = .fitToWidth, repeatRows: ClosedRange<Int>? = nil,
                repeatColumns: ClosedRange<Int>? = nil, columns: ClosedRange<Int>? = nil, sideMargin: Double = 0.7,
                header: String? = nil, footer: String? = nil) {
        self.landscape = landscape
        self.scaling = scaling
        self.repeatRows = repeatRows
        self.repeatColumns = repeatColumns
        self.columns = columns
        self.sideMargin = sideMargin
        self.header = header
        self.footer = footer
    }
}
