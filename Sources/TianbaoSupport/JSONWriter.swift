import Foundation

/// A small JSON writer: compact, keys in the order written, non-ASCII kept as UTF-8 (as
/// Python's `ensure_ascii=False`). The one home of JSON output (report.json, `--format json`,
/// `cat`). Not JSONEncoder: the interfaces (docs/interfaces.md) fix the key order, which JSONEncoder
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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal to UTF-8 bytes: `"` and `\\` escaped, control
    /// characters as `\n` `\r` `\t` `\b` `\f` or `\u00xx`, everything else as it is (for the
    /// writers that build bytes: `cat`, the archive's rows).
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            out.append(34)
            var plain = true
            for b in bytes where b < 0x20 || b == 34 || b == 92 { plain = false; break }
            if plain {
                out.append(contentsOf: bytes)
            } else {
                for b in bytes {
                    switch b {
                    case 34: out.append(contentsOf: [92, 34])
                    case 92: out.append(contentsOf: [92, 92])
                    case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
                    case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
                    case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
                    case 8: out.append(contentsOf: [92, UInt8(ascii: "b")])
                    case 12: out.append(contentsOf: [92, UInt8(ascii: "f")])
                    case 0..<0x20:
                        out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0x0F)]])
                    default: out.append(b)
                    }
                }
            }
            out.append(34)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
