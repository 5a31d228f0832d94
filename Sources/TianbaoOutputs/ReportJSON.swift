import Foundation
import TianbaoRound
import TianbaoSupport
import TianbaoCheck
import TianbaoPlan

/// `report.json` (its shape: docs/interfaces.md), written with a fixed key order so the same inputs give the same
/// bytes.
public enum ReportJSON {
    public static func render(_ report: RoundReport) -> String {
        let r = report.result
        let o = JSONWriter()
        o.object {
            o.key("plan"); o.string(r.plan.id)
            o.key("plan_version"); o.string(r.plan.version)
            o.key("round"); o.string(r.round.id)
            o.key("due"); o.string(r.round.due.description)
            o.key("units"); o.array(r.units) { u in
                o.object {
                    o.key("unit_id"); o.string(u.unit.id)
                    o.key("unit"); o.string(u.unit.name)
                    o.key("status"); o.string(u.status.rawValue)
                    o.key("late"); o.bool(u.late)
                    o.key("file"); if let s = u.submission { o.string(s.file) } else { o.null() }
                    o.key("sha256"); if let s = u.submission { o.string(s.sha256) } else { o.null() }
                    o.key("saved_at"); if let d = u.submission?.savedAt { o.string(RoundResult.chinaTime(d)) } else { o.null() }
                    o.key("superseded"); o.array(u.superseded) { o.string($0) }
                    o.key("nil_sheets"); o.array(u.submission?.nilSheets ?? []) { o.string($0) }
                    o.key("problems"); problems(u.submission?.problems ?? [], o)
                    if !u.unreadFiles.isEmpty { o.key("unread_files"); o.array(u.unreadFiles) { o.string($0) } }
                }
            }
            o.key("files"); o.array(r.files) { f in
                o.object {
                    o.key("file"); o.string(f.file)
                    o.key("unit_id"); if let id = f.unitId { o.string(id) } else { o.null() }
                    o.key("status"); o.string(f.status.rawValue)
                    if let note = f.note { o.key("note"); o.string(note) }
                    o.key("sha256"); if let s = f.submission { o.string(s.sha256) } else { o.null() }
                    o.key("rows_read"); o.int(f.submission?.rowsRead ?? 0)
                    o.key("problems"); problems(f.problems, o)
                }
            }
            // Files the office's machine could not read: its own problems, not the units'.
            o.key("office_problems"); o.array(r.officeProblems) { f in
                o.object {
                    o.key("file"); o.string(f.file)
                    o.key("unit_id"); if let id = f.unitId { o.string(id) } else { o.null() }
                    o.key("problem"); o.string("无法读取")
                    o.key("cause"); o.string(f.officeFault?.code == EAGAIN ? "汇总过程中文件被改动" : f.officeFault?.cause ?? "")
                }
            }
            o.key("totals"); o.object {
                let t = r.totals
                for (k, v) in [("expected", t.expected), ("accepted", t.accepted), ("rejected", t.rejected),
                               ("missing", t.missing), ("late", t.late), ("rows_read", t.rowsRead),
                               ("rows_merged", t.rowsMerged), ("rows_rejected", t.rowsRejected), ("unread", t.unread)] {
                    o.key(k); o.int(v)
                }
            }
        }
        return o.text + "\n"
    }

    public static func problems(_ list: [Problem], _ o: JSONWriter) {
        o.array(list) { p in
            o.object {
                o.key("severity"); o.string(p.severity.rawValue)
                o.key("sheet"); if let s = p.sheet { o.string(s) } else { o.null() }
                o.key("cell"); if let c = p.cell { o.string(c) } else { o.null() }
                o.key("rule"); o.string(p.rule.rawValue)
                o.key("value"); o.string(p.value)
                o.key("message"); o.string(p.message)
                o.key("explained"); o.bool(p.explained)
            }
        }
    }
}
