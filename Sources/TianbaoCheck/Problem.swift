import TianbaoPlan

/// One problem found in a returned file: where, which rule, what was found, and what to do.
public struct Problem: Hashable, Sendable {
    public var severity: Severity
    /// The file name as received.
    public var file: String
    /// Unit id, when the file could be identified.
    public var unit: String?
    /// Sheet name, or nil for problems with the whole file.
    public var sheet: String?
    /// A1 reference (`D7`), or nil.
    public var cell: String?
    /// The rule broken (its raw value is the stable name report.json gives: `required`, `bad-signature`, …).
    public var rule: Rule
    /// The value found, as text.
    public var value: String
    /// Chinese, says what is wrong and what to do.
    public var message: String
    /// A warning the unit answered in the row's 说明 column (合理性说明).
    public var explained: Bool = false

    public init(severity: Severity, file: String, unit: String?, sheet: String?, cell: String?, rule: Rule,
                value: String, message: String, explained: Bool = false) {
        self.severity = severity
        self.file = file
        self.unit = unit
        self.sheet = sheet
        self.cell = cell
        self.rule = rule
        self.value = value
        self.message = message
        self.explained = explained
    }

    /// The place, as a person reads it: `任务进展!F7`.
    public var place: String {
        switch (sheet, cell) {
        case let (s?, c?): return "\(s)!\(c)"
        case let (s?, nil): return s
        default: return "（整个文件）"
        }
    }
}

extension Problem {
    /// True for a problem with the whole file: as an error it makes the file unacceptable.
    public var isFileLevel: Bool { rule.isFileLevel }
}
