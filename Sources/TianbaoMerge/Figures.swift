import TianbaoCheck
import TianbaoPlan

/// The figures leaders read, computed once from a round and shared by the consolidated
/// workbook and the briefing.
public struct Figures: Sendable {
    public struct DistrictLedger: Sendable {
        public var unit: ReportingUnit
        public var communities = 0
        public var completed = 0
        public var building = 0
        public var notStarted = 0
        public var investment = 0.0
    }

    /// Task rows by status (未启动/推进中/已完成/滞后), over accepted units.
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
    public var districts: [DistrictLedger] = []
    public var publicityItems = 0
    /// Units that declared a nil return for at least one sheet.
    public var nilUnits: [ReportingUnit] = []
    /// Lagging task rows: (unit, task id, problems text).
    public var lagging: [(unit: ReportingUnit, task: String, problems: String)] = []

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
            if let s = outcome.submission { add(outcome.unit, rows: s.rows) }
        }
        finish(r)
    }

    /// Adds the rows of one accepted unit (units in plan order).
    public mutating func add(_ unit: ReportingUnit, rows: [CheckedRow]) {
        for row in rows where row.accepted && row.sheet == "progress" {
            taskRows += 1
            if let s = row.values["status"]?.text {
                taskStatus[s, default: 0] += 1
                if s == "滞后" { lagging.append((unit, row.values["task"]?.text ?? "", row.values["problems"]?.text ?? "")) }
            }
        }
        // Field positions, looked up once per field list (every ledger row of a file shares it).
        var keys: [String] = []
        var position: [String: Int] = [:]
        for row in rows where row.accepted && row.sheet == "ledger" {
            if row.values.keys != keys {
                keys = row.values.keys
                position = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            }
            func value(_ id: String) -> FieldValue? { position[id].flatMap { row.values.value(at: $0) } }
            communities += 1
            var d = byUnit[unit.id] ?? DistrictLedger(unit: unit)
            d.communities += 1
            switch value("status")?.text {
            case "已完工": completed += 1; d.completed += 1
            case "在建": building += 1; d.building += 1
            case "未开工": notStarted += 1; d.notStarted += 1
            default: break
            }
            let invest = value("invest")?.number ?? 0
            plannedInvestment += invest
            d.investment += invest
            for id in Self.sourceFields { sums[id, default: 0] += value(id)?.number ?? 0 }
            elevators += value("elevators")?.number ?? 0
            parking += value("parking")?.number ?? 0
            byUnit[unit.id] = d
        }
    }

    /// These figures completed with `finish`.
    public func finished(_ r: RoundResult) -> Figures {
        var f = self
        f.finish(r)
        return f
    }

    /// Completes the figures once every accepted unit has been added.
    public mutating func finish(_ r: RoundResult) {
        target = r.plan.targets.first
        let ledger = r.plan.sheet("ledger")
        investmentBySource = Self.sourceFields.compactMap { id in
            guard let f = ledger?.field(id) else { return nil }
            return (id, f.name.replacingOccurrences(of: "(万元)", with: ""), FieldReader.rounded(sums[id] ?? 0))
        }
        plannedInvestment = FieldReader.rounded(plannedInvestment)
        districts = r.units.filter { byUnit[$0.unit.id] != nil }.map { byUnit[$0.unit.id]! }
        publicityItems = r.rowCount("publicity")
        nilUnits = r.units.filter { !($0.submission?.nilSheets.isEmpty ?? true) && $0.status == .accepted }.map(\.unit)
    }

    /// Completed communities against the target, in percent.
    public var targetPercent: Double? {
        guard let t = target, t.value > 0 else { return nil }
        return Double(completed) / t.value * 100
    }
}
