import Foundation
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Row rules: the plan's rules over one row (implies, dates, sums, ranges), over a whole sheet
/// (unique, rows per month), over the file (`kind: compare`), and the publicity items dated
/// after the file was saved.
extension SubmissionChecker {
    /// The plan's rules over one row's values. Returns false when an error keeps the row out.
    func checkRowRules(_ values: FieldValues, sheet: SheetSpec, row: Int, explained: Bool, context: inout Context) -> Bool {
        var accepted = true
        for rule in sheet.rules {
            if let (severity, cellField, message, value) = violation(rule, values: values, sheet: sheet, round: context.round) {
                let column = (sheet.fields.firstIndex { $0.id == cellField } ?? 0) + 1
                context.fail(sheet.name, ref(row, column), rule.rule, value, message, severity: severity, explained: explained)
                if severity == .error { accepted = false }
            }
        }
        return accepted
    }

    /// The violation of a row rule by one row: severity, the field whose cell to point at,
    /// message and the value found.
    private func violation(_ rule: RowRule, values: FieldValues, sheet: SheetSpec,
                           round: Round) -> (Severity, String, String, String)? {
        func matches(_ v: FieldValue?, _ text: String) -> Bool {
            guard let v else { return false }
            if case .number(let n) = v, let t = Double(text) { return n == t }
            return v.text == text
        }
        switch rule {
        case .implies(let condition, let then, let severity, let message):
            guard matches(values[condition.field], condition.equals) else { return nil }
            switch then {
            case .equals(let field, let value):
                guard let v = values[field] else { return nil }  // a missing required value is reported already
                return matches(v, value) ? nil : (severity, field, message, v.text)
            case .required(let field):
                return values[field] == nil ? (severity, field, message, "") : nil
            }
        case .notAfterRoundEnd(let field, let severity, let message):
            guard let d = values[field]?.day, d > round.due else { return nil }
            return (severity, field, CheckWording.afterRoundEnd(message, due: round.due), d.description)
        case .notBefore(let field, let other, let severity, let message):
            guard let d = values[field]?.day, let o = values[other]?.day, d < o else { return nil }
            return (severity, field, message, "\(d) < \(o)")
        case .sum(let fields, let total, let severity, let message):
            let parts = fields.compactMap { values[$0]?.number }
            guard !parts.isEmpty, let t = values[total]?.number else { return nil }
            let sum = parts.reduce(0, +)
            guard abs(sum - t) > 0.005 else { return nil }
            // The total named as the plan names it, without its unit (`计划投资`, not `计划投资（万元）`).
            let totalName = (sheet.field(total)?.name ?? total).split(whereSeparator: { $0 == "（" || $0 == "(" }).first.map(String.init) ?? total
            let found = FieldReader.rounded(sum)
            return (severity, fields[0], RuleMessages.sum(message, sum: found, totalName: totalName, total: t), NumberText.format(found))
        case .range(let field, let lo, let hi, let severity, let message):
            guard let n = values[field]?.number else { return nil }
            if let lo, n < lo { return (severity, field, message, NumberText.format(n)) }
            if let hi, n > hi { return (severity, field, message, NumberText.format(n)) }
            return nil
        case .unique, .minRowsPerMonth, .compare:
            return nil  // over the whole sheet (checkSheetRules) or the file (checkCompareRules)
        }
    }

    /// Rules over all rows of a sheet: duplicates, rows per month.
    func checkSheetRules(sheet: SheetSpec, context: inout Context) {
        let rows = context.rows.filter { $0.sheet == sheet.id }
        for rule in sheet.rules {
            switch rule {
            case .unique(let field, let severity, let message):
                var seen: [String: Int] = [:]
                let column = (sheet.fields.firstIndex { $0.id == field } ?? 0) + 1
                for row in rows {
                    guard let v = row.values[field]?.text else { continue }
                    if let first = seen[v] {
                        context.fail(sheet.name, ref(row.row, column), .unique, v, RuleMessages.unique(message, value: v, firstRow: first),
                                     severity: severity, explained: row.explanation != nil)
                        if severity == .error, let i = context.rows.firstIndex(where: { $0.sheet == sheet.id && $0.row == row.row }) {
                            context.rows[i].accepted = false
                        }
                    } else {
                        seen[v] = row.row
                    }
                }
            case .minRowsPerMonth(let field, let count, let severity, let message):
                var month = Day(year: context.round.start.year, month: context.round.start.month, day: 1)
                while month <= context.round.due {
                    let n = rows.filter { $0.accepted && $0.values[field]?.day.map { $0.year == month.year && $0.month == month.month } ?? false }.count
                    if n < count {
                        context.fail(sheet.name, nil, .minRowsPerMonth, "\(month.year)年\(month.month)月 \(n) 篇",
                                     RuleMessages.minRowsPerMonth(message, year: month.year, month: month.month, found: n),
                                     severity: severity)
                    }
                    month = month.month == 12 ? Day(year: month.year + 1, month: 1, day: 1)
                        : Day(year: month.year, month: month.month + 1, day: 1)
                }
            default:
                continue
            }
        }
    }

    /// `kind: compare` rules, once every sheet of the file is read: each finding at its cell;
    /// an error keeps its row out of the totals.
    func checkCompareRules(unit: ReportingUnit, round: Round, context: inout Context) {
        let sheets = plan.sheets(for: unit, in: round)
        let rules = sheets.flatMap { $0.rules.compactMap { rule -> CompareRule? in
            if case .compare(let c) = rule { return c }
            return nil
        } }
        guard !rules.isEmpty else { return }
        let present = Set(sheets.map(\.id))
        for f in CompareRules.evaluate(rules, plan: plan, present: present, rows: context.rows) {
            context.fail(plan.sheet(f.sheet)?.name, f.cell, .compare, f.value, f.message, severity: f.severity, explained: f.explained)
            if f.severity == .error, let row = f.row,
               let i = context.rows.firstIndex(where: { $0.sheet == f.sheet && $0.row == row }) {
                context.rows[i].accepted = false
            }
        }
    }

    /// A publicity item (the sheet and date field the plan's `outputs: publicity` declares)
    /// dated after the day the workbook says it was saved (China time): a warning at the date,
    /// which the row's 说明 answers. Skipped without the declaration or the workbook's record.
    func checkDatedAfterSave(_ values: FieldValues, sheet: SheetSpec, row: Int, explained: Bool, context: inout Context) {
        guard let publicity = plan.outputs.publicity, publicity.sheet == sheet.id, let saved = context.savedInWorkbook,
              let date = values[publicity.date]?.day, let column = sheet.fields.firstIndex(where: { $0.id == publicity.date })
        else { return }
        let t = CivilCalendar.local(unixSeconds: Int64(saved.timeIntervalSince1970.rounded(.down)),
                                    offsetSeconds: CivilCalendar.chinaOffsetSeconds)
        guard date > Day(year: t.year, month: t.month, day: t.day) else { return }
        let time = String(format: "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute)
        context.fail(sheet.name, ref(row, column + 1), .datedAfterSave, date.description,
                     RuleMessages.datedAfterSave(sheet.fields[column].name, date, saved: time), explained: explained)
    }
}
