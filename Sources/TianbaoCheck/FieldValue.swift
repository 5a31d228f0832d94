import Foundation
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// A checked value of one field, in the field's own type.
public enum FieldValue: Hashable, Sendable {
    case text(String)
    case number(Double)
    case date(Day)

    /// The value as text for reports and messages.
    public var text: String {
        switch self {
        case .text(let s): return s
        case .number(let n): return NumberText.format(n)
        case .date(let d): return d.description
        }
    }

    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var day: Day? { if case .date(let d) = self { return d } else { return nil } }
}

/// The values of one row by field id, stored compactly: the ids are one array shared by every
/// row of a sheet, the values an array in the same order (a merge holds hundreds of thousands
/// of rows). Reads and writes like a dictionary.
public struct FieldValues: Sendable, Sequence {
    public let keys: [String]
    private var slots: [FieldValue?]

    public init(keys: [String]) {
        self.keys = keys
        self.slots = Array(repeating: nil, count: keys.count)
    }

    /// Values in key order (for `RowSpill`).
    init(keys: [String], slots: [FieldValue?]) {
        self.keys = keys
        self.slots = slots.count == keys.count ? slots : Array(slots.prefix(keys.count)) + Array(repeating: nil, count: Swift.max(0, keys.count - slots.count))
    }

    /// The values in key order, absent ones included (for `RowSpill`).
    var slotValues: [FieldValue?] { slots }

    public subscript(key: String) -> FieldValue? {
        get { keys.firstIndex(of: key).flatMap { slots[$0] } }
        set {
            guard let i = keys.firstIndex(of: key) else { return }
            slots[i] = newValue
        }
    }

    /// The value of the key at `index` (the field's position in its sheet).
    public func value(at index: Int) -> FieldValue? { index < slots.count ? slots[index] : nil }

    /// Sets the value of the key at `index` (the field's position in its sheet).
    public mutating func set(_ index: Int, _ value: FieldValue?) { slots[index] = value }

    public var isEmpty: Bool { !slots.contains { $0 != nil } }

    /// The (id, value) pairs that are set, in field order.
    public func makeIterator() -> AnyIterator<(key: String, value: FieldValue)> {
        var i = 0
        return AnyIterator {
            while i < keys.count {
                defer { i += 1 }
                if let v = slots[i] { return (keys[i], v) }
            }
            return nil
        }
    }
}

/// Reads a cell as a field of a given type the way a clerk would: numbers typed as text,
/// `85%`, `2021/6/15`, `2021年6月15日`, full-width digits and the like are understood, and each
/// such repair is reported as a warning, never silently.
public enum FieldReader {
    public enum Outcome: Equatable {
        case empty
        case value(FieldValue, repair: String?)
        /// Not readable as this type; the message says what was expected.
        case invalid(String)
    }

    /// Reads `value` (with the cell's number format, when it has a custom one) as `field`.
    public static func read(_ value: CellValue?, format: String?, as field: FieldSpec) -> Outcome {
        guard let value else { return .empty }
        switch field.type {
        case .text:
            let s = textOf(value).trimmedSpace
            return s.isEmpty ? .empty : .value(.text(s), repair: nil)
        case .choice, .yesNo:
            return readChoice(value, choices: field.type == .yesNo ? ["是", "否"] : field.choices)
        case .taskRef:
            return readTaskRef(value)
        case .integer, .decimal, .percent:
            return readNumber(value, format: format, field: field)
        case .date:
            return readDate(value)
        case .phone, .mobile, .email:
            return readContact(value, type: field.type)
        }
    }

    public static func textOf(_ value: CellValue) -> String {
        switch value {
        case .string(let s): return s
        case .date(let d, _): return d.iso8601
        default: return value.text
        }
    }

