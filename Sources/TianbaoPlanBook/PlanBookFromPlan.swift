import TianbaoPlan
import XLSX

/// A plan laid out in the plan workbook's sheets (the writer's input, and the canonical form
/// the YAML export is made from).
extension PlanBookContent {
    init(plan: Plan) {
        self.init()
        let L = PlanBookLayout.self
        let names = UnitNames(plan: plan)

        // 基本信息: every item, in order.
        let briefing = plan.briefing
        var basics: [String: BookValue?] = [
            "plan": .text(plan.id), "version": .text(plan.version), "title": .text(plan.title), "subject": .text(plan.subject),
            "issued": plan.issued.map { .date($0) },
            "office.name": .text(plan.office.name), "office.host_unit": .text(names.name(plan.office.hostUnit)),
            "office.director": .text(plan.office.director), "office.contact": .text(plan.office.contact),
            "office.phone": .text(plan.office.phone), "office.email": .text(plan.office.email),
            "briefing.masthead": .text(briefing.masthead), "briefing.first_issue": .number(Double(briefing.firstIssue)),
            "briefing.send_to": .text(briefing.sendTo.joined(separator: "\n")),
            "briefing.copy_to": .text(briefing.copyTo.joined(separator: "\n")),
        ]
        if plan.office.hostUnit.isEmpty { basics["office.host_unit"] = .some(nil) }
        for item in L.basicItems {
            append(L.basics, [.text(item.label), basics[item.key] ?? nil, .text(item.hint)])
        }

        for m in plan.leadingGroup {
            append(L.leadingGroup, [m.role.map { .text($0) }, .text(m.name), .text(m.title)])
        }
        for u in plan.units {
            let members = u.members.map { "\($0.name)（\($0.title)）" }.joined(separator: "\n")
            append(L.units, [.text(u.id), .text(u.name), .text(u.kind.rawValue), members.isEmpty ? nil : .text(members)])
        }
        for g in plan.unitGroups {
            append(L.unitGroups, [.text(g.id), .text(g.label), .text(CellList.join(g.units.map { names.name($0) }))])
        }
        for g in plan.taskGroups { append(L.taskGroups, [.text(g.id), .text(g.title)]) }
        for t in plan.tasks {
            append(L.tasks, [.text(t.id), .text(t.group), .text(t.title), t.text.isEmpty ? nil : .text(t.text),
                             .text(names.fromLabel(t.leadLabel)), names.fromLabel(t.responsibleLabel).nonEmpty,
                             t.deliverables.isEmpty ? nil : .text(t.deliverables.joined(separator: "\n")),
                             t.deadline.map { .date($0) }])
        }
        for p in plan.phases { append(L.phases, [.text(p.id), .text(p.name), .date(p.start), .date(p.end)]) }
        for t in plan.targets {
            let shares = t.shares.map { "\(names.name($0.unit))：\(NumberText.format($0.value))" }.joined(separator: "\n")
            append(L.targets, [.text(t.id), .text(t.name), .number(t.value), t.unit.isEmpty ? nil : .text(t.unit), .date(t.due),
                               .text(t.sheet), .text(t.field), .text(t.equals), shares.nonEmpty])
        }
        for id in plan.choiceOrder { append(L.choices, [.text(id), .text(CellList.join(plan.choices[id] ?? []))]) }

        for s in plan.sheets {
            append(L.sheets, [.text(s.id), .text(s.name), .text(Vocabulary.sheetKind.label(s.kind.rawValue)),
                              s.title == s.name ? nil : .text(s.title), s.units.flatMap { names.compressed($0).nonEmpty },
                              s.kind == .rows ? .number(Double(s.rows)) : nil, s.carry ? .text("是") : nil])
            for f in s.fields {
                var min: BookValue? = f.min.map { .number($0) }
                var max: BookValue? = f.max.map { .number($0) }
                if f.type == .date {
                    min = f.minDay.map { .date($0) }
                    max = f.maxDay.map { .date($0) }
                }
                append(L.fields, [.text(s.id), .text(f.id), .text(f.name), .text(Vocabulary.fieldType.label(f.type.rawValue)),
                                  .text(f.required ? "是" : "否"), min, max, f.maxLength.map { .number(Double($0)) },
                                  f.choicesId.map { .text($0) }, f.prefilled.map { .text(Vocabulary.prefill.label($0.rawValue)) },
                                  f.pattern.map { .text($0) }, f.width.map { .number($0) }, f.maxChangePercent.map { .number($0) },
                                  f.cumulative ? .text("是") : nil])
            }
            for r in s.rules { append(L.rules, RuleCells(sheet: s.id, rule: r).cells) }
        }
        for r in plan.rounds {
            append(L.rounds, [.text(r.id), .text(r.kind.rawValue), .text(r.title), .date(r.start), .date(r.due),
                              .text(CellList.join(r.sheets)), r.units.flatMap { names.compressed($0).nonEmpty },
                              r.resubmitBy.map { .date($0) }])
        }
        appendOutputs(plan.outputs)
    }

