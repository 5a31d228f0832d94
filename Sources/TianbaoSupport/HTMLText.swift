/// Text escaped for markup: the one escaper of the 简报's HTML, the portal's pages and the
/// 简报's docx.
public enum HTMLText {
    /// For HTML: safe as an element's content and inside a quoted attribute value (`&`, `<`,
    /// `>`, `"` and `'` replaced by entities).
    public static func escaped(_ text: String) -> String { escape(text, wordRun: false) }

    /// For the text of a WordprocessingML run: `&`, `<`, `>` and `"` replaced by entities, tabs
    /// and line breaks as spaces, and the characters XML 1.0 forbids (control characters a unit
    /// may have pasted, U+FFFE, U+FFFF) dropped.
    public static func wordRunText(_ text: String) -> String { escape(text, wordRun: true) }

    private static func escape(_ text: String, wordRun: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where !wordRun: out += "&#39;"
            default:
                if wordRun {
                    if c == "\t" || c == "\n" || c == "\r" {
                        out += " "
                        continue
                    }
                    if c.value < 0x20 || (0xFFFE...0xFFFF).contains(c.value) { continue }
                }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
