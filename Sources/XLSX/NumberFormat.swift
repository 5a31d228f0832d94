/// What a number format makes of a number: whether the cell shows a date, a time of day, both,
/// an elapsed duration, or a plain number.
public enum NumberFormatKind: Sendable, Equatable {
    case number
    case date
    case time
    case dateTime
    /// `[h]:mm` and the like: elapsed time, kept as a number of days.
    case duration

    /// The date-time kind a cell with this format shows, or nil when it shows a number.
    public var dateTimeKind: ExcelDateTime.Kind? {
        switch self {
        case .date: return .date
        case .time: return .time
        case .dateTime: return .dateTime
        case .number, .duration: return nil
        }
    }
}

/// Number format codes and built-in format ids (ECMA-376 Part 1, 18.8.30 and 18.8.31).
public enum NumberFormat {
    /// The kind of a built-in format id, for ids whose meaning does not depend on a
    /// custom definition. Covers the ids every locale shares (14–22, 45–47) and the East Asian
    /// ones (27–36, 50–58), which a Chinese Excel or WPS writes without a `numFmt` entry.
    public static func builtinKind(_ id: Int) -> NumberFormatKind {
        switch id {
        case 14...17: return .date            // m/d/yyyy, d-mmm-yy, d-mmm, mmm-yy
        case 18...21: return .time            // h:mm AM/PM … h:mm:ss
        case 22: return .dateTime             // m/d/yyyy h:mm
        case 27...31, 36: return .date        // yyyy"年"m"月", m"月"d"日", …
        case 32...35: return .time            // h"时"mm"分", 上午/下午h"时"mm"分"…
        case 45, 47: return .time             // mm:ss, mm:ss.0
        case 46: return .duration             // [h]:mm:ss
        case 50...54, 57, 58: return .date    // East Asian date forms
        case 55, 56: return .time             // 上午/下午h"时"mm"分"(ss"秒")
        default: return .number
        }
    }

    /// Classifies a format code. Only the first section (before `;`) decides. Quoted text,
    /// backslash-escaped characters, `_x` and `*x` padding, and bracketed modifiers such as
    /// `[Red]`, `[$-804]`, `[DBNum1]` or `[>100]` are ignored; `[h]`, `[m]`, `[s]` mean elapsed
    /// time. Then `y`, `d` (and `m` with neither `h` nor `s`) make a date, `h`, `s` and
    /// `AM/PM` make a time.
    public static func kind(ofCode code: String) -> NumberFormatKind {
        var hasDate = false, hasTime = false, hasMonthOrMinute = false, elapsed = false
        var bytes = Array(code.utf8)[...]
        // Text after "General" is a literal; "General" itself has letters that are no tokens.
        while let b = bytes.first {
            bytes = bytes.dropFirst()
            switch b {
            case UInt8(ascii: ";"):
                bytes = []  // first section only
            case UInt8(ascii: "\""):
                while let c = bytes.first {
                    bytes = bytes.dropFirst()
                    if c == UInt8(ascii: "\"") { break }
                }
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                bytes = bytes.dropFirst()  // the next character is literal or padding
            case UInt8(ascii: "["):
                var inner: [UInt8] = []
                while let c = bytes.first {
                    bytes = bytes.dropFirst()
                    if c == UInt8(ascii: "]") { break }
                    inner.append(c | 0x20)
                }
                if !inner.isEmpty, inner.allSatisfy({ $0 == inner[0] }),
                   [UInt8(ascii: "h"), UInt8(ascii: "m"), UInt8(ascii: "s")].contains(inner[0]) {
                    elapsed = true
                }
            case UInt8(ascii: "G"), UInt8(ascii: "g"):
                // "General" (any case) is the general number format, not tokens.
                let rest = Array(bytes.prefix(6)).map { $0 | 0x20 }
                if rest == Array("eneral".utf8) { bytes = bytes.dropFirst(6) }
            case UInt8(ascii: "A"), UInt8(ascii: "a"):
                let rest = Array(bytes.prefix(4)).map { $0 | 0x20 }
                if rest == Array("m/pm".utf8) {
                    hasTime = true
                    bytes = bytes.dropFirst(4)
                } else if rest.count >= 2, rest[0] == UInt8(ascii: "/"), rest[1] == UInt8(ascii: "p") {
                    hasTime = true
                    bytes = bytes.dropFirst(2)
                }
            case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "d"), UInt8(ascii: "D"):
                hasDate = true
            case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "s"), UInt8(ascii: "S"):
                hasTime = true
            case UInt8(ascii: "m"), UInt8(ascii: "M"):
                hasMonthOrMinute = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                // "E+"/"E-" is a scientific exponent; a lone "e" is the year in some locales.
                if let next = bytes.first, next == UInt8(ascii: "+") || next == UInt8(ascii: "-") {
                    bytes = bytes.dropFirst()
                } else {
                    hasDate = true
                }
            default:
                break
            }
        }
        if elapsed { return .duration }
        if hasDate { return hasTime ? .dateTime : .date }
        if hasTime { return .time }
        if hasMonthOrMinute { return .date }  // "mmm" alone is a month
        return .number
    }
}
