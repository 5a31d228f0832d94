import Foundation
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// One data row of a returned file, read into the plan's fields.
public struct CheckedRow: Sendable {
    /// Sheet id.
    public var sheet: String
    /// 1-based row in the file.
    public var row: Int
    /// Values by field id (absent when empty).
    public var values: FieldValues
    /// The unit's 说明 (合理性说明), if any.
    public var explanation: String?
    /// False when an error keeps the row out of the consolidated workbook.
    public var accepted: Bool
}

/// A returned file after checking.
public struct Submission: Sendable {
    public var file: String
    public var path: String
    public var sha256: String
    /// When the unit last saved the file: the workbook's own record (docProps/core.xml
    /// `modified`), else the file's modification time.
    public var savedAt: Date?
    public var identity: TemplateIdentity?
    public var unit: ReportingUnit?
    public var roundId: String?
    public var problems: [Problem] = []
    /// The checked rows, in file order: in memory (`check`), or in a round's row store after
    /// `spill(to:)` (`merge`), read back through the store's owner (`RoundResult.rows(of:)`).
    /// Either way a read gives every row or throws (`RowStoreError`), never empty rows.
    public func rows(in store: RowSpill?) throws -> [CheckedRow] {
        guard let handle = storedRows else { return inlineRows }
        guard let store else { throw RowStoreError(.otherStore) }
        return try store.rows(handle)
    }
    /// Replaces the rows (in memory from then on) and their counts.
    public mutating func setRows(_ rows: [CheckedRow]) {
        inlineRows = rows
        storedRows = nil
        counts = Self.counts(of: rows)
    }
    private var inlineRows: [CheckedRow] = []
    private var storedRows: RowSpill.Handle?
    /// Rows read, and accepted rows by sheet id: known without reading spilled rows back.
    private var counts: (read: Int, accepted: [String: Int]) = (0, [:])
    /// Sheets declared 本期无 (nil return), by id.
    public var nilSheets: [String] = []
    public var hasMacros = false

    public init(file: String, path: String, sha256: String) {
        self.file = file
        self.path = path
        self.sha256 = sha256
    }

    /// True when nothing makes the whole file unacceptable.
    public var fileAccepted: Bool {
        !problems.contains { $0.severity == .error && $0.isFileLevel }
    }
    public var errorCount: Int { problems.filter { $0.severity == .error }.count }
    public var warningCount: Int { problems.filter { $0.severity == .warning }.count }
    public var rowsRead: Int { counts.read }
    public var rowsAccepted: Int { fileAccepted ? counts.accepted.values.reduce(0, +) : 0 }
    /// Accepted rows of one sheet (whether or not the file is accepted).
    public func acceptedRows(in sheet: String) -> Int { counts.accepted[sheet] ?? 0 }

    /// Moves the rows out of memory into `spill` (the round's row store, which owns them from
    /// then on).
    public mutating func spill(to spill: RowSpill) {
        guard storedRows == nil, !inlineRows.isEmpty else { return }
        storedRows = spill.store(inlineRows)
        inlineRows = []
    }

    private static func counts(of rows: [CheckedRow]) -> (read: Int, accepted: [String: Int]) {
        var accepted: [String: Int] = [:]
        for row in rows where row.accepted { accepted[row.sheet, default: 0] += 1 }
        return (rows.count, accepted)
    }
}

extension Problem {
    /// File-level rules reject the whole file.
    public var isFileLevel: Bool {
        [FileRule.unreadable, FileRule.notTemplate, FileRule.wrongPlan, FileRule.wrongRound, FileRule.unknownUnit,
         FileRule.badSignature, FileRule.missingSheet, FileRule.headerChanged, FileRule.prefilledAltered,
         FileRule.rowsAdded, FileRule.rowsDeleted].contains(rule)
    }
}

/// Checks returned files against the plan: identification and signature, structure, the
/// pre-filled task rows, every field and rule.
public struct SubmissionChecker: Sendable {
    public let plan: Plan
    public let key: SigningKey
    /// The round being collected; a file for another round is rejected. Nil accepts any round
    /// of the plan (for `check` on loose files).
    public let round: String?
    public let limits: ReadLimits

    public init(plan: Plan, key: SigningKey, round: String?, limits: ReadLimits = .standard) {
        self.plan = plan
        self.key = key
        self.round = round
        self.limits = limits
    }

    /// The same checker reading each file on one thread (no reading ahead), for callers that
    /// already check several files at once on all cores, where more threads only add work.
    public var readingOneThreadPerFile: SubmissionChecker {
        SubmissionChecker(plan: plan, key: key, round: round, limits: limits.readingOnOneThread)
    }

