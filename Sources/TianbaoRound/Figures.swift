import TianbaoCheck
import TianbaoPlan

/// The figures leaders read, computed once from a round and shared by the consolidated
/// workbook and the briefing, from what the plan's `outputs:` section declares (the progress
/// sheet, the ledgers, the publicity sheet). Totals count accepted rows of accepted units
/// only; what they leave out (rows with errors, rejected files, units that did not report) is
/// counted too, so every total can say what it excludes.
public struct Figures: Sendable {
    /// One unit's figures in a ledger (a 区 or 功能区, or any unit the round asks for it).
    public struct DistrictLedger: Sendable {
        public var unit: ReportingUnit
        /// How the unit stands in the round.
        public var state = UnitState.missing
        /// Its word: 已报送, 迟报, 被退回, 未报送 or 未处理.
        public var status: String { state.word }
        /// Items (rows) and those by status.
        public var items = 0
        public var byStatus: [String: Int] = [:]
        public var investment = 0.0
        /// Ledger rows of an accepted file kept out of the figures for their errors.
        public var errorRows = 0
        /// Sums of the ledger's number fields that are not years, over the rows that count,
        /// by field id (rounded): the consolidated workbook's subtotals.
        public var sums: [String: Double] = [:]
        public init(unit: ReportingUnit) { self.unit = unit }
    }

    /// Items by status and their money, of some ledger rows.
    public struct LedgerCounts: Sendable {
        /// Rows (for rows with errors: rows, of which `repeated` repeat an item listed already).
        public var items = 0
        /// Rows with errors that name an item the unit lists in another row (a duplicate row,
        /// not another item): counted in `items` and `investment`, not in `byStatus`.
        public var repeated = 0
        public var byStatus: [String: Int] = [:]
        public var investment = 0.0
    }

    /// A ledger row whose money total differs from the sum of its parts.
    public struct InvestmentGap: Sendable {
        public var unit: ReportingUnit
        public var row: Int
        public var item: String
        public var investment: Double
        public var sources: Double
    }

    /// A progress row reported lagging; `error` says why it is not counted (empty when counted).
    public struct Lagging: Sendable {
        public var unit: ReportingUnit
        public var task: String
        public var problems: String
        public var error: String
    }

    /// The figures of one declared ledger.
    public struct LedgerFigures: Sendable {
        public var decl: LedgerOutput
        /// The ledger's sheet in the plan.
        public var spec: SheetSpec
        /// Items that count, and those by status.
        public var items = 0
        public var byStatus: [String: Int] = [:]
        /// The target counted from this ledger, if declared.
        public var target: Target?
        /// The money total and its parts (id, name without the unit, amount), in declared order.
        public var plannedInvestment = 0.0
        public var investmentBySource: [(id: String, name: String, amount: Double)] = []
        /// Declared extra totals (label, unit, amount, integer field).
        public var extras: [(label: String, unit: String, amount: Double, integer: Bool)] = []
        /// Every unit the round asks for this ledger, in plan order, whatever its status.
        public var districts: [DistrictLedger] = []
        /// Rows with errors: how many, and what they report (as far as it could be read).
        public var errorLedger = LedgerCounts()
        /// Rows whose money total is not the sum of its parts (counted rows only).
        public var investmentGaps: [InvestmentGap] = []
        var sums: [String: Double] = [:]
        var byUnit: [String: DistrictLedger] = [:]

        /// Done items.
        public var done: Int { byStatus[decl.done] ?? 0 }

        /// Done items against the target, in percent.
        public var targetPercent: Double? {
            guard let t = target, t.value > 0 else { return nil }
            return Double(done) / t.value * 100
        }

        /// The money total's name without its unit (`计划投资`).
        public var moneyName: String {
            guard let money = decl.money, let f = spec.field(money.total) else { return "" }
            return Self.withoutUnit(f.name, money.unit)
        }

        /// A money field's name without its unit in either parentheses (`计划投资（万元）` → `计划投资`).
        static func withoutUnit(_ name: String, _ unit: String) -> String {
            name.replacingOccurrences(of: "（\(unit)）", with: "").replacingOccurrences(of: "(\(unit))", with: "")
        }

