/// A long text shortened for quoting in a message: cut where a reader sees a break (after a
/// punctuation mark or a space) rather than inside a word, a number or a quotation, and marked
/// with "……".
public enum TextExcerpt {
    /// Characters after which a text may be cut.
    static let breaks: Set<Character> = ["，", "。", "；", "：", "、", "！", "？", "）", "”", "」", "》", " ", ",", ";", ":", ")", "!", "?", "\n"]

    /// `text` itself when it has at most `limit` characters; otherwise its first characters up
    /// to the last break within `limit` (if that keeps at least half of them; else up to `limit`,
    /// moved back out of a run of ASCII letters and digits), never ending inside a quotation
    /// opened with “, then "……".
    public static func clip(_ text: String, to limit: Int) -> String {
        let chars = Array(text)
        guard chars.count > limit, limit > 1 else { return text }
        var cut = limit
        if let i = chars[..<limit].lastIndex(where: { breaks.contains($0) }), i + 1 >= limit / 2 {
            cut = i + 1
        } else {
            func word(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
            var j = limit
            while j > 0, word(chars[j - 1]), word(chars[j]) { j -= 1 }
            if j >= limit / 2 { cut = j }
        }
        var head = Array(chars[..<cut])
        // A quotation left open: cut before it.
        if let open = head.lastIndex(of: "“"), !head[open...].contains("”"), open >= limit / 3 { head = Array(head[..<open]) }
        while let last = head.last, "，、；：,;: \n“".contains(last) { head.removeLast() }
        var out = String(head)
        if let open = out.lastIndex(of: "“"), !out[open...].contains("”") { out += "……”" } else { out += "……" }
        return out
    }
}
