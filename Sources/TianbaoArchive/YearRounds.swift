import Foundation
import GRDB
import TianbaoPlan

/// Reading the rounds of a year back from the archive, for the year's review (回头看).
extension RoundArchive {
    /// Opens an existing archive for a command that only reads it on behalf of `plan`: it must
    /// exist, be a Tianbao archive this Tianbao can read, and hold only rounds of this plan and
    /// plan version (otherwise the matching `ArchiveError`; nothing is written).
    public static func openForReading(path: String, plan: Plan) throws -> RoundArchive {
        let archive = try open(path: path)
        if archive.hasRounds { try archive.readRows { db in try checkPlan(db, plan: plan, path: path) } }
        return archive
    }

    /// The ids of the recorded rounds that belong to `year` (the year of the round's due date
    /// in the plan), in the plan's order. Rounds the plan does not know are left out.
    public func roundIds(ofYear year: Int, plan: Plan) throws -> [String] {
        let recorded = Set(try rounds().map(\.round))
        return plan.rounds.filter { $0.due.year == year && recorded.contains($0.id) }.map(\.id)
    }

    /// Calls `body` with each recorded round of `year`, oldest first, every unit's rows of
    /// `sheets` read (of every sheet when nil; of a sheet `fields` names, only those fields):
    /// one round in memory at a time, however many rounds the year has.
    public func forEachRound(ofYear year: Int, plan: Plan, sheets: Set<String>? = nil, fields: [String: Set<String>] = [:],
                             _ body: (ArchivedRound) throws -> Void) throws {
        for id in try roundIds(ofYear: year, plan: plan) {
            if let round = try round(id, sheets: sheets, fields: fields) { try body(round) }
        }
    }
}
