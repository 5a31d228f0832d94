import Foundation
import Yams

/// A mistake in a plan file, with where it is.
public struct PlanIssue: Error, Equatable, Sendable, CustomStringConvertible {
    /// The values a plan accepts where it had something else, kept apart from the rest of the
    /// message so that a plan workbook can name them by the words its dropdowns offer.
    public enum Allowed: Equatable, Sendable {
        /// `true` or `false` (a workbook offers 是 and 否).
        case yesNo
        /// One of these codes.
        case oneOf([String])

        /// How a YAML plan says it: `应为 true 或 false`, `（可用：a、b）`.
        public var yamlText: String {
            switch self {
            case .yesNo: "应为 true 或 false"
            case .oneOf(let codes): "（可用：\(codes.joined(separator: "、"))）"
            }
        }

        /// How a plan workbook says it, with its dropdown's words.
        public func workbookText(labels: [String]) -> String {
            switch self {
            case .yesNo: "应填“是”或“否”"
            case .oneOf: "（可用：\(labels.joined(separator: "、"))）"
            }
        }
    }

    public let line: Int
    public let column: Int
    /// Chinese, says what is wrong and with what (the values allowed not included).
    public let statement: String
    /// The values allowed, when the mistake is a value outside them.
    public let allowed: Allowed?
    /// Where the mistake is in a plan workbook (`任务!F7`); nil for a YAML plan.
    public var place: String? = nil

    public init(line: Int, column: Int, message: String, place: String? = nil) {
        self.init(line: line, column: column, statement: message, allowed: nil, place: place)
    }

    public init(line: Int, column: Int, statement: String, allowed: Allowed?, place: String? = nil) {
        self.line = line
        self.column = column
        self.statement = statement
        self.allowed = allowed
        self.place = place
    }

    /// Chinese, says what is wrong and with what, as a YAML plan says it.
    public var message: String { statement + (allowed?.yamlText ?? "") }

    public var description: String {
        if let place { return "\(place)：\(message)" }
        return line > 0 ? "第 \(line) 行第 \(column) 列：\(message)" : message
    }

    /// Equal when they say the same at the same place, however the message was put together.
    public static func == (a: PlanIssue, b: PlanIssue) -> Bool {
        a.line == b.line && a.column == b.column && a.message == b.message && a.place == b.place
    }
}

/// All the mistakes found in a plan file (never just the first).
public struct PlanErrors: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let issues: [PlanIssue]

    public init(file: String, issues: [PlanIssue]) {
        self.file = file
        self.issues = issues
    }
    public var description: String {
        "计划文件“\(file)”有 \(issues.count) 处错误：\n" + issues.map { "  " + $0.description }.joined(separator: "\n")
    }
}

/// Reads a plan from YAML, checking everything `plan check` reports: structure, types, dates,
/// references between units, tasks, sheets, fields, choices and rounds.
public enum PlanLoader {
    /// The default plan (the seed's work plan), embedded in the binary.
    public static func defaultPlan() -> Plan {
        // The embedded text is checked by the test suite; it cannot fail here.
        try! load(yaml: DefaultPlanText.yaml, file: "default.yaml")
    }

    /// Reads a plan file.
    public static func load(path: String) throws -> Plan {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanErrors(file: name, issues: [PlanIssue(line: 0, column: 0, message: "无法读取计划文件（文件不存在或没有读取权限）")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanErrors(file: name, issues: [PlanIssue(line: 0, column: 0, message: "计划文件不是 UTF-8 编码的文本")])
        }
        return try load(yaml: text, file: name)
    }

    /// Reads a plan from YAML text. Throws `PlanErrors` listing every issue found.
    public static func load(yaml: String, file: String) throws -> Plan {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PlanErrors(file: file, issues: [PlanIssue(line: 1, column: 1, message: "计划文件是空的")])
            }
            root = node
        } catch let error as YamlError {
            throw PlanErrors(file: file, issues: [Self.issue(from: error)])
        }
        var reader = Reader()
        let plan = reader.plan(root)
        if !reader.issues.isEmpty || plan == nil {
            let sorted = reader.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            throw PlanErrors(file: file, issues: sorted)
        }
        return plan!
    }

    private static func issue(from error: YamlError) -> PlanIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return PlanIssue(line: mark.line, column: mark.column, message: "YAML 语法错误：\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PlanIssue(line: context.mark.line, column: context.mark.column,
                             message: "重复的键：\(duplicates.joined(separator: "、"))")
        default:
            return PlanIssue(line: 0, column: 0, message: "YAML 错误：\(error)")
        }
    }
}

/// Walks the YAML tree, building the plan and collecting issues with their positions.
private struct Reader {
    var issues: [PlanIssue] = []
    /// Sheets, fields and values that compare rules name, checked once every sheet is read.
    var ruleReferences: [(sheet: String, field: String?, value: String?, node: Node?, what: String)] = []

    mutating func fail(_ node: Node?, _ message: String) {
        issues.append(PlanIssue(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message))
    }

    /// A value outside those allowed: what is wrong, then the values allowed.
    mutating func fail(_ node: Node?, _ statement: String, allowed: PlanIssue.Allowed) {
        issues.append(PlanIssue(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, statement: statement, allowed: allowed))
    }

    // MARK: Primitive readers

