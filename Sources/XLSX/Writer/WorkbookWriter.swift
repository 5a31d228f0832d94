import CXlsxWriter
import Foundation

/// Why a workbook could not be written.
public struct XLSXWriteError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let detail: String
    /// The system's error number when the file system refused (ENOSPC, EROFS, EACCES, …),
    /// for the caller to name the cause; nil for libxlsxwriter's own errors.
    public let systemError: Int32?
    public var description: String { "无法写入文件“\(file)”：\(detail)" }

    public init(file: String, detail: String, systemError: Int32? = nil) {
        self.file = file
        self.detail = detail
        self.systemError = systemError
    }
}

/// Writes one XLSX workbook through libxlsxwriter. The workbook handle has this object as its
/// one owner.
///
/// Output is deterministic (the creation time is fixed, so the same content gives the same
/// bytes) and atomic: the file is assembled under a temporary name in the target folder and
/// renamed over `path` only when complete, so a reader never sees a half-written file and an
/// interrupted run leaves the previous file whole.
public final class WorkbookWriter {
    /// The time written as the document's creation time (2021-01-01T00:00:00Z).
    public static let fixedCreationTime: time_t = 1_609_459_200

    public let path: String
    private let temporaryPath: String
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellFormat: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheets: [SheetWriter] = []
    /// C strings that must outlive the workbook (libxlsxwriter keeps some pointers until close).
    let strings = CStringBag()

