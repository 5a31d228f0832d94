import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound

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
        /// Rounds in which its file counted but had errors (rows kept out).
        public var errorRounds: [String] = []
        /// Problems the checks across rounds found in its files (status gone back, a community
        /// reported twice or vanished, text copied…), with their round.
        public var acrossRounds: [(round: String, rule: Rule, message: String)] = []
    }
    public private(set) var units: [UnitYear] = []

    // MARK: Task course

    /// What a task's cell says in one round: the status value of an accepted row, the unit's
    /// state when no row of it counts, a row with an error, or nothing asked.
    public enum TaskStep: Sendable, Hashable {
        /// The status value the unit's accepted row reported (the plan's word).
        case status(String)
        /// The unit's state in the round, when its file did not count.
        case unit(UnitState)
        /// The unit's row had an error and was not counted.
        case rowWithError
        /// The round did not ask for the sheet, or the unit's file carried no row for the task.
        case notAsked

        /// The word the review prints.
        public var word: String {
            switch self {
            case .status(let s): return s
            case .unit(let s): return s.rawValue
            case .rowWithError: return YearReview.rowWithError
            case .notAsked: return YearReview.notAsked
            }
        }
    }

    /// One task of one unit: its status in each round (the status value of an accepted row,
    /// else the unit's state or a note), and its latest percentage.
    public struct TaskCourse: Sendable {
        public var task: PlanTask
        public var unit: ReportingUnit
        /// Its step in each round.
        public var steps: [TaskStep] = []
        /// The words of its steps, as the review prints them.
        public var cells: [String] { steps.map(\.word) }
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
        /// Per round: the status comes from a row with an error (reported, not counted).
        public var uncounted: [Bool] = []
        /// Per round: the completion date given (when the ledger's rules require one).
        public var finish: [Day?] = []
        /// Whether the status ever went back (by the ledger's order of statuses).
        public var wentBack = false
        /// The distinct statuses in the order met, with the round each first appeared in and
        /// whether it came from a row with an error.
        public var path: [(status: String, round: String, uncounted: Bool)] = []
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
        /// Items whose last counted status is done (each unit's latest counted ledger): those
        /// first listed as done already plus `newlyDone`.
        public var doneAtEnd = 0
        /// Of `doneAtEnd`, those first listed as done already.
        public var firstSeenDone = 0
        /// Of `doneAtEnd`, those whose latest counted round is not the last reviewed round (the
        /// unit's file did not count then): the rest are the last round's own done count.
        public var doneBeforeLast = 0
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

    // MARK: Indicators

    /// One unit's indicator (量化指标) over the year: its annual target and the value reached in
    /// each round (nil where no counted row gave it).
    public struct IndicatorYear: Sendable {
        public var unit: ReportingUnit
        public var name: String
        public var measure: String
        public var target: Double
        public var values: [Double?]
        public var task: String
        public var due: Day?

        /// The latest value reached, and the round index it was reported in.
        public var latest: (value: Double, round: Int)? {
            values.enumerated().last { $0.element != nil }.map { ($0.element!, $0.offset) }
        }
    }
    public private(set) var indicators: [IndicatorYear] = []

    /// The time progress an indicator is judged against: at the due date of the round its
    /// latest value comes from (a value reported in May is judged at May's due date, not at a
    /// later round's), else at the last reviewed round's.
    public func indicatorTime(_ i: IndicatorYear) -> Double {
        let day = i.latest.map { rounds[$0.round].due } ?? rounds.last?.due ?? Day(year: year, month: 12, day: 31)
        return ReviewWorkbook.indicatorTime(i, at: day, year: year)
    }
    private var indicatorIndex: [String: Int] = [:]

    // MARK: Rectification

    /// The day the review is made (its outputs' date): an open item past its time limit on
    /// this day is 逾期. Nil until the outputs set it.
    public var date: Day?
    /// The review's issue number in the 回头看 series (1 without one).
    public var issue = 1
    /// The review's date, or the last reviewed round's due date without one.
    public var asOf: Day { date ?? rounds.last?.due ?? Day(year: year, month: 12, day: 31) }

    private var book = RectificationBook()
    /// The 整改清单: every item opened during the year, in the order first seen, open or closed.
    public var rectification: [RectificationItem] { book.items }

    // MARK: Building

    private var courseIndex: [String: Int] = [:]
    private var problemIndex: [String: Int] = [:]
    private var itemIndex: [[String: Int]] = []
    /// Per ledger, the items of each unit and normalised name (`CommunityName.normalised`).
    private var looseIndex: [[String: [Int]]] = []
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
        looseIndex = ledgers.map { _ in [:] }
        allItems = ledgers.map { _ in [] }
        if let p = plan.outputs.publicity {
            publicity = PublicityYear(decl: p, sheetName: plan.sheet(p.sheet)?.name ?? p.sheet)
        }
    }

    /// The review of `year` over every round of it recorded in `archive`.
    public static func build(archive: RoundArchive, plan: Plan, year: Int) throws -> YearReview {
        var review = YearReview(plan: plan, year: year)
        try archive.forEachRound(ofYear: year, plan: plan, sheets: sheetsRead(plan), fields: fieldsRead(plan)) {
            review.add($0, problems: try archive.problems(round: $0.round))
        }
        review.finish()
        return review
    }

    /// The sheets the review reads of each round, by the plan's declarations: the progress,
    /// summary and publicity sheets, the ledgers and the targets' sheets.
    static func sheetsRead(_ plan: Plan) -> Set<String> {
        let o = plan.outputs
        return Set([o.progress?.sheet, o.summary?.sheet, o.publicity?.sheet, o.indicators?.sheet].compactMap { $0 }
                   + o.ledgers.map(\.sheet) + plan.targets.map(\.sheet))
    }

    /// The fields the review reads of each sheet, where it reads only some (every field of the
    /// publicity sheet: an item is known by all its values). A sheet two declarations read
    /// gets the fields of both.
    static func fieldsRead(_ plan: Plan) -> [String: Set<String>] {
        let o = plan.outputs
        var out: [String: Set<String>] = [:]
        if let p = o.progress { out[p.sheet, default: []].formUnion([p.task, p.status, p.percent, p.problems, p.next].compactMap { $0 }) }
        if let s = o.summary { out[s.sheet, default: []].formUnion([s.problems, s.plans].compactMap { $0 }) }
        if let i = o.indicators { out[i.sheet, default: []].formUnion([i.name, i.unit, i.target, i.done, i.task, i.due].compactMap { $0 }) }
        for l in o.ledgers {
            let finish = CrossRoundFields(plan: plan, ledger: l).ledgerFinish
            out[l.sheet, default: []].formUnion([l.name, l.status, finish.isEmpty ? nil : finish].compactMap { $0 })
        }
        for t in plan.targets { out[t.sheet, default: []].insert(t.field) }
        if let p = o.publicity { out[p.sheet] = nil }
        return out
    }

    /// Adds the next round (rounds must come in plan order), with the problems recorded with it.
    public mutating func add(_ archived: ArchivedRound, problems found: [ArchivedProblem] = []) {
        guard let round = plan.round(archived.round) else { return }
        let r = rounds.count
        rounds.append(round)
        var byUnit: [String: ArchivedUnit] = [:]
        for u in archived.units { byUnit[u.unitId] = u }
        func state(_ id: String) -> UnitState {
            guard let u = byUnit[id] else { return .notExpected }
            if u.accepted { return u.late ? .late : .onTime }
            return u.status == .rejected ? .rejected : .missing
        }
        for i in units.indices { units[i].states.append(state(units[i].unit.id)) }

        // Task course.
        statusCounts.append([:])
        if let p = plan.outputs.progress {
            let asked = round.sheets.contains(p.sheet)
            for i in taskCourses.indices {
                taskCourses[i].steps.append(asked ? .unit(state(taskCourses[i].unit.id)) : .notAsked)
            }
            for u in archived.units where u.accepted && asked {
                for row in u.rows where row.sheet == p.sheet {
                    guard let task = row.values[p.task]?.text, let i = courseIndex[task + "\u{1}" + u.unitId] else { continue }
                    let status = row.values[p.status]?.text ?? ""
                    if row.accepted {
                        taskCourses[i].steps[r] = status.isEmpty ? .notAsked : .status(status)
                        statusCounts[r][status, default: 0] += 1
                        if let f = p.percent, let n = row.values[f]?.number { taskCourses[i].lastPercent = n }
                    } else {
                        taskCourses[i].steps[r] = .rowWithError
                    }
                }
            }
            // A task of a unit whose accepted file had no row for it.
            for i in taskCourses.indices where [.unit(.onTime), .unit(.late)].contains(taskCourses[i].steps[r]) {
                taskCourses[i].steps[r] = .notAsked
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
            for i in allItems[l].indices {
                allItems[l][i].statuses.append(nil)
                allItems[l][i].uncounted.append(false)
                allItems[l][i].finish.append(nil)
            }
            let finishField = CrossRoundFields(plan: plan, ledger: decl).ledgerFinish
            guard round.sheets.contains(decl.sheet) else { continue }
            // Rows with errors too: a status reported but kept out still shows a regression.
            for u in archived.units where u.accepted {
                guard let unit = plan.unit(u.unitId) else { continue }
                let rows = u.rows.filter { $0.sheet == decl.sheet }.sorted { ($0.accepted ? 0 : 1, $0.row) < ($1.accepted ? 0 : 1, $1.row) }
                // An item is known by its exact name; by its normalised name (小区/社区 dropped)
                // only when no other name of this round's rows normalises alike and one item of
                // the unit alone has it: 纱帽钢花社区 and 纱帽钢花小区 in one round are two.
                var namesAlike: [String: Set<String>] = [:]
                for row in rows {
                    if let name = row.values[nameField]?.text, !name.isEmpty {
                        namesAlike[CommunityName.normalised(name), default: []].insert(CommunityName.exact(name))
                    }
                }
                for row in rows {
                    guard let name = row.values[nameField]?.text, !name.isEmpty, let status = row.values[decl.status]?.text else { continue }
                    let key = u.unitId + "\u{1}" + CommunityName.exact(name)
                    let loose = u.unitId + "\u{1}" + CommunityName.normalised(name)
                    let i: Int
                    if let known = itemIndex[l][key] {
                        i = known
                    } else if namesAlike[CommunityName.normalised(name)]?.count == 1, let alike = looseIndex[l][loose], alike.count == 1 {
                        i = alike[0]
                        itemIndex[l][key] = i
                    } else {
                        i = allItems[l].count
                        itemIndex[l][key] = i
                        looseIndex[l][loose, default: []].append(i)
                        allItems[l].append(ItemCourse(unit: unit, name: name, statuses: Array(repeating: nil, count: r + 1),
                                                      uncounted: Array(repeating: false, count: r + 1),
                                                      finish: Array(repeating: nil, count: r + 1)))
                    }
                    if allItems[l][i].statuses[r] == nil {
                        allItems[l][i].statuses[r] = status
                        allItems[l][i].uncounted[r] = !row.accepted
                        allItems[l][i].finish[r] = finishField.isEmpty ? nil : row.values[finishField]?.day
                    }
                }
            }
        }

        // Problems raised: per unit and subject (a task, or the summary sheet).
        var raised: [(unit: ReportingUnit, subject: String, text: String, next: String)] = []
        for u in archived.units where u.accepted {
            guard let unit = plan.unit(u.unitId) else { continue }
            if let p = plan.outputs.progress, let field = p.problems {
                for row in u.acceptedRows(p.sheet) {
                    guard let text = row.values[field]?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
                          let task = row.values[p.task]?.text else { continue }
                    raised.append((unit, task, text, p.next.flatMap { row.values[$0]?.text } ?? ""))
                }
            }
            if let s = plan.outputs.summary, let field = s.problems {
                let name = plan.sheet(s.sheet)?.name ?? s.sheet
                for row in u.acceptedRows(s.sheet) {
                    guard let text = row.values[field]?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
                    raised.append((unit, name, text, s.plans.flatMap { row.values[$0]?.text } ?? ""))
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

        quality(archived, round: round, problems: found)
        indicatorValues(archived, r: r)
        carryRectification(archived, round: round, raised: raised)

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

    /// Rules of the checks across rounds (a unit's files compared with its earlier ones).
    static let acrossRoundRules: Set<Rule> = [.copiedWorkbook, .statusWentBack, .finishDateMoved, .figureFell, .textCopied, .jump,
                                              .communityVanished, .communityDuplicate]

    /// Each unit's rounds with errors and its problems across rounds; the 整改清单's items on
    /// the quality of what it sent (opened by a returned file or errors, closed by a clean
    /// file) and on each problem across rounds (closed when a later file of the unit no longer
    /// has it).
    private mutating func quality(_ archived: ArchivedRound, round: Round, problems: [ArchivedProblem]) {
        let byUnit = Dictionary(grouping: problems.filter { $0.unitId != nil }, by: { $0.unitId! })
        for u in archived.units {
            guard let i = units.firstIndex(where: { $0.unit.id == u.unitId }) else { continue }
            let unit = units[i].unit
            let mine = byUnit[u.unitId] ?? []
            // Punctuality: a round not reported is open until the unit's file counts again; a
            // late one until a round is reported on time.
            if !u.accepted && u.status != .rejected {
                book.see(.missing, unit: unit, subject: "报送", problem: "\(round.title)未报送",
                         measure: "尽快补报，今后按时报送", round: round.id)
            } else if u.accepted {
                book.resolve(.missing, unit: u.unitId, subject: "报送", round: round.id)
                if u.late {
                    book.see(.late, unit: unit, subject: "报送", problem: "\(round.title)迟报（截止\(round.due.chinese)）",
                             measure: "按规定时限报送", round: round.id)
                } else {
                    book.resolve(.late, unit: u.unitId, subject: "报送", round: round.id)
                }
            }
            if u.status == .rejected {
                let first = mine.first { $0.severity == .error && (Rule(rawValue: $0.rule)?.isFileLevel ?? false) } ?? mine.first { $0.severity == .error }
                let reason = first.flatMap { p in Rule(rawValue: p.rule).map { ReturnReason.text(rule: $0, value: p.value, sheet: p.sheet, plan: plan) } }
                    ?? "文件不符合要求"
                book.see(.dataQuality, unit: unit, subject: "报送材料", problem: "\(round.title)报送的文件被退回：\(reason)",
                         measure: "按反馈表修改后重新报送", round: round.id)
                continue
            }
            guard u.accepted else { continue }
            let allErrors = mine.filter { $0.severity == .error }
            // A status gone back is the ledger's regression item (one problem, one item).
            let errors = allErrors.filter { $0.rule != Rule.statusWentBack.rawValue }
            if !allErrors.isEmpty { units[i].errorRounds.append(round.id) }
            if !errors.isEmpty {
                let first = errors.prefix(2).map { p in (p.sheet.map { "\($0)：" } ?? "") + forLeaders(p.message) }
                book.see(.dataQuality, unit: unit, subject: "报送材料",
                         problem: "\(round.title)报送的数据有误 \(errors.count) 处（\(first.joined(separator: "；"))\(errors.count > 2 ? "……" : "")）",
                         measure: "按反馈表更正后重新报送", round: round.id)
            } else {
                book.resolve(.dataQuality, unit: u.unitId, subject: "报送材料", round: round.id)
            }
            var present: Set<String> = []
            for p in mine where !p.explained {
                guard let rule = Rule(rawValue: p.rule), Self.acrossRoundRules.contains(rule), rule != .statusWentBack else { continue }
                units[i].acrossRounds.append((round.id, rule, p.message))
                // A community gone from the ledger after another unit was found to list it too
                // is that duplicate resolved, not an item asking to list it again.
                if rule == .communityVanished,
                   book.listed(.acrossRounds, unit: u.unitId, subject: "\(Rule.communityDuplicate.name)：\(p.sheet ?? "")“\(p.value)”") {
                    continue
                }
                let subject = "\(rule.name)：\(p.sheet ?? "")\(p.value.isEmpty ? "" : "“\(p.value)”")"
                present.insert(subject)
                // A community another unit lists in the same round is a problem within the
                // round, labelled as such; the others compare with earlier rounds.
                book.see(.acrossRounds, label: rule == .communityDuplicate ? rule.name : nil, unit: unit, subject: subject,
                         problem: forLeaders(p.message), measure: "核实后更正，或在“说明”中写明原因", round: round.id)
            }
            for p in mine where !p.explained && p.rule == Rule.statusWentBack.rawValue {
                units[i].acrossRounds.append((round.id, .statusWentBack, p.message))
            }
            for subject in book.open(.acrossRounds, unit: u.unitId) where !present.contains(subject) {
                book.resolve(.acrossRounds, unit: u.unitId, subject: subject, round: round.id)
            }
        }
    }

    /// A check's message as the 整改清单 quotes it: its statements without the instructions
    /// to the unit (sentences asking it to check or correct: the 措施 column says what to do)
    /// and without a closing 。 (the items join messages with ；).
    /// A round named by its id (`上期（2021-04）`) is named by its title (`上期（4月工作调度）`).
    func forLeaders(_ message: String) -> String {
        let sentences = message.split(whereSeparator: { "。；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let kept = sentences.filter { !$0.contains("请") && !$0.hasPrefix("如") }
        var text = (kept.isEmpty ? sentences : kept).joined(separator: "，")
        for r in plan.rounds where text.contains("（\(r.id)）") { text = text.replacingOccurrences(of: "（\(r.id)）", with: "（\(r.title)）") }
        return text
    }

    /// The indicators (量化指标) of the round's counted rows.
    private mutating func indicatorValues(_ archived: ArchivedRound, r: Int) {
        for i in indicators.indices { indicators[i].values.append(nil) }
        guard let decl = plan.outputs.indicators, plan.round(archived.round)?.sheets.contains(decl.sheet) ?? false else { return }
        for u in archived.units where u.accepted {
            guard let unit = plan.unit(u.unitId) else { continue }
            for row in u.acceptedRows(decl.sheet) {
                guard let name = row.values[decl.name]?.text, !name.isEmpty else { continue }
                let key = u.unitId + "\u{1}" + name.trimmingCharacters(in: .whitespaces)
                let i: Int
                if let known = indicatorIndex[key] { i = known } else {
                    i = indicators.count
                    indicatorIndex[key] = i
                    indicators.append(IndicatorYear(unit: unit, name: name, measure: "", target: 0,
                                                    values: Array(repeating: nil, count: r + 1), task: "", due: nil))
                }
                indicators[i].measure = decl.unit.flatMap { row.values[$0]?.text } ?? indicators[i].measure
                indicators[i].target = row.values[decl.target]?.number ?? indicators[i].target
                indicators[i].task = decl.task.flatMap { row.values[$0]?.text } ?? indicators[i].task
                indicators[i].due = decl.due.flatMap { row.values[$0]?.day } ?? indicators[i].due
                if indicators[i].values[r] == nil { indicators[i].values[r] = row.values[decl.done]?.number }
            }
        }
    }

    /// The 整改清单's items on lagging tasks (closed when the task's row no longer says
    /// lagging) and on problems raised again (closed when a later round no longer raises them),
    /// from the units whose file counted this round.
    private mutating func carryRectification(_ archived: ArchivedRound, round: Round,
                                             raised: [(unit: ReportingUnit, subject: String, text: String, next: String)]) {
        if let p = plan.outputs.progress, let lagging = p.lagging, round.sheets.contains(p.sheet) {
            for u in archived.units where u.accepted {
                guard let unit = plan.unit(u.unitId) else { continue }
                for row in u.acceptedRows(p.sheet) {
                    guard let taskId = row.values[p.task]?.text else { continue }
                    let subject = plan.task(taskId).map { "\($0.id) \($0.title)" } ?? taskId
                    if row.values[p.status]?.text == lagging {
                        let why = p.problems.flatMap { row.values[$0]?.text }.map { "：" + Briefing.excerpt($0, limit: 80) } ?? ""
                        book.see(.lagging, label: "任务\(lagging)", unit: unit, subject: subject, problem: "任务 \(taskId) 报\(lagging)\(why)",
                                 measure: p.next.flatMap { row.values[$0]?.text } ?? "", round: round.id)
                    } else {
                        book.resolve(.lagging, unit: u.unitId, subject: subject, round: round.id)
                    }
                }
            }
        }
        // A problem raised on a subject in an earlier round and again now is open; one raised
        // before and not now (the unit's file counting) is resolved.
        let now = Set(raised.map { $0.unit.id + "\u{1}" + $0.subject })
        for item in raised {
            let key = item.unit.id + "\u{1}" + item.subject
            guard let i = problemIndex[key], problems[i].rounds.count > 1 else { continue }
            let subject = plan.task(item.subject).map { "任务 \($0.id) \($0.title)" } ?? item.subject
            book.see(.recurringProblem, unit: item.unit, subject: subject,
                     problem: "自\(plan.round(problems[i].firstRound)?.title ?? problems[i].firstRound)起反复反映：" + Briefing.excerpt(item.text, limit: 80),
                     measure: item.next, round: round.id)
        }
        for u in archived.units where u.accepted {
            for p in problems where p.unit.id == u.unitId && p.recurred && !now.contains(u.unitId + "\u{1}" + p.subject) {
                let subject = plan.task(p.subject).map { "任务 \($0.id) \($0.title)" } ?? p.subject
                book.resolve(.recurringProblem, unit: u.unitId, subject: subject, round: round.id)
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
                let counted = known.filter { !item.uncounted[$0.0] }
                guard let first = counted.first, let last = counted.last else { continue }
                if last.1 == decl.done && first.1 != decl.done { ledgers[l].newlyDone += 1 }
                if last.1 == decl.done {
                    ledgers[l].doneAtEnd += 1
                    if first.1 == decl.done { ledgers[l].firstSeenDone += 1 }
                    if last.0 != rounds.count - 1 { ledgers[l].doneBeforeLast += 1 }
                }
                var path: [(status: String, round: String, uncounted: Bool)] = []
                for (i, s) in known where path.last.map({ $0.status != s || $0.uncounted != item.uncounted[i] }) ?? true {
                    path.append((s, rounds[i].id, item.uncounted[i]))
                }
                // Only a change of status: the same status in a row with an error is no change.
                guard Set(path.map(\.status)).count > 1 else { continue }
                item.path = path
                item.wentBack = zip(known, known.dropFirst()).contains { progress($1.1) < progress($0.1) }
                ledgers[l].changed.append(item)
                // The 整改清单: a status gone back (in a counted row or one with an error) is
                // open until a counted row shows the item as far as it had come.
                var best: (rank: Int, status: String, round: String)?
                let subject = "\(ledgers[l].sheetName)：\(item.name)"
                // The completion date first given in a counted row: a completion after a
                // regression that gives another date contradicts it, and keeps the item open.
                let firstFinish = known.first { !item.uncounted[$0.0] && $0.1 == decl.done && item.finish[$0.0] != nil }.flatMap { item.finish[$0.0] }
                var regression = ""
                for (i, s) in known {
                    let rank = progress(s)
                    if let b = best, rank < b.rank {
                        let how = item.uncounted[i] ? "（填报有误，未计入统计）" : ""
                        regression = "\(ledgers[l].sheetName)中“\(item.name)”\(rounds.first { $0.id == b.round }?.title ?? b.round)报“\(b.status)”，"
                            + "\(rounds[i].title)报“\(s)”\(how)，状态倒退"
                        book.see(.regression, label: "\(decl.called)状态倒退", unit: item.unit, subject: subject, problem: regression,
                                 measure: "核实\(decl.label)实际状态，更正\(ledgers[l].sheetName)或说明原因", round: rounds[i].id)
                    } else if let b = best, rank >= b.rank, !item.uncounted[i] {
                        if s == decl.done, let was = firstFinish, let now = item.finish[i], now != was,
                           book.isOpen(.regression, unit: item.unit.id, subject: subject) {
                            book.see(.regression, label: "\(decl.called)状态倒退", unit: item.unit, subject: subject,
                                     problem: regression + "；\(rounds[i].title)再报“\(s)”，但完工日期（\(now.chinese)）与此前所报（\(was.chinese)）不一致",
                                     measure: "核实\(decl.label)实际完工日期，更正\(ledgers[l].sheetName)或说明原因", round: rounds[i].id)
                        } else {
                            book.resolve(.regression, unit: item.unit.id, subject: subject, round: rounds[i].id)
                        }
                    }
                    if !item.uncounted[i], rank > (best?.rank ?? Int.min) { best = (rank, s, rounds[i].id) }
                    if best == nil { best = (rank, s, rounds[i].id) }
                }
            }
        }

        belowShares()
        setDeadlines()

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

    /// The 整改清单's items on units behind their share of a target (only where the plan splits
    /// it): open in a round whose figures are behind the time line, closed when they catch up.
    private mutating func belowShares() {
        for t in targets where !t.target.shares.isEmpty {
            let period = TimeProgress(target: t.target, year: year)
            for u in t.byUnit {
                guard let share = t.target.share(of: u.unit.id) else { continue }
                for (k, done) in u.done.enumerated() {
                    guard let done else { continue }
                    let pace = Pace(target: share, done: done, timeShare: period.share(at: rounds[k].due))
                    if pace.behind {
                        book.see(.belowShare, unit: u.unit, subject: t.target.name,
                                 problem: "\(t.target.name)分解目标 \(ReviewWorkbook.number(share)) \(t.target.unit)，至\(rounds[k].title)完成 \(done) \(t.target.unit)，"
                                    + "按时间进度应完成 \(pace.expected) \(t.target.unit)，尚差 \(pace.shortfall) \(t.target.unit)",
                                 measure: "", round: rounds[k].id)
                    } else {
                        book.resolve(.belowShare, unit: u.unit.id, subject: t.target.name, round: rounds[k].id)
                    }
                }
            }
        }
    }

    /// Each item's time limit, from the round it was listed in: a lagging task's deadline in
    /// the plan where that is later; else the round's resubmission deadline (`resubmit_by`);
    /// else the due date of the plan's next round (the next chance to show it resolved); else
    /// the year's end. Items without the unit's own measure get the office's.
    private mutating func setDeadlines() {
        let plan = self.plan, year = self.year
        book.setDeadlines { item in
            let listed = plan.rounds.firstIndex { $0.id == item.opened }
            let round = listed.map { plan.rounds[$0] }
            let next = listed.flatMap { $0 + 1 < plan.rounds.count ? plan.rounds[$0 + 1] : nil }
            let byRound: (text: String, day: Day?)
            let aboutFile = [RectificationItem.Kind.dataQuality, .acrossRounds, .regression, .missing].contains(item.kind)
            if aboutFile, let round, let by = round.resubmitBy {
                byRound = ("\(by.chinese)前（\(round.title)重新报送截止）", by)
            } else if let next {
                byRound = ("\(next.due.chinese)前（\(next.title)报送时）", next.due)
            } else {
                let end = Day(year: year, month: 12, day: 31)
                byRound = ("\(end.chinese)前", end)
            }
            if item.kind == .lagging, let id = item.subject.split(separator: " ").first,
               let d = plan.tasks.first(where: { $0.id == String(id) })?.deadline, d >= (byRound.day ?? d) {
                return ("\(d.chinese)前（任务完成时限）", d)
            }
            return byRound
        }
        book.fillMeasures { item in
            switch item.kind {
            case .lagging: return "请牵头单位会同责任单位提出解决措施"
            case .recurringProblem: return "请明确解决措施和时限，下轮报告进展"
            case .belowShare: return "加快在建项目进度，尽快开工未开工项目"
            case .missing: return "尽快补报"
            default: return "核实后更正"
            }
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
