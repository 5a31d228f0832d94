import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoPlan

/// The year's review (回头看) computed from the archive: every figure the review workbook and
/// briefing show. Built one archived round at a time (`add`), oldest first, so memory holds one
/// round's rows plus the year's small tables. Which sheets, fields and values it reads comes
/// from the plan's `outputs:` declarations and its targets; a plan that declares no progress
/// sheet, ledger or publicity sheet gets no such section.
public struct YearReview {
    public let plan: Plan
    public let year: Int
    /// The rounds reviewed, in plan order.
    public private(set) var rounds: [Round] = []

    // MARK: Punctuality

    /// How a unit stood in a round.
    public enum UnitState: String, Sendable {
        case onTime = "按时", late = "迟报", rejected = "被退回", missing = "未报送", notExpected = "无需报送"
    }

    /// A unit over the year: its state per round and the counts.
    public struct UnitYear: Sendable {
        public var unit: ReportingUnit
        /// One state per reviewed round, in round order.
        public var states: [UnitState] = []
        public func count(_ s: UnitState) -> Int { states.filter { $0 == s }.count }
        /// Rounds the unit was expected in.
        public var expected: Int { states.filter { $0 != .notExpected }.count }
        /// On-time rounds over expected rounds (0 when none expected).
        public var onTimeRate: Double { expected == 0 ? 0 : Double(count(.onTime)) / Double(expected) }
        /// Accepted (on time or late) over expected.
        public var acceptedRate: Double { expected == 0 ? 0 : Double(count(.onTime) + count(.late)) / Double(expected) }
        /// 1 for the best; units with the same rates share a rank (1, 1, 3).
        public var rank = 0
    }
    public private(set) var units: [UnitYear] = []

    // MARK: Task course

    /// One task of one unit: its status in each round (the status value of an accepted row,
    /// else the unit's state or a note), and its latest percentage.
    public struct TaskCourse: Sendable {
        public var task: PlanTask
        public var unit: ReportingUnit
        public var cells: [String] = []
        /// The latest accepted percentage, if the plan declares one.
        public var lastPercent: Double?
    }
    public private(set) var taskCourses: [TaskCourse] = []
    /// Rows that counted per round and status, for the totals line: [round index][status] = n.
    public private(set) var statusCounts: [[String: Int]] = []
    /// What a task cell says when the unit's row has an error (not counted).
    public static let rowWithError = "有误"
    /// What a cell says when the round did not ask for the sheet, or the unit did not carry the row.
    public static let notAsked = "—"

    // MARK: Targets

    /// A plan target against what was done, per round (nil: the round did not ask for its sheet).
    public struct TargetYear: Sendable {
        public var target: Target
        public var done: [Int?] = []
        /// Per unit (that ever reported the sheet), per round; nil where the unit's file did not count.
        public var byUnit: [(unit: ReportingUnit, done: [Int?])] = []
        /// Units whose rows were not counted in a round (rejected or missing), per round.
        public var leftOut: [[String]] = []
    }
    public private(set) var targets: [TargetYear] = []

    // MARK: Ledger items whose status changed

    /// One ledger item (a community) of one unit: its status per round, when it changed.
    public struct ItemCourse: Sendable {
        public var unit: ReportingUnit
        public var name: String
        /// Status per round; nil where the unit's file did not count or did not list the item.
        public var statuses: [String?] = []
        /// Whether the status ever went back (by the ledger's order of statuses).
        public var wentBack = false
        /// The distinct statuses in the order met, with the round each first appeared in.
        public var path: [(status: String, round: String)] = []
    }
    public struct LedgerYear: Sendable {
        public var decl: LedgerOutput
        public var sheetName: String
        /// Items whose status changed during the year, in unit then first-seen order.
        public var changed: [ItemCourse] = []
        /// Items seen over the year.
        public var itemsSeen = 0
        /// Items done at the last round that were not done when first seen.
        public var newlyDone = 0
    }
    public private(set) var ledgers: [LedgerYear] = []

    // MARK: Problems raised

    /// A problem a unit raised (progress sheet's problems field, summary sheet's problems
    /// field): where, when first, and whether it came up again in a later round.
    public struct RaisedProblem: Sendable {
        public var unit: ReportingUnit
        /// The task id, or the summary sheet's name.
        public var subject: String
        public var firstRound: String
        public var text: String
        /// Every round in which the unit raised a problem on the same subject.
        public var rounds: [String]
        /// The latest text, when it differs from the first.
        public var latest: String?
        public var recurred: Bool { rounds.count > 1 }
        /// Later rounds gave the very same text.
        public var sameText = false
    }
    public private(set) var problems: [RaisedProblem] = []

