import TianbaoPlan
import TianbaoSupport
import XLSX

/// The cell a line of the generated YAML came from, so the YAML loader's findings (line and
/// column) are reported at their sheet and cell.
struct CellOrigin: Sendable {
    let sheet: String
    let row: Int
    /// 0-based column.
    let column: Int
    /// The column's dropdown words, for rewording the loader's list of codes.
    var vocabulary: Vocabulary? = nil

    var place: String { "\(sheet)!\(CellReference.columnName(column + 1))\(row)" }
}

/// Turns the rows of a plan workbook into the YAML plan they stand for, one scalar per line,
/// remembering each line's cell. The YAML loader then checks the plan as it checks any YAML
/// plan: there is one validator, and its findings are mapped back to cells.
struct PlanBookYAML {
    let content: PlanBookContent
    private(set) var lines: [String] = []
    /// Line number (1-based) → the cell it came from.
    private(set) var origins: [Int: CellOrigin] = [:]
    /// Cells whose micro-syntax could not be read (`求和(` without its `)`), with their place.
    private(set) var issues: [PlanIssue] = []

    private let unitIds: [String: String]
    private let groupIds: [String: String]
    private let sheetIds: [String: String]

    init(content: PlanBookContent) {
        self.content = content
        let L = PlanBookLayout.self
        var units: [String: String] = [:]
        for r in content[L.units] {
            let id = r.text(0), name = r.text(1)
            if !name.isEmpty && units[name] == nil { units[name] = id }
        }
        for r in content[L.units] where units[r.text(0)] == nil && !r.text(0).isEmpty { units[r.text(0)] = r.text(0) }
        var groups: [String: String] = [:]
        for r in content[L.unitGroups] where !r.text(1).isEmpty && groups[r.text(1)] == nil { groups[r.text(1)] = r.text(0) }
        var sheets: [String: String] = [:]
        for r in content[L.sheets] where !r.text(0).isEmpty { sheets[r.text(0)] = r.text(0) }
        for r in content[L.sheets] where !r.text(1).isEmpty && sheets[r.text(1)] == nil { sheets[r.text(1)] = r.text(0) }
        unitIds = units
        groupIds = groups
        sheetIds = sheets
        build()
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    // MARK: Writing lines

    private mutating func emit(_ indent: Int, _ text: String, _ origin: CellOrigin?) {
        lines.append(String(repeating: " ", count: indent) + text)
        if let origin { origins[lines.count] = origin }
    }

    private func origin(_ sheet: String, _ row: BookRow, _ column: Int) -> CellOrigin {
        CellOrigin(sheet: sheet, row: row.row, column: column, vocabulary: PlanBookLayout.layout(sheet).columns[column].vocabulary)
    }

    private mutating func problem(_ sheet: String, _ row: BookRow, _ column: Int, _ message: String) {
        issues.append(PlanIssue(place: origin(sheet, row, column).place, message: message))
    }

    /// A double-quoted YAML scalar: a JSON string literal is one (YAML's double-quoted escapes
    /// include JSON's), so the project's one string quoter writes it.
    static func quoted(_ s: String) -> String { JSONWriter.quote(s) }

    /// A number as a plain scalar when it is one; anything else quoted (the loader then says it
    /// is not a number).
    static func numeric(_ s: String) -> String {
        let isNumber = s.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil
        return isNumber ? s : quoted(s)
    }

    static func flow(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }

    /// `key: value` for a cell; `first` writes it as the first key of a list item.
    private mutating func cell(_ indent: Int, _ key: String, _ sheet: String, _ row: BookRow, _ column: Int,
                               required: Bool = false, numeric: Bool = false, code: Bool = false, first: Bool = false) {
        var text = row.text(column)
        if text.isEmpty && !required { return }
        if code, let v = PlanBookLayout.layout(sheet).columns[column].vocabulary, let c = v.code(text) { text = c }
        let value = numeric ? Self.numeric(text) : Self.quoted(text)
        emit(first ? indent - 2 : indent, (first ? "- " : "") + "\(key): \(value)", origin(sheet, row, column))
    }

    private mutating func list(_ indent: Int, _ key: String, _ items: [String], _ sheet: String, _ row: BookRow, _ column: Int) {
        emit(indent, "\(key): \(Self.flow(items))", origin(sheet, row, column))
    }

    /// Unit names (or ids) and group names as the YAML names them.
    private func unitRefs(_ text: String) -> [String] {
        CellList.split(text).map { name in
            if let id = unitIds[name] { return id }
            if let g = groupIds[name] { return "group:\(g)" }
            return name
        }
    }

    private func sheetRef(_ text: String) -> String { sheetIds[text] ?? text }

    /// A target's 分解目标 cell (`单位全称：数值`, one a line) as its `shares:` mapping, each
    /// pair at the cell (a unit the plan does not know is reported by the loader there).
    private mutating func shares(_ sheet: String, _ r: BookRow, _ column: Int) {
        let lines = CellList.split(r.text(column))
        var pairs: [String] = []
        for line in lines {
            guard let colon = line.lastIndex(where: { $0 == "：" || $0 == ":" }) else {
                problem(sheet, r, column, "分解目标“\(line)”应写成“单位全称：数值”")
                continue
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !value.isEmpty else {
                problem(sheet, r, column, "分解目标“\(line)”应写成“单位全称：数值”")
                continue
            }
            pairs.append("\(Self.quoted(unitIds[name] ?? name)): \(Self.numeric(value))")
        }
        guard !pairs.isEmpty else { return }
        emit(4, "shares:", origin(sheet, r, column))
        for pair in pairs { emit(6, pair, origin(sheet, r, column)) }
    }

    // MARK: The plan

    private mutating func build() {
        basics()
        people()
        tasks()
        sheets()
        rounds()
        outputs()
    }

    private mutating func basics() {
        let L = PlanBookLayout.self
        var rows: [String: BookRow] = [:]
        for r in content[L.basics] {
            let label = r.text(0)
            if label.isEmpty { continue }
            guard let item = L.basicItems.first(where: { $0.label == label }) else {
                problem(L.basics, r, 0, "未知的项目“\(label)”（项目名称不要修改）")
                continue
            }
            if rows[item.key] != nil { problem(L.basics, r, 0, "项目“\(label)”重复"); continue }
            rows[item.key] = r
        }
        for item in L.basicItems where rows[item.key] == nil {
            issues.append(PlanIssue(place: L.basics, message: "缺少项目“\(item.label)”（项目名称在 A 列，不要修改或删除）"))
        }
        func put(_ indent: Int, _ yamlKey: String, _ key: String, required: Bool = false, numeric: Bool = false) {
            guard let r = rows[key] else { return }
            cell(indent, yamlKey, L.basics, r, 1, required: required, numeric: numeric)
        }
        emit(0, "# 由计划工作簿生成", nil)
        put(0, "plan", "plan", required: true)
        put(0, "version", "version", required: true)
        put(0, "title", "title", required: true)
        put(0, "subject", "subject")
        put(0, "issued", "issued")
        emit(0, "office:", rows["office.name"].map { origin(L.basics, $0, 1) })
        put(2, "name", "office.name", required: true)
        if let r = rows["office.host_unit"], !r.text(1).isEmpty {
            emit(2, "host_unit: \(Self.quoted(unitRefs(r.text(1)).first ?? ""))", origin(L.basics, r, 1))
        }
        put(2, "director", "office.director")
        put(2, "contact", "office.contact")
        put(2, "phone", "office.phone")
        put(2, "email", "office.email")
        emit(0, "briefing:", rows["briefing.masthead"].map { origin(L.basics, $0, 1) })
        put(2, "masthead", "briefing.masthead")
        put(2, "first_issue", "briefing.first_issue", numeric: true)
        for (key, yamlKey) in [("briefing.send_to", "send_to"), ("briefing.copy_to", "copy_to")] {
            if let r = rows[key], !r.text(1).isEmpty { list(2, yamlKey, CellList.lines(r.text(1)), L.basics, r, 1) }
        }
    }

    /// `key:` heading a list: `key: []` when the sheet has no rows.
    private mutating func heading(_ key: String, _ sheet: String, empty: Bool) {
        emit(0, empty ? "\(key): []" : "\(key):", CellOrigin(sheet: sheet, row: 2, column: 0))
    }

    private mutating func people() {
        let L = PlanBookLayout.self
        let leaders = content[L.leadingGroup]
        heading("leading_group", L.leadingGroup, empty: leaders.isEmpty)
        for r in leaders {
            let hasRole = !r.text(0).isEmpty
            if hasRole { cell(4, "role", L.leadingGroup, r, 0, first: true) }
            cell(4, "name", L.leadingGroup, r, 1, required: true, first: !hasRole)
            cell(4, "title", L.leadingGroup, r, 2, required: true)
        }
        let units = content[L.units]
        heading("units", L.units, empty: units.isEmpty)
        for r in units {
            cell(4, "id", L.units, r, 0, required: true, first: true)
            cell(4, "name", L.units, r, 1, required: true)
            cell(4, "kind", L.units, r, 2, required: true, code: true)
            let members = CellList.lines(r.text(3))
            if members.isEmpty { continue }
            emit(4, "members:", origin(L.units, r, 3))
            for m in members {
                guard let (name, title) = Self.member(m) else {
                    problem(L.units, r, 3, "领导小组成员“\(m)”应写成“姓名（职务）”，多人时每行一个")
                    continue
                }
                emit(6, "- name: \(Self.quoted(name))", origin(L.units, r, 3))
                emit(8, "title: \(Self.quoted(title))", origin(L.units, r, 3))
            }
        }
        let groups = content[L.unitGroups]
        if !groups.isEmpty {
            emit(0, "unit_groups:", CellOrigin(sheet: L.unitGroups, row: 2, column: 0))
            for r in groups {
                emit(2, "\(Self.quoted(r.text(0))):", origin(L.unitGroups, r, 0))
                cell(4, "label", L.unitGroups, r, 1, required: true)
                list(4, "units", unitRefs(r.text(2)), L.unitGroups, r, 2)
            }
        }
    }

    /// `姓名（职务）` → (姓名, 职务); the title may hold parentheses of its own.
    static func member(_ text: String) -> (String, String)? {
        guard let open = text.firstIndex(where: { $0 == "（" || $0 == "(" }), let last = text.last, last == "）" || last == ")" else { return nil }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let title = text[text.index(after: open)..<text.index(before: text.endIndex)].trimmingCharacters(in: .whitespaces)
        return name.isEmpty || title.isEmpty ? nil : (name, title)
    }

    private mutating func tasks() {
        let L = PlanBookLayout.self
        let groups = content[L.taskGroups]
        if !groups.isEmpty {
            heading("task_groups", L.taskGroups, empty: false)
            for r in groups {
                cell(4, "id", L.taskGroups, r, 0, required: true, first: true)
                cell(4, "title", L.taskGroups, r, 1, required: true)
            }
        }
        let tasks = content[L.tasks]
        heading("tasks", L.tasks, empty: tasks.isEmpty)
        for r in tasks {
            cell(4, "id", L.tasks, r, 0, required: true, first: true)
            cell(4, "group", L.tasks, r, 1, required: true)
            cell(4, "title", L.tasks, r, 2, required: true)
            cell(4, "text", L.tasks, r, 3)
            list(4, "lead", unitRefs(r.text(4)), L.tasks, r, 4)
            if !r.text(5).isEmpty { list(4, "responsible", unitRefs(r.text(5)), L.tasks, r, 5) }
            if !r.text(6).isEmpty { list(4, "deliverables", CellList.lines(r.text(6)), L.tasks, r, 6) }
            cell(4, "deadline", L.tasks, r, 7)
        }
        let phases = content[L.phases]
        if !phases.isEmpty {
            heading("phases", L.phases, empty: false)
            for r in phases {
                cell(4, "id", L.phases, r, 0, required: true, first: true)
                cell(4, "name", L.phases, r, 1, required: true)
                cell(4, "start", L.phases, r, 2, required: true)
                cell(4, "end", L.phases, r, 3, required: true)
            }
        }
        let targets = content[L.targets]
        if !targets.isEmpty {
            heading("targets", L.targets, empty: false)
            for r in targets {
                cell(4, "id", L.targets, r, 0, required: true, first: true)
                cell(4, "name", L.targets, r, 1, required: true)
                cell(4, "value", L.targets, r, 2, required: true, numeric: true)
                cell(4, "unit", L.targets, r, 3)
                cell(4, "due", L.targets, r, 4, required: true)
                emit(4, "sheet: \(Self.quoted(sheetRef(r.text(5))))", origin(L.targets, r, 5))
                cell(4, "field", L.targets, r, 6, required: true)
                cell(4, "equals", L.targets, r, 7, required: true)
                shares(L.targets, r, 8)
            }
        }
        let choices = content[L.choices]
        if !choices.isEmpty {
            emit(0, "choices:", CellOrigin(sheet: L.choices, row: 2, column: 0))
            for r in choices {
                emit(2, "\(Self.quoted(r.text(0))):", origin(L.choices, r, 0))
                emit(4, Self.flow(CellList.split(r.text(1))), origin(L.choices, r, 1))
            }
        }
    }

    private mutating func sheets() {
        let L = PlanBookLayout.self
        // Fields and rules by the sheet they name; rows naming no sheet of the plan are reported.
        var fields: [String: [BookRow]] = [:]
        var rules: [String: [BookRow]] = [:]
        let known = Set(content[L.sheets].map { $0.text(0) })
        for (name, into) in [(L.fields, 0), (L.rules, 1)] {
            for r in content[name] {
                let id = sheetRef(r.text(0))
                guard known.contains(id) else {
                    problem(name, r, 0, r.text(0).isEmpty ? "没有填写所属表单" : "表单“\(r.text(0))”不在“表单”表中")
                    continue
                }
                if into == 0 { fields[id, default: []].append(r) } else { rules[id, default: []].append(r) }
            }
        }
        let sheets = content[L.sheets]
        heading("sheets", L.sheets, empty: sheets.isEmpty)
        for r in sheets {
            let id = r.text(0)
            cell(4, "id", L.sheets, r, 0, required: true, first: true)
            cell(4, "name", L.sheets, r, 1, required: true)
            cell(4, "kind", L.sheets, r, 2, required: true, code: true)
            cell(4, "title", L.sheets, r, 3)
            if !r.text(4).isEmpty { list(4, "units", unitRefs(r.text(4)), L.sheets, r, 4) }
            cell(4, "rows", L.sheets, r, 5, numeric: true)
            yesNo(4, "carry", L.sheets, r, 6)
            if let fs = fields[id] {
                emit(4, "fields:", origin(L.fields, fs[0], 0))
                for f in fs { field(f) }
            }
            if let rs = rules[id] {
                emit(4, "rules:", origin(L.rules, rs[0], 0))
                for rule in rs { self.rule(rule, sheet: id) }
            }
        }
    }

    private mutating func field(_ r: BookRow) {
        let S = PlanBookLayout.fields
        cell(8, "id", S, r, 1, required: true, first: true)
        cell(8, "name", S, r, 2, required: true)
        cell(8, "type", S, r, 3, required: true, code: true)
        yesNo(8, "required", S, r, 4)
        for (key, column) in [("min", 5), ("max", 6)] {
            guard let v = r.value(column) else { continue }
            if case .date(let d) = v { emit(8, "\(key): \(Self.quoted(d.description))", origin(S, r, column)) } else {
                cell(8, key, S, r, column, numeric: true)
            }
        }
        cell(8, "max_length", S, r, 7, numeric: true)
        cell(8, "choices", S, r, 8)
        cell(8, "prefilled", S, r, 9, code: true)
        cell(8, "pattern", S, r, 10)
        cell(8, "width", S, r, 11, numeric: true)
        cell(8, "max_change", S, r, 12, numeric: true)
        yesNo(8, "cumulative", S, r, 13)
    }

    /// A 是/否 cell as a YAML boolean (anything else is passed on quoted, for the loader to report
    /// at its cell); nothing when the cell is empty.
    private mutating func yesNo(_ indent: Int, _ key: String, _ sheet: String, _ r: BookRow, _ column: Int) {
        guard !r.text(column).isEmpty else { return }
        let v = Vocabulary.yesNo.code(r.text(column)) ?? r.text(column)
        emit(indent, "\(key): \(v == "true" || v == "false" ? v : Self.quoted(v))", origin(sheet, r, column))
    }

    private mutating func rule(_ r: BookRow, sheet: String) {
        let S = PlanBookLayout.rules
        let kind = Vocabulary.ruleKind.code(r.text(1)) ?? r.text(1)
        // Sides and conditions first: a rule whose cells cannot be read is reported once, here.
        var condition: (String, String)?
        if !r.text(3).isEmpty {
            guard let c = Self.filter(r.text(3)) else {
                problem(S, r, 3, "条件“\(r.text(3))”应写成“字段=值”")
                return
            }
            condition = c
        }
        var sides: [CompareRule.Operand?] = [nil, nil]
        if kind == "compare" {
            for (i, column) in [4, 6].enumerated() {
                let text = r.text(column)
                if text.isEmpty { problem(S, r, column, "比较规则的\(i == 0 ? "左边" : "右边")不能为空"); return }
                guard let operand = operand(text, sheet: sheet) else {
                    problem(S, r, column, "“\(text)”的写法无法识别（可写：字段编号、数字、求和（表单.字段）、求和（表单.字段，字段=值）、计数（表单）、计数（表单，字段=值））")
                    return
                }
                sides[i] = operand
            }
        }
        if kind == "implies" && Vocabulary.ruleOperator.code(r.text(5)) != "required" && r.text(6).isEmpty {
            problem(S, r, 6, "条件要求的右边（应等于的值）不能为空；只要求必填时，比较符选“必填”")
            return
        }
        emit(6, "- kind: \(Self.quoted(kind))", origin(S, r, 1))
        cell(8, "severity", S, r, 2, code: true)
        cell(8, "message", S, r, 10, required: true)
        switch kind {
        case "implies":
            emit(8, "if:", origin(S, r, 3))
            emit(10, "field: \(Self.quoted(condition?.0 ?? ""))", origin(S, r, 3))
            emit(10, "equals: \(Self.quoted(condition?.1 ?? ""))", origin(S, r, 3))
            emit(8, "then:", origin(S, r, 4))
            cell(10, "field", S, r, 4, required: true)
            if Vocabulary.ruleOperator.code(r.text(5)) == "required" {
                emit(10, "required: true", origin(S, r, 5))
            } else {
                cell(10, "equals", S, r, 6, required: true)
            }
        case "not_after_round_end", "unique":
            cell(8, "field", S, r, 4, required: true)
        case "not_before":
            cell(8, "field", S, r, 4, required: true)
            cell(8, "other", S, r, 6, required: true)
        case "sum":
            let parts = CellList.split(r.text(4))
            if !parts.isEmpty { list(8, "fields", parts, S, r, 4) }
            cell(8, "equals", S, r, 6, required: true)
        case "range":
            cell(8, "field", S, r, 4, required: true)
            cell(8, "min", S, r, 7, numeric: true)
            cell(8, "max", S, r, 8, numeric: true)
        case "min_rows_per_month":
            cell(8, "field", S, r, 4, required: true)
            cell(8, "count", S, r, 7, numeric: true)
        case "compare":
            if let (f, v) = condition {
                emit(8, "when:", origin(S, r, 3))
                emit(10, "field: \(Self.quoted(f))", origin(S, r, 3))
                emit(10, "equals: \(Self.quoted(v))", origin(S, r, 3))
            }
            operandLines("left", sides[0]!, S, r, 4)
            cell(8, "op", S, r, 5, required: true)
            operandLines("right", sides[1]!, S, r, 6)
            cell(8, "missing", S, r, 9, code: true)
        default:
            break
        }
    }

    private mutating func operandLines(_ key: String, _ operand: CompareRule.Operand, _ sheet: String, _ row: BookRow, _ column: Int) {
        let o = origin(sheet, row, column)
        emit(8, "\(key):", o)
        func filter(_ w: CompareRule.Filter?, _ indent: Int) {
            guard let w else { return }
            emit(indent, "where:", o)
            emit(indent + 2, "field: \(Self.quoted(w.field))", o)
            emit(indent + 2, "equals: \(Self.quoted(w.equals))", o)
        }
        switch operand {
        case .field(let f): emit(10, "field: \(Self.quoted(f))", o)
        case .constant(let v): emit(10, "value: \(NumberText.format(v))", o)
        case .sum(let s, let f, let w):
            emit(10, "sum:", o)
            emit(12, "sheet: \(Self.quoted(s))", o)
            emit(12, "field: \(Self.quoted(f))", o)
            filter(w, 12)
        case .count(let s, let w):
            emit(10, "count:", o)
            emit(12, "sheet: \(Self.quoted(s))", o)
            filter(w, 12)
        }
    }

    /// `字段=值`.
    static func filter(_ text: String) -> (String, String)? {
        guard let eq = text.firstIndex(where: { $0 == "=" || $0 == "＝" }) else { return nil }
        let f = text[..<eq].trimmingCharacters(in: .whitespaces), v = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        return f.isEmpty || v.isEmpty ? nil : (f, v)
    }

    /// A compare rule's side in the micro-syntax of `OperandText`.
    private func operand(_ text: String, sheet: String) -> CompareRule.Operand? {
        if let v = Double(text), v.isFinite { return .constant(v) }
        for (words, isSum) in [(["求和", "sum"], true), (["计数", "count"], false)] {
            guard let word = words.first(where: { text.hasPrefix($0 + "(") || text.hasPrefix($0 + "（") }) else { continue }
            guard let last = text.last, last == ")" || last == "）" else { return nil }
            let inner = text.dropFirst(word.count + 1).dropLast()
            var head = inner.trimmingCharacters(in: .whitespaces)
            var filter: CompareRule.Filter?
            if let comma = inner.firstIndex(where: { $0 == "，" || $0 == "," }) {
                head = inner[..<comma].trimmingCharacters(in: .whitespaces)
                guard let (f, v) = Self.filter(String(inner[inner.index(after: comma)...])) else { return nil }
                filter = CompareRule.Filter(field: f, equals: v)
            }
            if isSum {
                guard !head.isEmpty else { return nil }
                if let dot = head.lastIndex(of: ".") {
                    let s = String(head[..<dot]), f = String(head[head.index(after: dot)...])
                    guard !s.isEmpty, !f.isEmpty else { return nil }
                    return .sum(sheet: sheetRef(s), field: f, where: filter)
                }
                return .sum(sheet: sheet, field: head, where: filter)
            }
            return .count(sheet: head.isEmpty ? sheet : sheetRef(head), where: filter)
        }
        if text.contains(where: { "()（）".contains($0) }) { return nil }
        return .field(text)
    }

    private mutating func rounds() {
        let L = PlanBookLayout.self
        let rounds = content[L.rounds]
        heading("rounds", L.rounds, empty: rounds.isEmpty)
        for r in rounds {
            cell(4, "id", L.rounds, r, 0, required: true, first: true)
            cell(4, "kind", L.rounds, r, 1, required: true, code: true)
            cell(4, "title", L.rounds, r, 2)
            cell(4, "start", L.rounds, r, 3, required: true)
            cell(4, "due", L.rounds, r, 4, required: true)
            list(4, "sheets", CellList.split(r.text(5)).map(sheetRef), L.rounds, r, 5)
            if !r.text(6).isEmpty { list(4, "units", unitRefs(r.text(6)), L.rounds, r, 6) }
            cell(4, "resubmit_by", L.rounds, r, 7)
        }
    }

    private mutating func outputs() {
        let S = PlanBookLayout.outputs
        // Declarations in order of first appearance: (YAML key, ledger number) → items.
        var order: [String] = []
        var items: [String: [(key: String, row: BookRow)]] = [:]
        for r in content[S] {
            let d = r.text(0)
            if d.isEmpty && r.text(1).isEmpty { continue }
            var group = PlanBookLayout.outputItems.first { $0.declaration == d }
            var name = d
            if group == nil, d.hasPrefix("台账"), Int(d.dropFirst(2)) != nil {
                group = PlanBookLayout.outputItems.first { $0.key == "ledgers" }
            }
            if d == "台账" { name = "台账1" }
            guard let group else {
                problem(S, r, 0, "声明“\(d)”无效（可用：称呼、进展表、台账1、台账2……、联络表、宣传表、小结表、指标表）")
                continue
            }
            guard let item = group.items.first(where: { $0.label == r.text(1) }) else {
                problem(S, r, 1, "“\(d)”没有项目“\(r.text(1))”（可用：\(group.items.map(\.label).joined(separator: "、"))）")
                continue
            }
            if item.key != "extras", items[name]?.contains(where: { $0.key == item.key }) ?? false {
                problem(S, r, 1, "“\(d)”的项目“\(item.label)”重复")
                continue
            }
            if items[name] == nil { order.append(name) }
            items[name, default: []].append((item.key, r))
        }
        if order.isEmpty { return }
        emit(0, "outputs:", CellOrigin(sheet: S, row: 2, column: 0))
        let simple: [(String, String)] = [("称呼", "words"), ("进展表", "progress"), ("联络表", "liaison"), ("宣传表", "publicity"),
                                          ("小结表", "summary"), ("指标表", "indicators")]
        for (d, key) in simple {
            guard let its = items[d] else { continue }
            emit(2, "\(key):", origin(S, its[0].row, 0))
            for (k, r) in its { outputValue(4, k, r) }
        }
        let ledgers = order.filter { $0.hasPrefix("台账") }
        if ledgers.isEmpty { return }
        emit(2, "ledgers:", origin(S, items[ledgers[0]]![0].row, 0))
        for d in ledgers {
            let its = items[d]!
            var first = true
            for (k, r) in its where !k.hasPrefix("money.") && k != "extras" {
                outputValue(6, k, r, first: first)
                first = false
            }
            let money = its.filter { $0.key.hasPrefix("money.") }
            if !money.isEmpty {
                if first { emit(4, "- money:", origin(S, money[0].row, 0)); first = false } else { emit(6, "money:", origin(S, money[0].row, 0)) }
                if !money.contains(where: { $0.key == "money.total" }) { emit(8, "total: \"\"", origin(S, money[0].row, 1)) }
                for (k, r) in money where !k.hasPrefix("money.share.") { outputValue(8, String(k.dropFirst(6)), r) }
                let share = money.filter { $0.key.hasPrefix("money.share.") }
                if !share.isEmpty {
                    emit(8, "share:", origin(S, share[0].row, 0))
                    for (k, r) in share { outputValue(10, String(k.dropFirst(12)), r) }
                }
            }
            let extras = its.filter { $0.key == "extras" }
            if !extras.isEmpty {
                if first { emit(4, "- extras:", origin(S, extras[0].row, 0)); first = false } else { emit(6, "extras:", origin(S, extras[0].row, 0)) }
                for (_, r) in extras {
                    guard let (field, label, unit) = Self.extra(r.text(2)) else {
                        problem(S, r, 2, "附加统计“\(r.text(2))”应写成“字段=名称（单位）”")
                        continue
                    }
                    emit(8, "- field: \(Self.quoted(field))", origin(S, r, 2))
                    emit(10, "label: \(Self.quoted(label))", origin(S, r, 2))
                    emit(10, "unit: \(Self.quoted(unit))", origin(S, r, 2))
                }
            }
        }
    }

    private mutating func outputValue(_ indent: Int, _ key: String, _ r: BookRow, first: Bool = false) {
        let S = PlanBookLayout.outputs
        let text = r.text(2)
        let value: String
        switch key {
        case "parts": value = Self.flow(CellList.split(text))
        case "per_month_min": value = Self.numeric(text)
        case "sheet": value = Self.quoted(sheetRef(text))
        default: value = Self.quoted(text)
        }
        emit(first ? indent - 2 : indent, (first ? "- " : "") + "\(key): \(value)", origin(S, r, 2))
    }

    /// `字段=名称（单位）` → (字段, 名称, 单位); the unit may be left out.
    static func extra(_ text: String) -> (String, String, String)? {
        guard let (field, rest) = filter(text) else { return nil }
        if let last = rest.last, last == "）" || last == ")", let open = rest.lastIndex(where: { $0 == "（" || $0 == "(" }) {
            let label = rest[..<open].trimmingCharacters(in: .whitespaces)
            let unit = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)].trimmingCharacters(in: .whitespaces)
            if !label.isEmpty { return (field, label, unit) }
        }
        return (field, rest, "")
    }
}
