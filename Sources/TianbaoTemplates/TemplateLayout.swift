import TianbaoPlan
import XLSX

/// Where things are in a template: shared by the writer and by `check`, which reads returned
/// files at the same places. Rows and columns here are 1-based, as users see them.
public enum TemplateLayout {
    /// Version of this layout, written into every template.
    public static let formatVersion = "1"

    /// Row of the sheet title.
    public static let titleRow = 1
    /// Row of the nil-return question on `rows` sheets (label in A, answer in `nilColumn`).
    public static let nilRow = 2
    public static let nilColumn = 4
    /// The answer that declares a nil return (本期无).
    public static let nilAnswer = "是"
    /// Row of the column headers.
    public static let headerRow = 3
    /// First data row.
    public static let firstDataRow = 4

    /// Name of the instructions sheet, always first.
    public static let instructionsSheet = "填报说明"
    /// Hidden sheet holding the dropdown lists.
    public static let listsSheet = "字典"
    /// Hidden sheet holding the identification (a second copy besides the custom properties).
    public static let identitySheet = "_tianbao"
    /// Header of the explanation column that ends every row sheet (合理性说明).
    public static let explanationHeader = "说明"

    /// Columns of a data sheet: the plan's fields, then 说明 (not on `text` sheets).
    public static func columnCount(_ sheet: SheetSpec) -> Int {
        sheet.kind == .text ? 2 : sheet.fields.count + 1
    }

    /// 1-based column of the 说明 column.
    public static func explanationColumn(_ sheet: SheetSpec) -> Int { sheet.fields.count + 1 }

    /// Header of the self-check column that follows the columns a unit fills (自查): formulas,
    /// locked; the checker never reads it (it lies beyond `columnCount`).
    public static let selfCheckHeader = "自查"

    /// 1-based column of the 自查 column: after 说明 (on `text` sheets, after the answers).
    /// Hidden working columns of the self-check follow it.
    public static func selfCheckColumn(_ sheet: SheetSpec) -> Int { columnCount(sheet) + 1 }

    /// Data rows offered by a sheet for a unit (task rows for `tasks` sheets).
    public static func dataRows(_ sheet: SheetSpec, tasks: Int) -> Int {
        switch sheet.kind {
        case .tasks: return tasks
        case .rows: return sheet.rows
        case .single: return 1
        case .text: return sheet.fields.count
        }
    }

    /// File name of a unit's template (and the name units are asked to keep).
    public static func fileName(unit: ReportingUnit, round: Round) -> String { "\(unit.name)-\(round.id).xlsx" }

    /// The header text of a field as shown: required ones start with `*`.
    public static func header(_ field: FieldSpec) -> String { (field.required ? "*" : "") + field.name }
}

/// The identification a template carries, as custom document properties (`tianbao.*`, which
/// survive a save in Excel, WPS and LibreOffice) and again on the hidden `_tianbao` sheet.
public struct TemplateIdentity: Equatable, Sendable {
    public var plan: String
    public var planVersion: String
    public var unit: String
    public var round: String
    public var format: String
    public var signature: String

    public static let propertyPrefix = "tianbao."
    /// Property / row names, in the order the `_tianbao` sheet lists them.
    public static let keys = ["plan", "plan_version", "unit", "round", "format", "signature"]

    public init(plan: String, planVersion: String, unit: String, round: String, format: String, signature: String) {
        self.plan = plan
        self.planVersion = planVersion
        self.unit = unit
        self.round = round
        self.format = format
        self.signature = signature
    }

    /// Values by key, for writing.
    public var values: [(String, String)] {
        [("plan", plan), ("plan_version", planVersion), ("unit", unit), ("round", round), ("format", format),
         ("signature", signature)]
    }

    /// Reads an identity from key/value pairs; nil when any key is missing.
    public init?(values: [String: String]) {
        guard let plan = values["plan"], let version = values["plan_version"], let unit = values["unit"],
              let round = values["round"], let signature = values["signature"] else { return nil }
        self.init(plan: plan, planVersion: version, unit: unit, round: round, format: values["format"] ?? "",
                  signature: signature)
    }
}

/// The pre-filled content of a unit's template for a round, and its signature.
public enum TemplateContent {
    /// The pre-filled cells of the task rows, row by row, as the template shows them.
    public static func taskRows(plan: Plan, unit: ReportingUnit, sheet: SheetSpec) -> [[String]] {
        plan.tasks(for: unit.id).map { entry in
            sheet.fields.map { field -> String in
                switch field.prefilled {
                case .taskId: return entry.task.id
                case .taskGroup:
                    return plan.taskGroup(entry.task.group).map { "（\($0.id)）\($0.title)" } ?? entry.task.group
                case .taskTitleAndText: return entry.task.title + "：" + entry.task.text
                case .role: return entry.role.rawValue
                case .taskLead: return leadNames(plan: plan, task: entry.task)
                case nil: return ""
                }
            }
        }
    }

