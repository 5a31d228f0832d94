/// Moves a formula from one cell to another the way Excel fills a shared formula: relative
/// references shift by the distance moved, absolute (`$`) parts stay. Handles cell references
/// (`A1`, `$B$2`), whole columns (`E:F`) and whole rows (`5:6`); leaves string literals,
/// quoted sheet names, function names and defined names alone. A reference pushed off the
/// grid becomes `#REF!`.
public enum FormulaTranslator {
    public static func translate(_ formula: String, rows dRow: Int, columns dCol: Int) -> String {
        if dRow == 0 && dCol == 0 { return formula }
        let s = Array(formula.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count + 8)
        var i = 0
        let n = s.count

        func isIdentChar(_ b: UInt8) -> Bool {
            isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b >= 0x80
                || b == UInt8(ascii: "\\")
        }

        while i < n {
            let b = s[i]
            // String literal: copy through, "" is an escaped quote.
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                let quote = b
                out.append(b)
                i += 1
                while i < n {
                    out.append(s[i])
                    if s[i] == quote {
                        if i + 1 < n && s[i + 1] == quote { out.append(s[i + 1]); i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                continue
            }
            // Structured references and error literals like [#This Row] are copied whole.
            if b == UInt8(ascii: "[") {
                var depth = 0
                while i < n {
                    out.append(s[i])
                    if s[i] == UInt8(ascii: "[") { depth += 1 }
                    if s[i] == UInt8(ascii: "]") { depth -= 1; if depth == 0 { i += 1; break } }
                    i += 1
                }
                continue
            }
            let startsToken = i == 0 || !isIdentChar(s[i - 1])
            if startsToken, isLetter(b) || isDigit(b) || b == UInt8(ascii: "$") {
                // Read the whole identifier-like token.
                var j = i
                while j < n && (isIdentChar(s[j]) || s[j] == UInt8(ascii: "$")) { j += 1 }
                // A range of whole columns or rows: token ':' token.
                if j < n, s[j] == UInt8(ascii: ":") {
                    var k = j + 1
                    while k < n && (isIdentChar(s[k]) || s[k] == UInt8(ascii: "$")) { k += 1 }
                    if let left = parsePart(s[i..<j]), let right = parsePart(s[(j + 1)..<k]),
                       left.kind == right.kind, left.kind != .cell,
                       !(k < n && (s[k] == UInt8(ascii: "(") || s[k] == UInt8(ascii: "!"))) {
                        let l = shift(left, dRow, dCol), r = shift(right, dRow, dCol)
                        if let l, let r { out += l + [UInt8(ascii: ":")] + r } else { out += Array("#REF!".utf8) }
                        i = k
                        continue
                    }
                }
                let token = s[i..<j]
                let followedByCall = j < n && (s[j] == UInt8(ascii: "(") || s[j] == UInt8(ascii: "!"))
                if !followedByCall, let part = parsePart(token), part.kind == .cell {
                    if let moved = shift(part, dRow, dCol) { out += moved } else { out += Array("#REF!".utf8) }
                } else {
                    out += token
                }
                i = j
                continue
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private enum PartKind { case cell, column, row }
    private struct Part {
        var kind: PartKind
        var column = 0, row = 0
        var columnAbsolute = false, rowAbsolute = false
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// Parses `$A$1`, `A`, `$A`, `1`, `$1`; nil for anything else (names, numbers with dots…).
    private static func parsePart(_ t: ArraySlice<UInt8>) -> Part? {
        var p = Part(kind: .cell)
        var i = t.startIndex
        if i < t.endIndex && t[i] == UInt8(ascii: "$") { p.columnAbsolute = true; i += 1 }
        let letterStart = i
        var column = 0
        while i < t.endIndex && isLetter(t[i]) {
            column = column * 26 + Int((t[i] | 0x20) - UInt8(ascii: "a") + 1)
            if column > CellReference.maxColumn { return nil }
            i += 1
        }
        let hasLetters = i > letterStart
        if hasLetters && i - letterStart > 3 { return nil }
        if i < t.endIndex && t[i] == UInt8(ascii: "$") {
            guard hasLetters else { return nil }
            p.rowAbsolute = true
            i += 1
        }
        let digitStart = i
        var row = 0
        while i < t.endIndex && isDigit(t[i]) {
            row = row * 10 + Int(t[i] - UInt8(ascii: "0"))
            if row > CellReference.maxRow { return nil }
            i += 1
        }
        let hasDigits = i > digitStart
        guard i == t.endIndex else { return nil }
        switch (hasLetters, hasDigits) {
        case (true, true):
            guard row >= 1 else { return nil }
            p.column = column
            p.row = row
        case (true, false):
            if p.rowAbsolute { return nil }
            p.kind = .column
            p.column = column
        case (false, true):
            // "$5" parsed the $ as a column marker: it belongs to the row.
            p.kind = .row
            p.rowAbsolute = p.columnAbsolute
            p.columnAbsolute = false
            guard row >= 1 else { return nil }
            p.row = row
        case (false, false):
            return nil
        }
        return p
    }

    private static func shift(_ p: Part, _ dRow: Int, _ dCol: Int) -> [UInt8]? {
        var out: [UInt8] = []
        if p.kind != .row {
            let c = p.columnAbsolute ? p.column : p.column + dCol
            guard c >= 1 && c <= CellReference.maxColumn else { return nil }
            if p.columnAbsolute { out.append(UInt8(ascii: "$")) }
            out += Array(CellReference.columnName(c).utf8)
        }
        if p.kind != .column {
            let r = p.rowAbsolute ? p.row : p.row + dRow
            guard r >= 1 && r <= CellReference.maxRow else { return nil }
            if p.rowAbsolute { out.append(UInt8(ascii: "$")) }
            out += Array(String(r).utf8)
        }
        return out
    }
}
