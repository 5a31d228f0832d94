import XLSX

/// How a sheet of the 汇总 and of the 回头看 prints, decided from the widths of the columns it
/// prints: A4 landscape with narrow side margins; fitted to one page wide when the text stays at
/// least `minimumScale` percent of its size, otherwise printed at that scale over pages across
/// with the identifying columns (unit, task, community …) repeated at the left of each; the
/// columns after the printed ones (the source file and the link back to its cell) outside the
/// print area; a page header and 第 N 页，共 M 页 in the footer.
public enum PrintLayout {
    /// The smallest scale text is printed at: 11-point text at 65 % is about 7 points (小六).
    public static let minimumScale = 65
    /// Left and right margins, in inches (about 1 cm).
    public static let sideMargin = 0.4
    /// Width of an A4 landscape page inside the side margins, in millimetres.
    public static let printableWidth = 297 - 2 * sideMargin * 25.4
    /// The footer every sheet prints.
    public static let footer = "&C&9第 &P 页\u{FF0C}共 &N 页"

    /// Width in millimetres of a column `width` characters wide, as Excel lays it out with its
    /// default font (7 pixels a character plus 5 of padding, 96 pixels an inch).
    public static func millimetres(_ width: Double) -> Double {
        (width * 7 + 5).rounded(.down) * 25.4 / 96
    }

    /// The scale (percent, at most 100) at which columns of these widths fill one page wide.
    public static func fittingScale(_ widths: [Double]) -> Int {
        let total = widths.map(millimetres).reduce(0, +)
        return total <= 0 ? 100 : min(100, Int((printableWidth / total * 100).rounded(.down)))
    }

    /// The page setup of a sheet whose first `widths.count` columns are printed (columns after
    /// them are left out when `moreColumns`), with `identifying` repeated on every page when the
    /// sheet cannot be fitted one page wide at `minimumScale` or more, and `repeatRows` (the
    /// header) on every page.
    public static func pageSetup(widths: [Double], moreColumns: Bool = false, identifying: ClosedRange<Int>? = 0...0,
                                 repeatRows: ClosedRange<Int>? = nil, header: String) -> PageSetup {
        let fits = fittingScale(widths) >= minimumScale
        return PageSetup(landscape: true, scaling: fits ? .fitToWidth : .percent(minimumScale), repeatRows: repeatRows,
                         repeatColumns: fits ? nil : identifying.map { $0.clamped(to: 0...max(0, widths.count - 1)) },
                         columns: moreColumns ? 0...max(0, widths.count - 1) : nil, sideMargin: sideMargin,
                         header: header, footer: footer)
    }

    /// Text for a page header: `&` doubled (Excel's escape), kept short.
    public static func headerText(_ s: String) -> String {
        String(s.prefix(60)).replacingOccurrences(of: "&", with: "&&")
    }
}
