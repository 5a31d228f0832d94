import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoSupport

/// The office's 催报 board for a round: every unit of the round, from the upload record.
struct Board {
    struct Row {
        var unit: ReportingUnit
        /// The unit's file now (its newest stored upload), if any.
        var stored: UploadRecord?
        /// Its newest upload, stored or refused.
        var newest: UploadRecord?
        var uploads: Int
        /// The liaison the unit named in its latest earlier round in the archive.
        var earlier: LastLiaison?

        /// 未报送, 通过, 通过（有提示）, 已接收（有错误）, 退回.
        var state: String { stored?.verdict.word ?? "未报送" }
        /// The CSS class of the state.
        var stateClass: String {
            switch stored?.verdict {
            case nil: return "missing"
            case .accepted?: return "ok"
            case .warnings?: return "warn"
            case .errors?, .rejected?, .refused?: return "bad"
            }
        }
        /// A refused upload newer than the unit's file: the unit tried and was told why.
        var refusedSince: Bool { newest?.verdict == .refused && newest?.id != stored?.id }
        var contact: (name: String, phone: String)? {
            if let s = stored, let name = s.liaison, !name.isEmpty { return (name, s.phone ?? "") }
            if let e = earlier { return (e.name + "（\(e.round) 轮所报）", e.mobile.isEmpty ? e.officePhone : e.mobile) }
            if let c = unit.contact { return (c.name + "（方案所列联系人）", c.phone) }
            return nil
        }
    }

    var round: Round
    var rows: [Row]
    var merging: Bool

    /// The board from the upload record; whom to call about a unit that has not sent its file
    /// this round comes from the archive's earlier rounds (as `tianbao status` finds it).
    init(round: Round, plan: Plan, log: UploadLog, merging: Bool) throws {
        self.round = round
        self.merging = merging
        let latest = try log.latest(round: round.id)
        let counts = try log.uploadCounts(round: round.id)
        let earlier = try RoundArchive.openForRecording(path: log.path, plan: plan)
            .lastLiaisons(before: round, plan: plan, fields: CrossRoundFields(plan: plan))
        rows = plan.units(in: round).map { u in
            Row(unit: u, stored: latest.stored[u.id], newest: latest.any[u.id], uploads: counts[u.id] ?? 0, earlier: earlier[u.id])
        }
    }

    /// Counts for the summary line.
    var totals: (expected: Int, accepted: Int, withErrors: Int, rejected: Int, missing: Int, late: Int) {
        var t = (expected: rows.count, accepted: 0, withErrors: 0, rejected: 0, missing: 0, late: 0)
        for r in rows {
            switch r.stored?.verdict {
            case nil: t.missing += 1
            case .accepted?, .warnings?: t.accepted += 1
            case .errors?: t.withErrors += 1
            case .rejected?, .refused?: t.rejected += 1
            }
            if r.stored?.late == true { t.late += 1 }
        }
        return t
    }

    /// The board as JSON (the office page refreshes from it).
    var json: String {
        let o = JSONWriter()
        let t = totals
        o.object {
            o.key("round"); o.string(round.id)
            o.key("due"); o.string(round.due.description)
            o.key("merging"); o.bool(merging)
            o.key("totals"); o.object {
                o.key("expected"); o.int(t.expected)
                o.key("accepted"); o.int(t.accepted)
                o.key("with_errors"); o.int(t.withErrors)
                o.key("rejected"); o.int(t.rejected)
                o.key("missing"); o.int(t.missing)
                o.key("late"); o.int(t.late)
            }
            o.key("units"); o.array(rows) { r in
                o.object {
                    o.key("unit_id"); o.string(r.unit.id)
                    o.key("unit"); o.string(r.unit.name)
                    o.key("state"); o.string(r.state)
                    o.key("class"); o.string(r.stateClass)
                    o.key("verdict"); if let v = r.stored?.verdict { o.string(v.rawValue) } else { o.null() }
                    o.key("received"); if let s = r.stored { o.string(s.receivedText) } else { o.null() }
                    o.key("late"); o.bool(r.stored?.late ?? false)
                    o.key("errors"); o.int(r.stored?.errors ?? 0)
                    o.key("warnings"); o.int(r.stored?.warnings ?? 0)
                    o.key("liaison"); if let c = r.contact { o.string(c.name) } else { o.null() }
                    o.key("phone"); if let c = r.contact { o.string(c.phone) } else { o.null() }
                    o.key("uploads"); o.int(r.uploads)
                    o.key("refused_since"); o.bool(r.refusedSince)
                }
            }
        }
        return o.text + "\n"
    }
}