    // MARK: Publicity

    /// Items per unit per month of the year (each item counted once, however many rounds list it).
    public struct PublicityYear: Sendable {
        public var decl: PublicityOutput
        public var sheetName: String
        /// Months shown: from the first month a reviewed round asked for the sheet (or an item is
        /// dated) to the month of the last reviewed round's due date.
        public var months: [Int] = []
        /// Per unit that was expected to fill the sheet in any reviewed round: counts per month.
        public var counts: [(unit: ReportingUnit, perMonth: [Int])] = []
        /// The first month judged against the monthly minimum: the start month of the first
        /// reviewed round that asked for the sheet (earlier months only show items dated then).
        public var judgedFrom = 1
    }
    public private(set) var publicity: PublicityYear?

    // MARK: Building

    private var courseIndex: [String: Int] = [:]
    private var problemIndex: [String: Int] = [:]
    private var itemIndex: [[String: Int]] = []
    private var allItems: [[ItemCourse]] = []
    private var publicitySeen: Set<String> = []
    private var publicityCounts: [String: [Int: Int]] = [:]
    private var publicityUnits: Set<String> = []
    private var publicityFirstMonth = 12
    private var publicityJudgedFrom = 12

    public init(plan: Plan, year: Int) {
        self.plan = plan
        self.year = year
        units = plan.units.map { UnitYear(unit: $0) }
        if let p = plan.outputs.progress {
            for task in plan.tasks {
                for unit in plan.units where plan.tasks(for: unit.id).contains(where: { $0.task.id == task.id }) {
                    courseIndex[task.id + "\u{1}" + unit.id] = taskCourses.count
                    taskCourses.append(TaskCourse(task: task, unit: unit))
                }
            }
            _ = p
        }
        targets = plan.targets.map { TargetYear(target: $0) }
        ledgers = plan.outputs.ledgers.map { LedgerYear(decl: $0, sheetName: plan.sheet($0.sheet)?.name ?? $0.sheet) }
        itemIndex = ledgers.map { _ in [:] }
        allItems = ledgers.map { _ in [] }
        if let p = plan.outputs.publicity {
            publicity = PublicityYear(decl: p, sheetName: plan.sheet(p.sheet)?.name ?? p.sheet)
        }
    }

    /// The review of `year` over every round of it recorded in `archive`.
    public static func build(archive: RoundArchive, plan: Plan, year: Int) throws -> YearReview {
        var review = YearReview(plan: plan, year: year)
        try archive.forEachRound(ofYear: year, plan: plan, sheets: sheetsRead(plan), fields: fieldsRead(plan)) { review.add($0) }
        review.finish()
        return review
    }

    /// The sheets the review reads of each round, by the plan's declarations: the progress,
    /// summary and publicity sheets, the ledgers and the targets' sheets.
    static func sheetsRead(_ plan: Plan) -> Set<String> {
        let o = plan.outputs
        return Set([o.progress?.sheet, o.summary?.sheet, o.publicity?.sheet].compactMap { $0 }
                   + o.ledgers.map(\.sheet) + plan.targets.map(\.sheet))
    }

    /// The fields the review reads of each sheet, where it reads only some (every field of the
    /// publicity sheet: an item is known by all its values). A sheet two declarations read
    /// gets the fields of both.
    static func fieldsRead(_ plan: Plan) -> [String: Set<String>] {
        let o = plan.outputs
        var out: [String: Set<String>] = [:]
        if let p = o.progress { out[p.sheet, default: []].formUnion([p.task, p.status, p.percent, p.problems].compactMap { $0 }) }
        if let s = o.summary { out[s.sheet, default: []].formUnion([s.problems].compactMap { $0 }) }
        for l in o.ledgers { out[l.sheet, default: []].formUnion([l.name, l.status].compactMap { $0 }) }
        for t in plan.targets { out[t.sheet, default: []].insert(t.field) }
        if let p = o.publicity { out[p.sheet] = nil }
        return out
    }

