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

    /// Appends `format(value)`'s UTF-8 bytes. Whole numbers and numbers of at most six decimals
    /// (amounts, percentages: nearly every number a sheet holds) are written without a String.
    public static func append(_ value: Double, to out: inout [UInt8]) {
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value), to: &out)
        } else if let (scaled, decimals) = shortDecimal(value) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            let magnitude = scaled.magnitude
            let unit = powersOfTen[decimals]
            appendInteger(Int64(magnitude / unit), to: &out)
            out.append(UInt8(ascii: "."))
            var fraction = magnitude % unit
            var digits: UInt64 = 0  // room for six digits
            withUnsafeMutableBytes(of: &digits) { raw in
                let d = raw.bindMemory(to: UInt8.self)
                for i in stride(from: decimals - 1, through: 0, by: -1) {
                    d[i] = 48 + UInt8(fraction % 10)
                    fraction /= 10
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: d[0..<decimals]))
            }
        } else {
            out.append(contentsOf: format(value).utf8)
        }
    }

    private static let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// `value` as `scaled / 10^decimals` with the fewest decimals (1 to 6), when that decimal is
    /// what Swift's shortest round-trip text (`"\(value)"`) writes: the decimal reads back as
    /// `value` (the division is correctly rounded, so this is exact) and no decimal with fewer
    /// digits does. Limited to 0.001 ≤ |value| < 2³¹, where Swift writes no exponent and 10⁻⁶
    /// is more than twice the spacing of doubles, so at most one such decimal exists.
    static func shortDecimal(_ value: Double) -> (scaled: Int64, decimals: Int)? {
        let magnitude = abs(value)
        guard magnitude >= 0.001, magnitude < 2_147_483_648 else { return nil }
        for decimals in 1...6 {
            let unit = Double(powersOfTen[decimals])
            let scaled = (value * unit).rounded()
            if scaled / unit == value { return (Int64(scaled), decimals) }
        }
        return nil
    }

    /// Appends the decimal digits of an integer.
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        if v < 10 { out.append(48 + UInt8(v)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.bindMemory(to: UInt8.self)
            var i = 24
            while v > 0 {
                i -= 1
                d[i] = 48 + UInt8(v % 10)
                v /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[i..<24]))
        }
    }
}
