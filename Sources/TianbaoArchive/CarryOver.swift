import TianbaoPlan

/// What next round's templates carry: a unit's rows accepted last time, for the
/// sheets the plan marks `carry: true`.
public struct CarryOver: Sendable {
    /// The round the rows come from.
    public var round: String
    /// Accepted rows per carried sheet id, in row order.
    public var rows: [String: [ArchivedRow]]
}

extension RoundArchive {
    /// The unit's accepted rows of the plan's carried sheets from the latest round recorded
    /// before `round` in which the unit's file was accepted (a unit that missed a month starts
    /// from the month before); nil when there is none, or the plan carries no sheet.
    public func carryOver(unit: String, before round: Round, plan: Plan) throws -> CarryOver? {
        let carried = plan.sheets.filter(\.carry).map(\.id)
        guard !carried.isEmpty, let position = plan.rounds.firstIndex(where: { $0.id == round.id }) else { return nil }
        for earlier in plan.rounds[..<position].reversed() {
            guard let archived = try self.round(earlier.id, lazily: true), archived.head(unit)?.accepted == true, let u = try archived.unit(unit), u.accepted else { continue }
            var rows: [String: [ArchivedRow]] = [:]
            for sheet in carried {
                let accepted = u.acceptedRows(sheet)
                if !accepted.isEmpty { rows[sheet] = accepted }
            }
            return rows.isEmpty ? nil : CarryOver(round: earlier.id, rows: rows)
        }
        return nil
    }
}
