/// Row heights for wrapped text. libxlsxwriter does not fit rows to their content, and viewers
/// that open a file without recalculating its layout (LibreOffice's PDF export, WPS) show a row
/// at the height the file gives: so the height is computed from the text's length, the font size
/// and the column width, in one place for every workbook Tianbao writes.
public enum WrappedText {
    /// The width of a text in column-width units (a CJK or other wide character counts two).
    public static func displayWidth(_ s: Substring) -> Double {
        s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2.0 : 1.0) }
    }

    /// Lines a wrapped text takes in a column `width` characters wide.
    public static func lines(_ text: String, width: Double) -> Int {
        let usable = max(width - 1.5, 2)
        return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { n, line in
            n + max(1, Int((displayWidth(line) / usable).rounded(.up)))
        }
    }

    /// Row height in points for wrapped texts in columns of the given widths (the tallest wins);
    /// nil when every text fits one line. Capped at Excel's 409 points.
    public static func rowHeight(_ texts: [(String, Double)], fontSize: Double = 11) -> Double? {
        let n = texts.map { lines($0.0, width: $0.1) }.max() ?? 1
        guard n > 1 else { return nil }
        return min(409, Double(n) * (fontSize * 1.3 + 0.6) + 3)
    }
}