    /// Checks one file. Never throws: whatever is wrong becomes a problem.
    public func check(path: String, name: String? = nil) -> Submission {
        let file = name ?? (path as NSString).lastPathComponent
        var s = Submission(file: file, path: path, sha256: Digest.sha256Hex(ofFile: path) ?? "")
        let workbook: Workbook
        do {
            workbook = try Workbook(path: path, limits: limits)
        } catch let error as XLSXError {
            s.problems.append(Problem(severity: .error, file: file, unit: nil, sheet: nil, cell: nil,
                                      rule: FileRule.unreadable, value: error.code, message: error.message))
            s.savedAt = Self.modificationTime(path)
            return s
        } catch {
            s.problems.append(Problem(severity: .error, file: file, unit: nil, sheet: nil, cell: nil,
                                      rule: FileRule.unreadable, value: "", message: "文件“\(file)”无法读取。"))
            return s
        }
        s.savedAt = Self.coreDate(workbook.properties.core["modified"]) ?? Self.modificationTime(path)
        s.hasMacros = workbook.hasMacros
        if s.hasMacros {
            s.problems.append(Problem(severity: .warning, file: file, unit: nil, sheet: nil, cell: nil, rule: "macros-ignored",
                                      value: "", message: "文件含有宏（VBA），宏已被忽略、不会运行。请使用下发的 .xlsx 模板报送。"))
        }
        guard identify(workbook, into: &s), let unit = s.unit, let roundId = s.roundId, let round = plan.round(roundId) else {
            return s
        }
        var context = Context(file: file, unit: unit, round: round, unitTasks: Set(plan.tasks(for: unit.id).map(\.task.id)))
        for sheet in plan.sheets(for: unit, in: round) {
            guard let info = workbook.sheet(named: sheet.name) else {
                context.fail(nil, nil, FileRule.missingSheet, "", "缺少工作表“\(sheet.name)”。请使用下发的模板，不要删除或重命名工作表。")
                continue
            }
            do {
                let ws = try workbook.read(info)
                checkSheet(ws, sheet: sheet, workbook: workbook, context: &context)
            } catch let error as XLSXError {
                context.fail(sheet.name, nil, FileRule.unreadable, error.code, error.message)
            } catch {
                context.fail(sheet.name, nil, FileRule.unreadable, "", "工作表“\(sheet.name)”无法读取。")
            }
        }
        checkCompareRules(unit: unit, round: round, context: &context)
        s.problems += context.problems
        s.setRows(context.rows)
        s.nilSheets = context.nilSheets
        return s
    }

    // MARK: Identification

    /// Reads and verifies the identification. Returns false when the file is rejected.
    private func identify(_ workbook: Workbook, into s: inout Submission) -> Bool {
        let file = s.file
        func reject(_ rule: String, _ value: String, _ message: String) -> Bool {
            s.problems.append(Problem(severity: .error, file: file, unit: s.unit?.id, sheet: nil, cell: nil, rule: rule,
                                      value: value, message: message))
            return false
        }
        var values: [String: String] = [:]
        for key in TemplateIdentity.keys {
            if let v = workbook.properties.custom[TemplateIdentity.propertyPrefix + key] { values[key] = v }
        }
        if TemplateIdentity(values: values) == nil, let info = workbook.sheet(named: TemplateLayout.identitySheet),
           let ws = try? workbook.read(info) {
            for row in ws.rows where row.cells.count >= 2 {
                values[row.cells[0].value?.text ?? ""] = row.cells[1].value?.text
            }
        }
        guard let identity = TemplateIdentity(values: values) else {
            return reject(FileRule.notTemplate, "", "文件“\(file)”不是本计划下发的填报模板（找不到模板标识）。请使用领导小组办公室下发的本单位模板填写后报送。")
        }
        s.identity = identity
        guard identity.plan == plan.id else {
            return reject(FileRule.wrongPlan, identity.plan, "文件“\(file)”是其他计划（\(identity.plan)）的模板，不属于“\(plan.title)”。")
        }
        guard let unit = plan.unit(identity.unit) else {
            return reject(FileRule.unknownUnit, identity.unit, "文件“\(file)”标识的单位“\(identity.unit)”不在本计划的单位名单中。")
        }
        s.unit = unit
        guard let round = plan.round(identity.round) else {
            return reject(FileRule.wrongRound, identity.round, "文件“\(file)”标识的轮次“\(identity.round)”不在本计划中。")
        }
        s.roundId = round.id
        if let expected = self.round, expected != round.id {
            return reject(FileRule.wrongRound, round.id,
                          "文件“\(file)”是 \(round.id) 轮次（\(round.title)）的模板，不是本轮 \(expected) 的模板。请使用本轮下发的模板重新填报。")
        }
        let signature = TemplateContent.identity(plan: plan, unit: unit, round: round, key: key).signature
        guard signature == identity.signature else {
            if identity.planVersion != plan.version {
                return reject(FileRule.badSignature, identity.planVersion,
                              "文件“\(file)”是按计划版本 \(identity.planVersion) 生成的模板，现行版本为 \(plan.version)。请使用新下发的模板。")
            }
            return reject(FileRule.badSignature, identity.signature.prefix(12) + "…",
                          "文件“\(file)”的模板标识与签名不符（标识被修改，或不是办公室下发的模板）。请使用下发给本单位的模板重新填报。"
                            + "（办公室请先确认：校验所用的签名密钥与生成模板时的相同。）")
        }
        return true
    }

