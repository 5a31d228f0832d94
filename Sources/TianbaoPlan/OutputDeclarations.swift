/// What the outputs (汇总, 简报, figures, status) treat specially, declared by the plan's optional
/// `outputs:` section instead of being looked up by fixed ids in code. A plan without the
/// section gets plain detail sheets and no progress, ledger, liaison or publicity figures.
public struct OutputDeclarations: Hashable, Sendable {
    /// The task progress sheet (任务进展): its statuses feed 总览, the matrix and the briefing.
    public var progress: ProgressOutput?
    /// Ledgers of items counted against a target (小区台账), in plan order; each gets its own
    /// figures, subtotals and briefing paragraph.
    public var ledgers: [LedgerOutput] = []
    /// The sheet that names each unit's liaison and phone.
    public var liaison: LiaisonOutput?
    /// The sheet of publicity items counted by month.
    public var publicity: PublicityOutput?
    /// The text sheet whose problems and practices the briefing quotes.
    public var summary: SummaryOutput?
    /// The sheet of each unit's own measurable indicators (量化指标: name, annual target,
    /// cumulative value), tracked against their targets by the briefing and the review.
    public var indicators: IndicatorsOutput?
    /// How the outputs speak of the whole and of the units.
    public var words = ScopeWords()

    public init() {}

    /// The ledger declared for a sheet id.
    public func ledger(_ sheet: String) -> LedgerOutput? { ledgers.first { $0.sheet == sheet } }
}

/// The progress sheet: which fields are the task, its status and its percentage, and which
/// status values mean done, lagging and not started.
public struct ProgressOutput: Hashable, Sendable {
    public var sheet: String
    /// The sheet's name (`任务进展`), for notes that point at it.
    public var sheetName = ""
    public var task: String
    public var status: String
    public var percent: String?
    /// The free-text field quoted for lagging rows and raised problems.
    public var problems: String?
    /// The free-text field with the unit's next steps (下步计划): the measure of a
    /// rectification item.
    public var next: String?
    public var done: String?
    public var lagging: String?
    public var notStarted: String?
    /// Every status value, in the choice list's order (counted in this order).
    public var statuses: [String] = []

    public init(sheet: String, task: String, status: String) {
        self.sheet = sheet
        self.task = task
        self.status = status
    }

    /// Status values as coloured and listed: done, the others, not started, lagging.
    public var colouredOrder: [String] {
        let special = [done, notStarted, lagging].compactMap { $0 }
        return [done].compactMap { $0 } + statuses.filter { !special.contains($0) } + [notStarted, lagging].compactMap { $0 }
    }
}

/// A ledger: one row per item (a community, a pipe section), counted by status against a target.
public struct LedgerOutput: Hashable, Sendable {
    public var sheet: String
    /// The item, as the outputs count it: `小区`, `管段`.
    public var label: String
    /// The measure word: `个`, `段`.
    public var counter: String
    /// The heading for the item count (`台账小区`); the label when not given.
    public var countLabel: String
    /// What the briefing calls the ledger (`台账`).
    public var called: String
    /// The column head for the reporting unit (`区`).
    public var unitLabel: String
    public var status: String
    /// The status value that counts as done (`已完工`).
    public var done: String
    public var notStarted: String?
    /// Every status value, in the choice list's order.
    public var statuses: [String] = []
    /// The target counted from this ledger's done rows (a target id), if any.
    public var target: String?
    /// The field naming an item (quoted where an item's money does not add up).
    public var name: String?
    public var money: MoneyOutput?
    /// Numeric fields the briefing totals in a sentence (`加装电梯 12 部`).
    public var extras: [LedgerExtra] = []
    /// The sentence the briefing adds when under half of the target is done; `{percent}` is
    /// replaced by the completion rate.
    public var urge: String?

    /// The sentence urging this ledger on at a completion rate of `percent` (`38.5%`): the
    /// plan's `urge` with the rate in place of `{percent}`, or `<subject>完成率 38.5%，请加快推进。`.
    public func urging(percent: String, subject: String) -> String {
        guard let urge else { return "\(subject)完成率 \(percent)，请加快推进。" }
        return urge.replacingOccurrences(of: "{percent}", with: percent)
    }

    public init(sheet: String, label: String, status: String, done: String) {
        self.sheet = sheet
        self.label = label
        self.counter = "个"
        self.countLabel = label
        self.called = "台账"
        self.unitLabel = "单位"
        self.status = status
        self.done = done
    }

    /// Status values as listed and coloured: done, the others (in choice order reversed, as a
    /// progression), not started last.
    public var shownStatuses: [String] {
        let special = [done, notStarted].compactMap { $0 }
        return [done] + statuses.reversed().filter { !special.contains($0) } + [notStarted].compactMap { $0 }
    }
}

/// Money fields of a ledger: the total, its parts (资金来源), and optionally a share of the
/// parts named in the briefing (社会资本、居民出资和专营单位出资).
public struct MoneyOutput: Hashable, Sendable {
    public var total: String
    public var parts: [String] = []
    public var unit: String = "万元"
    public var partsLabel: String = "来源"
    /// Parts totalled together in the briefing, and how they are called.
    public var shareParts: [String] = []
    public var shareLabel: String?

    public init(total: String) { self.total = total }
}

/// A numeric ledger field totalled in the briefing's text.
public struct LedgerExtra: Hashable, Sendable {
    public var field: String
    public var label: String
    public var unit: String
}

/// The liaison sheet (one row per unit).
public struct LiaisonOutput: Hashable, Sendable {
    public var sheet: String
    public var name: String
    public var title: String?
    /// The office phone and the mobile fields (the status list calls the mobile first).
    public var phone: String?
    public var mobile: String?
}

/// The publicity sheet: items counted by the month of their date.
public struct PublicityOutput: Hashable, Sendable {
    public var sheet: String
    public var date: String
    public var perMonthMin: Int
}

/// The text summary sheet: which fields hold the problems and the practices quoted.
public struct SummaryOutput: Hashable, Sendable {
    public var sheet: String
    public var problems: String?
    public var practice: String?
    /// The unit's plans (下步打算): the measure of a rectification item on the summary's problems.
    public var plans: String?
}

/// The indicators sheet (量化指标): one row per indicator a unit set itself, with its annual
/// target and the value reached so far.
public struct IndicatorsOutput: Hashable, Sendable {
    public var sheet: String
    /// The indicator's name, its measure (计量单位), annual target and cumulative value.
    public var name: String
    public var unit: String?
    public var target: String
    public var done: String
    /// The task it serves and its deadline, when declared.
    public var task: String?
    public var due: String?

    public init(sheet: String, name: String, target: String, done: String) {
        self.sheet = sheet
        self.name = name
        self.target = target
        self.done = done
    }
}

/// Words the outputs use for the whole and for its units.
public struct ScopeWords: Hashable, Sendable {
    /// The whole the plan covers, before a target (`全市`); empty for none.
    public var whole = ""
    /// The units as a group in the briefing (`各区`).
    public var units = "各单位"
    /// The heading of the briefing's target section (`改造目标进度`).
    public var targetsHeading = "目标进度"

    public init() {}
}
