import GRDB
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan

/// The liaison a unit named in its latest file of an earlier round: whom 催报 calls when the
/// unit has sent nothing this round (issue 15 §4). The outputs' own type, so the archive's
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
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.round_id, r.unit_id, r.values_json, s.fields_json FROM rows r
                JOIN sheets s ON s.round_id = r.round_id AND s.sheet_id = r.sheet_id
                JOIN rounds d ON d.round_id = r.round_id
                WHERE r.sheet_id = ? AND d.position < ? ORDER BY d.position DESC, r.unit_id, r.row
                """, arguments: [fields.liaisonSheet, position])
            while let r = try rows.next() {
                let unit: String = r["unit_id"]
                guard out[unit] == nil else { continue }
                let fieldIds = RowValuesCoding.fieldList(r["fields_json"])
                let v = RowValuesCoding.decode(r["values_json"], fields: fieldIds)
                let liaison = LastLiaison(round: r["round_id"], name: v[fields.liaisonName]?.text ?? "",
                                          title: v[fields.liaisonTitle]?.text ?? "",
                                          officePhone: v[fields.liaisonOfficePhone]?.text ?? "", mobile: v[fields.liaisonMobile]?.text ?? "")
                if !liaison.name.isEmpty || !liaison.phone.isEmpty { out[unit] = liaison }
            }
            return out
        }
    }
}