    // MARK: Sheets

    /// Problems and rows collected while checking one file.
    struct Context {
        let file: String
        let unit: ReportingUnit
        let round: Round
        var problems: [Problem] = []
        var rows: [CheckedRow] = []
        var nilSheets: [String] = []
        /// Field ids per sheet, one array shared by all the sheet's rows.
        var keysBySheet: [String: [String]] = [:]
        /// Ids of the tasks the unit leads or shares.
        let unitTasks: Set<String>

        mutating func keys(for sheet: SheetSpec) -> [String] {
            if let k = keysBySheet[sheet.id] { return k }
            let k = sheet.fields.map(\.id)
            keysBySheet[sheet.id] = k
            return k
        }

        mutating func fail(_ sheet: String?, _ cell: String?, _ rule: String, _ value: String, _ message: String,
                           severity: Severity = .error, explained: Bool = false) {
            problems.append(Problem(severity: severity, file: file, unit: unit.id, sheet: sheet, cell: cell, rule: rule,
                                    value: value, message: message, explained: explained && severity == .warning))
        }
    }

    private func ref(_ row: Int, _ column: Int) -> String { CellReference(row: row, column: column).description }

    private func checkSheet(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let headerRow = TemplateLayout.headerRow
        if sheet.kind != .text {
            for (i, field) in sheet.fields.enumerated() {
                let found = ws.cell(CellReference(row: headerRow, column: i + 1))?.value?.text ?? ""
                if found != TemplateLayout.header(field) {
                    context.fail(sheet.name, ref(headerRow, i + 1), FileRule.headerChanged, found,
                                 "表头“\(TemplateLayout.header(field))”被改成了“\(found)”。请使用下发的模板，不要修改表头。")
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
            context.fail(sheet.name, ref(first + expected.count, 1), FileRule.rowsAdded, "\(found) 行",
                         "任务行被增加了（应为 \(expected.count) 行，现有 \(found) 行）。任务行由办公室预填，请勿增删。")
            return
        }
        if found < expected.count {
            context.fail(sheet.name, ref(first + max(found, 0), 1), FileRule.rowsDeleted, "\(max(found, 0)) 行",
                         "任务行被删除了（应为 \(expected.count) 行，现有 \(max(found, 0)) 行）。任务行由办公室预填，请勿增删。")
            return
        }
        var altered = false
        for (i, expectedRow) in expected.enumerated() {
            for (c, _) in prefilled {
                let cell = ws.cell(CellReference(row: first + i, column: c + 1))
                let text = cell?.value?.text ?? ""
                if text != expectedRow[c] {
                    context.fail(sheet.name, ref(first + i, c + 1), FileRule.prefilledAltered, text,
                                 "预填内容被修改（应为“\(expectedRow[c].prefix(40))”）。预填内容已锁定，请勿修改。")
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
                    context.fail(sheet.name, ref(TemplateLayout.nilRow, TemplateLayout.nilColumn), "nil-with-data",
                                 answer ?? "", CheckWording.nilWithData(rows: "\(dataRows.count)"),
                                 severity: .warning)
                }
            }
        }
        if dataRows.isEmpty {
            if sheet.kind == .single {
                context.fail(sheet.name, ref(first, 1), "required", "", CheckWording.singleSheetEmpty(sheet.name))
            } else if !declaredNil {
                context.fail(sheet.name, ref(TemplateLayout.nilRow, TemplateLayout.nilColumn), "empty-sheet", "",
                             CheckWording.rowsSheetEmpty(sheet.name, nilAnswer: TemplateLayout.nilAnswer),
                             severity: .warning)
            }
        } else if sheet.kind == .single && dataRows.count > 1 {
            context.fail(sheet.name, ref(dataRows[1].index, 1), "one-row", "\(dataRows.count) 行",
                         "\(sheet.name)只能填写 1 行（1 名联络员），现有 \(dataRows.count) 行。")
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

    private func checkText(_ ws: Worksheet, sheet: SheetSpec, workbook: Workbook, context: inout Context) {
        let first = TemplateLayout.firstDataRow
        var values = FieldValues(keys: sheet.fields.map(\.id))
        var accepted = true
        for (i, field) in sheet.fields.enumerated() {
            let cell = ws.cell(CellReference(row: first + i, column: 2))
            let text = cell?.value.map(FieldReader.textOf)?.trimmedSpace ?? ""
            if text.isEmpty {
                if field.required {
                    context.fail(sheet.name, ref(first + i, 2), "required", "", CheckWording.required(field.name))
                    accepted = false
                }
                continue
            }
            if let max = field.maxLength, text.count > max {
                context.fail(sheet.name, ref(first + i, 2), "max-length", "\(text.count) 字",
                             CheckWording.tooLong(field.name, max, found: text.count))
                accepted = false
            }
            values[field.id] = .text(text)
        }
        context.rows.append(CheckedRow(sheet: sheet.id, row: first, values: values, explanation: nil, accepted: accepted))
    }

    static func isBlank(_ value: CellValue?) -> Bool {
        guard let value else { return true }
        if case .string(let s) = value { return s.trimmedSpace.isEmpty }
        return false
    }

    /// Reads and checks one data row (fields, then row rules) and records it.
    private func checkRow(_ ws: Worksheet, sheet: SheetSpec, row: Int, workbook: Workbook, context: inout Context,
                          always: Bool) {
        var values = FieldValues(keys: context.keys(for: sheet))
        var accepted = true
        let explanationCell = ws.cell(CellReference(row: row, column: TemplateLayout.explanationColumn(sheet)))
        let explanation = explanationCell?.value.map(FieldReader.textOf)?.trimmedSpace
        let explained = !(explanation ?? "").isEmpty
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
                    context.fail(sheet.name, at, "required", "", CheckWording.required(field.name))
                    accepted = false
                }
            case .invalid(let what):
                context.fail(sheet.name, at, "type", cell?.value?.text ?? "", CheckWording.invalidStem(field.name, what) + "，填写的是“\(cell?.value?.text ?? "")”。")
                accepted = false
            case .value(let value, let repair):
                if let repair {
                    context.fail(sheet.name, at, "repaired", cell?.value?.text ?? "", "“\(field.name)”\(repair)，请核对。",
                                 severity: .warning, explained: explained)
                }
                if let problem = bounds(value, field: field) {
                    context.fail(sheet.name, at, problem.rule, value.text, problem.message)
                    accepted = false
                    continue
                }
                if field.type == .taskRef, !context.unitTasks.contains(value.text) {
                    context.fail(sheet.name, at, "task-ref", value.text,
                                 CheckWording.notUnitTask(value.text, unitTasks: context.unitTasks.sorted()))
                    accepted = false
                    continue
                }
                values.set(i, value)
            }
        }
        // Row rules.
        for rule in sheet.rules {
            if let (severity, cellField, message, value) = violation(rule, values: values, sheet: sheet, round: context.round) {
                let column = (sheet.fields.firstIndex { $0.id == cellField } ?? 0) + 1
                context.fail(sheet.name, ref(row, column), ruleName(rule), value, message, severity: severity, explained: explained)
                if severity == .error { accepted = false }
            }
        }
        if values.isEmpty && !always { return }
        context.rows.append(CheckedRow(sheet: sheet.id, row: row, values: values, explanation: explained ? explanation : nil,
                                       accepted: accepted))
    }

    private func bounds(_ value: FieldValue, field: FieldSpec) -> (rule: String, message: String)? {
        switch value {
        case .number(let n):
            if let lo = field.min, n < lo {
                return ("min", CheckWording.belowStem(field.name, NumberText.format(lo)) + "，填写的是 \(NumberText.format(n))。")
            }
            if let hi = field.max, n > hi {
                return ("max", CheckWording.aboveStem(field.name, NumberText.format(hi)) + "，填写的是 \(NumberText.format(n))。")
            }
        case .date(let d):
            if let lo = field.minDay, d < lo { return ("min", CheckWording.earlierStem(field.name, lo) + "，填写的是 \(d)。") }
            if let hi = field.maxDay, d > hi { return ("max", CheckWording.laterStem(field.name, hi) + "，填写的是 \(d)。") }
        case .text(let s):
            if let max = field.maxLength, s.count > max {
                return ("max-length", CheckWording.tooLong(field.name, max, found: s.count))
            }
            if let p = field.pattern, s.range(of: p, options: .regularExpression) == nil {
                return ("pattern", "“\(field.name)”的格式不对：“\(s)”。")
            }
        }
        return nil
    }

    private func ruleName(_ rule: RowRule) -> String {
        switch rule {
        case .implies: return "implies"
        case .notAfterRoundEnd: return "not-after-round-end"
        case .notBefore: return "not-before"
        case .sum: return "sum"
        case .range: return "range"
        case .unique: return "unique"
        case .minRowsPerMonth: return "min-rows-per-month"
        case .compare: return "compare"
        }
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
            // The total named as the plan names it, without its unit (`计划投资`, not `计划投资(万元)`).
            let totalName = (sheet.field(total)?.name ?? total).split(separator: "(").first.map(String.init) ?? total
            return (severity, fields[0], message + "（合计 \(NumberText.format(FieldReader.rounded(sum))),\(totalName) \(NumberText.format(t))）",
                    NumberText.format(FieldReader.rounded(sum)))
        case .range(let field, let lo, let hi, let severity, let message):
            guard let n = values[field]?.number else { return nil }
            if let lo, n < lo { return (severity, field, message, NumberText.format(n)) }
            if let hi, n > hi { return (severity, field, message, NumberText.format(n)) }
            return nil
        case .unique, .minRowsPerMonth, .compare:
            return nil  // over the whole sheet (checkSheetRules) or the file (CompareRules)
        }
    }