    /// Full-width digits and punctuation (０-９,．,－,％) to ASCII.
    static func halfWidth(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u in
            switch u.value {
            case 0xFF10...0xFF19, 0xFF0E, 0xFF0D, 0xFF05, 0xFF0B, 0xFF0F, 0xFF1A, 0xFF08, 0xFF09, 0xFF20:
                return Unicode.Scalar(u.value - 0xFEE0)!
            case 0x3000: return " "
            default: return u
            }
        }))
    }

    static func readChoice(_ value: CellValue, choices: [String]) -> Outcome {
        let raw = textOf(value)
        let s = raw.trimmedSpace
        if s.isEmpty { return .empty }
        if choices.contains(s) {
            return .value(.text(s), repair: s == raw ? nil : "去掉了选项前后的空格")
        }
        return .invalid(CheckWording.expectChoice(choices))
    }

    static func readTaskRef(_ value: CellValue) -> Outcome {
        switch value {
        case .number(let n):
            // 1.1 typed as a number: the same task id.
            return .value(.text(NumberText.format(n)), repair: "任务编号以数字形式填写，已按“\(NumberText.format(n))”读取")
        default:
            let s = halfWidth(textOf(value)).trimmedSpace
            return s.isEmpty ? .empty : .value(.text(s), repair: nil)
        }
    }

    static func readNumber(_ value: CellValue, format: String?, field: FieldSpec) -> Outcome {
        var number: Double
        var repair: String?
        switch value {
        case .number(let n):
            number = n
            // 85% typed into a cell: Excel stores 0.85 with a percent format.
            if field.type == .percent, let format, format.contains("%") {
                number = n * 100
                repair = "单元格为百分比格式，已按 \(NumberText.format(rounded(number))) 读取"
            }
        case .bool, .error:
            return .invalid(CheckWording.expectNumber)
        case .date(_, let serial):
            guard let serial else { return .invalid(CheckWording.expectNumberNotDate) }
            number = serial
            repair = "单元格为日期格式，已按数字 \(NumberText.format(serial)) 读取"
        case .string(let s):
            var t = halfWidth(s).trimmedSpace
            if t.isEmpty { return .empty }
            var percent = false
            if t.hasSuffix("%") { percent = true; t.removeLast() }
            for unit in ["万元", "元", "个", "部", "户", "栋", "㎡", "平方米"] where t.hasSuffix(unit) {
                t.removeLast(unit.count)
            }
            t = t.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ",", with: "")
                .trimmingCharacters(in: .whitespaces)
            guard let n = Double(t), n.isFinite else { return .invalid(CheckWording.expectNumber) }
            number = n
            if percent && field.type != .percent { number = n / 100 }
            repair = "\(CheckWording.numberAsText)，已按 \(NumberText.format(rounded(number))) 读取"
        }
        number = rounded(number)
        if field.type == .integer && number != number.rounded() { return .invalid(CheckWording.expectInteger) }
        return .value(.number(number), repair: repair)
    }

    /// Removes binary noise such as 0.85 * 100 = 85.00000000000001.
    public static func rounded(_ n: Double) -> Double { (n * 1e9).rounded() / 1e9 }

    static func readDate(_ value: CellValue) -> Outcome {
        switch value {
        case .date(let d, _):
            return .value(.date(Day(year: d.year, month: d.month, day: d.day)), repair: nil)
        case .number(let n):
            // A date typed where the cell lost its date format: read the serial as a date.
            guard n >= 36_526, n < 73_051, let d = ExcelDateTime(serial: n, kind: .date, date1904: false) else {
                return .invalid(CheckWording.expectDate)
            }
            let day = Day(year: d.year, month: d.month, day: d.day)
            return .value(.date(day), repair: "日期以数字 \(NumberText.format(n)) 形式保存，已按 \(day) 读取")
        case .string(let s):
            let t = halfWidth(s).trimmedSpace
            if t.isEmpty { return .empty }
            guard let day = parseDayText(t) else { return .invalid(CheckWording.expectDate) }
            return .value(.date(day), repair: "\(CheckWording.dateAsText)（“\(s)”），已按 \(day) 读取")
        default:
            return .invalid(CheckWording.expectDate)
        }
    }

    /// `2021-6-15`, `2021/6/15`, `2021.6.15`, `2021年6月15日`, `20210615`.
    public static func parseDayText(_ t: String) -> Day? {
        var s = t
        if s.hasSuffix("日") || s.hasSuffix("号") { s.removeLast() }
        s = s.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
        let parts = s.split(separator: "-").map { String($0).trimmingCharacters(in: .whitespaces) }
        var y = 0, m = 0, d = 0
        if parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) {
            (y, m, d) = (a, b, c)
        } else if parts.count == 1, parts[0].count == 8, let n = Int(parts[0]) {
            (y, m, d) = (n / 10000, n / 100 % 100, n % 100)
        } else {
            return nil
        }
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    static func readContact(_ value: CellValue, type: FieldType) -> Outcome {
        var repair: String?
        var s: String
        if case .number(let n) = value {
            s = NumberText.format(n)
            repair = "以数字形式填写，已按文本“\(s)”读取"
        } else {
            s = textOf(value)
        }
        let half = halfWidth(s).trimmedSpace
        if half.isEmpty { return .empty }
        if half != s.trimmedSpace { repair = repair ?? "全角字符已转为半角" }
        switch type {
        case .mobile:
            let digits = half.filter { $0 != " " && $0 != "-" }
            guard digits.count == 11, digits.first == "1", digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .invalid(CheckWording.expectMobile)
            }
            if digits != half { repair = repair ?? "去掉了手机号码中的空格或连字符" }
            return .value(.text(digits), repair: repair)
        case .phone:
            let allowed = Set("0123456789-()+ 转")
            guard half.count >= 7, half.count <= 30, half.allSatisfy({ allowed.contains($0) }),
                  half.filter(\.isNumber).count >= 7 else {
                return .invalid(CheckWording.expectPhone)
            }
            return .value(.text(half), repair: repair)
        default:
            let pattern = #"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"#
            guard half.range(of: pattern, options: .regularExpression) != nil else {
                return .invalid(CheckWording.expectEmail)
            }
            return .value(.text(half), repair: repair)
        }
    }
}

extension String {
    /// The string without leading and trailing white space and newlines (Unicode), without a
    /// round trip through NSString: checking trims every cell it reads.
    var trimmedSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isSpace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }

    /// Unicode's White_Space, without a table lookup for ASCII and for everything above
    /// U+3000 (the last white space character: Chinese text never needs the table).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        if v > 0x3000 { return false }
        return scalar.properties.isWhitespace
    }
}
