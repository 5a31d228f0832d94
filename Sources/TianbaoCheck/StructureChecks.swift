import Foundation
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Structure: each sheet's headers, the pre-filled task rows (none added, deleted or
/// altered), which rows of a sheet hold data, the nil return (本期无) and one-row sheets. A
/// changed header or task row rejects the file; otherwise each data row goes on to its fields
/// and rules (`checkRow`).
extension SubmissionChecker {
    func checkSheet(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let headerRow = TemplateLayout.headerRow
        if sheet.kind != .text {
            for (i, field) in sheet.fields.enumerated() {
                let found = ws.cell(CellReference(row: headerRow, column: i + 1))?.value?.text ?? ""
                if found != TemplateLayout.header(field) {
                    context.fail(sheet.name, ref(headerRow, i + 1), .headerChanged, found,
                                 RuleMessages.headerChanged(expected: TemplateLayout.header(field), found: found))
                    return
                }
            }
        }
        switch sheet.kind {
        case .tasks: checkTaskRows(ws, sheet: sheet, workbook: workbook, context: &context)
        case .rows, .single: checkInputRows(ws, sheet: sheet, workbook: workbook, context: &context)
        case .text: checkText(ws, sheet: sheet, workbook: workbook, context: &context)
        }
    }

    private func checkTaskRows(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let expected = TemplateContent.taskRows(plan: plan, unit: context.unit, sheet: sheet)
        let prefilled = sheet.fields.enumerated().filter { $0.element.prefilled != nil }
        let first = TemplateLayout.firstDataRow
        // Rows that carry anything in a pre-filled column, by row number.
        let lastRow = ws.rows.filter { row in row.index >= first && row.cells.contains { c in
            prefilled.contains { $0.offset + 1 == c.reference.column } } }.map(\.index).max() ?? (first - 1)
        let found = lastRow - first + 1
        if found > expected.count {
            context.fail(sheet.name, ref(first + expected.count, 1), .taskRowsAdded, "\(found) 行",
                         RuleMessages.taskRowsAdded(expected: expected.count, found: found))
            return
        }
        if found < expected.count {
            context.fail(sheet.name, ref(first + max(found, 0), 1), .taskRowsDeleted, "\(max(found, 0)) 行",
                         RuleMessages.taskRowsDeleted(expected: expected.count, found: max(found, 0)))
            return
        }
        var altered = false
        for (i, expectedRow) in expected.enumerated() {
            for (c, _) in prefilled {
                let cell = ws.cell(CellReference(row: first + i, column: c + 1))
                let text = cell?.value?.text ?? ""
                if text != expectedRow[c] {
                    context.fail(sheet.name, ref(first + i, c + 1), .prefilledAltered, text,
                                 RuleMessages.prefilledAltered(expected: expectedRow[c]))
                    altered = true
                }
            }
        }
        if altered { return }
        for i in 0..<expected.count {
            checkRow(ws, sheet: sheet, row: first + i, workbook: workbook, context: &context, always: true)
        }
    }

    private func checkInputRows(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let first = TemplateLayout.firstDataRow
        let columns = TemplateLayout.columnCount(sheet)
        let dataRows = ws.rows.filter { row in
            row.index >= first && row.cells.contains { $0.reference.column <= columns && !Self.isBlank($0.value) }
        }
        var declaredNil = false
        if sheet.kind == .rows {
            let answer = ws.cell(CellReference(row: TemplateLayout.nilRow, column: TemplateLayout.nilColumn))?.value?.text
                .trimmingCharacters(in: .whitespaces)
            declaredNil = answer == TemplateLayout.nilAnswer
            if declaredNil {
                context.nilSheets.append(sheet.id)
                if !dataRows.isEmpty {
                    context.fail(sheet.name, ref(TemplateLayout.nilRow, TemplateLayout.nilColumn), .nilWithData,
                                 answer ?? "", CheckWording.nilWithData(rows: "\(dataRows.count)"))
                }
            }
        }
        if dataRows.isEmpty {
            if sheet.kind == .single {
                context.fail(sheet.name, ref(first, 1), .required, "", CheckWording.singleSheetEmpty(sheet.name))
            } else if !declaredNil {
                context.fail(sheet.name, ref(TemplateLayout.nilRow, TemplateLayout.nilColumn), .emptySheet, "",
                             CheckWording.rowsSheetEmpty(sheet.name, nilAnswer: TemplateLayout.nilAnswer))
            }
        } else if sheet.kind == .single && dataRows.count > 1 {
            context.fail(sheet.name, ref(dataRows[1].index, 1), .oneRow, "\(dataRows.count) 行",
                         RuleMessages.oneRow(sheet.name, found: dataRows.count))
        }
        for row in dataRows {
            checkRow(ws, sheet: sheet, row: row.index, workbook: workbook, context: &context, always: false)
        }
        // One rule for every sheet: a row an error points at is not merged. On a one-row sheet
        // the rows after the first are the ones in error.
        if sheet.kind == .single && dataRows.count > 1 {
            for i in context.rows.indices where context.rows[i].sheet == sheet.id && context.rows[i].row > dataRows[0].index {
                context.rows[i].accepted = false
            }
        }
        checkSheetRules(sheet: sheet, context: &context)
    }

    static func isBlank(_ value: CellValue?) -> Bool {
        guard let value else { return true }
        if case .string(let s) = value { return s.trimmedSpace.isEmpty }
        return false
    }
}