    /// Rules over all rows of a sheet: duplicates, rows per month.
    private func checkSheetRules(sheet: SheetSpec, context: inout Context) {
        let rows = context.rows.filter { $0.sheet == sheet.id }
        for rule in sheet.rules {
            switch rule {
            case .unique(let field, let severity, let message):
                var seen: [String: Int] = [:]
                let column = (sheet.fields.firstIndex { $0.id == field } ?? 0) + 1
                for row in rows {
                    guard let v = values(row, field) else { continue }
                    if let first = seen[v] {
                        context.fail(sheet.name, ref(row.row, column), "unique", v, "\(message)（“\(v)”已在第 \(first) 行出现）",
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
                        context.fail(sheet.name, nil, "min-rows-per-month", "\(month.year)年\(month.month)月 \(n) 篇",
                                     "\(message):\(month.year)年\(month.month)月报送 \(n) 篇。", severity: severity)
                    }
                    month = month.month == 12 ? Day(year: month.year + 1, month: 1, day: 1)
                        : Day(year: month.year, month: month.month + 1, day: 1)
                }
            default:
                continue
            }
        }
    }

    private func values(_ row: CheckedRow, _ field: String) -> String? { row.values[field]?.text }

    /// `kind: compare` rules, once every sheet of the file is read: each finding at its cell;
    /// an error keeps its row out of the totals.
    private func checkCompareRules(unit: ReportingUnit, round: Round, context: inout Context) {
        let sheets = plan.sheets(for: unit, in: round)
        let rules = sheets.flatMap { $0.rules.compactMap { rule -> CompareRule? in
            if case .compare(let c) = rule { return c }
            return nil
        } }
        guard !rules.isEmpty else { return }
        let present = Set(sheets.map(\.id))
        for f in CompareRules.evaluate(rules, plan: plan, present: present, rows: context.rows) {
            context.fail(plan.sheet(f.sheet)?.name, f.cell, "compare", f.value, f.message, severity: f.severity, explained: f.explained)
            if f.severity == .error, let row = f.row,
               let i = context.rows.firstIndex(where: { $0.sheet == f.sheet && $0.row == row }) {
                context.rows[i].accepted = false
            }
        }
    }

    // MARK: Times

    /// `2021-06-14T10:00:00Z` (W3CDTF, as docProps/core.xml writes it; fractional seconds and
    /// `+08:00` offsets allowed) as a Date, parsed by hand: a formatter per file is costly.
    static func coreDate(_ text: String?) -> Date? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for c in b[from..<(from + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        }
        var offset = 0
        if i < b.count {
            switch b[i] {
            case UInt8(ascii: "Z"): break
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
                offset = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            default: return nil
            }
        }
        let days = Int(CivilCalendar.unixDays(year: y, month: mo, day: d))
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + h * 3600 + mi * 60 + s - offset))
    }

    static func modificationTime(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
