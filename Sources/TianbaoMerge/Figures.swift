import TianbaoCheck
import TianbaoPlan

/// The figures leaders read, computed once from a round and shared by the consolidated
/// workbook and the briefing. Totals count accepted rows of accepted units only; what they
/// leave out (rows with errors, rejected files, units that did not report) is counted too, so
/// every total can say what it excludes.
public struct Figures: Sendable {
    /// One unit's ledger figures (a 区 or 功能区, or any unit the round asks for a ledger).
    public struct DistrictLedger: Sendable {
        public var unit: ReportingUnit
        /// 已报送 / 迟报 / 被退回 / 未报送.
        public var status = ""
        public var communities = 0
        public var completed = 0
        public var building = 0
        public var notStarted = 0
        public var investment = 0.0
        /// Ledger rows of an accepted file kept out of the figures for their errors.
        public var errorRows = 0
        public init(unit: ReportingUnit) { self.unit = unit }
    }

    /// Communities by status and their investment, of some ledger rows.
    public struct LedgerCounts: Sendable {
        public var communities = 0, completed = 0, building = 0, notStarted = 0
        public var investment = 0.0
    }

    /// A ledger row whose 计划投资 differs from the sum of its sources.
    public struct InvestmentGap: Sendable {
        public var unit: ReportingUnit
        public var row: Int
        public var community: String
        public var investment: Double
        public var sources: Double
    }

    /// A progress row reported 滞后; `error` says why it is not counted (empty when counted).
    public struct Lagging: Sendable {
        public var unit: ReportingUnit
        public var task: String
        public var problems: String
        public var error: String
    }

    /// Task rows by status (未启动/推进中/已完成/滞后), over accepted rows of accepted units.
    public var taskStatus: [String: Int] = [:]
    public var taskRows = 0
    /// Communities by ledger status.
    public var communities = 0
    public var completed = 0
    public var building = 0
    public var notStarted = 0
    /// The community target (from the plan's targets), if any.
    public var target: Target?
    public var plannedInvestment = 0.0
    /// Investment by source field id, in plan order.
    public var investmentBySource: [(id: String, name: String, amount: Double)] = []
    public var elevators = 0.0
    public var parking = 0.0
    /// Every unit the round asks for a ledger, in plan order, whatever its status.
    public var districts: [DistrictLedger] = []
    public var publicityItems = 0
    /// Units that declared a nil return for at least one sheet.
    public var nilUnits: [ReportingUnit] = []
    /// Progress rows reported 滞后, counted ones and those with errors, in unit order.
    public var lagging: [Lagging] = []
    /// Rows of accepted files kept out for their errors, by sheet id.
    public var errorRows: [String: Int] = [:]
    /// Progress rows with errors, by the status they reported.
    public var errorTaskStatus: [String: Int] = [:]
    /// Ledger rows with errors: how many, and what they report (as far as it could be read).
    public var errorLedger = LedgerCounts()
    /// Ledger rows whose 计划投资 is not the sum of its sources (counted rows only).
    public var investmentGaps: [InvestmentGap] = []

    public static let statusOrder = ["未启动", "推进中", "已完成", "滞后"]
    static let sourceFields = ["src_central", "src_province", "src_city", "src_district", "src_bond", "src_social",
                               "src_residents", "src_utilities"]

    // Running state while units are added.
    private var sums: [String: Double] = [:]
    private var byUnit: [String: DistrictLedger] = [:]

    /// Empty figures, to which units are added one by one (`add`, then `finish`).
    public init() {}

    /// The figures of a checked round.
    public init(_ r: RoundResult) {
        for outcome in r.units where outcome.status == .accepted {
            if let s = outcome.submission { add(outcome.unit, rows: s.rows, errors: RowErrors(s, plan: r.plan)) }
        }
        finish(r)
    }

    /// Rejected units with their ledger figures, and lagging rows with errors, of the round
    /// (what the totals leave out), computed from the files that count.
    public var rejectedDistricts: [DistrictLedger] { districts.filter { $0.status == "被退回" } }
    public var missingDistricts: [DistrictLedger] { districts.filter { $0.status == "未报送" } }
    /// Lagging rows with errors (reported, not counted).
    public var laggingWithErrors: [Lagging] { lagging.filter { !$0.error.isEmpty } }
    public var laggingCounted: [Lagging] { lagging.filter { $0.error.isEmpty } }

