import TianbaoPlan
import XLSX

/// The self-check of one report sheet, generated from the sheet's fields and rules: for each
/// data row, hidden working cells (one per check, each "" or `F4:the checker's words|`), their
/// concatenation, and the visible 自查 cell showing "✓" or the first problem; conditional
/// formats that colour the cells with problems; and the sheet's count of problems, which the
/// summary on 填报说明 adds up. Every formula carries its result for the blank template.
struct SheetSelfCheck {
    /// One formula cell, 1-based, with its result in the blank template.
    struct Cell {
        var row: Int
        var column: Int
        var formula: String
        var blank: FormulaResult
    }

    /// A hidden working column: one check over the rows, marking one input column.
    struct Check {
        var label: String
        /// 1-based column of the input cell the problem is reported at.
        var target: Int
        var isError: Bool
        /// Text written once in row 2 of the check's column, which its formulas refer to
        /// (words that would otherwise be repeated in every row's formula).
        var words: String? = nil
        /// Formula and blank-template text for a 1-based row.
        var cell: (Int) -> (formula: String, blank: String)
    }

    let sheet: SheetSpec
    let rows: Int
    let lists: TemplateWriter.ListColumns
    let unitTasks: [String]
    let round: Round
    /// The checks, in the checker's order: fields, then row rules, then rules over the rows.
    private(set) var checks: [Check] = []
    /// Every formula cell, and the sheet's number of problems in the blank template.
    private(set) var cells: [Cell] = []
    private(set) var blankCount = 0

    /// What the cached results show instead of the blank template's (in a feedback workbook):
    /// the checker's problems by cell, and the rows that hold something. A program that does not
    /// recalculate on opening (LibreOffice by default) shows the checker's verdict; each row
    /// the unit edits is then checked again by the formulas.
    struct Known {
        /// The problems to handle, by cell, one message each.
        var problems: [CellReference: [String]]
        var filledRows: Set<Int>
        /// The unit's values by cell: an office finding shows while its cell holds the value
        /// that was checked.
        var values: [CellReference: CellValue] = [:]
        /// Problems of the sheet at no cell of its rows: shown until the office checks again.
        var sheetProblems: [String] = []
    }

    init(sheet: SheetSpec, rows: Int, lists: TemplateWriter.ListColumns, unitTasks: [String], round: Round,
         known: Known? = nil) {
        self.sheet = sheet
        self.rows = rows
        self.lists = lists
        self.unitTasks = unitTasks
        self.round = round
        checks = makeChecks()
        if let known, let office = officeCheck(known) { checks.append(office) }
        (cells, blankCount) = makeCells(known)
    }

    /// The label of the check that shows the office's findings in a feedback workbook.
    static let officeLabel = "办公室校验"
    /// How a problem at no cell is shown: `办公室校验：…`.
    static let officePlace = "办公室校验"

    /// In a feedback workbook, one more working column: the checker's problems at a cell, each
    /// shown while the cell holds the value that was checked and no formula marks it (so the
    /// 自查 counts what the problem list counts, also where the formulas cannot see a problem:
    /// checks across rounds, a number typed as text the formulas do not read), and on the
    /// first row the problems at no cell of the rows. Nil when there are none.
    private func officeCheck(_ known: Known) -> Check? {
        let inRows = known.problems.filter { $0.key.row >= first && $0.key.row <= last && !$0.value.isEmpty }
        let statics = sheet.kind == .rows ? [] : known.sheetProblems
        guard !inRows.isEmpty || !statics.isEmpty else { return nil }
        let formulaChecks = checks
        return Check(label: Self.officeLabel, target: 0, isError: false) { r in
            var parts: [String] = []
            for (ref, messages) in inRows.filter({ $0.key.row == r }).sorted(by: { $0.key < $1.key }) {
                let at = self.ref(r, ref.column)
                let text = messages.map { at + Self.placeSeparator + CheckWording.sentence($0.replacingOccurrences(of: Self.separator, with: "/")) + Self.separator }.joined()
                let markers = formulaChecks.indices.filter { formulaChecks[$0].target == ref.column }
                    .map { self.ref(r, self.firstCheckColumn + $0) }
                let unchanged = Self.unchanged(at, known.values[ref])
                let condition = markers.isEmpty ? unchanged : "AND(\(unchanged),LEN(\(markers.joined(separator: "&")))=0)"
                parts.append("IFERROR(IF(\(condition),\(Formula.text(text)),\"\"),\"\")")
            }
            if r == first, !statics.isEmpty { parts.append(Formula.text(Self.staticText(statics))) }
            return (parts.isEmpty ? Formula.empty : parts.joined(separator: "&"), "")
        }
    }