    private mutating func appendOutputs(_ o: OutputDeclarations) {
        let sheet = PlanBookLayout.outputs
        func row(_ declaration: String, _ key: String, _ value: String?, group: String) {
            guard let value else { return }
            let item = PlanBookLayout.outputItems.first { $0.key == group }!.items.first { $0.key == key }!
            append(sheet, [.text(declaration), .text(item.label), .text(value), .text(item.hint)])
        }
        let w = o.words
        row("称呼", "whole", w.whole, group: "words")
        row("称呼", "units", w.units, group: "words")
        row("称呼", "targets_heading", w.targetsHeading, group: "words")
        if let p = o.progress {
            for (k, v) in [("sheet", p.sheet), ("task", p.task), ("status", p.status)] { row("进展表", k, v, group: "progress") }
            for (k, v) in [("percent", p.percent), ("problems", p.problems), ("next", p.next), ("done", p.done), ("lagging", p.lagging),
                           ("not_started", p.notStarted)] { row("进展表", k, v, group: "progress") }
        }
        for (i, l) in o.ledgers.enumerated() {
            let d = "台账\(i + 1)"
            for (k, v) in [("sheet", l.sheet), ("label", l.label), ("counter", l.counter), ("count_label", l.countLabel),
                           ("called", l.called), ("unit_label", l.unitLabel), ("status", l.status), ("done", l.done)] {
                row(d, k, v, group: "ledgers")
            }
            for (k, v) in [("not_started", l.notStarted), ("target", l.target), ("name", l.name)] { row(d, k, v, group: "ledgers") }
            if let m = l.money {
                row(d, "money.total", m.total, group: "ledgers")
                row(d, "money.unit", m.unit, group: "ledgers")
                row(d, "money.parts_label", m.partsLabel, group: "ledgers")
                row(d, "money.parts", m.parts.isEmpty ? nil : CellList.join(m.parts), group: "ledgers")
                if let label = m.shareLabel {
                    row(d, "money.share.label", label, group: "ledgers")
                    row(d, "money.share.parts", CellList.join(m.shareParts), group: "ledgers")
                }
            }
            for e in l.extras { row(d, "extras", e.unit.isEmpty ? "\(e.field)=\(e.label)" : "\(e.field)=\(e.label)（\(e.unit)）", group: "ledgers") }
            row(d, "urge", l.urge, group: "ledgers")
        }
        if let l = o.liaison {
            for (k, v) in [("sheet", l.sheet), ("name", l.name), ("title", l.title), ("phone", l.phone), ("mobile", l.mobile)] {
                row("联络表", k, v, group: "liaison")
            }
        }
        if let p = o.publicity {
            for (k, v) in [("sheet", p.sheet), ("date", p.date), ("per_month_min", String(p.perMonthMin))] { row("宣传表", k, v, group: "publicity") }
        }
        if let s = o.summary {
            for (k, v) in [("sheet", s.sheet), ("problems", s.problems), ("practice", s.practice), ("plans", s.plans)] {
                row("小结表", k, v, group: "summary")
            }
        }
        if let i = o.indicators {
            for (k, v) in [("sheet", i.sheet), ("name", i.name), ("unit", i.unit), ("target", i.target), ("done", i.done),
                           ("task", i.task), ("due", i.due)] {
                row("指标表", k, v, group: "indicators")
            }
        }
    }
}

private extension String {
    var nonEmpty: BookValue? { isEmpty ? nil : .text(self) }
}

/// A rule in the 规则 sheet's columns: 表单, 规则类型, 级别, 条件, 左边, 比较符, 右边, 最小值, 最大值,
/// 缺值处理, 提示信息.
struct RuleCells {
    var cells: [BookValue?]

