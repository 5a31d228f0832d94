import Foundation
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// Checks returned files against the plan, in four steps each in its own file: identity (plan,
/// round, unit, signature: `IdentityChecks`), structure (sheets, headers, pre-filled cells, task
/// rows: `StructureChecks`), fields (each cell's value: `FieldChecks`), and row rules (the plan's
/// rules over a row, a sheet or the file: `RowRuleChecks`).
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
        // The file is read once: hashed from the bytes the workbook is opened from (a file too
        // big to be read whole, or one that cannot be read, is hashed on its own).
        var hash: String?
        let opened = Result { try Workbook(path: path, limits: limits) { hash = Digest.sha256Hex($0) } }
        var s = Submission(file: file, path: path, sha256: hash ?? Digest.sha256Hex(ofFile: path) ?? "")
        let workbook: Workbook
        do {
            workbook = try opened.get()
        } catch let error as XLSXError {
            s.problems.append(Problem(severity: .error, file: file, unit: nil, sheet: nil, cell: nil,
                                      rule: .fileUnreadable, value: error.kindName, message: error.message))
            s.savedAt = SavedTime.modificationTime(path)
            return s
        } catch {
            s.problems.append(Problem(severity: .error, file: file, unit: nil, sheet: nil, cell: nil,
                                      rule: .fileUnreadable, value: "", message: RuleMessages.fileUnreadable(file: file)))
            return s
        }
        let recorded = SavedTime.coreDate(workbook.properties.core["modified"])
        s.savedAt = recorded ?? SavedTime.modificationTime(path)
        s.hasMacros = workbook.hasMacros
        if s.hasMacros {
            s.problems.append(Problem(severity: .warning, file: file, unit: nil, sheet: nil, cell: nil, rule: .macrosIgnored,
                                      value: "", message: Rule.macrosIgnored.fixedMessage ?? ""))
        }
        guard identify(workbook, into: &s), let unit = s.unit, let roundId = s.roundId, let round = plan.round(roundId) else {
            return s
        }
        var context = Context(file: file, unit: unit, round: round, savedInWorkbook: recorded,
                              unitTasks: Set(plan.tasks(for: unit.id).map(\.task.id)))
        for sheet in plan.sheets(for: unit, in: round) {
            guard let info = workbook.sheet(named: sheet.name) else {
                context.fail(nil, nil, .missingSheet, "", RuleMessages.missingSheet(sheet.name))
                continue
            }
            do {
                // The 自查 column and its hidden working columns (formulas, a dozen per field) lie
                // right of the columns checked: they are not decoded at all.
                let ws = try workbook.read(info, columns: max(TemplateLayout.columnCount(sheet), TemplateLayout.nilColumn))
                checkSheet(ws, sheet: sheet, workbook: workbook, context: &context)
            } catch let error as XLSXError {
                context.fail(sheet.name, nil, .fileUnreadable, error.kindName, error.message)
            } catch {
                context.fail(sheet.name, nil, .fileUnreadable, "", RuleMessages.sheetUnreadable(sheet.name))
            }
        }
        checkCompareRules(unit: unit, round: round, context: &context)
        s.problems += context.problems
        s.setRows(context.rows)
        s.nilSheets = context.nilSheets
        return s
    }

    /// Reads and checks one data row (its fields, then the plan's row rules) and records it;
    /// an empty row is recorded only when `always` (a pre-filled task row).
    func checkRow(_ ws: Worksheet, sheet: SheetSpec, row: Int, workbook: Workbook, context: inout Context, always: Bool) {
        let explanationCell = ws.cell(CellReference(row: row, column: TemplateLayout.explanationColumn(sheet)))
        let explanation = explanationCell?.value.map(FieldReader.textOf)?.trimmedSpace
        let explained = !(explanation ?? "").isEmpty
        var (values, accepted) = checkFields(ws, sheet: sheet, row: row, workbook: workbook, explained: explained, context: &context)
        if !checkRowRules(values, sheet: sheet, row: row, explained: explained, context: &context) { accepted = false }
        checkDatedAfterSave(values, sheet: sheet, row: row, explained: explained, context: &context)
        if values.isEmpty && !always { return }
        context.rows.append(CheckedRow(sheet: sheet.id, row: row, values: values, explanation: explained ? explanation : nil,
                                       accepted: accepted))
    }

    func ref(_ row: Int, _ column: Int) -> String { CellReference(row: row, column: column).description }

    /// Problems and rows collected while checking one file.
    struct Context {
        let file: String
        let unit: ReportingUnit
        let round: Round
        /// When the workbook says it was last saved (docProps/core.xml), not the file's time.
        let savedInWorkbook: Date?
        var problems: [Problem] = []
        var rows: [CheckedRow] = []
        var nilSheets: [String] = []
        /// Field ids per sheet, one array shared by all the sheet's rows.
        var keysBySheet: [String: [String]] = [:]
        /// Ids of the tasks the unit leads or shares.
        let unitTasks: Set<String>

        init(file: String, unit: ReportingUnit, round: Round, savedInWorkbook: Date?, unitTasks: Set<String>) {
            self.file = file
            self.unit = unit
            self.round = round
            self.savedInWorkbook = savedInWorkbook
            self.unitTasks = unitTasks
        }

        mutating func keys(for sheet: SheetSpec) -> [String] {
            if let k = keysBySheet[sheet.id] { return k }
            let k = sheet.fields.map(\.id)
            keysBySheet[sheet.id] = k
            return k
        }

        /// Records a problem. The severity is the rule's own unless given (the plan's rules give it).
        mutating func fail(_ sheet: String?, _ cell: String?, _ rule: Rule, _ value: String, _ message: String,
                           severity: Severity? = nil, explained: Bool = false) {
            let severity = severity ?? rule.defaultSeverity ?? .error
            problems.append(Problem(severity: severity, file: file, unit: unit.id, sheet: sheet, cell: cell, rule: rule,
                                    value: value, message: message, explained: explained && severity == .warning))
        }
    }
}