    /// Problems at no cell, as the 自查 shows them (`办公室校验：…|`).
    static func staticText(_ messages: [String]) -> String {
        messages.map { officePlace + placeSeparator + CheckWording.sentence($0.replacingOccurrences(of: separator, with: "/")) + separator }.joined()
    }

    /// True (error-safe or erring) while cell `x` holds `value`, as the feedback wrote it.
    static func unchanged(_ x: String, _ value: CellValue?) -> String {
        switch value {
        case .none: return "LEN(\(x))=0"
        case .string(let s)? where s.unicodeScalars.count <= 200:
            return "EXACT(\(x),\(Formula.text(s)))"
        case .string(let s)?:
            // A long text: its length and its start (a formula may not exceed 8,192 characters).
            // Excel's LEN and LEFT count UTF-16 units.
            let start = String(String.UnicodeScalarView(s.unicodeScalars.prefix(50)))
            return "AND(LEN(\(x))=\(s.utf16.count),EXACT(LEFT(\(x),\(start.utf16.count)),\(Formula.text(start))))"
        case .number(let n)?: return "AND(ISNUMBER(\(x)),ABS(\(x)-(\(Formula.number(n))))<0.000001)"
        case .bool(let b)?: return "AND(ISLOGICAL(\(x)),\(x)=\(b ? "TRUE" : "FALSE"))"
        case .date(_, let serial?)?: return "AND(ISNUMBER(\(x)),ABS(\(x)-(\(Formula.number(serial))))<0.000001)"
        case .date?: return "ISNUMBER(\(x))"
        case .error?: return "ISERROR(\(x))"
        }
    }

    static let separator = "|"
    /// Between the cell and the words: `F4:`.
    static let placeSeparator = "\u{FF1A}"

    var first: Int { TemplateLayout.firstDataRow }
    var last: Int { first + rows - 1 }
    /// 1-based columns: 自查, then hidden: rows with content, all problems of the row, whether
    /// the row's 说明 is filled (1 or 0), one per check.
    var checkColumn: Int { TemplateLayout.selfCheckColumn(sheet) }
    var activeColumn: Int { checkColumn + 1 }
    var allColumn: Int { checkColumn + 2 }
    var explainedColumn: Int { checkColumn + 3 }
    var firstCheckColumn: Int { checkColumn + 4 }
    /// The row in which a check's `words` are written.
    static let wordsRow = TemplateLayout.nilRow
    /// The cell holding the sheet's number of problems (row 1 of the all-problems column).
    var countCell: String { "'\(sheet.name)'!$\(letter(allColumn))$1" }

    /// Rows of `rows` and `single` sheets are checked only when they hold something.
    var checksEveryRow: Bool { sheet.kind == .tasks || sheet.kind == .text }

    func letter(_ column: Int) -> String { CellReference.columnName(column) }
    func ref(_ row: Int, _ column: Int) -> String { letter(column) + String(row) }

    /// `"F4:message|"` as a formula literal.
    func message(_ at: String, _ text: String) -> String {
        Formula.text(at + Self.placeSeparator + CheckWording.sentence(text) + Self.separator)
    }

