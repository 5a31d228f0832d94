/// Text escaped for HTML: safe as an element's content and inside a quoted attribute value
/// (`&`, `<`, `>`, `"` and `'` replaced by entities). The one escaper of the 简报's HTML and the
/// portal's pages.
public enum HTMLText {
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