    /// The mapping at `node`, reporting keys outside `allowed`.
    mutating func mapping(_ node: Node?, _ what: String, allowed: Set<String>) -> [String: Node]? {
        guard let node else { return nil }
        guard let m = node.mapping else {
            fail(node, "\(what)应为键值映射")
            return nil
        }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.string else { fail(k, "\(what)的键应为文字"); continue }
            if !allowed.contains(key) { fail(k, "\(what)中有未知的键“\(key)”", allowed: .oneOf(allowed.sorted())) }
            out[key] = v
        }
        return out
    }

    mutating func string(_ m: [String: Node], _ key: String, _ what: String, required: Bool = true) -> String? {
        guard let node = m[key] else {
            if required { fail(nil, "\(what)缺少“\(key)”") }
            return nil
        }
        guard let s = node.string, node.scalar != nil else {
            fail(node, "\(what)的“\(key)”应为文字")
            return nil
        }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
            fail(node, "\(what)的“\(key)”不能为空")
            return nil
        }
        return s
    }

    /// Reports a missing required key at the mapping's own position.
    mutating func require(_ m: [String: Node], _ key: String, at node: Node, _ what: String) -> Node? {
        if let v = m[key] { return v }
        fail(node, "\(what)缺少“\(key)”")
        return nil
    }

    mutating func text(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard node.scalar != nil, let s = node.string else { fail(node, "\(what)应为文字"); return nil }
        return s
    }

    mutating func number(_ node: Node?, _ what: String) -> Double? {
        guard let node else { return nil }
        guard node.scalar != nil, let s = node.string, let d = Double(s), d.isFinite else {
            fail(node, "\(what)应为数字，而不是“\(node.string ?? "")”")
            return nil
        }
        return d
    }

    mutating func integer(_ node: Node?, _ what: String) -> Int? {
        guard let node else { return nil }
        guard node.scalar != nil, let s = node.string, let i = Int(s) else {
            fail(node, "\(what)应为整数，而不是“\(node.string ?? "")”")
            return nil
        }
        return i
    }

    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        switch node.string?.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            fail(node, what, allowed: .yesNo)
            return nil
        }
    }

    mutating func day(_ node: Node?, _ what: String) -> Day? {
        guard let node else { return nil }
        guard let s = node.string, let d = Day(s) else {
            fail(node, "\(what)“\(node.string ?? "")”不是有效日期（格式 2021-06-15）")
            return nil
        }
        return d
    }

    mutating func sequence(_ node: Node?, _ what: String) -> [Node] {
        guard let node else { return [] }
        guard let seq = node.sequence else { fail(node, "\(what)应为列表"); return [] }
        return Array(seq)
    }

    mutating func strings(_ node: Node?, _ what: String) -> [(String, Node)] {
        sequence(node, what).compactMap { n in text(n, what).map { ($0, n) } }
    }

    mutating func uniqueIds<T>(_ items: [(id: String, node: Node, value: T)], _ what: String) -> [T] {
        var seen: Set<String> = []
        var out: [T] = []
        for item in items {
            if !seen.insert(item.id).inserted {
                fail(item.node, "\(what)编号“\(item.id)”重复")
                continue
            }
            out.append(item.value)
        }
        return out
    }

    // MARK: The plan

    mutating func plan(_ root: Node) -> Plan? {
        let keys: Set<String> = ["plan", "version", "title", "subject", "issued", "office", "leading_group", "units",
                                 "unit_groups", "task_groups", "tasks", "phases", "targets", "choices", "sheets", "rounds", "briefing", "outputs"]
        guard let m = mapping(root, "计划", allowed: keys) else { return nil }
        for key in ["plan", "version", "title", "units", "tasks", "sheets", "rounds"] where m[key] == nil {
            fail(root, "计划缺少“\(key)”")
        }
        let id = string(m, "plan", "计划", required: m["plan"] != nil) ?? ""
        if !id.isEmpty && !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
            fail(m["plan"], "计划编号“\(id)”只能包含英文字母、数字、-、_ 和 .")
        }
        let version = string(m, "version", "计划", required: m["version"] != nil) ?? ""
        let title = string(m, "title", "计划", required: m["title"] != nil) ?? ""
        let subject = string(m, "subject", "计划", required: false) ?? ""
        let issued = day(m["issued"], "发布日期")

        let units = readUnits(m["units"])
        let unitIds = Set(units.map(\.id))
        let groups = readUnitGroups(m["unit_groups"], unitIds: unitIds)
        let taskGroups = readTaskGroups(m["task_groups"])
        let tasks = readTasks(m["tasks"], unitIds: unitIds, groups: groups, taskGroups: taskGroups)
        let phases = readPhases(m["phases"])
        let (choices, choiceOrder) = readChoices(m["choices"])
        let sheets = readSheets(m["sheets"], unitIds: unitIds, groups: groups, choices: choices)
        checkRuleReferences(sheets)
        let rounds = readRounds(m["rounds"], sheets: sheets, unitIds: unitIds, groups: groups)
        let targets = readTargets(m["targets"], sheets: sheets, units: units, rounds: rounds)
        let office = readOffice(m["office"], unitIds: unitIds)
        var leading: [Member] = []
        for n in sequence(m["leading_group"], "领导小组") {
            if let member = readMember(n, withRole: true) { leading.append(member) }
        }
        if let units = m["units"], units.sequence?.isEmpty ?? false { fail(units, "计划中没有任何单位") }
        let briefing = readBriefing(m["briefing"])
        var plan = Plan(id: id, version: version, title: title, subject: subject, issued: issued, office: office,
                    leadingGroup: leading, units: units, unitGroups: groups, taskGroups: taskGroups, tasks: tasks,
                    phases: phases, targets: targets, choices: choices, choiceOrder: choiceOrder, sheets: sheets,
                    rounds: rounds)
        plan.briefing = briefing
        plan.outputs = readOutputs(m["outputs"], sheets: sheets, targets: targets)
        return plan
    }

    /// The optional `briefing:` section: masthead, send_to (报送), copy_to (抄送), first_issue.
    mutating func readBriefing(_ node: Node?) -> BriefingForm {
        var form = BriefingForm()
        guard let node, let m = mapping(node, "简报", allowed: ["masthead", "send_to", "copy_to", "first_issue"]) else { return form }
        form.masthead = string(m, "masthead", "简报", required: false) ?? form.masthead
        form.sendTo = strings(m["send_to"], "简报的“send_to”").map(\.0)
        form.copyTo = strings(m["copy_to"], "简报的“copy_to”").map(\.0)
        if let n = m["first_issue"] {
            if let v = n.int, v >= 1 { form.firstIssue = v } else { fail(n, "简报的“first_issue”应为正整数") }
        }
        return form
    }

    mutating func readMember(_ n: Node, withRole: Bool) -> Member? {
        guard let m = mapping(n, "成员", allowed: ["role", "name", "title"]) else { return nil }
        guard let name = string(m, "name", "成员"), let title = string(m, "title", "成员") else { return nil }
        return Member(role: withRole ? string(m, "role", "成员", required: false) : nil, name: name, title: title)
    }

    /// A unit's `contact: {name, phone}`: a name and a phone number of digits, spaces and
    /// `-`, `+`, `(`, `)` (an office line with its area code, or a mobile).
    mutating func readContact(_ n: Node, unit: String) -> UnitContact? {
        let what = "单位 \(unit) 的联系人"
        guard let m = mapping(n, what, allowed: ["name", "phone"]),
              let name = string(m, "name", what), let phone = string(m, "phone", what) else { return nil }
        let digits = phone.filter(\.isNumber)
        if digits.isEmpty || !phone.allSatisfy({ $0.isASCII && ($0.isNumber || " -+()".contains($0)) }) || digits.count < 7 {
            fail(m["phone"], "\(what)电话“\(phone)”无效（应为电话或手机号码，如 027-85551234 或 13912345678）")
            return nil
        }
        return UnitContact(name: name, phone: phone)
    }

    mutating func readOffice(_ node: Node?, unitIds: Set<String>) -> Office {
        var office = Office(name: "领导小组办公室", hostUnit: "", director: "", contact: "", phone: "", email: "")
        guard let node, let m = mapping(node, "办公室", allowed: ["name", "host_unit", "director", "contact", "phone", "email"])
        else { return office }
        office.name = string(m, "name", "办公室") ?? office.name
        if let host = string(m, "host_unit", "办公室", required: false) {
            if !unitIds.contains(host) { fail(m["host_unit"], "办公室所在单位“\(host)”不在单位列表中") }
            office.hostUnit = host
        }
        office.director = string(m, "director", "办公室", required: false) ?? ""
        office.contact = string(m, "contact", "办公室", required: false) ?? ""
        office.phone = string(m, "phone", "办公室", required: false) ?? ""
        office.email = string(m, "email", "办公室", required: false) ?? ""
        return office
    }

    mutating func readUnits(_ node: Node?) -> [ReportingUnit] {
        var items: [(id: String, node: Node, value: ReportingUnit)] = []
        var names: Set<String> = []
        for n in sequence(node, "单位列表") {
            guard let m = mapping(n, "单位", allowed: ["id", "name", "kind", "members", "contact"]),
                  let id = string(m, "id", "单位"), let name = string(m, "name", "单位 \(id) ") else { continue }
            if !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                fail(m["id"], "单位编号“\(id)”只能包含英文字母、数字、_ 和 -")
            }
            if !names.insert(name).inserted { fail(m["name"], "单位名称“\(name)”重复") }
            if name.contains("/") || name.contains("\\") { fail(m["name"], "单位名称“\(name)”不能包含 / 或 \\") }
            var kind = UnitKind.department
            if let k = string(m, "kind", "单位 \(id) ") {
                if let parsed = UnitKind(rawValue: k) { kind = parsed } else {
                    fail(m["kind"], "单位 \(id) 的类型“\(k)”无效", allowed: .oneOf(["市直部门", "区", "功能区", "企业"]))
                }
            }
            var members: [Member] = []
            for mn in sequence(m["members"], "单位 \(id) 的成员") {
                if let member = readMember(mn, withRole: false) { members.append(member) }
            }
            var unit = ReportingUnit(id: id, name: name, kind: kind, members: members)
            if let cn = m["contact"] { unit.contact = readContact(cn, unit: id) }
            items.append((id, m["id"]!, unit))
        }
        return uniqueIds(items, "单位")
    }

    mutating func readUnitGroups(_ node: Node?, unitIds: Set<String>) -> [UnitGroup] {
        guard let node else { return [] }
        guard let m = node.mapping else { fail(node, "单位分组应为键值映射"); return [] }
        var out: [UnitGroup] = []
        for (k, v) in m {
            guard let id = k.string, let gm = mapping(v, "单位分组 \(k.string ?? "")", allowed: ["label", "units"]) else { continue }
            let label = string(gm, "label", "单位分组 \(id) ") ?? id
            var members: [String] = []
            for (u, un) in strings(gm["units"], "单位分组 \(id) 的单位") {
                if !unitIds.contains(u) { fail(un, "单位分组 \(id) 中的单位“\(u)”不在单位列表中") } else { members.append(u) }
            }
            if members.isEmpty { fail(v, "单位分组 \(id) 没有单位") }
            out.append(UnitGroup(id: id, label: label, units: members))
        }
        return out
    }

    mutating func readTaskGroups(_ node: Node?) -> [TaskGroup] {
        var items: [(id: String, node: Node, value: TaskGroup)] = []
        for n in sequence(node, "任务类别") {
            guard let m = mapping(n, "任务类别", allowed: ["id", "title"]),
                  let id = string(m, "id", "任务类别"), let title = string(m, "title", "任务类别") else { continue }
            items.append((id, m["id"]!, TaskGroup(id: id, title: title)))
        }
        return uniqueIds(items, "任务类别")
    }

    /// Expands a unit list (`group:districts` → every member), reporting unknown names. A
    /// single name may stand for a list of one.
    mutating func unitList(_ node: Node?, _ what: String, unitIds: Set<String>, groups: [UnitGroup]) -> ([String], String) {
        var out: [String] = []
        var labels: [String] = []
        let refs: [(String, Node)]
        if let node, node.scalar != nil, let s = node.string { refs = [(s, node)] } else { refs = strings(node, what) }
        for (u, n) in refs {
            if u.hasPrefix("group:") {
                let gid = String(u.dropFirst(6))
                guard let g = groups.first(where: { $0.id == gid }) else {
                    fail(n, "\(what)中的单位分组“\(gid)”未定义")
                    continue
                }
                out += g.units
                labels.append(g.label)
            } else if unitIds.contains(u) {
                out.append(u)
                labels.append(u)
            } else {
                fail(n, "\(what)中的单位“\(u)”不在单位列表中")
            }
        }
        var seen: Set<String> = []
        return (out.filter { seen.insert($0).inserted }, labels.joined(separator: "、"))
    }

    mutating func readTasks(_ node: Node?, unitIds: Set<String>, groups: [UnitGroup], taskGroups: [TaskGroup]) -> [PlanTask] {
        var items: [(id: String, node: Node, value: PlanTask)] = []
        let groupIds = Set(taskGroups.map(\.id))
        for n in sequence(node, "任务列表") {
            guard let m = mapping(n, "任务", allowed: ["id", "group", "title", "text", "lead", "responsible", "deliverables", "deadline"]),
                  let id = string(m, "id", "任务") else { continue }
            let what = "任务 \(id) "
            if !id.allSatisfy({ $0.isNumber || $0 == "." }) { fail(m["id"], "任务编号“\(id)”应形如 1.1") }
            let group = string(m, "group", what) ?? ""
            if !group.isEmpty && !groupIds.contains(group) { fail(m["group"], "\(what)的类别“\(group)”未定义") }
            let title = string(m, "title", what) ?? ""
            let text = string(m, "text", what, required: false) ?? ""
            let leadNode = require(m, "lead", at: n, what)
            let (lead, leadLabel) = unitList(leadNode, "\(what)的牵头单位", unitIds: unitIds, groups: groups)
            if let leadNode, leadNode.sequence?.isEmpty ?? false { fail(leadNode, "\(what)没有牵头单位") }
            let (resp, respLabel) = unitList(m["responsible"], "\(what)的责任单位", unitIds: unitIds, groups: groups)
            let leadSet = Set(lead)
            let deliverables = strings(m["deliverables"], "\(what)的成果").map(\.0)
            let deadline = day(m["deadline"], "\(what)的完成时限")
            items.append((id, m["id"]!, PlanTask(id: id, group: group, title: title, text: text, lead: lead,
                                                 responsible: resp.filter { !leadSet.contains($0) },
                                                 leadLabel: leadLabel, responsibleLabel: respLabel,
                                                 deliverables: deliverables, deadline: deadline)))
        }
        return uniqueIds(items, "任务")
    }

    mutating func readPhases(_ node: Node?) -> [Phase] {
        var items: [(id: String, node: Node, value: Phase)] = []
        for n in sequence(node, "阶段列表") {
            guard let m = mapping(n, "阶段", allowed: ["id", "name", "start", "end"]),
                  let id = string(m, "id", "阶段"), let name = string(m, "name", "阶段 \(id) "),
                  let start = day(require(m, "start", at: n, "阶段 \(id) "), "阶段 \(id) 的开始日期"),
                  let end = day(require(m, "end", at: n, "阶段 \(id) "), "阶段 \(id) 的结束日期") else { continue }
            if end < start { fail(m["end"], "阶段 \(id) 的结束日期 \(end) 早于开始日期 \(start)") }
            items.append((id, m["id"]!, Phase(id: id, name: name, start: start, end: end)))
        }
        return uniqueIds(items, "阶段")
    }

    mutating func readChoices(_ node: Node?) -> ([String: [String]], [String]) {
        guard let node else { return ([:], []) }
        guard let m = node.mapping else { fail(node, "下拉选项应为键值映射"); return ([:], []) }
        var out: [String: [String]] = [:]
        var order: [String] = []
        for (k, v) in m {
            guard let id = k.string else { continue }
            let items = strings(v, "下拉选项 \(id)")
            if items.isEmpty { fail(v, "下拉选项 \(id) 没有任何选项") }
            var seen: Set<String> = []
            for (item, n) in items where !seen.insert(item).inserted { fail(n, "下拉选项 \(id) 中“\(item)”重复") }
            out[id] = items.map(\.0)
            order.append(id)
        }
        return (out, order)
    }

    mutating func readSheets(_ node: Node?, unitIds: Set<String>, groups: [UnitGroup],
                             choices: [String: [String]]) -> [SheetSpec] {
        var items: [(id: String, node: Node, value: SheetSpec)] = []
        var names: Set<String> = []
        for n in sequence(node, "表单列表") {
            guard let m = mapping(n, "表单", allowed: ["id", "name", "kind", "title", "units", "rows", "fields", "rules", "carry"]),
                  let id = string(m, "id", "表单"), let name = string(m, "name", "表单 \(id) ") else { continue }
            let what = "表单 \(id) "
            if !names.insert(name).inserted { fail(m["name"], "表单名称“\(name)”重复") }
            // The 汇总 names its own sheets so; a plan's sheet of the same name would collide there.
            if ["总览", "报送情况", "任务矩阵", "进度趋势", "校验问题", "填报说明", "字典"].contains(name) {
                fail(m["name"], "表单名称“\(name)”是汇总表或模板自用的名称，请换一个")
            }
            if name.count > 31 || name.contains(where: { "[]:*?/\\".contains($0) }) {
                fail(m["name"], "表单名称“\(name)”不能超过 31 个字符，也不能包含 [ ] : * ? / \\")
            }
            var kind = SheetKind.rows
            if let k = string(m, "kind", what) {
                if let parsed = SheetKind(rawValue: k) { kind = parsed } else {
                    fail(m["kind"], "\(what)的类型“\(k)”无效", allowed: .oneOf(["tasks", "rows", "single", "text"]))
                }
            }
            let title = string(m, "title", what, required: false) ?? name
            let units = m["units"].map { unitList($0, "\(what)的适用单位", unitIds: unitIds, groups: groups).0 }
            var rows = kind == .single ? 1 : 0
            if kind == .rows {
                rows = integer(require(m, "rows", at: n, what), "\(what)的行数") ?? 1
                if rows < 1 || rows > 10000 { fail(m["rows"], "\(what)的行数应在 1 到 10000 之间") }
            }
            let fields = readFields(m["fields"], sheet: what, choices: choices)
            if fields.isEmpty { fail(m["fields"] ?? n, "\(what)没有任何字段") }
            let rules = readRules(m["rules"], sheet: what, fields: fields, id: id)
            var spec = SheetSpec(id: id, name: name, kind: kind, title: title, units: units, rows: rows,
                                 fields: fields, rules: rules)
            if let carry = bool(m["carry"], "\(what)的 carry") {
                if carry && kind != .rows && kind != .single {
                    fail(m["carry"], "\(what)是\(kind.rawValue)类型，不能设置 carry（带入上期数据只适用于 rows 和 single 类型的表单）")
                }
                spec.carry = carry
            }
            items.append((id, m["id"]!, spec))
        }
        return uniqueIds(items, "表单")
    }

    mutating func readFields(_ node: Node?, sheet: String, choices: [String: [String]]) -> [FieldSpec] {
        var items: [(id: String, node: Node, value: FieldSpec)] = []
        let keys: Set<String> = ["id", "name", "type", "required", "min", "max", "max_length", "pattern", "choices",
                                 "prefilled", "width", "max_change", "cumulative"]
        for n in sequence(node, "\(sheet)的字段") {
            guard let m = mapping(n, "字段", allowed: keys), let id = string(m, "id", "\(sheet)的字段"),
                  let name = string(m, "name", "\(sheet)的字段 \(id) ") else { continue }
            let what = "\(sheet)的字段 \(id) "
            var type = FieldType.text
            if let t = string(m, "type", what) {
                if let parsed = FieldType(rawValue: t) { type = parsed } else {
                    fail(m["type"], "\(what)的类型“\(t)”无效", allowed: .oneOf(FieldType.allCases.map(\.rawValue)))
                }
            }
            var field = FieldSpec(id: id, name: name, type: type, required: bool(m["required"], "\(what)的 required") ?? false,
                                  min: nil, max: nil, minDay: nil, maxDay: nil,
                                  maxLength: integer(m["max_length"], "\(what)的最大长度"),
                                  pattern: string(m, "pattern", what, required: false), choicesId: nil, choices: [],
                                  prefilled: nil, width: number(m["width"], "\(what)的列宽"))
            if type == .date {
                field.minDay = day(m["min"], "\(what)的最早日期")
                field.maxDay = day(m["max"], "\(what)的最晚日期")
                if let a = field.minDay, let b = field.maxDay, b < a { fail(m["max"], "\(what)的最晚日期早于最早日期") }
            } else if m["min"] != nil || m["max"] != nil {
                if ![.integer, .decimal, .percent].contains(type) {
                    fail(m["min"] ?? m["max"], "\(what)是\(type.rawValue)类型，不能设置 min/max")
                }
                field.min = number(m["min"], "\(what)的最小值")
                field.max = number(m["max"], "\(what)的最大值")
                if let a = field.min, let b = field.max, b < a { fail(m["max"], "\(what)的最大值 \(b) 小于最小值 \(a)") }
            }
            if m["max_change"] != nil {
                if ![.integer, .decimal, .percent].contains(type) {
                    fail(m["max_change"], "\(what)是\(type.rawValue)类型，不能设置 max_change（与上期相比的最大变化幅度只适用于数字）")
                }
                field.maxChangePercent = number(m["max_change"], "\(what)的 max_change")
                if let c = field.maxChangePercent, c <= 0 { fail(m["max_change"], "\(what)的 max_change 应大于 0（百分比，如 30）") }
            }
            if let cumulative = bool(m["cumulative"], "\(what)的 cumulative") {
                if cumulative && ![.integer, .decimal, .percent].contains(type) {
                    fail(m["cumulative"], "\(what)是\(type.rawValue)类型，不能设置 cumulative（只增不减的累计数只适用于数字）")
                }
                field.cumulative = cumulative
            }
            if let p = field.pattern, (try? NSRegularExpression(pattern: p)) == nil {
                fail(m["pattern"], "\(what)的格式规则“\(p)”不是有效的正则表达式")
            }
            if type == .choice {
                if let cid = string(m, "choices", what, required: false) {
                    if let list = choices[cid] { field.choicesId = cid; field.choices = list } else {
                        fail(m["choices"], "\(what)引用的下拉选项“\(cid)”未定义")
                    }
                } else {
                    fail(n, "\(what)是下拉选择类型，但没有指定 choices")
                }
            } else if m["choices"] != nil {
                fail(m["choices"], "\(what)不是下拉选择类型，不能设置 choices")
            }
            if let p = string(m, "prefilled", what, required: false) {
                if let parsed = Prefill(rawValue: p) { field.prefilled = parsed } else {
                    fail(m["prefilled"], "\(what)的预填内容“\(p)”无效", allowed: .oneOf(Prefill.allCases.map(\.rawValue)))
                }
            }
            items.append((id, m["id"]!, field))
        }
        return uniqueIds(items, "\(sheet)的字段")
    }

    mutating func readRules(_ node: Node?, sheet: String, fields: [FieldSpec], id sheetId: String) -> [RowRule] {
        let ids = Set(fields.map(\.id))
        var out: [RowRule] = []
        for n in sequence(node, "\(sheet)的规则") {
            guard let m = mapping(n, "规则", allowed: ["kind", "if", "then", "field", "other", "fields", "equals", "min",
                                                      "max", "count", "severity", "message", "left", "op", "right", "when", "missing"]),
                  let kind = string(m, "kind", "\(sheet)的规则") else { continue }
            let message = string(m, "message", "\(sheet)的规则 \(kind) ") ?? kind
            var severity = Severity.error
            if let s = string(m, "severity", "规则", required: false) {
                if let parsed = Severity(rawValue: s) { severity = parsed } else { fail(m["severity"], "规则的级别“\(s)”无效", allowed: .oneOf(["error", "warning"])) }
            }
            func field(_ key: String, in map: [String: Node]) -> String? {
                guard let f = string(map, key, "\(sheet)的规则 \(kind) ") else { return nil }
                if !ids.contains(f) { fail(map[key], "\(sheet)的规则 \(kind) 引用了不存在的字段“\(f)”"); return nil }
                return f
            }
            switch kind {
            case "implies":
                guard let ifm = mapping(require(m, "if", at: n, "规则 implies "), "规则的 if", allowed: ["field", "equals"]),
                      let thenm = mapping(require(m, "then", at: n, "规则 implies "), "规则的 then", allowed: ["field", "equals", "required"]),
                      let cf = field("field", in: ifm), let ce = string(ifm, "equals", "规则的 if"),
                      let tf = field("field", in: thenm) else { continue }
                let requirement: RowRule.Requirement
                if let eq = string(thenm, "equals", "规则的 then", required: false) {
                    requirement = .equals(field: tf, value: eq)
                } else {
                    requirement = .required(field: tf)
                }
                out.append(.implies(condition: .init(field: cf, equals: ce), then: requirement, severity: severity, message: message))
            case "not_after_round_end":
                if let f = field("field", in: m) { out.append(.notAfterRoundEnd(field: f, severity: severity, message: message)) }
            case "not_before":
                if let f = field("field", in: m), let o = field("other", in: m) {
                    out.append(.notBefore(field: f, other: o, severity: severity, message: message))
                }
            case "sum":
                let parts = strings(m["fields"], "规则 sum 的字段")
                var names: [String] = []
                for (f, fn) in parts { if ids.contains(f) { names.append(f) } else { fail(fn, "\(sheet)的规则 sum 引用了不存在的字段“\(f)”") } }
                if parts.isEmpty { fail(n, "规则 sum 缺少 fields") }
                if let eq = field("equals", in: m) { out.append(.sum(fields: names, equals: eq, severity: severity, message: message)) }
            case "range":
                if let f = field("field", in: m) {
                    out.append(.range(field: f, min: number(m["min"], "规则 range 的 min"), max: number(m["max"], "规则 range 的 max"),
                                      severity: severity, message: message))
                }
            case "unique":
                if let f = field("field", in: m) { out.append(.unique(field: f, severity: severity, message: message)) }
            case "min_rows_per_month":
                if let f = field("field", in: m) {
                    out.append(.minRowsPerMonth(field: f, count: integer(m["count"], "规则的 count") ?? 1, severity: severity, message: message))
                }
            case "compare":
                if let rule = readCompare(m, n, sheet: sheetId, label: sheet, severity: severity, message: message) { out.append(.compare(rule)) }
            default:
                fail(m["kind"], "\(sheet)的规则类型“\(kind)”无效",
                     allowed: .oneOf(["implies", "not_after_round_end", "not_before", "sum", "range", "unique", "min_rows_per_month", "compare"]))
            }
        }
        return out
    }

    mutating func readRounds(_ node: Node?, sheets: [SheetSpec], unitIds: Set<String>, groups: [UnitGroup]) -> [Round] {
        var items: [(id: String, node: Node, value: Round)] = []
        let sheetIds = Set(sheets.map(\.id))
        for n in sequence(node, "轮次列表") {
            guard let m = mapping(n, "轮次", allowed: ["id", "kind", "title", "start", "due", "sheets", "units", "resubmit_by"]),
                  let id = string(m, "id", "轮次") else { continue }
            let what = "轮次 \(id) "
            if !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                fail(m["id"], "轮次编号“\(id)”只能包含英文字母、数字、- 和 _")
            }
            var kind = RoundKind.monthly
            if let k = string(m, "kind", what) {
                if let parsed = RoundKind(rawValue: k) { kind = parsed } else {
                    fail(m["kind"], "\(what)的类型“\(k)”无效", allowed: .oneOf(RoundKind.allCases.map(\.rawValue)))
                }
            }
            let title = string(m, "title", what, required: false) ?? id
            let start = day(require(m, "start", at: n, what), "\(what)的开始日期")
            let due = day(require(m, "due", at: n, what), "\(what)的截止日期")
            if let s = start, let d = due, d < s { fail(m["due"], "\(what)的截止日期 \(d) 早于开始日期 \(s)") }
            var sheetList: [String] = []
            for (s, sn) in strings(require(m, "sheets", at: n, what), "\(what)的表单") {
                if sheetIds.contains(s) { sheetList.append(s) } else { fail(sn, "\(what)要求的表单“\(s)”未定义") }
            }
            if m["sheets"] != nil && sheetList.isEmpty && m["sheets"]?.sequence?.isEmpty ?? false {
                fail(m["sheets"], "\(what)没有要求任何表单")
            }
            let units = m["units"].map { unitList($0, "\(what)的报送单位", unitIds: unitIds, groups: groups).0 }
            let resubmitBy = m["resubmit_by"].flatMap { day($0, "\(what)的重新报送截止日期") }
            if let r = resubmitBy, let d = due, r < d { fail(m["resubmit_by"], "\(what)的重新报送截止日期 \(r) 早于截止日期 \(d)") }
            guard let start, let due else { continue }
            items.append((id, m["id"]!, Round(id: id, kind: kind, title: title, start: start, due: due, sheets: sheetList, units: units,
                                              resubmitBy: resubmitBy)))
        }
        return uniqueIds(items, "轮次")
    }

    mutating func readTargets(_ node: Node?, sheets: [SheetSpec], units: [ReportingUnit], rounds: [Round]) -> [Target] {
        var items: [(id: String, node: Node, value: Target)] = []
        for n in sequence(node, "目标列表") {
            guard let m = mapping(n, "目标", allowed: ["id", "name", "value", "unit", "due", "sheet", "field", "equals", "shares"]),
                  let id = string(m, "id", "目标") else { continue }
            let what = "目标 \(id) "
            guard let name = string(m, "name", what), let value = number(require(m, "value", at: n, what), "\(what)的目标值"),
                  let due = day(require(m, "due", at: n, what), "\(what)的期限"),
                  let sheetId = string(m, "sheet", what), let fieldId = string(m, "field", what),
                  let equals = string(m, "equals", what) else { continue }
            guard let sheet = sheets.first(where: { $0.id == sheetId }) else {
                fail(m["sheet"], "\(what)统计的表单“\(sheetId)”未定义"); continue
            }
            guard let field = sheet.field(fieldId) else {
                fail(m["field"], "\(what)统计的字段“\(fieldId)”不在表单 \(sheetId) 中"); continue
            }
            if field.type == .choice && !field.choices.contains(equals) {
                fail(m["equals"], "\(what)统计的值“\(equals)”不是字段 \(fieldId) 的选项")
            }
            var target = Target(id: id, name: name, value: value, unit: string(m, "unit", what, required: false) ?? "",
                                due: due, sheet: sheetId, field: fieldId, equals: equals)
            target.shares = readShares(m["shares"], what, sheet: sheet, units: units, rounds: rounds)
            items.append((id, m["id"]!, target))
        }
        return uniqueIds(items, "目标")
    }

    /// A target's `shares:` (分解目标): unit id → its part, for units that fill the target's
    /// sheet in some round; in plan order of the units.
    mutating func readShares(_ node: Node?, _ what: String, sheet: SheetSpec, units: [ReportingUnit], rounds: [Round]) -> [TargetShare] {
        guard let node else { return [] }
        guard let pairs = node.mapping else {
            fail(node, "\(what)的分解目标“shares”应为“单位编号: 数值”的映射")
            return []
        }
        var values: [String: Double] = [:]
        for (k, v) in pairs {
            guard let unitId = k.string else { fail(k, "\(what)分解目标的单位编号应为文字"); continue }
            guard let unit = units.first(where: { $0.id == unitId }) else {
                fail(k, "\(what)分解目标中的单位“\(unitId)”不在单位列表中")
                continue
            }
            guard let value = number(v, "\(what)分解给\(unit.name)的目标值") else { continue }
            if value < 0 { fail(v, "\(what)分解给\(unit.name)的目标值不能为负数"); continue }
            if !rounds.contains(where: { $0.sheets.contains(sheet.id) && (sheet.units?.contains(unitId) ?? true)
                                         && ($0.units?.contains(unitId) ?? true) }) {
                fail(k, "\(what)分解给了\(unit.name)，但该单位在任何轮次都不填报表单 \(sheet.id)，无法统计其完成数")
                continue
            }
            values[unitId] = value
        }
        return units.compactMap { u in values[u.id].map { TargetShare(unit: u.id, value: $0) } }
    }
}