    func fieldFormulas(_ field: FieldSpec) -> FieldFormulas {
        let list: String?
        switch field.type {
        case .choice: list = lists.range(field.choicesId ?? "")
        case .yesNo: list = lists.range("是否")
        case .taskRef: list = lists.range("本单位任务")
        default: list = nil
        }
        return FieldFormulas(field: field, list: list.map { String($0.dropFirst()) }, unitTasks: unitTasks)
    }

    func column(of id: String) -> Int { (sheet.fields.firstIndex { $0.id == id } ?? 0) + 1 }

    // MARK: Checks

    private func makeChecks() -> [Check] {
        if sheet.kind == .text { return [textCheck] }
        var checks: [Check] = []
        if sheet.kind == .single {
            checks.append(Check(label: "未填写", target: 1, isError: true) { r in
                let text = CheckWording.singleSheetEmpty(sheet.name)
                guard r == first else { return (Formula.empty, "") }
                return ("IF(\(ref(r, activeColumn))=0,\(message(ref(r, 1), text)),\"\")", ref(r, 1) + Self.placeSeparator + text + Self.separator)
            })
        }
        for (i, field) in sheet.fields.enumerated() where field.prefilled == nil {
            let f = fieldFormulas(field)
            let formula = RowFormula { r in
                let at = ref(r, i + 1)
                var formula = f.problem(at) { message(at, $0) }
                if !checksEveryRow { formula = "IF(\(ref(r, activeColumn))=0,\"\",\(formula))" }
                return "IFERROR(\(formula),\"\")"
            }
            checks.append(Check(label: field.name, target: i + 1, isError: true) { r in
                let at = ref(r, i + 1)
                let blank = checksEveryRow && field.required ? at + Self.placeSeparator + CheckWording.required(field.name) + Self.separator : ""
                return (formula(r), blank)
            })
        }
        // Numbers and dates typed as text (text the field's own check lets pass: it holds a
        // digit): the checker reports each, reading it or not, in these words. Silent once the
        // row's 说明 explains it. The words are in row 2 of the check's column.
        for (i, field) in sheet.fields.enumerated() where field.prefilled == nil {
            guard let own = fieldCheckColumn(field.id), let column = typedCheckColumn(field.id) else { continue }
            assert(column == firstCheckColumn + checks.count)
            let words = CheckWording.sentence(CheckWording.typedAsTextStem(field.name, date: field.type == .date))
            let formula = RowFormula { r in
                let at = ref(r, i + 1)
                let typed = "AND(ISTEXT(\(at)),\(ref(r, own))=\"\",LEN(\(Formula.trimmed(at)))>0)"
                let text = "\"\(at)\(Self.placeSeparator)\"&$\(letter(column))$\(Self.wordsRow)&\"\(Self.separator)\""
                var formula = unexplained(r, .warning, "IF(\(typed),\(text),\"\")")
                if !checksEveryRow { formula = "IF(\(ref(r, activeColumn))=0,\"\",\(formula))" }
                return "IFERROR(\(formula),\"\")"
            }
            checks.append(Check(label: "文本形式", target: i + 1, isError: false, words: words) { r in (formula(r), "") })
        }
        for rule in sheet.rules {
            if let check = ruleCheck(rule) { checks.append(check) }
        }
        return checks
    }

    /// 1-based column of a field's own check (fields' checks come first, in field order, after
    /// the `single` sheet's emptiness check); nil for a pre-filled field.
    func fieldCheckColumn(_ id: String) -> Int? {
        let inputs = sheet.fields.filter { $0.prefilled == nil }.map(\.id)
        guard let k = inputs.firstIndex(of: id) else { return nil }
        return firstCheckColumn + k + (sheet.kind == .single ? 1 : 0)
    }

    /// 1-based column of a field's check for text typed into a number or date (after the
    /// fields' own checks, in field order); nil for other fields.
    func typedCheckColumn(_ id: String) -> Int? {
        guard sheet.kind != .text else { return nil }
        let inputs = sheet.fields.filter { $0.prefilled == nil }
        let typed = inputs.filter { fieldFormulas($0).typedAsText }.map(\.id)
        guard let k = typed.firstIndex(of: id) else { return nil }
        return firstCheckColumn + (sheet.kind == .single ? 1 : 0) + inputs.count + k
    }

