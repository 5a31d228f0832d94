import TianbaoPlan

/// One item of the 整改清单: a problem, the unit responsible, the measure (the unit's own next
/// steps where it gave them), the time limit, and whether a later round shows it resolved
/// (销号).
public struct RectificationItem: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case lagging = "任务滞后"
        case regression = "台账状态倒退"
        case acrossRounds = "跨轮次问题"
        case recurringProblem = "问题反复反映"
        case belowShare = "低于分解目标进度"
        case dataQuality = "报送材料有误"
        case missing = "未报送"
        case late = "迟报"
    }

    public var kind: Kind
    /// The kind as the outputs name it, in the plan's words (`任务进度落后`, `改造清单状态倒退`).
    public var kindLabel: String
    public var unit: ReportingUnit
    /// What it is about: a task (`1.1 优化顶层设计`), an item of a ledger, a rule.
    public var subject: String
    /// The problem, in words.
    public var problem: String
    /// The measure: the unit's next steps where given, else what the office asks for.
    public var measure: String
    /// The round it was first seen in, and every round it was seen open in.
    public var opened: String
    public var seen: [String]
    /// The round whose figures show it resolved (销号); nil while open.
    public var closed: String?
    /// The time limit (`2021年6月22日前（半年工作小结重新报送截止）`), set when the year is complete.
    public var deadline = ""
    /// The day of the time limit; an open item past it is 逾期.
    public var deadlineDay: Day?

    public var isOpen: Bool { closed == nil }

    /// Open and past its time limit on `day` (the review's date).
    public func overdue(on day: Day) -> Bool { isOpen && (deadlineDay.map { day > $0 } ?? false) }

    /// The state as the outputs show it on `day`: `逾期`, `未销号`, or `已销号（<round title>）`.
    public func state(on day: Day, roundTitle: (String) -> String) -> String {
        if let closed { return "已销号（\(roundTitle(closed))）" }
        return overdue(on: day) ? "逾期" : "未销号"
    }
}

/// The 整改清单 carried from round to round: `see` opens an item or keeps it open, `resolve`
/// closes it (销号) in the round that shows it resolved; an item is known by its kind, unit
/// and subject.
struct RectificationBook {
    private(set) var items: [RectificationItem] = []
    private var index: [String: Int] = [:]

    private static func key(_ kind: RectificationItem.Kind, _ unit: String, _ subject: String) -> String {
        kind.rawValue + "\u{1}" + unit + "\u{1}" + subject
    }

    /// The item is open in `round` (opened now, or kept open); its problem and measure take
    /// the latest words. An item closed earlier opens again as it was (its first round kept).
    mutating func see(_ kind: RectificationItem.Kind, label: String? = nil, unit: ReportingUnit, subject: String, problem: String,
                      measure: String, round: String) {
        let k = Self.key(kind, unit.id, subject)
        if let i = index[k] {
            items[i].problem = problem
            if !measure.isEmpty { items[i].measure = measure }
            if items[i].seen.last != round { items[i].seen.append(round) }
            items[i].closed = nil
        } else {
            index[k] = items.count
            items.append(RectificationItem(kind: kind, kindLabel: label ?? kind.rawValue, unit: unit, subject: subject, problem: problem,
                                           measure: measure, opened: round, seen: [round], closed: nil))
        }
    }

    /// Closes the item in `round` when it is open.
    mutating func resolve(_ kind: RectificationItem.Kind, unit: String, subject: String, round: String) {
        guard let i = index[Self.key(kind, unit, subject)], items[i].isOpen else { return }
        items[i].closed = round
    }

    /// Whether the item was ever listed (open or closed).
    func listed(_ kind: RectificationItem.Kind, unit: String, subject: String) -> Bool {
        index[Self.key(kind, unit, subject)] != nil
    }

    /// Whether the item is listed and open.
    func isOpen(_ kind: RectificationItem.Kind, unit: String, subject: String) -> Bool {
        index[Self.key(kind, unit, subject)].map { items[$0].isOpen } ?? false
    }

    /// The open items of a kind and unit (their subjects).
    func open(_ kind: RectificationItem.Kind, unit: String) -> [String] {
        items.filter { $0.kind == kind && $0.unit.id == unit && $0.isOpen }.map(\.subject)
    }

    mutating func setDeadlines(_ deadline: (RectificationItem) -> (text: String, day: Day?)) {
        for i in items.indices { (items[i].deadline, items[i].deadlineDay) = deadline(items[i]) }
    }

    /// Gives an item whose unit stated no measure the office's.
    mutating func fillMeasures(_ measure: (RectificationItem) -> String) {
        for i in items.indices where items[i].measure.isEmpty { items[i].measure = measure(items[i]) }
    }
}