// MARK: outputs

/// The optional `outputs:` section: what the outputs treat specially, each sheet, field and
/// choice value checked against the plan's sheets and reported at its position.
extension Reader {
    mutating func readOutputs(_ node: Node?, sheets: [SheetSpec], targets: [Target]) -> OutputDeclarations {
        var out = OutputDeclarations()
        guard let node, let m = mapping(node, "输出声明", allowed: ["words", "progress", "ledgers", "liaison", "publicity", "summary", "indicators"])
        else { return out }
        if let w = mapping(m["words"], "输出声明的“words”", allowed: ["whole", "units", "targets_heading"]) {
            out.words.whole = string(w, "whole", "输出声明的“words”", required: false) ?? out.words.whole
            out.words.units = string(w, "units", "输出声明的“words”", required: false) ?? out.words.units
            out.words.targetsHeading = string(w, "targets_heading", "输出声明的“words”", required: false) ?? out.words.targetsHeading
        }
        if let n = m["progress"] {
            let what = "输出声明的“progress”"
            if let p = mapping(n, what, allowed: ["sheet", "task", "status", "percent", "problems", "next", "done", "lagging", "not_started"]),
               let sheet = outputSheet(p, n, what, sheets) {
                let task = outputField(p, "task", what, sheet, types: [.taskRef, .text])
                let status = outputField(p, "status", what, sheet, types: [.choice])
                if let task, let status {
                    var decl = ProgressOutput(sheet: sheet.id, task: task.id, status: status.id)
                    decl.statuses = status.choices
                    decl.sheetName = sheet.name
                    decl.percent = outputField(p, "percent", what, sheet, types: [.percent, .decimal, .integer], required: false)?.id
                    decl.problems = outputField(p, "problems", what, sheet, types: [.text], required: false)?.id
                    decl.next = outputField(p, "next", what, sheet, types: [.text], required: false)?.id
                    decl.done = outputChoice(p, "done", what, status)
                    decl.lagging = outputChoice(p, "lagging", what, status)
                    decl.notStarted = outputChoice(p, "not_started", what, status)
                    out.progress = decl
                }
            }
        }
        var seen: Set<String> = []
        for n in sequence(m["ledgers"], "输出声明的“ledgers”") {
            let what = "输出声明的台账"
            guard let l = mapping(n, what, allowed: ["sheet", "label", "counter", "count_label", "called", "unit_label", "status",
                                                     "done", "not_started", "target", "name", "money", "extras", "urge"]),
                  let sheet = outputSheet(l, n, what, sheets) else { continue }
            if !seen.insert(sheet.id).inserted { fail(l["sheet"], "\(what)“\(sheet.id)”重复声明"); continue }
            guard let label = string(l, "label", what), let status = outputField(l, "status", what, sheet, types: [.choice]),
                  let done = outputChoice(l, "done", what, status, required: true) else { continue }
            var decl = LedgerOutput(sheet: sheet.id, label: label, status: status.id, done: done)
            decl.statuses = status.choices
            decl.notStarted = outputChoice(l, "not_started", what, status)
            decl.counter = string(l, "counter", what, required: false) ?? decl.counter
            decl.countLabel = string(l, "count_label", what, required: false) ?? label
            decl.called = string(l, "called", what, required: false) ?? decl.called
            decl.unitLabel = string(l, "unit_label", what, required: false) ?? decl.unitLabel
            decl.urge = string(l, "urge", what, required: false)
            decl.name = outputField(l, "name", what, sheet, types: [.text], required: false)?.id
            if let t = string(l, "target", what, required: false) {
                if let target = targets.first(where: { $0.id == t }) {
                    if target.sheet != sheet.id || target.field != status.id || target.equals != done {
                        fail(l["target"], "\(what)的目标“\(t)”统计的是表单 \(target.sheet) 字段 \(target.field) 为“\(target.equals)”的行，与本台账的 \(sheet.id)、\(status.id)、“\(done)”不符")
                    }
                    decl.target = t
                } else {
                    fail(l["target"], "\(what)的目标“\(t)”未定义")
                }
            }
            if let mn = l["money"], let mm = mapping(mn, "\(what)的“money”", allowed: ["total", "unit", "parts_label", "parts", "share"]) {
                let mwhat = "\(what)的“money”"
                if let total = outputField(mm, "total", mwhat, sheet, types: [.decimal, .integer]) {
                    var money = MoneyOutput(total: total.id)
                    money.unit = string(mm, "unit", mwhat, required: false) ?? money.unit
                    money.partsLabel = string(mm, "parts_label", mwhat, required: false) ?? money.partsLabel
                    money.parts = outputFields(mm["parts"], mwhat, sheet)
                    if let sn = mm["share"], let sm = mapping(sn, "\(mwhat)的“share”", allowed: ["label", "parts"]) {
                        money.shareLabel = string(sm, "label", "\(mwhat)的“share”")
                        money.shareParts = outputFields(sm["parts"], "\(mwhat)的“share”", sheet)
                        for (id, pn) in strings(sm["parts"], "") where !money.parts.contains(id) && sheet.field(id) != nil {
                            fail(pn, "\(mwhat)的“share”中的字段“\(id)”不在“parts”中")
                        }
                    }
                    decl.money = money
                }
            }
            for en in sequence(l["extras"], "\(what)的“extras”") {
                guard let em = mapping(en, "\(what)的“extras”", allowed: ["field", "label", "unit"]),
                      let f = outputField(em, "field", "\(what)的“extras”", sheet, types: [.integer, .decimal]),
                      let label = string(em, "label", "\(what)的“extras”") else { continue }
                decl.extras.append(LedgerExtra(field: f.id, label: label, unit: string(em, "unit", "\(what)的“extras”", required: false) ?? ""))
            }
            out.ledgers.append(decl)
        }
        if let n = m["liaison"] {
            let what = "输出声明的“liaison”"
            if let l = mapping(n, what, allowed: ["sheet", "name", "title", "phone", "mobile"]), let sheet = outputSheet(l, n, what, sheets),
               let name = outputField(l, "name", what, sheet, types: [.text]) {
                out.liaison = LiaisonOutput(sheet: sheet.id, name: name.id,
                                            title: outputField(l, "title", what, sheet, types: [.text], required: false)?.id,
                                            phone: outputField(l, "phone", what, sheet, types: [.phone, .mobile, .text], required: false)?.id,
                                            mobile: outputField(l, "mobile", what, sheet, types: [.mobile, .phone, .text], required: false)?.id)
            }
        }
        if let n = m["publicity"] {
            let what = "输出声明的“publicity”"
            if let p = mapping(n, what, allowed: ["sheet", "date", "per_month_min"]), let sheet = outputSheet(p, n, what, sheets),
               let date = outputField(p, "date", what, sheet, types: [.date]) {
                var minimum = 0
                if let mn = p["per_month_min"] {
                    if let v = mn.int, v >= 0 { minimum = v } else { fail(mn, "\(what)的“per_month_min”应为非负整数") }
                }
                out.publicity = PublicityOutput(sheet: sheet.id, date: date.id, perMonthMin: minimum)
            }
        }
        if let n = m["summary"] {
            let what = "输出声明的“summary”"
            if let s = mapping(n, what, allowed: ["sheet", "problems", "practice", "plans"]), let sheet = outputSheet(s, n, what, sheets) {
                out.summary = SummaryOutput(sheet: sheet.id,
                                            problems: outputField(s, "problems", what, sheet, types: [.text], required: false)?.id,
                                            practice: outputField(s, "practice", what, sheet, types: [.text], required: false)?.id,
                                            plans: outputField(s, "plans", what, sheet, types: [.text], required: false)?.id)
            }
        }
        if let n = m["indicators"] {
            let what = "输出声明的“indicators”"
            if let i = mapping(n, what, allowed: ["sheet", "name", "unit", "target", "done", "task", "due"]),
               let sheet = outputSheet(i, n, what, sheets) {
                let name = outputField(i, "name", what, sheet, types: [.text])
                let target = outputField(i, "target", what, sheet, types: [.decimal, .integer])
                let done = outputField(i, "done", what, sheet, types: [.decimal, .integer])
                if let name, let target, let done {
                    var decl = IndicatorsOutput(sheet: sheet.id, name: name.id, target: target.id, done: done.id)
                    decl.unit = outputField(i, "unit", what, sheet, types: [.text], required: false)?.id
                    decl.task = outputField(i, "task", what, sheet, types: [.taskRef, .text], required: false)?.id
                    decl.due = outputField(i, "due", what, sheet, types: [.date], required: false)?.id
                    out.indicators = decl
                }
            }
        }
        return out
    }

