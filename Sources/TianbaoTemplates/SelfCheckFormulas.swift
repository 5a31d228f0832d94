import TianbaoPlan
import XLSX

/// Pieces of spreadsheet formulas (A1 text, without the leading `=`) that read a cell the way
/// the checker does, as far as a formula can. Every piece errs on the side of silence: a formula
/// reports a problem only where the checker certainly reports it too (docs/guide/template.md).
///
/// Only the functions in `allowedFunctions` are used; a test scans every generated formula.
enum Formula {
    /// Functions computed alike by Excel 2010+, WPS and LibreOffice 7 (docs/guide/template.md lists the sources).
    static let allowedFunctions: Set<String> = [
        "IF", "AND", "OR", "NOT", "ISERROR", "ISNUMBER", "ISLOGICAL", "ISTEXT", "IFERROR", "LEN", "TRIM", "CLEAN",
        "SUBSTITUTE", "LEFT", "MID", "FIND", "EXACT", "INT", "ROUND", "ABS", "SUMPRODUCT", "COUNTIF",
    ]

    /// A string literal. Excel refuses literals over 255 characters, so long text is joined.
    static func text(_ s: String) -> String {
        if s.isEmpty { return "\"\"" }
        // Common case, without Foundation's search: short text (at most 200 UTF-8 bytes, so at
        // most 200 characters) holding no quote.
        if s.utf8.count <= 200, !s.utf8.contains(UInt8(ascii: "\"")) { return "\"" + s + "\"" }
        var parts: [String] = []
        var rest = Substring(s)
        while !rest.isEmpty {
            let chunk = rest.prefix(200)
            parts.append("\"" + chunk.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            rest = rest.dropFirst(chunk.count)
        }
        return parts.joined(separator: "&")
    }

    static let empty = "\"\""

    /// The cell's text as the checker trims it: spaces (also full-width and non-breaking),
    /// tabs and line breaks at either end removed. (TRIM also folds inner runs of spaces and CLEAN
    /// drops inner line breaks: the result is never longer than the checker's.)
    static func trimmed(_ x: String) -> String {
        "TRIM(CLEAN(SUBSTITUTE(SUBSTITUTE(\(x),\"\u{3000}\",\" \"),\"\u{A0}\",\" \")))"
    }

    /// True when the checker reads the cell as empty. Error-safe.
    static func blank(_ x: String) -> String { "IF(ISERROR(\(x)),FALSE,LEN(\(trimmed(x)))=0)" }

    static let digits = (0...9).map { "\($0)" } + (0...9).map { "\"\(Character(Unicode.Scalar(0xFF10 + UInt32($0))!))\"" }

    /// True when a text has no digit at all (ASCII or full-width): no reading makes it a number or a date.
    static func noDigits(_ x: String) -> String {
        "SUMPRODUCT(--ISNUMBER(FIND({\(digits.joined(separator: ","))},\(x))))=0"
    }

    /// How many digits (ASCII or full-width) a text has.
    static func digitCount(_ x: String) -> String {
        "SUMPRODUCT(LEN(\(x))-LEN(SUBSTITUTE(\(x),{\(digits.joined(separator: ","))},\"\")))"
    }

    /// True when a text has a full-width character the checker turns into ASCII (digits, `．`).
    static func hasFullWidth(_ x: String) -> String {
        "SUMPRODUCT(--ISNUMBER(FIND({\((digits.dropFirst(10) + ["\"．\"", "\"－\""]).joined(separator: ","))},\(x))))>0"
    }

    /// A date as the serial number Excel stores (1900 system).
    static func serial(_ d: Day) -> String {
        NumberText.format(ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day).serial(date1904: false))
    }

    static func number(_ n: Double) -> String { NumberText.format(n) }

    /// Every function name a formula calls (a name followed by `(`, outside string literals).
    static func functions(in formula: String) -> Set<String> {
        var names = Set<String>()
        var inString = false
        var word: [UInt8] = []
        for c in formula.utf8 {
            if c == UInt8(ascii: "\"") { inString.toggle(); word = []; continue }
            if inString { continue }
            let isName = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 46 || c == 95
            if isName {
                word.append(c)
            } else {
                if c == UInt8(ascii: "("), let first = word.first, !(first >= 48 && first <= 57), first != 46 {
                    names.insert(String(decoding: word, as: UTF8.self).uppercased())
                }
                word = []
            }
        }
        return names
    }
}

