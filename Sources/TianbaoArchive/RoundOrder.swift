import Foundation
import GRDB

/// A recorded round whose comparison with the round before it no longer holds: since it was
/// merged, another round was recorded before it (merged out of order), or the round it was
/// compared with was merged again with other content. Its 环比, checks across rounds and
/// 进度趋势 are then those of another history, and it needs merging again.
public struct StaleRound: Sendable, Equatable {
    /// The round that needs a re-merge.
    public var round: String
    /// The round it was compared with when it was merged (nil: none, it was the first).
    public var comparedWith: String?
    /// The round before it now (nil: none).
    public var previousNow: String?
    /// The round holds what a merge cut off before its switch recorded, which no output shows
    /// (the backup from before that merge was gone, so it could not be undone).
    public var interrupted = false

    /// Whether the round before it is the same one, recorded again with other content.
    public var previousChanged: Bool { comparedWith == previousNow }

    /// Why, in Chinese: `2021-06 轮汇总时与 2021-04 轮比较，现在它的上一轮是 2021-05 轮`.
    public var reason: String {
        if interrupted {
            return "\(round) 轮上次汇总在换入输出文件夹之前中断，且汇总前的备份已不在，档案中是那次中断的汇总记下的内容，输出文件夹中并没有"
        }
        let then = comparedWith.map { "与 \($0) 轮比较" } ?? "档案中没有更早的轮次"
        if previousChanged, let now = previousNow {
            return "\(round) 轮汇总时\(then)，\(now) 轮此后已重新汇总且内容有变化"
        }
        let now = previousNow.map { "现在它的上一轮是 \($0) 轮" } ?? "现在档案中已没有更早的轮次"
        return "\(round) 轮汇总时\(then)，\(now)"
    }
}

extension RoundArchive {
    /// The recorded rounds that need a re-merge (see `StaleRound`), in the plan's order. Rounds
    /// recorded before schema version 3 are not judged until the next merge migrates the archive.
    public func staleRounds() throws -> [StaleRound] {
        guard hasRounds else { return [] }
        return try readRows { db in try Self.staleRounds(db) }
    }

    static func staleRounds(_ db: Database) throws -> [StaleRound] {
        let columns = Set(try db.columns(in: "rounds").map(\.name))
        guard columns.contains("compared_with") else { return [] }
        let interrupted = columns.contains("interrupted") ? "r.interrupted" : "0"
        return try Row.fetchAll(db, sql: """
            SELECT r.round_id, r.compared_with, p.round_id AS previous_now, \(interrupted) AS interrupted
            FROM rounds r
            LEFT JOIN rounds p ON p.round_id = (SELECT q.round_id FROM rounds q WHERE q.position < r.position
                                                ORDER BY q.position DESC LIMIT 1)
            WHERE r.compared_with IS NOT p.round_id OR r.compared_digest IS NOT p.record_digest OR \(interrupted) = 1
            ORDER BY r.position, r.round_id
            """).map { StaleRound(round: $0["round_id"], comparedWith: $0["compared_with"], previousNow: $0["previous_now"],
                                  interrupted: $0["interrupted"]) }
    }
}
