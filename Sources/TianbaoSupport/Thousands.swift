/// Thousands separators for the numbers people read (`1,234`, `118,389.4`): the one place that
/// groups digits, for the briefing, the workbook notes and the progress line.
public enum Thousands {
    /// `1234567` → `1,234,567`; a sign and a decimal part are kept as they are.
    public static func grouped(_ number: String) -> String {
        let negative = number.hasPrefix("-")
        let unsigned = negative ? number.dropFirst() : Substring(number)
        let dot = unsigned.firstIndex(of: ".") ?? unsigned.endIndex
        var whole = String(unsigned[..<dot])
        var groups = ""
        while whole.count > 3 {
            groups = "," + whole.suffix(3) + groups
            whole.removeLast(3)
        }
        return (negative ? "-" : "") + whole + groups + unsigned[dot...]
    }

    /// A count with thousands separators.
    public static func grouped(_ n: Int) -> String { grouped(String(n)) }
}
