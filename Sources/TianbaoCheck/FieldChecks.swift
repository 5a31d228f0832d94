import Foundation
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Fields: each cell's value read as its field's type (repairs reported as warnings), then
/// required, bounds, length, pattern and task references. Any error keeps the row out.
extension SubmissionChecker {
    /// Reads the fields of one row. Returns the values read and false when an error keeps the
    /// row out of the totals.
    func checkFields(_ ws: Worksheet, sheet: SheetSpec, row: Int, workbook: Workbook, explained: Bool,
                     context: inout Context) -> (FieldValues, Bool) {
        var values = FieldValues(keys: context.keys(for: sheet))
        var accepted = true
        for (i, field) in sheet.fields.enumerated() {
            let column = i + 1
            let cell = ws.cell(CellReference(row: row, column: column))
            var at: String { ref(row, column) }  // built only when a problem names the cell
            if field.prefilled != nil {
                if let v = cell?.value { values.set(i, .text(v.text)) }
                continue
            }
            let format = cell.flatMap { workbook.numberFormatCode(ofStyle: $0.styleIndex) }
            switch FieldReader.read(cell?.value, format: format, as: field) {
            case .empty:
                if field.required {
                    context.fail(sheet.name, at, .required, "", CheckWording.required(field.name))
                    accepted = false
                }
            case .invalid(let what):
                let found = cell?.value?.text ?? ""
                let typedAsText = [.integer, .decimal, .percent, .date].contains(field.type) && cell?.value.map(Self.isTextWithDigit) == true
                context.fail(sheet.name, at, .type, found, typedAsText
                    ? RuleMessages.unreadableText(field.name, date: field.type == .date, what, found: found)
                    : RuleMessages.type(field.name, what, found: found))
                accepted = false
            case .value(let value, let repair):
                if let repair {
                    context.fail(sheet.name, at, .repaired, cell?.value?.text ?? "", RuleMessages.repaired(field.name, repair),
                                 explained: explained)
                }
                if let problem = bounds(value, field: field) {
                    context.fail(sheet.name, at, problem.rule, value.text, problem.message)
                    accepted = false
                    continue
                }
                if field.type == .taskRef, !context.unitTasks.contains(value.text) {
                    context.fail(sheet.name, at, .taskRef, value.text,
                                 CheckWording.notUnitTask(value.text, unitTasks: context.unitTasks.sorted()))
                    accepted = false
                    continue
                }
                values.set(i, value)
            }
        }
        return (values, accepted)
    }

    /// Text holding a digit (ASCII or full-width), as the templates' 自查 tells numbers and
    /// dates typed as text.
    static func isTextWithDigit(_ value: CellValue) -> Bool {
        guard case .string(let s) = value else { return false }
        return s.unicodeScalars.contains { ("0"..."9").contains($0) || (0xFF10...0xFF19).contains($0.value) }
    }

    /// A `text` sheet: one field per line, the answer in column B; recorded as one row.
    func checkText(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let first = TemplateLayout.firstDataRow
        var values = FieldValues(keys: sheet.fields.map(\.id))
        var accepted = true
        for (i, field) in sheet.fields.enumerated() {
            let cell = ws.cell(CellReference(row: first + i, column: 2))
            let text = cell?.value.map(FieldReader.textOf)?.trimmedSpace ?? ""
            if text.isEmpty {
                if field.required {
                    context.fail(sheet.name, ref(first + i, 2), .required, "", CheckWording.required(field.name))
                    accepted = false
                }
                continue
            }
            if let max = field.maxLength, text.count > max {
                context.fail(sheet.name, ref(first + i, 2), .maxLength, "\(text.count) 字",
                             CheckWording.tooLong(field.name, max, found: text.count))
                accepted = false
            }
            values[field.id] = .text(text)
        }
        context.rows.append(CheckedRow(sheet: sheet.id, row: first, values: values, explanation: nil, accepted: accepted))
    }

    /// The bound a value breaks (min, max, length, pattern), with its message.
    private func bounds(_ value: FieldValue, field: FieldSpec) -> (rule: Rule, message: String)? {
        switch value {
        case .number(let n):
            if let lo = field.min, n < lo { return (.min, RuleMessages.below(field.name, lo, found: n)) }
            if let hi = field.max, n > hi { return (.max, RuleMessages.above(field.name, hi, found: n)) }
        case .date(let d):
            if let lo = field.minDay, d < lo { return (.min, RuleMessages.earlier(field.name, lo, found: d)) }
            if let hi = field.maxDay, d > hi { return (.max, RuleMessages.later(field.name, hi, found: d)) }
        case .text(let s):
            if let max = field.maxLength, s.count > max {
                return (.maxLength, CheckWording.tooLong(field.name, max, found: s.count))
            }
            if let p = field.pattern, s.range(of: p, options: .regularExpression) == nil {
                return (.pattern, RuleMessages.pattern(field.name, found: s))
            }
        }
        return nil
    }
}