    /// Starts a workbook that will be written to `path` when `close()` is called. libxlsxwriter's
    /// own temporary files go into the same folder (its `tmpdir` option), not into /tmp: a
    /// caller writing into a staging folder finds every byte of a run there, and removing the
    /// folder removes them.
    /// With `constantMemory`, each row is flushed to disk once a later row is written, so memory
    /// stays flat however many rows a sheet has; rows must then be written in order on each
    /// sheet, and strings are stored inline. The corresponding C function is `workbook_new_opt`.
    public init(path: String, constantMemory: Bool = false) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        self.temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(Self.nextSerial()).tmp").path
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        let folder = strdup(url.deletingLastPathComponent().path)
        defer { free(folder) }
        options.tmpdir = folder
        let path = temporaryPath
        handle = CLibraryChatter.silenced { workbook_new_opt(path, &options) }
        guard handle != nil else {
            throw XLSXWriteError(file: url.lastPathComponent, detail: "无法创建工作簿")
        }
        var props = lxw_doc_properties()
        props.created = Self.fixedCreationTime
        workbook_set_properties(handle, &props)
    }

    /// A number per workbook of this process, so two writers of one path never share a
    /// temporary file.
    private static func nextSerial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        serial += 1
        return serial
    }
    nonisolated(unsafe) private static var serial = 0
    private static let serialLock = NSLock()

    deinit {
        if let handle {
            // Never closed: discard what was started.
            for sheet in sheets { sheet.rows?.abandon() }
            lxw_workbook_free(handle)
            unlink(temporaryPath)
        }
    }

    var workbook: UnsafeMutablePointer<lxw_workbook> { handle! }

    /// Translates a libxlsxwriter return code; every call that can fail goes through here.
    func check(_ error: lxw_error, _ what: String) throws {
        guard error != LXW_NO_ERROR else { return }
        let name = URL(fileURLWithPath: path).lastPathComponent
        throw XLSXWriteError(file: name, detail: "\(what):\(String(cString: lxw_strerror(error)))")
    }

    /// A Chinese reason for a failed save.
    static func reason(_ error: lxw_error, _ system: Int32?) -> String {
        switch system {
        case ENOSPC?, EDQUOT?: return "磁盘空间不足"
        case EROFS?: return "所在磁盘是只读的"
        case EACCES?, EPERM?: return "无权限"
        default: break
        }
        switch error {
        case LXW_ERROR_MEMORY_MALLOC_FAILED: return "内存不足"
        case LXW_ERROR_CREATING_XLSX_FILE: return "无法创建文件"
        case LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE: return "无法使用临时文件"
        default: return "保存失败（libxlsxwriter 错误 \(error.rawValue)）"
        }
    }

    /// Adds a worksheet. Names longer than 31 characters or with `[]:*?/\` are refused by
    /// libxlsxwriter. The corresponding C function is `workbook_add_worksheet`.
    public func addSheet(_ name: String) throws -> SheetWriter {
        try name.withCString { try check(workbook_validate_sheet_name(workbook, $0), "工作表名“\(name)”无效") }
        guard let sheet = CLibraryChatter.silenced({ name.withCString { workbook_add_worksheet(workbook, $0) } }) else {
            throw XLSXWriteError(file: path, detail: "无法添加工作表“\(name)”")
        }
        let writer = SheetWriter(workbook: self, handle: sheet, name: name)
        sheets.append(writer)
        return writer
    }

    /// The libxlsxwriter format for a CellFormat, created once per distinct value.
    func format(_ spec: CellFormat?) -> UnsafeMutablePointer<lxw_format>? {
        guard let spec else { return nil }
        if let existing = formats[spec] { return existing }
        let f = workbook_add_format(workbook)!
        if spec.bold { format_set_bold(f) }
        if spec.italic { format_set_italic(f) }
        if spec.underline { format_set_underline(f, UInt8(LXW_UNDERLINE_SINGLE.rawValue)) }
        format_set_font_name(f, "宋体")
        format_set_font_size(f, spec.fontSize ?? 11)
        if let c = spec.fontColor { format_set_font_color(f, lxw_color_t(c)) }
        if let c = spec.fill {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, lxw_color_t(c))
        }
        if spec.border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if spec.wrap { format_set_text_wrap(f) }
        switch spec.horizontal {
        case .general: break
        case .left: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        switch spec.vertical {
        case .top: format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .center: format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .bottom: format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_BOTTOM.rawValue))
        }
        if let nf = spec.numberFormat { nf.withCString { format_set_num_format(f, $0) } }
        if !spec.locked { format_set_unlocked(f) }
        formats[spec] = f
        return f
    }

    /// A format prepared once, for writing many cells without looking the format up each time.
    public func prepare(_ spec: CellFormat) -> PreparedFormat { PreparedFormat(pointer: format(spec)!) }

    /// Sets core document properties (title, author, …). The creation time stays fixed.
    public func setProperties(title: String? = nil, subject: String? = nil, author: String? = nil,
                              company: String? = nil, comments: String? = nil) throws {
        var props = lxw_doc_properties()
        props.created = Self.fixedCreationTime
        props.title = strings.keep(title)
        props.subject = strings.keep(subject)
        props.author = strings.keep(author)
        props.company = strings.keep(company)
        props.comments = strings.keep(comments)
        try check(workbook_set_properties(workbook, &props), "文档属性")
    }

    /// Adds a custom document property (text). These survive a save in Excel, WPS and
    /// LibreOffice. The corresponding C function is `workbook_set_custom_property_string`.
    public func setCustomProperty(_ name: String, _ value: String) throws {
        try check(workbook_set_custom_property_string(workbook, strings.keep(name), strings.keep(value)),
                  "自定义属性 \(name)")
    }

    /// Defines a workbook-level name (`=字典!$A$1:$A$4`).
    public func defineName(_ name: String, _ formula: String) throws {
        try check(workbook_define_name(workbook, name, formula), "名称 \(name)")
    }

    /// Adds a chart, to be placed on a sheet with `SheetWriter.insertChart`.
    public func addChart(_ spec: ChartSpec) throws -> OpaquePointer {
        let type: lxw_chart_type
        switch spec.kind {
        case .column: type = LXW_CHART_COLUMN
        case .bar: type = LXW_CHART_BAR
        case .pie: type = LXW_CHART_PIE
        case .doughnut: type = LXW_CHART_DOUGHNUT
        case .line: type = LXW_CHART_LINE
        }
        guard let chart = workbook_add_chart(workbook, UInt8(type.rawValue)) else {
            throw XLSXWriteError(file: path, detail: "无法添加图表")
        }
        chart_title_set_name(chart, strings.keep(spec.title))
        for series in spec.series {
            let s = chart_add_series(chart, strings.keep(series.categories), strings.keep(series.values))
            if let name = series.name { chart_series_set_name(s, strings.keep(name)) }
            if let color = series.color {
                var fill = lxw_chart_fill()
                fill.color = lxw_color_t(color)
                chart_series_set_fill(s, &fill)
            }
            if spec.kind == .line {
                // A line series: its colour on the line, dashed for a reference line, a
                // round marker on every point.
                var line = lxw_chart_line()
                line.color = lxw_color_t(series.color ?? 0x4472C4)
                line.width = 2.25
                line.dash_type = UInt8((series.dashed ? LXW_CHART_LINE_DASH_DASH : LXW_CHART_LINE_DASH_SOLID).rawValue)
                chart_series_set_line(s, &line)
                chart_series_set_marker_type(s, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
            }
            if spec.showValues && series.labels { chart_series_set_labels(s) }
        }
        if let name = spec.categoryAxisName { chart_axis_set_name(chart.pointee.x_axis, strings.keep(name)) }
        if let name = spec.valueAxisName { chart_axis_set_name(chart.pointee.y_axis, strings.keep(name)) }
        if spec.kind == .column || spec.kind == .bar || spec.kind == .line {
            chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        }
        return OpaquePointer(chart)
    }

    /// Assembles the package and moves it into place. The corresponding C function is
    /// `workbook_close`.
    public func close() throws {
        guard let h = handle else { return }
        // Sheets whose rows were deflated while written: taken from libxlsxwriter before it
        // assembles the package, laid into it after (a failure leaves the workbook to deinit).
        var streamed: [(worksheet: Int, pieces: [DeflatedPiece])] = []
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        for (i, sheet) in sheets.enumerated() {
            guard let rows = sheet.rows, rows.started else { continue }
            do {
                streamed.append((i + 1, try rows.finish(temporaryFolder: folder)))
            } catch {
                throw XLSXWriteError(file: URL(fileURLWithPath: path).lastPathComponent, detail: "无法压缩工作表“\(sheet.name)”")
            }
        }
        handle = nil
        errno = 0
        let (error, code) = CLibraryChatter.silenced { (workbook_close(h), errno) }
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard error == LXW_NO_ERROR else {
            unlink(temporaryPath)
            // libxlsxwriter leaves the failing call's errno; a file-system cause is the useful one.
            let system = [ENOSPC, EDQUOT, EROFS, EACCES, EPERM, EIO, ENOENT, EFBIG, EMFILE, ENFILE].contains(code) ? code : nil
            throw XLSXWriteError(file: name, detail: Self.reason(error, system), systemError: system)
        }
        if !streamed.isEmpty {
            errno = 0
            do {
                try SheetDataSplice.insert(streamed, intoPackage: temporaryPath)
            } catch {
                let code = errno
                unlink(temporaryPath)
                let system = [ENOSPC, EDQUOT, EROFS, EACCES, EPERM, EIO, EFBIG].contains(code) ? code : nil
                throw XLSXWriteError(file: name, detail: system.map { Self.reason(LXW_NO_ERROR, $0) } ?? "保存失败（\(error)）",
                                     systemError: system)
            }
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw XLSXWriteError(file: name, detail: String(cString: strerror(code)), systemError: code)
        }
    }
}

