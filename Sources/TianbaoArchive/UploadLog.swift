import Foundation
import GRDB
import TianbaoPlan
import XLSX

/// What the portal decided about one upload.
public enum UploadVerdict: String, Sendable, CaseIterable {
    /// Accepted with no problem.
    case accepted
    /// Accepted, with warnings.
    case warnings
    /// Accepted as a file, with errors in rows (those rows stay out of the totals until fixed).
    case errors
    /// The unit's own template for the round, returned with errors (stored: it is the unit's
    /// file until it sends another).
    case rejected
    /// Not stored: not a workbook, a hostile or damaged file, another unit's or another
    /// round's template. The unit's earlier file, if any, stays.
    case refused

    /// The word a unit and the office read.
    public var word: String {
        switch self {
        case .accepted: return "通过"
        case .warnings: return "通过（有提示）"
        case .errors: return "已接收（有错误）"
        case .rejected: return "退回"
        case .refused: return "未接收"
        }
    }
}

/// One upload as the archive keeps it.
public struct UploadRecord: Sendable, Equatable {
    public var id: Int64
    public var round: String
    public var unitId: String
    /// When the last byte arrived.
    public var receivedAt: Date
    /// The client's address as the server saw it.
    public var client: String
    public var size: Int
    public var sha256: String
    public var verdict: UploadVerdict
    /// Received after the round's due day (UTC+8).
    public var late: Bool
    /// Whether it became the unit's file in `submissions/<round>/`.
    public var stored: Bool
    /// `<单位全称>-<round>.xlsx`.
    public var file: String
    public var errors: Int
    public var warnings: Int
    /// The liaison the file names, for the 催报 board.
    public var liaison: String?
    public var phone: String?
    /// What the unit was answered (`check --format json` plus `received` and `late`).
    public var answerJSON: String

    public init(id: Int64 = 0, round: String, unitId: String, receivedAt: Date, client: String, size: Int, sha256: String,
                verdict: UploadVerdict, late: Bool, stored: Bool, file: String, errors: Int, warnings: Int,
                liaison: String?, phone: String?, answerJSON: String) {
        self.id = id
        self.round = round
        self.unitId = unitId
        self.receivedAt = receivedAt
        self.client = client
        self.size = size
        self.sha256 = sha256
        self.verdict = verdict
        self.late = late
        self.stored = stored
        self.file = file
        self.errors = errors
        self.warnings = warnings
        self.liaison = liaison
        self.phone = phone
        self.answerJSON = answerJSON
    }

    /// `2021-06-14T10:30:05+08:00`: the time received in China Standard Time.
    public var receivedText: String { UploadLog.timestamp(receivedAt) }
}

/// How a 汇总 run from the portal ended, as `merges.outcome` keeps it (the raw value is the
/// stored text).
public enum MergeEnding: String, Sendable, Equatable {
    /// Every unit's file accepted (exit status 0).
    case done
    /// Outputs written with rejected or missing units (exit status 1).
    case partial
    /// Nothing written (any other status), or the server stopped during it.
    case failed
}

/// One 汇总 run from the portal.
public struct MergeRecord: Sendable, Equatable {
    public var id: Int64
    public var round: String
    public var startedAt: String
    public var finishedAt: String?
    /// How it ended; nil while it runs (a text this version does not know reads as nil too).
    public var outcome: MergeEnding?
    public var message: String?
    /// The upload of each unit that was the unit's file in the folder merged.
    public var uploads: [String: Int64]
}

