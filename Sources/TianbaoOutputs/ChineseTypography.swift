/// Chinese typography for text Tianbao writes: ASCII punctuation in Chinese text becomes
/// full-width (，：；（）！？), numbers keep their ASCII separators (1,234.5, 10:30), and
/// parentheses around non-Chinese text (a URL, a file name's version) stay as they are.
public enum ChineseTypography {
    /// True for CJK ideographs and full-width punctuation.
    static func isChinese(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x3000...0x303F).contains(v) || (0x3400...0x9FFF).contains(v) || (0xFF00...0xFFEF).contains(v)
            || (0x2018...0x201D).contains(v) || v == 0x2026 || v == 0x2014
    }

    /// The text with full-width punctuation where it is Chinese text.
    public static func apply(_ text: String) -> String {
        var chars = Array(text)
        // Parentheses: a pair becomes full-width when it encloses or touches Chinese text.
        var stack: [Int] = []
        for i in chars.indices {
            if chars[i] == "(" { stack.append(i) } else if chars[i] == ")", let open = stack.popLast() {
                let inner = chars[(open + 1)..<i]
                let before = open > 0 ? chars[open - 1] : " "
                if inner.contains(where: isChinese) || (isChinese(before) && !inner.isEmpty) {
                    chars[open] = "\u{FF08}"
                    chars[i] = "\u{FF09}"
                }
            }
        }
        let map: [Character: Character] = [",": "\u{FF0C}", ":": "\u{FF1A}", ";": "\u{FF1B}", "!": "\u{FF01}", "?": "\u{FF1F}"]
        for i in chars.indices {
            guard let full = map[chars[i]] else { continue }
            let prev: Character = i > 0 ? chars[i - 1] : " "
            let next: Character = i + 1 < chars.count ? chars[i + 1] : " "
            // 1,234 and 10:30 keep ASCII; a mark after or before Chinese text becomes full-width.
            func digit(_ k: Int) -> Bool { k >= 0 && k < chars.count && chars[k].isASCII && chars[k].isNumber }
            if chars[i] == ",", digit(i - 1), digit(i + 1), digit(i + 2), digit(i + 3), !digit(i + 4) { continue }
            if chars[i] == ":", digit(i - 1), digit(i + 1) { continue }
            // A comma or semicolon in Chinese prose (Chinese within a few characters) is Chinese.
            let near = chars[max(0, i - 6)..<min(chars.count, i + 7)]
            if (chars[i] == "," || chars[i] == ";") && near.contains(where: isChinese) {
                chars[i] = full
                continue
            }
            if isChinese(prev) || isChinese(next) || (next == " " && i > 0 && chars[..<i].suffix(3).contains(where: isChinese)) {
                chars[i] = full
            }
        }
        return String(chars)
    }
}
