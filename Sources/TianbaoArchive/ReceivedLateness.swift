import Foundation
import GRDB
import TianbaoRound

/// Files handed in through the portal are late or on time by when the server received them
/// (the time a unit cannot set), not by the save time the workbook records. The portal keeps
/// each upload's record in the archive; a merge with that archive judges every unit whose file
/// is a stored upload (same SHA-256) by it, so the portal's board, its 汇总 and `tianbao merge
/// … --archive DATA/tianbao-archive.sqlite` agree. Files that came another way (e-mail into the
/// folder) keep the save-time rule.
public enum ReceivedLateness {
    /// The round with those units' lateness taken from their upload records, totals recounted.
    public static func apply(archive: RoundArchive, to result: RoundResult) throws -> RoundResult {
        let received = try archive.receivedLateness(round: result.round.id)
        guard !received.isEmpty else { return result }
        var r = result
        var changed = false
        for i in r.units.indices where r.units[i].status == .accepted {
            guard let sha = r.units[i].submission?.sha256, let late = received[sha], late != r.units[i].late else { continue }
            r.units[i].late = late
            changed = true
        }
        if changed { r.totals = Totals(units: r.units, files: r.files) }
        return r
    }
}

extension RoundArchive {
    /// For each stored upload of the round, by SHA-256: whether it was received late.
    func receivedLateness(round: String) throws -> [String: Bool] {
        guard hasRounds else { return [:] }  // no file yet, or an empty one
        return try readRows { db in
            guard try db.tableExists("uploads") else { return [:] }
            var out: [String: Bool] = [:]
            for r in try GRDB.Row.fetchAll(db, sql: "SELECT sha256, late FROM uploads WHERE round_id = ? AND stored = 1 ORDER BY upload_id",
                                           arguments: [round]) {
                out[r["sha256"]] = r["late"]
            }
            return out
        }
    }
}
