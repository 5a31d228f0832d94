import GRDB
import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// The liaison a unit named in its latest file of an earlier round: whom 催报 calls when the
/// unit has sent nothing this round. The outputs' own type, so the archive's
/// answer goes to them as it is.
public typealias LastLiaison = RoundHistory.EarlierLiaison

extension RoundArchive {
    /// Each unit's liaison from the latest round recorded before `round` in which the unit's
    /// file that counted (accepted or not: a mistyped row still says whom to call) had one.
    public func lastLiaisons(before round: Round, plan: Plan, fields: CrossRoundFields? = nil) throws -> [String: LastLiaison] {
        let fields = fields ?? CrossRoundFields(plan: plan)
        guard let position = plan.rounds.firstIndex(where: { $0.id == round.id }), try !rounds().isEmpty else { return [:] }
        return try readRows { db in
            var out: [String: LastLiaison] = [:]
            let ids = try String.fetchAll(db, sql: "SELECT round_id FROM rounds WHERE position < ? ORDER BY position DESC", arguments: [position])
            // Newest round first, one round's liaison rows at a time (the `rows_by_sheet` index);
            // done once every unit of the plan has one.
            for id in ids where out.count < plan.units.count {
                guard let fieldsJSON = try String.fetchOne(db, sql: "SELECT fields_json FROM sheets WHERE round_id = ? AND sheet_id = ?",
                                                           arguments: [id, fields.liaisonSheet]) else { continue }
                let fieldIds = RowValuesCoding.fieldList(fieldsJSON)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT unit_id, values_json FROM rows WHERE round_id = ? AND sheet_id = ? ORDER BY unit_id, row
                    """, arguments: [id, fields.liaisonSheet])
                while let r = try rows.next() {
                    let unit: String = r["unit_id"]
                    guard out[unit] == nil else { continue }  // a newer round's, or this round's first
                    let v = RowValuesCoding.decode(r["values_json"], fields: fieldIds)
                    let liaison = LastLiaison(round: id, name: v[fields.liaisonName]?.text ?? "",
                                              title: v[fields.liaisonTitle]?.text ?? "",
                                              officePhone: v[fields.liaisonOfficePhone]?.text ?? "", mobile: v[fields.liaisonMobile]?.text ?? "")
                    if !liaison.name.isEmpty || !liaison.phone.isEmpty { out[unit] = liaison }
                }
            }
            return out
        }
    }
}
