import Foundation
import XLSX

/// A calendar day (no time, no zone), as plans state dates.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Compact: merged rows hold many of these.
    private let y: Int32
    private let m: UInt8
    private let d: UInt8
    public var year: Int { Int(y) }
    public var month: Int { Int(m) }
    public var day: Int { Int(d) }

    public init(year: Int, month: Int, day: Int) {
        self.y = Int32(truncatingIfNeeded: year)
        self.m = UInt8(truncatingIfNeeded: month)
        self.d = UInt8(truncatingIfNeeded: day)
    }

    /// Parses `2021-06-15`; nil for anything else or an impossible date.
    public init?(_ text: String) {
        var text = text
        guard let day = text.withUTF8({ Day.parse($0) }) else { return nil }
        self = day
    }

    /// `2021-06-15` from its UTF-8 bytes (the archive reads a date in every stored ledger row).
    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = b[i] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
              (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    /// Days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    /// Days since 1970-01-01.
    public var unixDays: Int64 { CivilCalendar.unixDays(year: year, month: month, day: day) }

    /// `2021-06-15` (the archive writes one in every stored ledger row: no String(format:)
    /// for the years 0–9999).
    public var description: String {
        guard (0...9999).contains(year) else { return String(format: "%04d-%02d-%02d", year, month, day) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        for v in [year / 100, year % 100, -1, month, -1, day] {
            if v < 0 { bytes.append(UInt8(ascii: "-")); continue }
            bytes.append(UInt8(ascii: "0") + UInt8(v / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(v % 10))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2021年6月15日`.
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// A person on the leading group, or a unit's member of it.
public struct Member: Hashable, Sendable {
    public var role: String?
    public var name: String
    public var title: String
}

/// What kind of body a unit is. 区 and 功能区 are district-level.
public enum UnitKind: String, CaseIterable, Sendable {
    case department = "市直部门"
    case district = "区"
    case zone = "功能区"
    case enterprise = "企业"

    public var isDistrictLevel: Bool { self == .district || self == .zone }
}

/// A reporting unit.
public struct ReportingUnit: Hashable, Sendable {
    /// Stable ASCII id (`fgj`).
    public var id: String
    /// Full name as in the seed (`市住房保障房管局`).
    public var name: String
    public var kind: UnitKind
    public var members: [Member]
    /// Whom the office calls about the unit when it has named no liaison (`contact:` in the
    /// plan; optional): 催报's last resort after the liaison of its last accepted round.
    public var contact: UnitContact? = nil
}

/// A person the office calls at a unit, as the plan names them.
public struct UnitContact: Hashable, Sendable {
    public var name: String
    public var phone: String
    public init(name: String, phone: String) {
        self.name = name
        self.phone = phone
    }
}

/// A named set of units, such as 各区人民政府.
public struct UnitGroup: Hashable, Sendable {
    public var id: String
    public var label: String
    public var units: [String]
}

public struct TaskGroup: Hashable, Sendable {
    public var id: String
    public var title: String
}

/// A numbered task of the plan, with its units expanded (`group:districts` → every district).
public struct PlanTask: Hashable, Sendable {
    public var id: String
    public var group: String
    public var title: String
    public var text: String
    /// ReportingUnit ids, in the plan's order.
    public var lead: [String]
    public var responsible: [String]
    /// The lead and responsible lists as written in the plan (`各区人民政府` kept as a group).
    public var leadLabel: String
    public var responsibleLabel: String
    public var deliverables: [String]
    public var deadline: Day?
}

/// A unit's part in a task.
public enum TaskRole: String, Sendable {
    case lead = "牵头"
    case responsible = "责任"
}

public struct Phase: Hashable, Sendable {
    public var id: String
    public var name: String
    public var start: Day
    public var end: Day
}

/// A target such as "300 communities renovated by 2021-12-31", counted from a sheet's rows.
public struct Target: Hashable, Sendable {
    public var id: String
    public var name: String
    public var value: Double
    public var unit: String
    public var due: Day
    public var sheet: String
    public var field: String
    public var equals: String
    /// The target split among units (分解目标: each district's share of the 300), in plan
    /// order of the units; empty when the plan declares no split (then no unit's pace is
    /// judged).
    public var shares: [TargetShare] = []

    /// A unit's share, if the plan declares one.
    public func share(of unit: String) -> Double? { shares.first { $0.unit == unit }?.value }
}

/// One unit's part of a target (`shares:` of a target in the plan).
public struct TargetShare: Hashable, Sendable {
    /// The unit's id.
    public var unit: String
    public var value: Double
    public init(unit: String, value: Double) {
        self.unit = unit
        self.value = value
    }
}

/// The type of a template column.
public enum FieldType: String, CaseIterable, Sendable {
    case text, integer, decimal, percent, date, choice
    case yesNo = "yes-no"
    case phone, mobile, email
    case taskRef = "task-ref"
}

/// What a pre-filled column holds for each task row.
public enum Prefill: String, CaseIterable, Sendable {
    case taskId = "task.id"
    case taskGroup = "task.group"
    case taskTitleAndText = "task.title_and_text"
    case role
    case taskLead = "task.lead"
}

/// One column of a template sheet.
public struct FieldSpec: Hashable, Sendable {
    public var id: String
    public var name: String
    public var type: FieldType
    public var required: Bool
    /// Bounds for numbers (percent: 0–100) and, as days, for dates.
    public var min: Double?
    public var max: Double?
    public var minDay: Day?
    public var maxDay: Day?
    public var maxLength: Int?
    /// Regular expression the text must match.
    public var pattern: String?
    /// Id of the choice list, and its items.
    public var choicesId: String?
    public var choices: [String]
    public var prefilled: Prefill?
    /// Column width in characters.
    public var width: Double?
    /// For numbers: the largest change against the unit's previous round, in percent of last
    /// round's value (`max_change: 30`), beyond which the checks across rounds warn.
    public var maxChangePercent: Double? = nil
    /// A cumulative figure (`cumulative: true`): it only grows from one round to the next, and
    /// the checks across rounds warn when it falls.
    public var cumulative: Bool = false
}

/// How bad a problem is.
public enum Severity: String, Sendable, Comparable {
    case error, warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// A rule over the fields of one row (or, for `unique` and `minRowsPerMonth`, over the rows).
public enum RowRule: Hashable, Sendable {
    public struct Condition: Hashable, Sendable {
        public var field: String
        public var equals: String
    }
    public enum Requirement: Hashable, Sendable {
        case equals(field: String, value: String)
        case required(field: String)
    }
    /// If `condition` holds, `then` must.
    case implies(condition: Condition, then: Requirement, severity: Severity, message: String)
    /// A date field must not be after the round's due date.
    case notAfterRoundEnd(field: String, severity: Severity, message: String)
    /// A date field must not be before another.
    case notBefore(field: String, other: String, severity: Severity, message: String)
    /// The fields must add up to another (when any of them is filled).
    case sum(fields: [String], equals: String, severity: Severity, message: String)
    /// A number must lie within bounds.
    case range(field: String, min: Double?, max: Double?, severity: Severity, message: String)
    /// A value may appear once per unit.
    case unique(field: String, severity: Severity, message: String)
    /// At least `count` rows dated in each month of the round's span.
    case minRowsPerMonth(field: String, count: Int, severity: Severity, message: String)
    /// A left side compared with a right side (fields, constants, sums and counts over sheets).
    case compare(CompareRule)
}

/// The layout kind of a template sheet.
public enum SheetKind: String, Sendable {
    /// One pre-filled, locked row per task of the unit; the unit fills the rest of each row.
    case tasks
    /// Empty input rows.
    case rows
    /// Exactly one input row.
    case single
    /// Long text answers, one per field.
    case text
}

/// A template sheet and its columns.
public struct SheetSpec: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: SheetKind
    public var title: String
    /// Units that get this sheet; nil for every unit.
    public var units: [String]?
    /// Input rows offered (for `rows` sheets).
    public var rows: Int
    public var fields: [FieldSpec]
    public var rules: [RowRule]
    /// Next round's templates carry the unit's rows accepted last round (`carry: true`), so the
    /// unit updates what changed instead of retyping (only for `rows` and `single` sheets).
    public var carry: Bool = false

    public func field(_ id: String) -> FieldSpec? { fields.first { $0.id == id } }
}

public enum RoundKind: String, CaseIterable, Sendable {
    case workPlan = "方案备案"
    case monthly = "月调度"
    case halfYear = "半年小结"
    case yearEnd = "年度总结"
}

/// One reporting round.
public struct Round: Hashable, Sendable {
    public var id: String
    public var kind: RoundKind
    public var title: String
    public var start: Day
    public var due: Day
    /// Sheet ids, in template order.
    public var sheets: [String]
    /// Units that report in this round; nil for every unit.
    public var units: [String]?
    /// The date by which a unit whose file has errors sends it again (its 反馈 says so); nil
    /// when the plan sets none (`merge --resubmit-by` sets one for a merge).
    public var resubmitBy: Day? = nil
}

/// The office that runs the rounds.
public struct Office: Hashable, Sendable {
    public var name: String
    public var hostUnit: String
    public var director: String
    public var contact: String
    public var phone: String
    public var email: String
}

/// How the office's briefing (工作简报) is headed and to whom it goes. Optional in a plan.
public struct BriefingForm: Hashable, Sendable {
    /// The red masthead (`老旧小区改造工作简报`).
    public var masthead = "工作简报"
    /// 报送: to whom the briefing is sent (superiors), in order.
    public var sendTo: [String] = []
    /// 抄送: who gets a copy.
    public var copyTo: [String] = []
    /// The 期号 of the plan's first round (the N-th round of the plan is issue `firstIssue + N - 1`).
    public var firstIssue = 1

    public init() {}
}

/// A whole plan: who reports what, when, in which shape.
public struct Plan: Sendable {
    public var id: String
    public var version: String
    public var title: String
    public var subject: String
    public var issued: Day?
    public var office: Office
    /// The briefing's masthead and 报送/抄送 lines (defaults when the plan gives none).
    public var briefing = BriefingForm()
    /// What the outputs treat specially (progress, ledgers, liaison, publicity, summary).
    public var outputs = OutputDeclarations()
    public var leadingGroup: [Member]
    public var units: [ReportingUnit] { didSet { reindex() } }
    public var unitGroups: [UnitGroup]
    public var taskGroups: [TaskGroup]
    public var tasks: [PlanTask] { didSet { reindex() } }
    public var phases: [Phase]
    public var targets: [Target]
    public var choices: [String: [String]]
    /// Choice list ids in the order the plan gives them.
    public var choiceOrder: [String]
    public var sheets: [SheetSpec]
    public var rounds: [Round]
    /// Look-up tables over units and tasks (a national plan has thousands of units).
    private var index = PlanIndex.empty

    public init(id: String, version: String, title: String, subject: String, issued: Day?, office: Office,
                leadingGroup: [Member], units: [ReportingUnit], unitGroups: [UnitGroup], taskGroups: [TaskGroup],
                tasks: [PlanTask], phases: [Phase], targets: [Target], choices: [String: [String]],
                choiceOrder: [String], sheets: [SheetSpec], rounds: [Round]) {
        self.id = id
        self.version = version
        self.title = title
        self.subject = subject
        self.issued = issued
        self.office = office
        self.leadingGroup = leadingGroup
        self.units = units
        self.unitGroups = unitGroups
        self.taskGroups = taskGroups
        self.tasks = tasks
        self.phases = phases
        self.targets = targets
        self.choices = choices
        self.choiceOrder = choiceOrder
        self.sheets = sheets
        self.rounds = rounds
        reindex()
    }

    private mutating func reindex() { index = PlanIndex(units: units, tasks: tasks) }

    public func unit(_ id: String) -> ReportingUnit? { index.unitPosition[id].map { units[$0] } }
    /// The unit of this full name, with either full-width or half-width parentheses
    /// (`NameMatching`).
    public func unit(named name: String) -> ReportingUnit? { units.first { NameMatching.same($0.name, name) } }
    /// A unit's place in `units` (plan order), in constant time.
    public func position(ofUnit id: String) -> Int? { index.unitPosition[id] }
    public func round(_ id: String) -> Round? { rounds.first { $0.id == id } }
    public func sheet(_ id: String) -> SheetSpec? { sheets.first { $0.id == id } }
    public func task(_ id: String) -> PlanTask? { index.taskPosition[id].map { tasks[$0] } }
    public func taskGroup(_ id: String) -> TaskGroup? { taskGroups.first { $0.id == id } }

    /// The tasks a unit leads or shares, in plan order, with its role.
    public func tasks(for unitId: String) -> [(task: PlanTask, role: TaskRole)] {
        (index.tasksByUnit[unitId] ?? []).map { (tasks[$0.task], $0.role) }
    }

    /// Units that report in a round, in plan order.
    public func units(in round: Round) -> [ReportingUnit] {
        guard let ids = round.units.map(Set.init) else { return units }
        return units.filter { ids.contains($0.id) }
    }

    /// The sheets a unit fills in a round, in round order (小区台账 only for district-level
    /// units, as the sheet's `units` says).
    public func sheets(for unit: ReportingUnit, in round: Round) -> [SheetSpec] {
        round.sheets.compactMap { sheet($0) }.filter { $0.units?.contains(unit.id) ?? true }
    }

    /// Whether `unit` fills sheet `sheetId` in `round` (one of `sheets(for:in:)`), without
    /// building the list: asked once per unit and sheet by the archive and the review.
    public func asks(_ unit: ReportingUnit, for sheetId: String, in round: Round) -> Bool {
        round.sheets.contains(sheetId) && (sheet(sheetId).map { $0.units?.contains(unit.id) ?? true } ?? false)
    }
}

/// Positions of units and tasks by id, and each unit's tasks: built once per plan, so a look-up
/// does not scan thousands of units (or every task's unit list) again.
private final class PlanIndex: Sendable {
    static let empty = PlanIndex(units: [], tasks: [])
    let unitPosition: [String: Int]
    let taskPosition: [String: Int]
    /// Task positions in plan order, with the unit's role (lead wins over responsible).
    let tasksByUnit: [String: [(task: Int, role: TaskRole)]]

    init(units: [ReportingUnit], tasks: [PlanTask]) {
        var unitPosition: [String: Int] = [:]
        for (i, u) in units.enumerated() where unitPosition[u.id] == nil { unitPosition[u.id] = i }
        var taskPosition: [String: Int] = [:]
        var byUnit: [String: [(task: Int, role: TaskRole)]] = [:]
        for (i, t) in tasks.enumerated() {
            if taskPosition[t.id] == nil { taskPosition[t.id] = i }
            var seen = Set<String>()
            for id in t.lead where seen.insert(id).inserted { byUnit[id, default: []].append((i, .lead)) }
            for id in t.responsible where seen.insert(id).inserted { byUnit[id, default: []].append((i, .responsible)) }
        }
        self.unitPosition = unitPosition
        self.taskPosition = taskPosition
        self.tasksByUnit = byUnit
    }
}