    /// The answer on a `text` sheet: one field per row, in column B.
    var textCheck: Check {
        Check(label: "内容", target: 2, isError: true) { r in
            let i = r - first
            guard i >= 0, i < sheet.fields.count else { return (Formula.empty, "") }
            let field = sheet.fields[i]
            let at = ref(r, 2)
            // The checker reads any answer as text: only emptiness and length count.
            var text = field
            text.type = .text
            text.pattern = nil
            let formula = FieldFormulas(field: text, list: nil, unitTasks: []).problem(at) { message(at, $0) }
            return ("IFERROR(\(formula),\"\")", field.required ? at + Self.placeSeparator + CheckWording.required(field.name) + Self.separator : "")
        }
    }

    /// Empty when the row's 说明 holds an explanation (an explained warning needs no change).
    func unexplained(_ r: Int, _ severity: Severity, _ formula: String) -> String {
        guard severity == .warning else { return formula }
        return "IF(\(ref(r, explainedColumn))=0,\(formula),\"\")"
    }

    /// Whether the row's 说明 holds an explanation: 1 or 0 (a number, as every viewer caches it).
    func explainedFormula(_ r: Int) -> String {
        let explanation = ref(r, TemplateLayout.explanationColumn(sheet))
        return "IF(\(Formula.blank(explanation)),0,1)"
    }

    /// "" or the message: `condition` must be error-safe.
    func when(_ condition: String, _ at: String, _ text: String) -> String {
        "IF(\(condition),\(message(at, text)),\"\")"
    }

