import TianbaoPlan
import TianbaoTemplates
import XLSX

/// A finding of a compare rule, pointing at the cell that should change.
public struct CompareFinding: Sendable, Equatable {
    /// The sheet (id) and cell the finding points at.
    public var sheet: String
    public var cell: String
    /// The row checked (its 1-based row in the file), for a rule checked row by row.
    public var row: Int?
    public var severity: Severity
    public var message: String
    /// The values compared, as the unit reads them.
    public var value: String
    /// The row has a 说明 (a warning it answers is marked explained).
    public var explained: Bool
}

/// Checks `kind: compare` rules once every sheet of a file is read (a rule may count the rows
/// of another sheet): row by row when a side is a field of the row (the finding at that field's
/// cell), else once per file (the finding at the column the left side sums, or at the counted
/// sheet's first row).
public enum CompareRules {
    /// The findings of `rules` over a file's checked rows. `present` holds the sheets the file
    /// has (a sum or count over another sheet is a missing value).
    public static func evaluate(_ rules: [CompareRule], plan: Plan, present: Set<String>, rows: [CheckedRow]) -> [CompareFinding] {
        var out: [CompareFinding] = []
        var bySheet: [String: [CheckedRow]] = [:]
        for row in rows { bySheet[row.sheet, default: []].append(row) }
        for rule in rules {
            guard let sheet = plan.sheet(rule.sheet), present.contains(rule.sheet) else { continue }
            let context = Evaluation(plan: plan, present: present, bySheet: bySheet)
            if rule.isPerRow {
                for row in bySheet[rule.sheet] ?? [] {
                    if let when = rule.when, !matches(row.values[when.field], when.equals) { continue }
                    let focus = rule.left.field ?? rule.right.field
                    let cell = focus.map { fieldCell(sheet, $0, row: row.row) } ?? ref(row.row, 1)
                    if let f = context.check(rule, row: row) {
                        out.append(CompareFinding(sheet: rule.sheet, cell: cell, row: row.row, severity: rule.severity, message: f.message,
                                                  value: f.value, explained: row.explanation != nil))
                    }
                }
            } else if let f = context.check(rule, row: nil) {
                out.append(CompareFinding(sheet: rule.sheet, cell: context.aggregateCell(rule), row: nil, severity: rule.severity,
                                          message: f.message, value: f.value, explained: false))
            }
        }
        return out
    }

    static func matches(_ v: FieldValue?, _ text: String) -> Bool {
        guard let v else { return false }
        if case .number(let n) = v, let t = Double(text) { return n == t }
        return v.text == text
    }

    static func ref(_ row: Int, _ column: Int) -> String { CellReference(row: row, column: column).description }

    /// The cell of a field in a row: its column in a table, its line of a text sheet.
    static func fieldCell(_ sheet: SheetSpec, _ field: String, row: Int) -> String {
        let i = sheet.fields.firstIndex { $0.id == field } ?? 0
        return sheet.kind == .text ? ref(TemplateLayout.firstDataRow + i, 2) : ref(row, i + 1)
    }

    /// One file's rows, to compute the sides of rules.
    struct Evaluation {
        let plan: Plan
        let present: Set<String>
        let bySheet: [String: [CheckedRow]]

        /// The value of a side, nil when missing.
        func value(_ o: CompareRule.Operand, row: CheckedRow?) -> Double? {
            switch o {
            case .field(let f): return row?.values[f]?.number
            case .constant(let c): return c
            case .sum(let sheet, let field, let filter):
                guard present.contains(sheet) else { return nil }
                return rows(sheet, filter).compactMap { $0.values[field]?.number }.reduce(0, +)
            case .count(let sheet, let filter):
                guard present.contains(sheet) else { return nil }
                return Double(rows(sheet, filter).count)
            }
        }

        /// Rows of a sheet that count (accepted), filtered.
        func rows(_ sheet: String, _ filter: CompareRule.Filter?) -> [CheckedRow] {
            (bySheet[sheet] ?? []).filter { row in
                row.accepted && (filter.map { f in CompareRules.matches(row.values[f.field], f.equals) } ?? true)
            }
        }

        /// A side as the unit reads it: `“累计完成值”`, `“小区台账”中“状态”为“已完工”的行数`.
        func describe(_ o: CompareRule.Operand, own: String) -> String {
            func sheetName(_ id: String) -> String { plan.sheet(id)?.name ?? id }
            func fieldName(_ sheet: String, _ id: String) -> String { plan.sheet(sheet)?.field(id)?.name ?? id }
            func filter(_ sheet: String, _ f: CompareRule.Filter?) -> String {
                f.map { "“\(fieldName(sheet, $0.field))”为“\($0.equals)”的" } ?? ""
            }
            switch o {
            case .field(let f): return "“\(fieldName(own, f))”"
            case .constant: return "规定值"
            case .sum(let s, let f, let w): return "“\(sheetName(s))”中\(filter(s, w))“\(fieldName(s, f))”合计"
            case .count(let s, let w): return "“\(sheetName(s))”中\(filter(s, w))行数"
            }
        }

        /// The finding of a rule (for one row, or the file): message and values, nil when it holds.
        func check(_ rule: CompareRule, row: CheckedRow?) -> (message: String, value: String)? {
            var a = value(rule.left, row: row), b = value(rule.right, row: row)
            if a == nil || b == nil {
                switch rule.missing {
                case .skip: return nil
                case .zero:
                    a = a ?? 0
                    b = b ?? 0
                case .error:
                    let side = a == nil ? rule.left : rule.right
                    return (rule.message + "（\(describe(side, own: rule.sheet))未填写）", "")
                }
            }
            guard let a, let b, !rule.op.holds(a, b) else { return nil }
            let x = NumberText.format(FieldReader.rounded(a)), y = NumberText.format(FieldReader.rounded(b))
            let left = describe(rule.left, own: rule.sheet), right = describe(rule.right, own: rule.sheet)
            if case .constant = rule.right {
                // `(“改造长度(公里)” 3.31,应不大于 3)`
                return (rule.message + "（\(left) \(x)，应\(rule.op.chinese) \(y)）", "\(x)")
            }
            return (rule.message + "（\(left) \(x)，\(right) \(y)）", "\(x) \(rule.op.rawValue) \(y)")
        }

        /// Where a rule checked once per file points: the column the left (else right) side
        /// sums, or the first row of the sheet it counts, or the rule's own sheet.
        func aggregateCell(_ rule: CompareRule) -> String {
            for side in [rule.left, rule.right] {
                switch side {
                case .sum(let s, let f, _) where s == rule.sheet:
                    if let sheet = plan.sheet(s) { return CompareRules.fieldCell(sheet, f, row: TemplateLayout.firstDataRow) }
                case .count(let s, _) where s == rule.sheet:
                    return CompareRules.ref(TemplateLayout.firstDataRow, 1)
                default: continue
                }
            }
            return CompareRules.ref(TemplateLayout.firstDataRow, 1)
        }
    }
}