/// The checks a formula can make on one field of a row: its problem (the checker's words, or
/// empty), whether the checker certainly holds a value for it, and that value.
struct FieldFormulas {
    let field: FieldSpec
    /// The dropdown range of a choice or task field (`字典!$C$2:$C$5`), nil when the list is empty.
    let list: String?
    /// The tasks the unit leads or shares (for task references).
    let unitTasks: [String]

    private var trimmedBounds: (lo: Double?, hi: Double?) {
        // A percent cell may carry a % format (85% typed: 0.85 stored), which the checker reads
        // ×100: bounds that hold either way.
        guard field.type == .percent else { return (field.min, field.max) }
        return (field.min.map { Swift.min($0, $0 / 100) }, field.max.map { Swift.max($0, $0 / 100) })
    }

    /// An expression giving `message(text)` for the first problem of cell `x`, or "".
    /// `message` turns the checker's words into a formula.
    func problem(_ x: String, message: (String) -> String) -> String {
        let name = field.name
        let n = Formula.trimmed(x)
        let required = field.required ? message(CheckWording.required(name)) : Formula.empty
        func invalid(_ expectation: String) -> String { message(CheckWording.invalidStem(name, expectation)) }
        var onError = Formula.empty
        let body: String
        switch field.type {
        case .text:
            body = field.maxLength.map { "IF(LEN(\(n))>\($0),\(message(CheckWording.tooLongStem(name, $0))),\"\")" } ?? Formula.empty
        case .choice, .yesNo:
            let choices = field.type == .yesNo ? ["是", "否"] : field.choices
            onError = invalid(CheckWording.expectChoice(choices))
            if let list {
                body = "IF(SUMPRODUCT(--EXACT(\(list),\(n)))=0,\(invalid(CheckWording.expectChoice(choices))),\"\")"
            } else {
                body = invalid(CheckWording.expectChoice(choices))
            }
        case .taskRef:
            let parts = CheckWording.notUnitTask("\u{1}", unitTasks: unitTasks).components(separatedBy: "\u{1}")
            let text = message(parts[0] + "\u{1}" + parts[1])
            let pieces = text.components(separatedBy: "\u{1}")
            let said = pieces[0] + "\"&\(n)&\"" + pieces[1]
            let found = list.map { "SUMPRODUCT(--EXACT(\($0),\(n)))=0" } ?? "TRUE"
            body = "IF(AND(\(found),NOT(\(Formula.hasFullWidth(x)))),\(said),\"\")"
        case .integer, .decimal, .percent:
            let expect = invalid(CheckWording.expectNumber)
            onError = expect
            let v = "ROUND(\(x),9)"
            var checks = Formula.empty
            let (lo, hi) = trimmedBounds
            if let hi { checks = "IF(\(v)>\(Formula.number(hi)),\(message(CheckWording.aboveStem(name, NumberText.format(field.max!)))),\(checks))" }
            if let lo { checks = "IF(\(v)<\(Formula.number(lo)),\(message(CheckWording.belowStem(name, NumberText.format(field.min!)))),\(checks))" }
            if field.type == .integer {
                checks = "IF(\(v)<>ROUND(\(x),0),\(invalid(CheckWording.expectInteger)),\(checks))"
            }
            return "IF(OR(ISERROR(\(x)),ISLOGICAL(\(x))),\(expect),IF(ISNUMBER(\(x)),\(checks),IF(LEN(\(n))=0,\(required),IF(\(Formula.noDigits(x)),\(expect),\"\"))))"
        case .date:
            let expect = invalid(CheckWording.expectDate)
            onError = expect
            var checks = Formula.empty
            if let hi = field.maxDay { checks = "IF(INT(\(x))>\(Formula.serial(hi)),\(message(CheckWording.laterStem(name, hi))),\(checks))" }
            if let lo = field.minDay { checks = "IF(INT(\(x))<\(Formula.serial(lo)),\(message(CheckWording.earlierStem(name, lo))),\(checks))" }
            // Outside 2000-01-01…2099-12-31 a number may be a date, a plain number or (in
            // LibreOffice) a boolean, which the checker words differently: left to the checker.
            checks = "IF(OR(\(x)<36526,\(x)>=73051),\"\",\(checks))"
            return "IF(OR(ISERROR(\(x)),ISLOGICAL(\(x))),\(expect),IF(ISNUMBER(\(x)),\(checks),IF(LEN(\(n))=0,\(required),IF(\(Formula.noDigits(x)),\(expect),\"\"))))"
        case .mobile:
            let expect = invalid(CheckWording.expectMobile)
            onError = expect
            let d = "SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(\(n),\" \",\"\"),\"-\",\"\"),\"－\",\"\")"
            let bad = "OR(ISLOGICAL(\(x)),LEN(\(d))<>11,\(Formula.digitCount(d))<LEN(\(d)),AND(LEFT(\(d),1)<>\"1\",LEFT(\(d),1)<>\"１\"))"
            body = "IF(\(bad),\(expect),\"\")"
        case .phone:
            let expect = invalid(CheckWording.expectPhone)
            onError = expect
            body = "IF(OR(ISLOGICAL(\(x)),\(Formula.digitCount(n))<7,LEN(\(n))>30),\(expect),\"\")"
        case .email:
            let expect = invalid(CheckWording.expectEmail)
            onError = expect
            body = "IF(OR(ISLOGICAL(\(x)),AND(ISERROR(FIND(\"@\",\(x))),ISERROR(FIND(\"＠\",\(x))))),\(expect),\"\")"
        }
        return "IF(ISERROR(\(x)),\(onError),IF(LEN(\(n))=0,\(required),\(body)))"
    }