    /// Adds the next round (rounds must come in plan order).
    public mutating func add(_ archived: ArchivedRound) {
        guard let round = plan.round(archived.round) else { return }
        let r = rounds.count
        rounds.append(round)
        var byUnit: [String: ArchivedUnit] = [:]
        for u in archived.units { byUnit[u.unitId] = u }
        func state(_ id: String) -> UnitState {
            guard let u = byUnit[id] else { return .notExpected }
            if u.accepted { return u.late ? .late : .onTime }
            return u.status == "rejected" ? .rejected : .missing
        }
        for i in units.indices { units[i].states.append(state(units[i].unit.id)) }

        // Task course.
        statusCounts.append([:])
        if let p = plan.outputs.progress {
            let asked = round.sheets.contains(p.sheet)
            for i in taskCourses.indices {
                taskCourses[i].cells.append(asked ? state(taskCourses[i].unit.id).rawValue : Self.notAsked)
            }
            for u in archived.units where u.accepted && asked {
                for row in u.rows where row.sheet == p.sheet {
                    guard let task = row.values[p.task]?.text, let i = courseIndex[task + "\u{1}" + u.unitId] else { continue }
                    let status = row.values[p.status]?.text ?? ""
                    if row.accepted {
                        taskCourses[i].cells[r] = status.isEmpty ? Self.notAsked : status
                        statusCounts[r][status, default: 0] += 1
                        if let f = p.percent, let n = row.values[f]?.number { taskCourses[i].lastPercent = n }
                    } else {
                        taskCourses[i].cells[r] = Self.rowWithError
                    }
                }
            }
            // A task of a unit whose accepted file had no row for it.
            for i in taskCourses.indices where [UnitState.onTime.rawValue, UnitState.late.rawValue].contains(taskCourses[i].cells[r]) {
                taskCourses[i].cells[r] = Self.notAsked
            }
        }

        // Targets: rows of the target's sheet whose field equals the value, from accepted units.
        for t in targets.indices {
            let target = targets[t].target
            guard round.sheets.contains(target.sheet) else {
                targets[t].done.append(nil)
                targets[t].leftOut.append([])
                for k in targets[t].byUnit.indices { targets[t].byUnit[k].done.append(nil) }
                continue
            }
            var total = 0
            var perUnit: [String: Int?] = [:]
            var leftOut: [String] = []
            for u in archived.units {
                guard let unit = plan.unit(u.unitId), plan.asks(unit, for: target.sheet, in: round) else { continue }
                guard u.accepted else {
                    perUnit[u.unitId] = .some(nil)
                    leftOut.append(unit.name)
                    continue
                }
                let n = u.rows.filter { $0.sheet == target.sheet && $0.accepted && $0.values[target.field]?.text == target.equals }.count
                total += n
                perUnit[u.unitId] = n
            }
            targets[t].done.append(total)
            targets[t].leftOut.append(leftOut)
            for k in targets[t].byUnit.indices {
                let id = targets[t].byUnit[k].unit.id
                targets[t].byUnit[k].done.append(perUnit[id] ?? nil)
                perUnit[id] = nil
            }
            for unit in plan.units {
                guard let value = perUnit[unit.id] else { continue }
                targets[t].byUnit.append((unit, Array(repeating: nil, count: r) + [value]))
            }
            targets[t].byUnit.sort { (plan.position(ofUnit: $0.unit.id) ?? 0) < (plan.position(ofUnit: $1.unit.id) ?? 0) }
        }

        // Ledger items.
        for l in ledgers.indices {
            let decl = ledgers[l].decl
            guard let nameField = decl.name else { continue }
            for i in allItems[l].indices { allItems[l][i].statuses.append(nil) }
            guard round.sheets.contains(decl.sheet) else { continue }
            for u in archived.units where u.accepted {
                guard let unit = plan.unit(u.unitId) else { continue }
                for row in u.acceptedRows(decl.sheet) {
                    guard let name = row.values[nameField]?.text, !name.isEmpty, let status = row.values[decl.status]?.text else { continue }
                    let key = u.unitId + "\u{1}" + CommunityName.normalised(name)
                    let i: Int
                    if let known = itemIndex[l][key] {
                        i = known
                    } else {
                        i = allItems[l].count
                        itemIndex[l][key] = i
                        allItems[l].append(ItemCourse(unit: unit, name: name, statuses: Array(repeating: nil, count: r + 1)))
                    }
                    if allItems[l][i].statuses[r] == nil { allItems[l][i].statuses[r] = status }
                }
            }
        }

        // Problems raised: per unit and subject (a task, or the summary sheet).
        var raised: [(unit: ReportingUnit, subject: String, text: String)] = []
        for u in archived.units where u.accepted {
            guard let unit = plan.unit(u.unitId) else { continue }
            if let p = plan.outputs.progress, let field = p.problems {
                for row in u.acceptedRows(p.sheet) {
                    guard let text = row.values[field]?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
                          let task = row.values[p.task]?.text else { continue }
                    raised.append((unit, task, text))
                }
            }
            if let s = plan.outputs.summary, let field = s.problems {
                let name = plan.sheet(s.sheet)?.name ?? s.sheet
                for row in u.acceptedRows(s.sheet) {
                    guard let text = row.values[field]?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
                    raised.append((unit, name, text))
                }
            }
        }
        for item in raised {
            let key = item.unit.id + "\u{1}" + item.subject
            if let i = problemIndex[key] {
                if problems[i].rounds.last != round.id { problems[i].rounds.append(round.id) }
                if item.text == problems[i].text { problems[i].sameText = true } else { problems[i].latest = item.text }
            } else {
                problemIndex[key] = problems.count
                problems.append(RaisedProblem(unit: item.unit, subject: item.subject, firstRound: round.id, text: item.text, rounds: [round.id]))
            }
        }

        // Publicity: each item once (a unit listing the same item in two rounds counts it once).
        if let p = publicity?.decl, round.sheets.contains(p.sheet) {
            for u in archived.units {
                guard let unit = plan.unit(u.unitId), plan.asks(unit, for: p.sheet, in: round) else { continue }
                publicityUnits.insert(u.unitId)
                publicityFirstMonth = min(publicityFirstMonth, round.start.year == year ? round.start.month : 1)
                publicityJudgedFrom = min(publicityJudgedFrom, round.start.year == year ? round.start.month : 1)
                guard u.accepted else { continue }
                for row in u.acceptedRows(p.sheet) {
                    guard let day = row.values[p.date]?.day, day.year == year else { continue }
                    let fingerprint = u.unitId + "\u{1}" + row.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }.joined(separator: "\u{2}")
                    guard publicitySeen.insert(fingerprint).inserted else { continue }
                    publicityCounts[u.unitId, default: [:]][day.month, default: 0] += 1
                    publicityFirstMonth = min(publicityFirstMonth, day.month)
                }
            }
        }
    }

    /// Completes what needs the whole year: ranks, changed ledger items, the publicity table.
    public mutating func finish() {
        // Ranking: on-time rate, then accepted rate; equal rates share a rank.
        let ranked = units.indices.filter { units[$0].expected > 0 }
            .sorted { (units[$0].onTimeRate, units[$0].acceptedRate, -$0) > (units[$1].onTimeRate, units[$1].acceptedRate, -$1) }
        for (position, i) in ranked.enumerated() {
            if position > 0, let prev = Optional(ranked[position - 1]),
               units[prev].onTimeRate == units[i].onTimeRate, units[prev].acceptedRate == units[i].acceptedRate {
                units[i].rank = units[prev].rank
            } else {
                units[i].rank = position + 1
            }
        }

        for l in ledgers.indices {
            let decl = ledgers[l].decl
            let order = decl.shownStatuses
            func progress(_ s: String) -> Int { order.firstIndex(of: s).map { order.count - 1 - $0 } ?? -1 }
            ledgers[l].itemsSeen = allItems[l].count
            for var item in allItems[l] {
                let known = item.statuses.enumerated().compactMap { i, s in s.map { (i, $0) } }
                guard let first = known.first, let last = known.last else { continue }
                if last.1 == decl.done && first.1 != decl.done { ledgers[l].newlyDone += 1 }
                var path: [(String, String)] = []
                for (i, s) in known where path.last?.0 != s { path.append((s, rounds[i].id)) }
                guard path.count > 1 else { continue }
                item.path = path.map { (status: $0.0, round: $0.1) }
                item.wentBack = zip(known, known.dropFirst()).contains { progress($1.1) < progress($0.1) }
                ledgers[l].changed.append(item)
            }
        }

        if var p = publicity {
            let lastMonth = rounds.last.map { $0.due.year == year ? $0.due.month : 12 } ?? 12
            p.months = Array(min(publicityFirstMonth, lastMonth)...max(lastMonth, 1))
            p.judgedFrom = min(publicityJudgedFrom, lastMonth)
            p.counts = plan.units.filter { publicityUnits.contains($0.id) }.map { unit in
                (unit, p.months.map { publicityCounts[unit.id]?[$0] ?? 0 })
            }
            publicity = p
        }
    }

    /// Units with fewer items than the minimum in a month, counted over months up to the last
    /// reviewed round's month.
    public var publicityShortfalls: [(unit: ReportingUnit, months: [Int])] {
        guard let p = publicity else { return [] }
        return p.counts.compactMap { c in
            let short = zip(p.months, c.perMonth).filter { $0.0 >= p.judgedFrom && $0.1 < p.decl.perMonthMin }.map(\.0)
            return short.isEmpty ? nil : (c.unit, short)
        }
    }
}
