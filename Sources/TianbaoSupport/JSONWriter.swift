import Foundation

/// A small JSON writer: compact, keys in the order written, non-ASCII kept as UTF-8 (as
/// Python's `ensure_ascii=False`). The one home of JSON output (report.json, `--format json`,
/// `cat`). Not JSONEncoder: the interfaces (SPEC §6, §7) fix the key order, which JSONEncoder
/// does not keep, and `cat` streams millions of cells without building a value tree.
public final class JSONWriter {
    public private(set) var text = ""
    private var first = [true]
    private var afterKey = false

    public init() {}

    private func begin() {
        if afterKey { afterKey = false; return }
        if !first[first.count - 1] { text += "," }
        first[first.count - 1] = false
    }

    public func object(_ body: () -> Void) {
        begin(); text += "{"; first.append(true); body(); first.removeLast(); text += "}"
    }

    public func array<T>(_ items: [T], _ body: (T) -> Void) {
        begin(); text += "["; first.append(true)
        for item in items { body(item) }
        first.removeLast(); text += "]"
    }

    public func key(_ k: String) {
        begin(); text += Self.quote(k) + ":"; afterKey = true
    }

    public func string(_ s: String) { begin(); text += Self.quote(s) }
    public func int(_ n: Int) { begin(); text += String(n) }
    public func bool(_ b: Bool) { begin(); text += b ? "true" : "false" }
    public func null() { begin(); text += "null" }
    /// A raw JSON fragment (a number already formatted).
    public func raw(_ fragment: String) { begin(); text += fragment }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