        /// The money total's name with its unit (`计划投资（万元）`).
        public var moneyHeading: String {
            guard let money = decl.money else { return "" }
            return "\(moneyName)（\(money.unit)）"
        }

        /// Rejected, missing and unread units (what the totals leave out).
        public var rejectedDistricts: [DistrictLedger] { districts.filter { $0.state == .returned } }
        public var missingDistricts: [DistrictLedger] { districts.filter { $0.state == .missing } }
        public var unreadDistricts: [DistrictLedger] { districts.filter { $0.state == .unread } }
    }

    /// A progress row with an error: what its status cell says (the unit's own text, also when
    /// the check refused it; nil when the cell is empty) and why it does not count.
    public struct TaskErrorRow: Sendable {
        public var unit: ReportingUnit
        public var task: String
        public var status: String?
        public var error: String
    }

    /// One indicator (量化指标) of an accepted row: its annual target, the value reached, and
    /// how that stands against the time to its deadline.
    public struct Indicator: Sendable {
        public var unit: ReportingUnit
        public var name: String
        public var measure: String
        public var target: Double
        public var done: Double
        public var task: String
        public var due: Day?
        /// Time progress to its deadline (the year's end without one) at the round's due date.
        public var timeShare: Double

        /// Done against the target (nil for a zero target).
        public var doneShare: Double? { target > 0 ? done / target : nil }
        public var reached: Bool { target > 0 && done >= target }
        /// Behind its time line, compared at the printed precision.
        public var behind: Bool { doneShare.map { Pace.behind(doneShare: $0, timeShare: timeShare) } ?? false }
    }

    /// Task rows by status (in the status choices' order), over accepted rows of accepted units.
    public var taskStatus: [String: Int] = [:]
    public var taskRows = 0
    /// The declared ledgers' figures, in plan order.
    public var ledgers: [LedgerFigures] = []
    public var publicityItems = 0
    /// Publicity items per unit (accepted rows of accepted units), by unit id.
    public var publicityByUnit: [String: Int] = [:]
    /// Progress rows with errors, in unit order.
    public var taskErrorRows: [TaskErrorRow] = []
    /// The indicators of accepted rows of accepted units, in unit and row order (empty without
    /// an indicators declaration the round asks for).
    public var indicators: [Indicator] = []
    /// Indicator rows with errors (not counted).
    public var indicatorErrorRows = 0
    /// Units that declared a nil return for at least one sheet.
    public var nilUnits: [ReportingUnit] = []
    /// Progress rows reported lagging, counted ones and those with errors, in unit order.
    public var lagging: [Lagging] = []
    /// Rows of accepted files kept out for their errors, by sheet id.
    public var errorRows: [String: Int] = [:]
    /// Progress rows with errors, by the status they reported.
    public var errorTaskStatus: [String: Int] = [:]

    /// The progress declaration the figures follow.
    public let progress: ProgressOutput?
    /// The indicators declaration, when the round asks for its sheet.
    public let indicatorsDecl: IndicatorsOutput?
    /// The round's due date (indicators are judged at it).
    let due: Day
    /// The publicity sheet, when the round asks for it.
    let publicitySheet: String?
    /// The progress sheet's status column in the template (1-based), for the cell's own text.
    private let statusColumn: Int?

    /// Empty figures for a round of a plan, to which units are added one by one (`add`, then
    /// `finish`): the declared progress sheet and ledgers that the round asks for.
    public init(plan: Plan, round: Round) {
        let asked = Set(round.sheets)
        progress = plan.outputs.progress.flatMap { asked.contains($0.sheet) ? $0 : nil }
        indicatorsDecl = plan.outputs.indicators.flatMap { asked.contains($0.sheet) ? $0 : nil }
        publicitySheet = plan.outputs.publicity.flatMap { asked.contains($0.sheet) ? $0.sheet : nil }
        due = round.due
        statusColumn = progress.flatMap { p in plan.sheet(p.sheet)?.fields.firstIndex { $0.id == p.status }.map { $0 + 1 } }
        ledgers = plan.outputs.ledgers.compactMap { decl in
            asked.contains(decl.sheet) ? plan.sheet(decl.sheet).map { LedgerFigures(decl: decl, spec: $0) } : nil
        }
    }