    /// The sheet a declaration names, reported at its position when the plan has none.
    mutating func outputSheet(_ m: [String: Node], _ node: Node, _ what: String, _ sheets: [SheetSpec]) -> SheetSpec? {
        guard let id = string(m, "sheet", what, required: false) else {
            fail(node, "\(what)缺少“sheet”")
            return nil
        }
        guard let sheet = sheets.first(where: { $0.id == id }) else {
            fail(m["sheet"], "\(what)的表单“\(id)”未定义")
            return nil
        }
        return sheet
    }

    /// The field a declaration names, of an expected type, reported at its position.
    mutating func outputField(_ m: [String: Node], _ key: String, _ what: String, _ sheet: SheetSpec, types: [FieldType],
                              required: Bool = true) -> FieldSpec? {
        guard let id = string(m, key, what, required: required) else { return nil }
        guard let field = sheet.field(id) else {
            fail(m[key], "\(what)的“\(key)”字段“\(id)”不在表单 \(sheet.id) 中")
            return nil
        }
        guard types.contains(field.type) else {
            fail(m[key], "\(what)的“\(key)”字段“\(id)”类型为 \(field.type.rawValue)，应为 \(types.map(\.rawValue).joined(separator: " 或 "))")
            return nil
        }
        return field
    }

    /// A list of numeric fields of a sheet.
    mutating func outputFields(_ node: Node?, _ what: String, _ sheet: SheetSpec) -> [String] {
        strings(node, what).compactMap { id, n in
            guard let field = sheet.field(id) else {
                fail(n, "\(what)的字段“\(id)”不在表单 \(sheet.id) 中")
                return nil
            }
            guard field.type == .decimal || field.type == .integer else {
                fail(n, "\(what)的字段“\(id)”应为数字字段")
                return nil
            }
            return id
        }
    }