    /// Adds the rows of one accepted unit (units in plan order). Rows with errors are counted
    /// apart.
    public mutating func add(_ unit: ReportingUnit, rows: [CheckedRow], errors: RowErrors? = nil) {
        for row in rows where row.sheet == "progress" {
            let status = row.values["status"]?.text
            if !row.accepted {
                errorRows["progress", default: 0] += 1
                if let status { errorTaskStatus[status, default: 0] += 1 }
                if status == "滞后" {
                    lagging.append(Lagging(unit: unit, task: row.values["task"]?.text ?? "", problems: row.values["problems"]?.text ?? "",
                                           error: errors?.text(row) ?? "该行有错误"))
                }
                continue
            }
            taskRows += 1
            if let s = status {
                taskStatus[s, default: 0] += 1
                if s == "滞后" { lagging.append(Lagging(unit: unit, task: row.values["task"]?.text ?? "", problems: row.values["problems"]?.text ?? "", error: "")) }
            }
        }
        for row in rows where !row.accepted && row.sheet != "progress" { errorRows[row.sheet, default: 0] += 1 }
        // Field positions, looked up once per field list (every ledger row of a file shares it).
        var keys: [String] = []
        var position: [String: Int] = [:]
        for row in rows where row.sheet == "ledger" {
            if row.values.keys != keys {
                keys = row.values.keys
                position = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            }
            func value(_ id: String) -> FieldValue? { position[id].flatMap { row.values.value(at: $0) } }
            var d = byUnit[unit.id] ?? DistrictLedger(unit: unit)
            if !row.accepted {
                d.errorRows += 1
                errorLedger.communities += 1
                switch value("status")?.text {
                case "已完工": errorLedger.completed += 1
                case "在建": errorLedger.building += 1
                case "未开工": errorLedger.notStarted += 1
                default: break
                }
                errorLedger.investment += value("invest")?.number ?? 0
                byUnit[unit.id] = d
                continue
            }
            communities += 1
            switch value("status")?.text {
            case "已完工": completed += 1
            case "在建": building += 1
            case "未开工": notStarted += 1
            default: break
            }
            let invest = value("invest")?.number ?? 0
            Self.count(&d, status: value("status")?.text, investment: invest)
            plannedInvestment += invest
            var rowSources = 0.0
            for id in Self.sourceFields {
                let v = value(id)?.number ?? 0
                sums[id, default: 0] += v
                rowSources += v
            }
            if position["invest"] != nil, abs(FieldReader.rounded(rowSources) - FieldReader.rounded(invest)) >= 0.05 {
                investmentGaps.append(InvestmentGap(unit: unit, row: row.row, community: value("name")?.text ?? "",
                                                    investment: FieldReader.rounded(invest), sources: FieldReader.rounded(rowSources)))
            }
            elevators += value("elevators")?.number ?? 0
            parking += value("parking")?.number ?? 0
            byUnit[unit.id] = d
        }
    }

    private static func count(_ d: inout DistrictLedger, status: String?, investment: Double) {
        d.communities += 1
        switch status {
        case "已完工": d.completed += 1
        case "在建": d.building += 1
        case "未开工": d.notStarted += 1
        default: break
        }
        d.investment += investment
    }

    /// These figures completed with `finish`.
    public func finished(_ r: RoundResult) -> Figures {
        var f = self
        f.finish(r)
        return f
    }

    /// Completes the figures once every accepted unit has been added: sums rounded, and the
    /// ledger table filled with every unit asked for a ledger (rejected files' figures as
    /// reported, for the note that says they are left out).
    public mutating func finish(_ r: RoundResult) {
        target = r.plan.targets.first
        let ledger = r.plan.sheet("ledger")
        investmentBySource = Self.sourceFields.compactMap { id in
            guard let f = ledger?.field(id) else { return nil }
            return (id, f.name.replacingOccurrences(of: "(万元)", with: ""), FieldReader.rounded(sums[id] ?? 0))
        }
        plannedInvestment = FieldReader.rounded(plannedInvestment)
        errorLedger.investment = FieldReader.rounded(errorLedger.investment)
        districts = r.units.compactMap { outcome -> DistrictLedger? in
            let asked = r.plan.sheets(for: outcome.unit, in: r.round).contains { $0.id == "ledger" }
            guard asked || byUnit[outcome.unit.id] != nil else { return nil }
            var d = byUnit[outcome.unit.id] ?? DistrictLedger(unit: outcome.unit)
            d.status = ConsolidatedWorkbook.statusWord(outcome)
            if outcome.status == .rejected, let s = outcome.submission {
                for row in s.rows where row.sheet == "ledger" {
                    Self.count(&d, status: row.values["status"]?.text, investment: row.values["invest"]?.number ?? 0)
                }
            }
            d.investment = FieldReader.rounded(d.investment)
            return d
        }
        publicityItems = r.rowCount("publicity")
        nilUnits = r.units.filter { !($0.submission?.nilSheets.isEmpty ?? true) && $0.status == .accepted }.map(\.unit)
    }

    /// Completed communities against the target, in percent.
    public var targetPercent: Double? {
        guard let t = target, t.value > 0 else { return nil }
        return Double(completed) / t.value * 100
    }
}