/// The portal's records in the archive (tables `uploads`, `merges`, `merge_uploads`): one
/// connection pool in WAL mode, so the board reads while an upload or a merge writes. The
/// archive is checked (a Tianbao archive, not newer, this plan) and upgraded when opened.
public final class UploadLog: Sendable {
    /// The archive file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating when missing) the archive at `path` for the portal.
    public init(path: String, plan: Plan) throws {
        self.path = path
        try RoundArchive.refuseFreshBesideBackups(path)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(RoundArchive.busyTimeout * 5)
        config.label = "tianbao-uploads"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.read { db in try RoundArchive.validate(db, path: path) }
            try ArchiveSchema.migrator.migrate(pool)
            try pool.read { db in try RoundArchive.checkPlan(db, plan: plan, path: path) }
        } catch {
            throw RoundArchive.translate(error, path: path)
        }
    }

    /// Records an upload; returns it with its id.
    @discardableResult
    public func add(_ record: UploadRecord) throws -> UploadRecord {
        try write { db in
            try db.execute(sql: """
                INSERT INTO uploads (round_id, unit_id, received_at, client, size, sha256, verdict, late, stored, file,
                                     errors, warnings, liaison, phone, answer_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.round, record.unitId, record.receivedText, record.client, record.size, record.sha256,
                                 record.verdict.rawValue, record.late, record.stored, record.file, record.errors, record.warnings,
                                 record.liaison, record.phone, record.answerJSON])
            var out = record
            out.id = db.lastInsertedRowID
            return out
        }
    }

    /// A unit's uploads of a round, newest first.
    public func uploads(round: String, unit: String) throws -> [UploadRecord] {
        try read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT * FROM uploads WHERE round_id = ? AND unit_id = ? ORDER BY upload_id DESC",
                             arguments: [round, unit]).map(Self.record)
        }
    }

    /// Every upload of a round, oldest first (the office's CSV).
    public func uploads(round: String) throws -> [UploadRecord] {
        try read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT * FROM uploads WHERE round_id = ? ORDER BY upload_id", arguments: [round]).map(Self.record)
        }
    }

    /// The newest upload of each unit that sent any this round, and the newest stored one.
    public func latest(round: String) throws -> (any: [String: UploadRecord], stored: [String: UploadRecord]) {
        try read { db in
            var any: [String: UploadRecord] = [:], stored: [String: UploadRecord] = [:]
            for r in try GRDB.Row.fetchAll(db, sql: """
                SELECT * FROM uploads WHERE upload_id IN (
                    SELECT max(upload_id) FROM uploads WHERE round_id = ? GROUP BY unit_id
                    UNION SELECT max(upload_id) FROM uploads WHERE round_id = ? AND stored = 1 GROUP BY unit_id)
                ORDER BY upload_id
                """, arguments: [round, round]).map(Self.record) {
                any[r.unitId] = r
                if r.stored { stored[r.unitId] = r }
            }
            return (any, stored)
        }
    }

    /// How many uploads each unit made this round.
    public func uploadCounts(round: String) throws -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for r in try GRDB.Row.fetchAll(db, sql: "SELECT unit_id, count(*) AS n FROM uploads WHERE round_id = ? GROUP BY unit_id",
                                      arguments: [round]) {
                out[r["unit_id"]] = r["n"]
            }
            return out
        }
    }

    /// One upload by id.
    public func upload(id: Int64) throws -> UploadRecord? {
        try read { db in try GRDB.Row.fetchOne(db, sql: "SELECT * FROM uploads WHERE upload_id = ?", arguments: [id]).map(Self.record) }
    }

    /// Records the start of a merge and which upload of each unit is in the folder it merges.
    public func beginMerge(round: String, at date: Date, uploads: [String: Int64]) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO merges (round_id, started_at) VALUES (?, ?)", arguments: [round, Self.timestamp(date)])
            let id = db.lastInsertedRowID
            for (unit, upload) in uploads.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO merge_uploads (merge_id, unit_id, upload_id) VALUES (?, ?, ?)",
                               arguments: [id, unit, upload])
            }
            return id
        }
    }

    /// Records how a merge ended.
    public func finishMerge(_ id: Int64, at date: Date, outcome: MergeEnding, message: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE merges SET finished_at = ?, outcome = ?, message = ? WHERE merge_id = ?",
                           arguments: [Self.timestamp(date), outcome.rawValue, message, id])
        }
    }

    /// Ends every merge recorded as running (the server stopped during it) as failed; returns
    /// how many there were.
    public func closeUnfinishedMerges(at date: Date, message: String) throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE merges SET finished_at = ?, outcome = ?, message = ? WHERE outcome IS NULL",
                           arguments: [Self.timestamp(date), MergeEnding.failed.rawValue, message])
            return db.changesCount
        }
    }

    /// The merges of a round, newest first.
    public func merges(round: String) throws -> [MergeRecord] {
        try read { db in
            let uploads = try GRDB.Row.fetchAll(db, sql: """
                SELECT m.merge_id, m.unit_id, m.upload_id FROM merge_uploads m JOIN merges USING (merge_id) WHERE round_id = ?
                """, arguments: [round])
            var byMerge: [Int64: [String: Int64]] = [:]
            for u in uploads { byMerge[u["merge_id"], default: [:]][u["unit_id"]] = u["upload_id"] }
            return try GRDB.Row.fetchAll(db, sql: "SELECT * FROM merges WHERE round_id = ? ORDER BY merge_id DESC", arguments: [round]).map { r in
                MergeRecord(id: r["merge_id"], round: r["round_id"], startedAt: r["started_at"], finishedAt: r["finished_at"],
                            outcome: (r["outcome"] as String?).flatMap(MergeEnding.init(rawValue:)), message: r["message"], uploads: byMerge[r["merge_id"]] ?? [:])
            }
        }
    }

    /// Closes the pool (a server stopping).
    public func close() throws { try pool.close() }

    /// `2021-06-14T10:30:05+08:00` in China Standard Time.
    public static func timestamp(_ date: Date) -> String {
        let t = CivilCalendar.local(unixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)),
                                    offsetSeconds: CivilCalendar.chinaOffsetSeconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+08:00", t.year, t.month, t.day, t.hour, t.minute, t.second)
    }

    /// The date of a `timestamp` text.
    static func date(_ text: String) -> Date {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int {
            guard from + count <= b.count else { return 0 }
            return b[from..<(from + count)].reduce(0) { $0 * 10 + Int($1) - 48 }
        }
        let days = CivilCalendar.unixDays(year: num(0, 4), month: num(5, 2), day: num(8, 2))
        let seconds = Int64(days) * 86400 + Int64(num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2)) - CivilCalendar.chinaOffsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func record(_ r: GRDB.Row) -> UploadRecord {
        UploadRecord(id: r["upload_id"], round: r["round_id"], unitId: r["unit_id"], receivedAt: date(r["received_at"]),
                     client: r["client"], size: r["size"], sha256: r["sha256"],
                     verdict: UploadVerdict(rawValue: r["verdict"]) ?? .refused, late: r["late"], stored: r["stored"],
                     file: r["file"], errors: r["errors"], warnings: r["warnings"], liaison: r["liaison"], phone: r["phone"],
                     answerJSON: r["answer_json"])
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw RoundArchive.translate(error, path: path) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw RoundArchive.translate(error, path: path) }
    }
}