    /// A status value a declaration names, which must be one of the field's choices.
    mutating func outputChoice(_ m: [String: Node], _ key: String, _ what: String, _ field: FieldSpec, required: Bool = false) -> String? {
        guard let value = string(m, key, what, required: required) else { return nil }
        guard field.choices.contains(value) else {
            fail(m[key], "\(what)的“\(key)”值“\(value)”不是字段 \(field.id) 的选项（可选：\(field.choices.joined(separator: "、"))）")
            return nil
        }
        return value
    }
}

// MARK: compare rules

extension Reader {
    /// A `kind: compare` rule: left, op, right, when, missing. Sheets, fields and values it names
    /// are checked by `checkRuleReferences` once every sheet is read (a rule may name a later sheet).
    mutating func readCompare(_ m: [String: Node], _ n: Node, sheet: String, label: String, severity: Severity,
                              message: String) -> CompareRule? {
        let what = "\(label)的规则 compare "
        guard let opText = string(m, "op", what) else { return nil }
        guard let op = CompareRule.Operator(rawValue: opText) else {
            fail(m["op"], "\(what)的比较符“\(opText)”无效", allowed: .oneOf(CompareRule.Operator.allCases.map(\.rawValue)))
            return nil
        }
        var missing = CompareRule.Missing.skip
        if let t = string(m, "missing", what, required: false) {
            if let parsed = CompareRule.Missing(rawValue: t) { missing = parsed } else {
                fail(m["missing"], "\(what)的缺值处理“\(t)”无效", allowed: .oneOf(["skip", "zero", "error"]))
            }
        }
        let when = m["when"].flatMap { readFilter($0, sheet: sheet, what: "\(what)的 when") }
        guard let left = readOperand(require(m, "left", at: n, what), sheet: sheet, what: "\(what)的 left"),
              let right = readOperand(require(m, "right", at: n, what), sheet: sheet, what: "\(what)的 right") else { return nil }
        return CompareRule(sheet: sheet, when: when, left: left, op: op, right: right, severity: severity, message: message,
                           missing: missing)
    }