    init(sheet: String, rule: RowRule) {
        var kind = "", severity = Severity.error, message = ""
        var condition: String?, left: String?, op: String?, right: String?, min: Double?, max: Double?, missing: String?
        switch rule {
        case .implies(let c, let then, let s, let m):
            kind = "implies"; severity = s; message = m
            condition = "\(c.field)=\(c.equals)"
            switch then {
            case .equals(let f, let v): left = f; op = "="; right = v
            case .required(let f): left = f; op = "必填"
            }
        case .notAfterRoundEnd(let f, let s, let m): kind = "not_after_round_end"; severity = s; message = m; left = f
        case .notBefore(let f, let o, let s, let m): kind = "not_before"; severity = s; message = m; left = f; right = o
        case .sum(let fs, let eq, let s, let m): kind = "sum"; severity = s; message = m; left = CellList.join(fs); right = eq
        case .range(let f, let a, let b, let s, let m): kind = "range"; severity = s; message = m; left = f; min = a; max = b
        case .unique(let f, let s, let m): kind = "unique"; severity = s; message = m; left = f
        case .minRowsPerMonth(let f, let n, let s, let m): kind = "min_rows_per_month"; severity = s; message = m; left = f; min = Double(n)
        case .compare(let r):
            kind = "compare"; severity = r.severity; message = r.message
            condition = r.when.map { "\($0.field)=\($0.equals)" }
            left = OperandText.write(r.left, ownSheet: sheet)
            op = r.op.rawValue
            right = OperandText.write(r.right, ownSheet: sheet)
            missing = Vocabulary.missing.label(r.missing.rawValue)
        }
        cells = [.text(sheet), .text(Vocabulary.ruleKind.label(kind)), .text(Vocabulary.severity.label(severity.rawValue)),
                 condition.map { .text($0) }, left.map { .text($0) }, op.map { .text($0) }, right.map { .text($0) },
                 min.map { .number($0) }, max.map { .number($0) }, missing.map { .text($0) }, .text(message)]
    }
}

/// The micro-syntax of a compare rule's side: `字段`, a number, `求和（表单.字段）`,
/// `求和（表单.字段，字段=值）`, `计数（表单）`, `计数（表单，字段=值）` (the reader also takes half-width parentheses).
enum OperandText {
    static func write(_ operand: CompareRule.Operand, ownSheet: String) -> String {
        switch operand {
        case .field(let f): return f
        case .constant(let v): return NumberText.format(v)
        case .sum(let s, let f, let w): return "求和（\(s).\(f)\(w.map { "，\($0.field)=\($0.equals)" } ?? "")）"
        case .count(let s, let w): return "计数（\(s)\(w.map { "，\($0.field)=\($0.equals)" } ?? "")）"
        }
    }
}

/// Unit ids as the workbook writes them: by full name, with a run of a group's members written
/// as the group's name.
struct UnitNames {
    let plan: Plan

    func name(_ id: String) -> String { plan.unit(id)?.name ?? id }

    /// Ids as names, each run of a whole group (in the group's order) as the group's label.
    func compressed(_ ids: [String]) -> String {
        var out: [String] = []
        var i = 0
        next: while i < ids.count {
            for g in plan.unitGroups where !g.units.isEmpty && i + g.units.count <= ids.count
                && Array(ids[i..<(i + g.units.count)]) == g.units {
                out.append(g.label)
                i += g.units.count
                continue next
            }
            out.append(name(ids[i]))
            i += 1
        }
        return CellList.join(out)
    }

    /// A task's unit label as written in YAML (`fgj、各区人民政府`: unit ids and group labels)
    /// with every unit id as its name.
    func fromLabel(_ label: String) -> String {
        var parts: [String] = []
        var rest = Substring(label)
        let labels = plan.unitGroups.map(\.label).sorted { $0.count > $1.count }
        while !rest.isEmpty {
            if let g = labels.first(where: { rest.hasPrefix($0) && (rest.count == $0.count || rest.dropFirst($0.count).first == "、") }) {
                parts.append(g)
                rest = rest.dropFirst(g.count)
            } else {
                let id = rest.prefix { $0 != "、" }
                parts.append(name(String(id)))
                rest = rest.dropFirst(id.count)
            }
            if rest.first == "、" { rest = rest.dropFirst() }
        }
        return CellList.join(parts)
    }
}
