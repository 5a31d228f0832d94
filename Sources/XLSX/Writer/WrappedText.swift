/// Row heights for wrapped text. libxlsxwriter does not fit rows to their content, and viewers
/// that open a file without recalculating its layout (LibreOffice's PDF export, WPS) show a row
/// at the height the file gives: so the height is computed from the text's length, the font size
/// and the column width, in one place for every workbook Tianbao writes.
public enum WrappedText {
    /// Lines a wrapped text takes in a column `width` characters wide (a CJK or other wide
    /// character counts two columns, a line feed starts a line).
    public static func lines(_ text: String, width: Double) -> Int {
        let usable = max(width - 1.5, 2)
        // A text takes no more columns than it has UTF-8 bytes (a wide character has three or
        // four): most cells fit on one line, known without looking at their characters.
        let bytes = text.utf8.count
        if Double(bytes) <= usable && !text.utf8.contains(10) { return 1 }
        if text.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) && text.contains("/") { return pathLines(text, usable: usable) }
        var lines = 0
        var line = 0.0
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                lines += max(1, Int((line / usable).rounded(.up)))
                line = 0
            } else {
                line += scalar.value >= 0x1100 ? 2 : 1
            }
        }
        return lines + max(1, Int((line / usable).rounded(.up)))
    }

    /// Lines of a link or path (ASCII without spaces): viewers break it after a `/` where they
    /// can, so a line ends early rather than at the column's edge; a part longer than a line
    /// is broken anywhere. Letters are counted a little wider than a digit.
    static func pathLines(_ text: String, usable: Double) -> Int {
        var parts: [Double] = []
        var part = 0.0
        for ch in text.utf8 {
            part += 1.15
            if ch == UInt8(ascii: "/") { parts.append(part); part = 0 }
        }
        if part > 0 { parts.append(part) }
        var lines = 1
        var line = 0.0
        for var p in parts {
            if line + p <= usable { line += p; continue }
            if line > 0 { lines += 1; line = 0 }
            while p > usable { lines += 1; p -= usable }
            line = p
        }
        return lines
    }

    /// Columns a text takes on one line (a CJK or other wide character counts two).
    public static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }

    /// Row height in points for a row whose tallest wrapped text takes `lines` lines; nil for
    /// one line. Capped at Excel's 409 points.
    public static func rowHeight(lines: Int, fontSize: Double = 11) -> Double? {
        guard lines > 1 else { return nil }
        return min(409, Double(lines) * (fontSize * 1.3 + 0.6) + 3)
    }

    /// Row height in points for wrapped texts in columns of the given widths (the tallest wins);
    /// nil when every text fits one line. Capped at Excel's 409 points.
    public static func rowHeight(_ texts: [(String, Double)], fontSize: Double = 11) -> Double? {
        rowHeight(lines: texts.map { lines($0.0, width: $0.1) }.max() ?? 1, fontSize: fontSize)
    }
}