    /// The lead units of a task as a reader says them (各区人民政府 for the whole group).
    public static func leadNames(plan: Plan, task: PlanTask) -> String {
        var remaining = task.lead
        var parts: [String] = []
        for group in plan.unitGroups where !group.units.isEmpty && Set(group.units).isSubset(of: Set(remaining)) {
            remaining.removeAll { group.units.contains($0) }
            parts.append(group.label)
        }
        return (remaining.compactMap { plan.unit($0)?.name } + parts).joined(separator: "、")
    }

    /// The canonical text signed for a unit's template: identification, sheets and pre-filled
    /// task rows. Any change to these (another unit, another round, an altered task list, a
    /// new plan version) changes the signature.
    public static func canonicalText(plan: Plan, unit: ReportingUnit, round: Round) -> String {
        var lines = ["tianbao-template", "format=\(TemplateLayout.formatVersion)", "plan=\(plan.id)",
                     "plan_version=\(plan.version)", "unit=\(unit.id)", "round=\(round.id)"]
        let sheets = plan.sheets(for: unit, in: round)
        lines.append("sheets=" + sheets.map(\.id).joined(separator: ","))
        for sheet in sheets where sheet.kind == .tasks {
            for row in taskRows(plan: plan, unit: unit, sheet: sheet) {
                lines.append("row=" + row.joined(separator: "\u{1F}"))
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func identity(plan: Plan, unit: ReportingUnit, round: Round, key: SigningKey) -> TemplateIdentity {
        TemplateIdentity(plan: plan.id, planVersion: plan.version, unit: unit.id, round: round.id,
                         format: TemplateLayout.formatVersion,
                         signature: key.sign(canonicalText(plan: plan, unit: unit, round: round)))
    }
}

/// What turns a template into a feedback workbook: the unit's values by sheet and cell, the
/// problems to highlight, the problems the unit has to handle (which its 自查 counts), and the
/// problem list.
public struct TemplateOverlay: Sendable {
    public static let problemSheet = "问题清单"

    /// A highlighted cell with a comment.
    public struct Mark: Sendable {
        public var isError: Bool
        public var message: String
        public init(isError: Bool, message: String) {
            self.isError = isError
            self.message = message
        }
    }

    /// How the problem list classes a problem.
    public enum Level: String, Sendable {
        /// To be corrected (the row or the file does not count).
        case error = "错误"
        /// To be checked; a 说明 answers it.
        case warning = "提示"
        /// A warning the unit answered in the row's 说明: nothing to do.
        case explained = "已说明"
        /// Corrected by the feedback workbook itself (pre-filled content, sheets and headers
        /// restored; a row the template has no room for left out): nothing to do but check.
        case corrected = "已更正"

        /// Whether the unit has to handle it (the 自查 counts it).
        public var isOpen: Bool { self == .error || self == .warning }
    }

    /// One line of the problem list.
    public struct Item: Sendable {
        public var level: Level
        public var sheet: String
        public var cell: String
        /// The row's key as the unit knows it (`任务 1.3 搭建议事平台`, `小区：五里墩幸福社区`).
        public var key: String
        public var message: String
        public init(level: Level, sheet: String, cell: String, key: String, message: String) {
            self.level = level
            self.sheet = sheet
            self.cell = cell
            self.key = key
            self.message = message
        }
    }

    public var heading: String
    public var summary: String
    public var values: [String: [CellReference: CellValue]]
    public var marks: [String: [CellReference: Mark]]
    public var problems: [Item]
    /// The problems the unit has to handle, by sheet name and cell, one message each: the 自查
    /// shows and counts each (the checker's verdict as the cached results; after recalculation
    /// the formulas, and the office's findings the formulas cannot make, while their cell holds
    /// the value checked).
    public var open: [String: [CellReference: [String]]]
    /// Problems to handle on a sheet at no cell of its rows (a month short of items, an item
    /// gone since last round): shown by the 自查 until the office checks the file again.
    public var sheetProblems: [String: [String]]
    /// The date by which the unit is to send its file again, when the office set one.
    public var resubmitBy: Day?
    /// Whether the unit's values are in the feedback; when not (its file could not be read as
    /// this round's template), the feedback is the blank template and its 自查 shows what a
    /// blank template shows.
    public var valuesCarried = true

    public init(heading: String, summary: String, values: [String: [CellReference: CellValue]],
                marks: [String: [CellReference: Mark]], problems: [Item], open: [String: [CellReference: [String]]]? = nil,
                sheetProblems: [String: [String]] = [:], resubmitBy: Day? = nil) {
        self.heading = heading
        self.summary = summary
        self.values = values
        self.marks = marks
        self.problems = problems
        self.open = open ?? marks.mapValues { $0.mapValues { [$0.message] } }
        self.sheetProblems = sheetProblems
        self.resubmitBy = resubmitBy
    }
}
