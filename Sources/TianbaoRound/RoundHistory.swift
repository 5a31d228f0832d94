import TianbaoPlan

/// What the rounds merged before this one say about it, for the outputs to show: the 环比
/// with the previous round, the course of each ledger's done items through the year
/// (进度趋势), and the liaison each unit named last. Plain values: the command reads them from
/// the archive (TianbaoArchive) and hands them to the outputs, so this module knows no database.
public struct RoundHistory: Sendable {
    /// An item done this round that was not done in the previous round (or not listed then).
    public struct Completion: Sendable, Equatable {
        public var unit: String
        public var item: String
        /// Its status last round; nil when the unit's ledger did not list it in a row that counted.
        public var before: String?
        /// The status last round's row gave when that row had an error (and did not count).
        public var beforeUncounted: String?
        /// The first earlier round in which the item was already done (a re-completion, not a
        /// new one); nil when this is its first completion on record.
        public var doneIn: String?
        public init(unit: String, item: String, before: String?, beforeUncounted: String? = nil, doneIn: String? = nil) {
            self.unit = unit
            self.item = item
            self.before = before
            self.beforeUncounted = beforeUncounted
            self.doneIn = doneIn
        }
        /// Done for the first time on record.
        public var isFirst: Bool { doneIn == nil }
    }

    /// An item done in the previous round that is not done this round (its unit counted both
    /// times): its status went back, its row now has an error, or it left the ledger.
    public struct Undone: Sendable, Equatable {
        public var unit: String
        public var item: String
        /// Its status now in a row that counts; nil when it has none.
        public var now: String?
        public init(unit: String, item: String, now: String?) {
            self.unit = unit
            self.item = item
            self.now = now
        }
    }

    /// A task row whose status differs from the unit's row for the task last round.
    public struct StatusMove: Sendable, Equatable {
        public var unit: String
        public var task: String
        public var before: String
        public var after: String
        public init(unit: String, task: String, before: String, after: String) {
            self.unit = unit
            self.task = task
            self.before = before
            self.after = after
        }
    }

    /// Units on time, late, and not accepted (missing or rejected) in a round.
    public struct Punctuality: Sendable, Equatable {
        public var onTime: Int, late: Int, notAccepted: Int
        public init(onTime: Int, late: Int, notAccepted: Int) {
            self.onTime = onTime
            self.late = late
            self.notAccepted = notAccepted
        }
    }

    /// This round against the previous recorded one (环比).
    public struct Comparison: Sendable {
        public var previousRound: String
        /// Items newly done, by ledger sheet id (units that were accepted in both rounds).
        public var newlyDone: [String: [Completion]]
        /// Items done last round and not now, by ledger sheet id (units accepted in both rounds).
        public var noLongerDone: [String: [Undone]] = [:]
        public var statusMoves: [StatusMove]
        /// Units with a lagging task now and none last round (accepted in both), and the reverse.
        public var newlyLagging: [String]
        public var recovered: [String]
        public var punctualityBefore: Punctuality
        public var punctualityNow: Punctuality
        public init(previousRound: String, newlyDone: [String: [Completion]], statusMoves: [StatusMove], newlyLagging: [String],
                    recovered: [String], punctualityBefore: Punctuality, punctualityNow: Punctuality) {
            self.previousRound = previousRound
            self.newlyDone = newlyDone
            self.statusMoves = statusMoves
            self.newlyLagging = newlyLagging
            self.recovered = recovered
            self.punctualityBefore = punctualityBefore
            self.punctualityNow = punctualityNow
        }
    }

    /// One earlier round's ledger figures: for each ledger sheet, each unit whose file counted
    /// then, its items and done items (accepted rows only).
    public struct TrendPoint: Sendable {
        public var round: String
        /// How each unit stood in that round, by unit id (a status this version does not know
        /// is left out: the unit reads as missing).
        public var unitStatus: [String: UnitStatus]
        /// Ledger sheet id → unit id → (items, done), for the units accepted in that round.
        public var ledgers: [String: [String: (items: Int, done: Int)]]
        public init(round: String, unitStatus: [String: UnitStatus], ledgers: [String: [String: (items: Int, done: Int)]]) {
            self.round = round
            self.unitStatus = unitStatus
            self.ledgers = ledgers
        }
    }

    /// A liaison a unit named in an earlier round.
    public struct EarlierLiaison: Sendable, Equatable {
        public var round: String
        public var name: String
        public var title: String
        public var officePhone: String
        public var mobile: String
        public init(round: String, name: String, title: String, officePhone: String, mobile: String) {
            self.round = round
            self.name = name
            self.title = title
            self.officePhone = officePhone
            self.mobile = mobile
        }
        /// The number to call: the mobile, else the office phone.
        public var phone: String { mobile.isEmpty ? officePhone : mobile }
    }

    /// The comparison with the previous recorded round; nil when none is recorded.
    public var comparison: Comparison?
    /// The rounds recorded before this one, oldest first.
    public var earlier: [TrendPoint]
    /// Each unit's liaison from the latest earlier round that named one, by unit id.
    public var lastLiaisons: [String: EarlierLiaison]

    public init(comparison: Comparison?, earlier: [TrendPoint], lastLiaisons: [String: EarlierLiaison]) {
        self.comparison = comparison
        self.earlier = earlier
        self.lastLiaisons = lastLiaisons
    }

    /// An archive with no earlier round: the first merge of the year.
    public static let firstRound = RoundHistory(comparison: nil, earlier: [], lastLiaisons: [:])

    /// The one line the outputs show instead of the comparison when nothing earlier is recorded.
    public static let noPreviousRound = "本期为首期，无上期数据可比。"
}