    func ruleCheck(_ rule: RowRule) -> Check? {
        func field(_ id: String) -> (FieldFormulas, Int)? {
            guard let spec = sheet.field(id) else { return nil }
            return (fieldFormulas(spec), column(of: id))
        }
        func valid(_ id: String, _ f: FieldFormulas, _ r: Int, _ c: Int) -> String { f.valid(ref(r, c), check: checkCell(id, r)) }
        /// The field's own check cell, when it has one (its problem means the checker holds no value).
        func checkCell(_ id: String, _ r: Int) -> String? { fieldCheckColumn(id).map { ref(r, $0) } }
        /// `uniform`: the body differs from row to row only in its row number (see `RowFormula`).
        func make(_ label: String, _ target: Int, _ severity: Severity, uniform: Bool = true,
                  _ body: @escaping (Int) -> String) -> Check {
            let build = { (r: Int) in "IFERROR(\(unexplained(r, severity, body(r))),\"\")" }
            let formula = uniform ? RowFormula(build) : nil
            return Check(label: label, target: target, isError: severity == .error) { r in (formula?(r) ?? build(r), "") }
        }
        switch rule {
        case .implies(let condition, let then, let severity, let text):
            guard let (c, cc) = field(condition.field) else { return nil }
            let cond = { (r: Int) in "IF(\(valid(condition.field, c, r, cc)),\(c.equals(ref(r, cc), condition.equals, loose: false)),FALSE)" }
            switch then {
            case .equals(let id, let value):
                guard let (g, gc) = field(id) else { return nil }
                return make("若…则", gc, severity) { r in
                    let x = ref(r, gc)
                    return "IF(\(cond(r)),IF(\(valid(id, g, r, gc)),IF(\(g.equals(x, value, loose: true)),\"\",\(message(x, text))),\"\"),\"\")"
                }
            case .required(let id):
                guard let (_, gc) = field(id) else { return nil }
                return make("若…则必填", gc, severity) { r in
                    let x = ref(r, gc)
                    let missing = checkCell(id, r).map { "OR(\(Formula.blank(x)),\($0)<>\"\")" } ?? Formula.blank(x)
                    return "IF(\(cond(r)),IF(\(missing),\(message(x, text)),\"\"),\"\")"
                }
            }
        case .notAfterRoundEnd(let id, let severity, let text):
            guard let (f, fc) = field(id), f.field.type == .date else { return nil }
            return make("不晚于截止日期", fc, severity) { r in
                let x = ref(r, fc)
                return "IF(\(valid(id, f, r, fc)),\(when("INT(\(x))>\(Formula.serial(round.due))", x, CheckWording.afterRoundEnd(text, due: round.due))),\"\")"
            }
        case .notBefore(let id, let other, let severity, let text):
            guard let (f, fc) = field(id), let (o, oc) = field(other), f.field.type == .date, o.field.type == .date else { return nil }
            return make("日期先后", fc, severity) { r in
                let x = ref(r, fc), y = ref(r, oc)
                return "IF(AND(\(valid(id, f, r, fc)),\(valid(other, o, r, oc))),\(when("INT(\(x))<INT(\(y))", x, text)),\"\")"
            }
        case .sum(let ids, let total, let severity, let text):
            let parts = ids.compactMap { id in field(id).map { (id, $0.0, $0.1) } }
            guard let (t, tc) = field(total), !parts.isEmpty, parts.allSatisfy({ $0.1.isNumber }), t.isNumber else { return nil }
            let typedColumns = parts.map { typedCheckColumn($0.0) }
            return make("合计", parts[0].2, severity) { r in
                // Every part certainly read (a number, empty, or refused), at least one value. A
                // warning is silent in a row its 说明 explains, so there a part is certainly read
                // when its check for text typed into a number shows nothing.
                let known = zip(parts, typedColumns).map { part, typed in
                    let (id, _, c) = part
                    if severity == .warning, let typed { return "\(ref(r, typed))=\"\"" }
                    return "OR(ISNUMBER(\(ref(r, c))),\(Formula.blank(ref(r, c)))\(checkCell(id, r).map { ",\($0)<>\"\"" } ?? ""))"
                }
                let any = parts.map { id, f, c in valid(id, f, r, c) }
                let sum = parts.map { id, f, c in "IF(\(valid(id, f, r, c)),\(f.number(ref(r, c))),0)" }.joined(separator: "+")
                let tx = ref(r, tc)
                let differs = "ABS(ROUND(\(sum),9)-\(t.number(tx)))>0.005"
                return "IF(AND(\(known.joined(separator: ",")),OR(\(any.joined(separator: ","))),\(valid(total, t, r, tc))),\(when(differs, ref(r, parts[0].2), text)),\"\")"
            }
        case .range(let id, let lo, let hi, let severity, let text):
            guard let (f, fc) = field(id), f.isNumber else { return nil }
            return make("范围", fc, severity) { r in
                let x = ref(r, fc)
                var outside: [String] = []
                if let lo { outside.append("\(f.number(x))<\(Formula.number(lo))") }
                if let hi { outside.append("\(f.number(x))>\(Formula.number(hi))") }
                guard !outside.isEmpty else { return Formula.empty }
                return "IF(\(valid(id, f, r, fc)),\(when("OR(\(outside.joined(separator: ",")))", x, text)),\"\")"
            }
        case .unique(let id, let severity, let text):
            // Checked by the checker on rows sheets only, against earlier rows with the same text.
            guard sheet.kind == .rows || sheet.kind == .single, let (f, fc) = field(id) else { return nil }
            return make("重复", fc, severity, uniform: false) { r in
                guard r > first else { return Formula.empty }
                let x = ref(r, fc)
                let earlier = "\(letter(fc))$\(first):\(letter(fc))\(r - 1)"
                return "IF(\(valid(id, f, r, fc)),\(when("SUMPRODUCT(--EXACT(\(earlier),\(x)))>0", x, text)),\"\")"
            }
        case .minRowsPerMonth, .compare:
            return nil  // over the whole sheet (or other sheets of the file): left to the checker
        }
    }

    // MARK: Cells

    private func makeCells(_ known: Known?) -> ([Cell], Int) {
        guard rows > 0 else { return ([], 0) }
        var cells: [Cell] = []
        var total = 0
        // A known problem is shown by the first check that marks its cell, else by the office's
        // check (a feedback workbook's).
        var firstCheck: [Int: Int] = [:]
        for (k, check) in checks.enumerated() where check.target > 0 && firstCheck[check.target] == nil { firstCheck[check.target] = k }
        func knownText(_ r: Int, _ c: Int) -> String {
            guard let messages = known?.problems[CellReference(row: r, column: c)] else { return "" }
            return messages.map {
                ref(r, c) + Self.placeSeparator + CheckWording.sentence($0.replacingOccurrences(of: Self.separator, with: "/")) + Self.separator
            }.joined()
        }
        // The columns of each row's problems that no check marks (the office check shows them).
        var officeColumns: [Int: [Int]] = [:]
        if let known {
            for key in known.problems.keys where firstCheck[key.column] == nil {
                officeColumns[key.row, default: []].append(key.column)
            }
        }
        func officeText(_ r: Int) -> String {
            let columns = (officeColumns[r] ?? []).sorted()
            let statics = r == first && sheet.kind != .rows ? Self.staticText(known?.sheetProblems ?? []) : ""
            return columns.map { knownText(r, $0) }.joined() + statics
        }
        for r in first...last {
            var parts: [String] = []
            var blankAll = ""
            for (k, check) in checks.enumerated() {
                var (formula, blank) = check.cell(r)
                if known != nil { blank = check.target == 0 ? officeText(r) : firstCheck[check.target] == k ? knownText(r, check.target) : "" }
                cells.append(Cell(row: r, column: firstCheckColumn + k, formula: formula, blank: .string(blank)))
                parts.append(ref(r, firstCheckColumn + k))
                blankAll += blank
            }
            if sheet.kind != .text {
                let explanation = CellReference(row: r, column: TemplateLayout.explanationColumn(sheet))
                let explained = known?.values[explanation].map { !$0.text.allSatisfy(\.isWhitespace) } ?? false
                cells.append(Cell(row: r, column: explainedColumn, formula: explainedFormula(r), blank: .number(explained ? 1 : 0)))
            }
            if !checksEveryRow {
                let range = "\(ref(r, 1)):\(ref(r, TemplateLayout.columnCount(sheet)))"
                let filled = "SUMPRODUCT(--(LEN(\(Formula.trimmed(range)))>0))"
                cells.append(Cell(row: r, column: activeColumn,
                                  formula: "IF(SUMPRODUCT(--ISERROR(\(range)))>0,1,\(filled))",
                                  blank: .number(known?.filledRows.contains(r) == true ? 1 : 0)))
            }
            let all = ref(r, allColumn)
            cells.append(Cell(row: r, column: allColumn, formula: parts.joined(separator: "&"), blank: .string(blankAll)))
            var shown = "IF(\(all)=\"\",\"✓\",LEFT(\(all),FIND(\"\(Self.separator)\",\(all))-1))"
            var blankShown = blankAll.isEmpty ? "✓" : String(blankAll.prefix { String($0) != Self.separator })
            if sheet.kind == .rows {
                shown = "IF(\(ref(r, activeColumn))=0,\"\",\(shown))"
                if known?.filledRows.contains(r) != true { blankShown = "" }
            }
            cells.append(Cell(row: r, column: checkColumn, formula: shown, blank: .string(blankShown)))
            total += blankAll.filter { String($0) == Self.separator }.count
        }
        if sheet.kind == .rows {
            // Row 2: the sheet left empty without a nil return, or a nil return with rows.
            let answer = ref(TemplateLayout.nilRow, TemplateLayout.nilColumn)
            let filledRows = "COUNTIF(\(letter(activeColumn))$\(first):\(letter(activeColumn))$\(last),\">0\")"
            let declared = "TRIM(\(answer))=\(Formula.text(TemplateLayout.nilAnswer))"
            let empty = CheckWording.rowsSheetEmpty(sheet.name, nilAnswer: TemplateLayout.nilAnswer)
            let nilParts = CheckWording.nilWithData(rows: "\u{1}").components(separatedBy: "\u{1}")
            let nilText = message(answer, nilParts[0] + "\u{1}" + nilParts[1]).components(separatedBy: "\u{1}")
            let formula = "IFERROR(IF(AND(\(filledRows)=0,NOT(\(declared))),\(message(answer, empty)),\"\")"
                + "&IF(AND(\(declared),\(filledRows)>0),\(nilText[0])\"&\(filledRows)&\"\(nilText[1]),\"\"),\"\")"
            // The problems at no cell of the rows (a feedback workbook's), shown until the office
            // checks the file again.
            let statics = Self.staticText(known?.sheetProblems ?? [])
            let blank = known.map { _ in knownText(TemplateLayout.nilRow, TemplateLayout.nilColumn) + statics }
                ?? answer + Self.placeSeparator + empty + Self.separator
            let all = ref(TemplateLayout.nilRow, allColumn)
            cells.append(Cell(row: TemplateLayout.nilRow, column: allColumn,
                              formula: statics.isEmpty ? formula : formula + "&" + Formula.text(statics), blank: .string(blank)))
            cells.append(Cell(row: TemplateLayout.nilRow, column: checkColumn,
                              formula: "IF(\(all)=\"\",\"\",LEFT(\(all),FIND(\"\(Self.separator)\",\(all))-1))",
                              blank: .string(String(blank.prefix { String($0) != Self.separator }))))
            total += blank.filter { String($0) == Self.separator }.count
        }
        let column = letter(allColumn)
        let range = "\(column)\(TemplateLayout.nilRow):\(column)\(last)"
        cells.append(Cell(row: 1, column: allColumn,
                          formula: "SUMPRODUCT(LEN(\(range))-LEN(SUBSTITUTE(\(range),\"\(Self.separator)\",\"\")))",
                          blank: .number(Double(total))))
        return (cells, total)
    }

    /// Conditional formats: for each input column, the check columns that mark it (errors, warnings).
    var marks: [(target: Int, errors: [Int], warnings: [Int])] {
        var byTarget: [Int: (errors: [Int], warnings: [Int])] = [:]
        for (k, check) in checks.enumerated() where check.target > 0 {
            if check.isError { byTarget[check.target, default: ([], [])].errors.append(firstCheckColumn + k) }
            else { byTarget[check.target, default: ([], [])].warnings.append(firstCheckColumn + k) }
        }
        return byTarget.keys.sorted().map { ($0, byTarget[$0]!.errors, byTarget[$0]!.warnings) }
    }
}

/// A formula that differs from row to row only in its row number, wherever it refers to its
/// row: built once per number of digits with a stand-in row of that many digits, and each row's
/// is the pieces around the stand-in joined with the row's number (the same text as building it
/// for the row, long literals split at the same places). A second stand-in of the same length
/// checks that the row number is all that moves; a formula that fails it (a literal holding the
/// stand-in's digits, or a row number used in arithmetic) is built for each row. Only for
/// formulas with no branch on the row (a check of the first row only is built per row).
final class RowFormula {
    private let build: (Int) -> String
    /// Pieces by number of digits; an empty list: built for each row.
    private var pieces: [Int: [String]] = [:]

    init(_ build: @escaping (Int) -> String) { self.build = build }

    func callAsFunction(_ row: Int) -> String {
        let number = String(row)
        let digits = number.utf8.count
        if pieces[digits] == nil {
            let standIn = Int(String(repeating: "7", count: digits))!, check = Int(String(repeating: "8", count: digits))!
            let split = build(standIn).components(separatedBy: String(standIn))
            pieces[digits] = split.count > 1 && split.joined(separator: String(check)) == build(check) ? split : []
        }
        let cached = pieces[digits]!
        return cached.isEmpty ? build(row) : cached.joined(separator: number)
    }
}