    mutating func readOperand(_ node: Node?, sheet: String, what: String) -> CompareRule.Operand? {
        guard let node, let m = mapping(node, what, allowed: ["field", "value", "sum", "count"]) else { return nil }
        guard m.count == 1, let (key, v) = m.first else {
            fail(node, "\(what) 应只有 field、value、sum、count 之一")
            return nil
        }
        switch key {
        case "field":
            guard let f = text(v, "\(what)的 field") else { return nil }
            ruleReferences.append((sheet, f, nil, v, what))
            return .field(f)
        case "value":
            return number(v, "\(what)的 value").map { .constant($0) }
        default:
            guard let a = mapping(v, "\(what)的 \(key)", allowed: key == "sum" ? ["sheet", "field", "where"] : ["sheet", "where"]) else { return nil }
            let other = string(a, "sheet", "\(what)的 \(key)", required: false) ?? sheet
            if a["sheet"] != nil { ruleReferences.append((other, nil, nil, a["sheet"], what)) }
            let filter = a["where"].flatMap { readFilter($0, sheet: other, what: "\(what)的 where") }
            if key == "count" { return .count(sheet: other, where: filter) }
            guard let f = string(a, "field", "\(what)的 sum") else { return nil }
            ruleReferences.append((other, f, nil, a["field"], what))
            return .sum(sheet: other, field: f, where: filter)
        }
    }