    /// True (error-safe) when the checker certainly holds a value for cell `x` that
    /// `equals` below compares as the formula does. `check` is the cell holding the field's
    /// own problem, when there is one: a number, date or choice without a problem is valid.
    func valid(_ x: String, check: String? = nil) -> String {
        let n = Formula.trimmed(x)
        if let check {
            switch field.type {
            case .integer, .decimal, .percent, .date: return "AND(ISNUMBER(\(x)),\(check)=\"\")"
            case .choice, .yesNo: return "AND(\(check)=\"\",NOT(\(Formula.blank(x))))"
            default: break
            }
        }
        switch field.type {
        case .text:
            guard field.pattern == nil else { return "FALSE" }
            let length = field.maxLength.map { ",LEN(\(x))<=\($0)" } ?? ""
            return "IF(ISERROR(\(x)),FALSE,AND(LEN(\(n))>0\(length)))"
        case .choice, .yesNo, .taskRef:
            guard let list else { return "FALSE" }
            return "IF(ISERROR(\(x)),FALSE,SUMPRODUCT(--EXACT(\(list),\(n)))>0)"
        case .integer, .decimal, .percent:
            var conditions = ["TRUE"]
            if let lo = trimmedBounds.lo { conditions.append("ROUND(\(x),9)>=\(Formula.number(Swift.max(lo, field.min!)))") }
            if let hi = trimmedBounds.hi { conditions.append("ROUND(\(x),9)<=\(Formula.number(Swift.min(hi, field.max!)))") }
            if field.type == .integer { conditions.append("ROUND(\(x),9)=ROUND(\(x),0)") }
            return "IF(ISNUMBER(\(x)),AND(\(conditions.joined(separator: ","))),FALSE)"
        case .date:
            var conditions = ["TRUE"]
            if let lo = field.minDay { conditions.append("INT(\(x))>=\(Formula.serial(lo))") }
            if let hi = field.maxDay { conditions.append("INT(\(x))<=\(Formula.serial(hi))") }
            return "IF(ISNUMBER(\(x)),AND(\(conditions.joined(separator: ","))),FALSE)"
        case .phone, .mobile, .email:
            return "FALSE"
        }
    }

    /// True when a valid cell `x` equals `value` as the checker compares (`loose`: either way
    /// a percent cell may be read).
    func equals(_ x: String, _ value: String, loose: Bool) -> String {
        switch field.type {
        case .integer, .decimal, .percent:
            guard let v = Double(value) else { return "FALSE" }
            let strict = "ROUND(\(x),9)=\(Formula.number(v))"
            return field.type == .percent && loose ? "OR(\(strict),ROUND(\(x)*100,9)=\(Formula.number(v)))" : strict
        case .date:
            guard let d = Day(value) else { return "FALSE" }
            return "INT(\(x))=\(Formula.serial(d))"
        default:
            return "EXACT(\(Formula.trimmed(x)),\(Formula.text(value)))"
        }
    }

    /// Whether the self-check flags text in this field (a number or a date field): text its
    /// own check lets pass holds a digit, and the checker reports it at that cell, reading it
    /// (`Rule.repaired`) or not (`Rule.type`), each message starting with
    /// `CheckWording.typedAsTextStem`.
    var typedAsText: Bool { isNumber || field.type == .date }

    /// The value of a valid number or date cell, as the checker rounds it.
    func number(_ x: String) -> String { field.type == .date ? "INT(\(x))" : "ROUND(\(x),9)" }

    var isNumber: Bool { [.integer, .decimal, .percent].contains(field.type) }
}
