import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// A round compared with the round before it (环比), for the outputs to show: communities
/// newly completed (city-wide and per unit), tasks whose status moved, units newly lagging or
/// recovered, and punctuality against last round. Computed from accepted rows of accepted
/// units on both sides; which sheets and fields it reads is in `CrossRoundFields`.
public struct RoundComparison: Sendable {
    /// A community completed this round that was not completed last round (or not listed).
    public struct Completion: Sendable, Equatable {
        public var unit: String
        public var community: String
        /// Its status last round; nil when the unit's ledger did not list it in a row that counted.
        public var before: String?
        /// The status last round's row gave when that row had an error (and so did not count).
        public var beforeUncounted: String? = nil
    }

    /// A community completed last round that is not completed this round, in a unit accepted
    /// both times: its status went back, its row now has an error, or it left the ledger.
    public struct Undone: Sendable, Equatable {
        public var unit: String
        public var community: String
        /// Its status this round in a row that counts; nil when it has no such row.
        public var now: String?
    }

    /// A task row whose status differs from the unit's row for the task last round.
    public struct StatusMove: Sendable, Equatable {
        public var unit: String
        public var task: String
        public var before: String
        public var after: String
    }

    /// How many units were on time, late and missing (or rejected) in a round.
    public struct Punctuality: Sendable, Equatable {
        public var onTime = 0, late = 0, notAccepted = 0
        public init(onTime: Int = 0, late: Int = 0, notAccepted: Int = 0) {
            self.onTime = onTime
            self.late = late
            self.notAccepted = notAccepted
        }
    }

    public var previousRound: String
    public var newlyCompleted: [Completion] = []
    /// Communities completed last round and not now (units accepted both times).
    public var noLongerCompleted: [Undone] = []
    /// Newly completed communities by unit id, in plan order of the units that have any.
    public var newlyCompletedByUnit: [(unit: String, count: Int)] = []
    public var statusMoves: [StatusMove] = []
    /// Units with a lagging task now and none last round, and the reverse.
    public var newlyLagging: [String] = []
    public var recovered: [String] = []
    public var punctuality: (before: Punctuality, now: Punctuality) = (Punctuality(), Punctuality())

    /// Compares `result` with `previous`. Units that were not accepted on both sides add no
    /// moves (nothing to compare), but count in punctuality.
    public init(_ result: RoundResult, previous: ArchivedRound, fields: CrossRoundFields? = nil) throws {
        let fields = fields ?? CrossRoundFields(plan: result.plan)
        previousRound = previous.round
        var byUnit: [String: Int] = [:]
        var lagging: [String] = []
        var lagged: Set<String> = []
        for outcome in result.units {
            let unit = outcome.unit.id
            let before = previous.head(unit)?.accepted == true ? try previous.unit(unit) : previous.head(unit)
            switch (outcome.status, outcome.late) {
            case (.accepted, false): punctuality.now.onTime += 1
            case (.accepted, true): punctuality.now.late += 1
            default: punctuality.now.notAccepted += 1
            }
            guard outcome.status == .accepted, let s = outcome.submission else { continue }
            let rows = try result.rows(of: s).filter(\.accepted)
            let beforeAccepted = before?.accepted == true
            if beforeAccepted, before!.acceptedRows(fields.progressSheet).contains(where: { $0.values[fields.progressStatus]?.text == fields.progressLagging }) {
                lagged.insert(unit)
            }
            if rows.contains(where: { $0.sheet == fields.progressSheet && $0.values[fields.progressStatus]?.text == fields.progressLagging }) {
                lagging.append(unit)
            }
            guard beforeAccepted, let before else { continue }
            let oldRows = before.rows.filter { $0.sheet == fields.ledgerSheet }.sorted { $0.row < $1.row }
            func index(_ rows: [ArchivedRow]) -> CommunityIndex<String> {
                CommunityIndex(rows.compactMap { row in
                    row.values[fields.ledgerName].map { ($0.text, row.values[fields.ledgerStatus]?.text ?? "") }
                })
            }
            let oldLedger = index(oldRows.filter(\.accepted))
            let oldUncounted = index(oldRows.filter { !$0.accepted })
            let ledgerRows = rows.filter { $0.sheet == fields.ledgerSheet }
            for row in ledgerRows where row.values[fields.ledgerStatus]?.text == fields.ledgerCompleted {
                guard let name = row.values[fields.ledgerName]?.text else { continue }
                let was = oldLedger.find(name)
                if was != fields.ledgerCompleted {
                    newlyCompleted.append(Completion(unit: unit, community: name, before: was,
                                                     beforeUncounted: was == nil ? oldUncounted.find(name) : nil))
                    byUnit[unit, default: 0] += 1
                }
            }
            let newLedger = CommunityIndex(ledgerRows.compactMap { row in
                row.values[fields.ledgerName].map { ($0.text, row.values[fields.ledgerStatus]?.text ?? "") }
            })
            for row in oldRows where row.accepted && row.values[fields.ledgerStatus]?.text == fields.ledgerCompleted {
                guard let name = row.values[fields.ledgerName]?.text else { continue }
                let now = newLedger.find(name)
                if now != fields.ledgerCompleted {
                    noLongerCompleted.append(Undone(unit: unit, community: name, now: now))
                }
            }
            var oldTasks: [String: String] = [:]
            for row in before.acceptedRows(fields.progressSheet) {
                if let t = row.values[fields.progressTask]?.text { oldTasks[t] = row.values[fields.progressStatus]?.text }
            }
            for row in rows where row.sheet == fields.progressSheet {
                guard let t = row.values[fields.progressTask]?.text, let now = row.values[fields.progressStatus]?.text,
                      let was = oldTasks[t], was != now else { continue }
                statusMoves.append(StatusMove(unit: unit, task: t, before: was, after: now))
            }
        }
        for u in previous.units {
            switch (u.accepted, u.late) {
            case (true, false): punctuality.before.onTime += 1
            case (true, true): punctuality.before.late += 1
            default: punctuality.before.notAccepted += 1
            }
        }
        newlyCompletedByUnit = result.units.compactMap { o in byUnit[o.unit.id].map { (o.unit.id, $0) } }
        let comparable = Set(result.units.filter { $0.status == .accepted && previous.head($0.unit.id)?.accepted == true }.map(\.unit.id))
        newlyLagging = lagging.filter { comparable.contains($0) && !lagged.contains($0) }
        recovered = result.units.map(\.unit.id).filter { comparable.contains($0) && lagged.contains($0) && !lagging.contains($0) }
    }
}
