/// How a written cell looks: font, fill, border, alignment, number format and protection.
/// Value type; the writer turns each distinct one into a single libxlsxwriter format.
public struct CellFormat: Hashable, Sendable {
    public enum HorizontalAlignment: Sendable { case general, left, center, right }
    public enum VerticalAlignment: Sendable { case top, center, bottom }

    public var bold = false
    public var italic = false
    public var fontSize: Double? = nil
    /// RGB, e.g. 0xC00000.
    public var fontColor: UInt32? = nil
    /// Solid fill, RGB.
    public var fill: UInt32? = nil
    /// Thin border on all sides.
    public var border = false
    public var wrap = false
    public var horizontal: HorizontalAlignment = .general
    public var vertical: VerticalAlignment = .center
    /// An Excel number format code (`0.00`, `yyyy-mm-dd`, `@`).
    public var numberFormat: String? = nil
    /// Locked cells cannot be edited once the sheet is protected (Excel's default is locked).
    public var locked = true
    public var underline = false

    public init() {}

    /// Returns a copy changed by `change`.
    public func with(_ change: (inout CellFormat) -> Void) -> CellFormat {
        var copy = self
        change(&copy)
        return copy
    }
}
