/// The resolved value of a cell: what a person sees, typed.
public enum CellValue: Hashable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    /// A number shown as a date or time by its format (or a `t="d"` cell). `serial` is the
    /// number in the workbook's date system (nil for a `t="d"` cell written as text).
    case date(ExcelDateTime, serial: Double?)
    /// An error value such as `#N/A` or `#DIV/0!`.
    case error(String)

    /// The value as plain text, the way `cat --format tsv` prints it.
    public var text: String {
        switch self {
        case .string(let s): return s
        case .number(let n): return NumberText.format(n)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date(let d, _): return d.iso8601
        case .error(let e): return e
        }
    }
}

/// One non-empty cell of a worksheet.
public struct Cell: Sendable, Equatable {
    public var reference: CellReference
    /// The value, or for a formula cell its cached result (nil when none was saved).
    public var value: CellValue?
    /// The formula text without the leading `=`, for formula cells. Cells of a shared formula
    /// carry the master's formula moved to their own position, as Excel shows it.
    public var formula: String?
    /// Index into the workbook's cell formats (`s` attribute), 0 when absent.
    public var styleIndex: Int

    public init(reference: CellReference, value: CellValue?, formula: String? = nil, styleIndex: Int = 0) {
        self.reference = reference
        self.value = value
        self.formula = formula
        self.styleIndex = styleIndex
    }
}

/// One row of a worksheet with its non-empty cells in column order.
public struct Row: Sendable, Equatable {
    /// 1-based row number.
    public var index: Int
    public var cells: [Cell]
}

/// Canonical text for numbers: integers without a fraction, others in the shortest form that
/// reads back to the same Double.
public enum NumberText {
    public static func format(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