    /// Lagging rows with errors (reported, not counted).
    public var laggingWithErrors: [Lagging] { lagging.filter { !$0.error.isEmpty } }
    public var laggingCounted: [Lagging] { lagging.filter { $0.error.isEmpty } }

    /// Adds the rows of one accepted unit (units in plan order). Rows with errors are counted
    /// apart.
    public mutating func add(_ unit: ReportingUnit, rows: [CheckedRow], errors: RowErrors? = nil) {
        if let p = progress {
            for row in rows where row.sheet == p.sheet {
                let status = row.values[p.status]?.text
                let isLagging = p.lagging != nil && status == p.lagging
                let problems = p.problems.flatMap { row.values[$0]?.text } ?? ""
                if !row.accepted {
                    errorRows[p.sheet, default: 0] += 1
                    let shown = status ?? statusColumn.flatMap { errors?.foundValue(row, column: $0) }
                    if let shown { errorTaskStatus[shown, default: 0] += 1 }
                    taskErrorRows.append(TaskErrorRow(unit: unit, task: row.values[p.task]?.text ?? "", status: shown,
                                                      error: errors?.text(row) ?? "该行有错误"))
                    if isLagging {
                        lagging.append(Lagging(unit: unit, task: row.values[p.task]?.text ?? "", problems: problems,
                                               error: errors?.text(row) ?? "该行有错误"))
                    }
                    continue
                }
                taskRows += 1
                if let s = status {
                    taskStatus[s, default: 0] += 1
                    if isLagging { lagging.append(Lagging(unit: unit, task: row.values[p.task]?.text ?? "", problems: problems, error: "")) }
                }
            }
        }
        for row in rows where !row.accepted && row.sheet != progress?.sheet { errorRows[row.sheet, default: 0] += 1 }
        if let sheet = publicitySheet {
            publicityByUnit[unit.id] = rows.filter { $0.sheet == sheet && $0.accepted }.count
        }
        if let i = indicatorsDecl {
            for row in rows where row.sheet == i.sheet {
                guard row.accepted else { indicatorErrorRows += 1; continue }
                let deadline = i.due.flatMap { row.values[$0]?.day }
                let period = TimeProgress(start: Day(year: (deadline ?? due).year, month: 1, day: 1),
                                          end: deadline ?? Day(year: due.year, month: 12, day: 31))
                indicators.append(Indicator(unit: unit, name: row.values[i.name]?.text ?? "", measure: i.unit.flatMap { row.values[$0]?.text } ?? "",
                                            target: row.values[i.target]?.number ?? 0, done: row.values[i.done]?.number ?? 0,
                                            task: i.task.flatMap { row.values[$0]?.text } ?? "", due: deadline,
                                            timeShare: period.share(at: due)))
            }
        }
        for i in ledgers.indices { ledgers[i].add(unit, rows: rows) }
    }

    /// Completes the figures once every accepted unit has been added: sums rounded, and the
    /// ledger tables filled with every unit asked for a ledger (rejected files' figures as
    /// reported, from `rejectedRows` — the ledger rows of each rejected unit's file, by unit
    /// id — for the note that says they are left out).
    public mutating func finish(_ r: RoundResult, rejectedRows: [String: [CheckedRow]]) {
        for i in ledgers.indices { ledgers[i].finish(r, rejectedRows: rejectedRows) }
        publicityItems = r.plan.outputs.publicity.map { r.rowCount($0.sheet) } ?? 0
        nilUnits = r.units.filter { !($0.submission?.nilSheets.isEmpty ?? true) && $0.status == .accepted }.map(\.unit)
    }
}

extension Figures.LedgerFigures {
    /// The ledger's number fields that are not years (summed per unit).
    var summedFields: [String] {
        spec.fields.filter { [.integer, .decimal].contains($0.type) && !$0.isYear }.map(\.id)
    }