    mutating func readFilter(_ node: Node, sheet: String, what: String) -> CompareRule.Filter? {
        guard let m = mapping(node, what, allowed: ["field", "equals"]), let f = string(m, "field", what),
              let e = string(m, "equals", what) else { return nil }
        ruleReferences.append((sheet, f, nil, m["field"], what))
        ruleReferences.append((sheet, f, e, m["equals"], what))
        return CompareRule.Filter(field: f, equals: e)
    }

    /// Reports, at its position, a sheet, field or choice value a compare rule names that the
    /// plan does not have.
    mutating func checkRuleReferences(_ sheets: [SheetSpec]) {
        for ref in ruleReferences {
            guard let sheet = sheets.first(where: { $0.id == ref.sheet }) else {
                if ref.field == nil { fail(ref.node, "\(ref.what) 引用的表单“\(ref.sheet)”未定义") }
                continue
            }
            guard let id = ref.field else { continue }
            guard let field = sheet.field(id) else {
                if ref.value == nil { fail(ref.node, "\(ref.what) 引用了不存在的字段“\(id)”（表单 \(sheet.id)）") }
                continue
            }
            if let value = ref.value, field.type == .choice, !field.choices.contains(value) {
                fail(ref.node, "\(ref.what) 的值“\(value)”不是字段 \(id) 的选项（可选：\(field.choices.joined(separator: "、"))）")
            }
        }
    }
}
