/// A rule as data (DHIS2 validation rule, 一套表 表内/表间审核): a left side compared with a right
/// side. A side is a field of the row, a constant, or a sum or count over a sheet's rows of the
/// same file, optionally filtered. Declared in YAML as `kind: compare`.
public struct CompareRule: Hashable, Sendable {
    /// A filter on rows: the field equals the value.
    public struct Filter: Hashable, Sendable {
        public var field: String
        public var equals: String
        public init(field: String, equals: String) {
            self.field = field
            self.equals = equals
        }
    }

    /// One side of the comparison.
    public enum Operand: Hashable, Sendable {
        /// A field of the row being checked.
        case field(String)
        case constant(Double)
        /// The sum of a field over a sheet's rows (of the same file), optionally filtered.
        case sum(sheet: String, field: String, where: Filter?)
        /// The number of a sheet's rows (of the same file), optionally filtered.
        case count(sheet: String, where: Filter?)

        /// The field of the row, when this side is one.
        public var field: String? {
            if case .field(let f) = self { return f }
            return nil
        }
    }

    public enum Operator: String, CaseIterable, Sendable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        /// The operator in words: `不大于`.
        public var chinese: String {
            switch self {
            case .equal: return "等于"
            case .notEqual: return "不等于"
            case .less: return "小于"
            case .lessOrEqual: return "不大于"
            case .greater: return "大于"
            case .greaterOrEqual: return "不小于"
            }
        }

        /// Whether `a op b` holds (equality to within rounding to 0.01).
        public func holds(_ a: Double, _ b: Double) -> Bool {
            let same = abs(a - b) < 0.005
            switch self {
            case .equal: return same
            case .notEqual: return !same
            case .less: return a < b && !same
            case .lessOrEqual: return a < b || same
            case .greater: return a > b && !same
            case .greaterOrEqual: return a > b || same
            }
        }
    }

    /// What to do when a side has no value (an empty field, a sheet the unit does not have).
    public enum Missing: String, CaseIterable, Sendable {
        /// No finding.
        case skip
        /// The missing value counts as 0.
        case zero
        /// A finding: the value is missing.
        case error
    }

    /// The rule's own sheet.
    public var sheet: String
    /// Rows of the own sheet the rule applies to (all when nil).
    public var when: Filter?
    public var left: Operand
    public var op: Operator
    public var right: Operand
    public var severity: Severity
    public var message: String
    public var missing: Missing

    public init(sheet: String, when: Filter?, left: Operand, op: Operator, right: Operand, severity: Severity, message: String,
                missing: Missing) {
        self.sheet = sheet
        self.when = when
        self.left = left
        self.op = op
        self.right = right
        self.severity = severity
        self.message = message
        self.missing = missing
    }

    /// True when either side is a field of the row: the rule is checked row by row; otherwise it
    /// is checked once per file.
    public var isPerRow: Bool { left.field != nil || right.field != nil || when != nil }
}
