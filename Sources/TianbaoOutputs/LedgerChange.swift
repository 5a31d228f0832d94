import TianbaoPlan
import TianbaoRound

/// A ledger's done items this round against the previous recorded round, reconciled item by
/// item, so the two totals the outputs print add up:
///
///     previous − done by units out of this round's count + done by units new to it
///       + first completions + completions again − no longer done (± unmatched) = now
///
/// "Out of the count": a unit whose file counted last round and not this round (returned,
/// missing), and the reverse. The item lists compare only units counted both times. A
/// completion is "again" when the item was done in an earlier round already (its status went
/// back since, or its row had an error): it is not new. `unmatched` is what names cannot
/// account for (two rows of one unit whose names match after normalising); normally 0.
public struct LedgerChange: Sendable {
    /// A unit counted in one of the two rounds only: its done items where it counted, and its
    /// status word (被退回, 未报送…) where it did not.
    public struct BaseChange: Sendable {
        public var unit: ReportingUnit
        public var done: Int
        public var status: String
    }

    public var previousRound: String
    /// The ledger's sheet id.
    public var ledgerSheet: String
    public var previous: Int
    public var now: Int
    public var leftCount: [BaseChange]
    public var joinedCount: [BaseChange]
    public var first: [RoundHistory.Completion]
    public var again: [RoundHistory.Completion]
    public var undone: [RoundHistory.Undone]
    public var unmatched: Int

    /// The change of `ledger` since the history's previous round; nil without one (or when
    /// that round did not ask for the ledger).
    public init?(ledger lf: Figures.LedgerFigures, result: RoundResult, history: RoundHistory) {
        guard let c = history.comparison, let point = history.earlier.last(where: { $0.round == c.previousRound }),
              let before = point.ledgers[lf.decl.sheet] else { return nil }
        previousRound = c.previousRound
        ledgerSheet = lf.decl.sheet
        previous = before.values.map(\.done).reduce(0, +)
        now = lf.done
        let countedNow = lf.districts.filter(\.counted)
        let nowIds = Set(countedNow.map(\.unit.id))
        leftCount = lf.districts.compactMap { d in
            guard let b = before[d.unit.id], !nowIds.contains(d.unit.id) else { return nil }
            return BaseChange(unit: d.unit, done: b.done, status: d.status)
        }
        // A unit counted then but no longer asked for the ledger.
        for (id, b) in before.sorted(by: { $0.key < $1.key }) where !lf.districts.contains(where: { $0.unit.id == id }) {
            if let unit = result.plan.unit(id) { leftCount.append(BaseChange(unit: unit, done: b.done, status: "本期未要求报送")) }
        }
        joinedCount = countedNow.compactMap { d in
            guard before[d.unit.id] == nil else { return nil }
            return BaseChange(unit: d.unit, done: d.byStatus[lf.decl.done] ?? 0, status: ProgressTrend.state(point.unitStatus[d.unit.id]).word)
        }
        let done = c.newlyDone[lf.decl.sheet] ?? []
        first = done.filter(\.isFirst)
        again = done.filter { !$0.isFirst }
        undone = c.noLongerDone[lf.decl.sheet] ?? []
        let explained = previous - leftCount.map(\.done).reduce(0, +) + joinedCount.map(\.done).reduce(0, +)
            + first.count + again.count - undone.count
        unmatched = now - explained
    }

    /// The net change.
    public var net: Int { now - previous }
}

extension Figures.DistrictLedger {
    /// Whether the unit's rows count this round (its file was accepted).
    public var counted: Bool { state.counted }
}