/// A cell format already created in a workbook (see `WorkbookWriter.prepare`). Valid for the
/// workbook that made it.
public struct PreparedFormat {
    let pointer: UnsafeMutablePointer<lxw_format>
}

/// A chart to add to a workbook.
public struct ChartSpec: Sendable {
    public enum Kind: Sendable { case column, bar, pie, doughnut, line }
    public struct Series: Sendable {
        public var name: String?
        /// A range formula such as `=总览!$A$2:$A$5`.
        public var categories: String
        public var values: String
        public var color: UInt32?
        /// A line chart's series drawn dashed (a reference line such as a target).
        public var dashed = false
        /// Whether its values are labelled (when the chart shows values).
        public var labels = true
        public init(name: String? = nil, categories: String, values: String, color: UInt32? = nil,
                    dashed: Bool = false, labels: Bool = true) {
            self.name = name
            self.categories = categories
            self.values = values
            self.color = color
            self.dashed = dashed
            self.labels = labels
        }
    }
    public var kind: Kind
    public var title: String
    public var series: [Series]
    public var showValues = true
    /// Axis titles (column, bar and line charts).
    public var categoryAxisName: String?
    public var valueAxisName: String?
    public init(kind: Kind, title: String, series: [Series]) {
        self.kind = kind
        self.title = title
        self.series = series
    }
}

/// C strings kept alive until the bag is freed (libxlsxwriter copies most strings, but not
/// every one, and structs such as lxw_data_validation hold plain char pointers).
final class CStringBag {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    func keep(_ s: String?) -> UnsafeMutablePointer<CChar>? {
        guard let s, let p = strdup(s) else { return nil }
        pointers.append(p)
        return p
    }

    deinit { pointers.forEach { free($0) } }
}