    mutating func add(_ unit: ReportingUnit, rows: [CheckedRow]) {
        // Field positions, looked up once per field list (every ledger row of a file shares it).
        var keys: [String] = []
        var position: [String: Int] = [:]
        let money = decl.money
        let summedFields = self.summedFields
        // Names of the unit's rows before each row (a row with an error repeating one of them is a
        // duplicate row, not another item).
        var namesSeen: Set<String> = []
        for row in rows where row.sheet == decl.sheet {
            if row.values.keys != keys {
                keys = row.values.keys
                position = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            }
            func value(_ id: String) -> FieldValue? { position[id].flatMap { row.values.value(at: $0) } }
            var d = byUnit[unit.id] ?? Figures.DistrictLedger(unit: unit)
            let status = value(decl.status)?.text
            let invest = money.flatMap { value($0.total)?.number } ?? 0
            let name = decl.name.flatMap { value($0)?.text }.map { $0.filter { !$0.isWhitespace } } ?? ""
            defer { if !name.isEmpty { namesSeen.insert(name) } }
            if !row.accepted {
                d.errorRows += 1
                errorLedger.items += 1
                if !name.isEmpty && namesSeen.contains(name) {
                    errorLedger.repeated += 1
                    errorLedger.investment += invest
                    byUnit[unit.id] = d
                    continue
                }
                if let status { errorLedger.byStatus[status, default: 0] += 1 }
                errorLedger.investment += invest
                byUnit[unit.id] = d
                continue
            }
            items += 1
            if let status { byStatus[status, default: 0] += 1 }
            Self.count(&d, status: status, investment: invest)
            plannedInvestment += invest
            if let money {
                var rowSources = 0.0
                for id in money.parts {
                    let v = value(id)?.number ?? 0
                    sums[id, default: 0] += v
                    rowSources += v
                }
                if !money.parts.isEmpty, position[money.total] != nil,
                   abs(FieldReader.rounded(rowSources) - FieldReader.rounded(invest)) >= 0.05 {
                    investmentGaps.append(Figures.InvestmentGap(unit: unit, row: row.row, item: decl.name.flatMap { value($0)?.text } ?? "",
                                                                investment: FieldReader.rounded(invest), sources: FieldReader.rounded(rowSources)))
                }
            }
            for extra in decl.extras { sums["extra:" + extra.field, default: 0] += value(extra.field)?.number ?? 0 }
            for id in summedFields { d.sums[id, default: 0] += value(id)?.number ?? 0 }
            byUnit[unit.id] = d
        }
    }

    static func count(_ d: inout Figures.DistrictLedger, status: String?, investment: Double) {
        d.items += 1
        if let status { d.byStatus[status, default: 0] += 1 }
        d.investment += investment
    }

    mutating func finish(_ r: RoundResult, rejectedRows: [String: [CheckedRow]]) {
        target = decl.target.flatMap { id in r.plan.targets.first { $0.id == id } }
        let spec = self.spec
        if let money = decl.money {
            investmentBySource = money.parts.compactMap { id in
                guard let f = spec.field(id) else { return nil }
                return (id, Self.withoutUnit(f.name, money.unit), FieldReader.rounded(sums[id] ?? 0))
            }
        }
        extras = decl.extras.map { e in
            (e.label, e.unit, FieldReader.rounded(sums["extra:" + e.field] ?? 0), spec.field(e.field)?.type == .integer)
        }
        plannedInvestment = FieldReader.rounded(plannedInvestment)
        errorLedger.investment = FieldReader.rounded(errorLedger.investment)
        districts = r.units.compactMap { outcome -> Figures.DistrictLedger? in
            let asked = r.plan.asks(outcome.unit, for: decl.sheet, in: r.round)
            guard asked || byUnit[outcome.unit.id] != nil else { return nil }
            var d = byUnit[outcome.unit.id] ?? Figures.DistrictLedger(unit: outcome.unit)
            d.state = outcome.state
            if outcome.status == .rejected {
                for row in rejectedRows[outcome.unit.id] ?? [] where row.sheet == decl.sheet {
                    Self.count(&d, status: row.values[decl.status]?.text, investment: decl.money.flatMap { row.values[$0.total]?.number } ?? 0)
                }
            }
            d.investment = FieldReader.rounded(d.investment)
            d.sums = d.sums.mapValues(FieldReader.rounded)
            return d
        }
    }
}

extension FieldSpec {
    /// Whether the field holds a year (its name says so, or its bounds lie within 1900–2100):
    /// written without thousands separators and never summed.
    public var isYear: Bool {
        name.contains("年份") || name.hasSuffix("年度") || (max ?? 10000) <= 2100 && (min ?? 0) >= 1900
    }
}
