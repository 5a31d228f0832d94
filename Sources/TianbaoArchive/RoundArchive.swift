import Foundation
import GRDB
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// The archive of merged rounds: one SQLite file (through GRDB) that records, for every round
/// merged, the plan version, each unit's state, its files, every row read with its source cell,
/// every problem, the round's figures and its report.json.
///
/// Opening an archive only reads it: it is checked (an SQLite file, a Tianbao archive, not
/// written by a newer Tianbao, not locked, recorded under this plan and plan version; for
/// recording also `PRAGMA quick_check` over every page) before a command writes anything, so a
/// command that meets a bad archive exits with nothing written. `record` writes one round in
/// one transaction, in WAL mode: readers (another `history`, the portal's board) never block
/// the commit and always see a whole version. A file without tables (0 bytes: a first merge
/// killed right after creating it) is an empty archive.
public final class RoundArchive: @unchecked Sendable {
    /// The archive file.
    public let path: String
    /// How long to wait for another program's lock before giving up (seconds).
    public static let busyTimeout: TimeInterval = 3
    /// The file name of the default archive.
    public static let defaultFileName = "tianbao-archive.sqlite"

    /// The reading connection; nil while the file does not exist yet or holds no table.
    private var reader: DatabaseQueue?

    private init(path: String, reader: DatabaseQueue?) {
        self.path = path
        self.reader = reader
    }

    /// An archive at `path` opened without any check (tests: recording must check by itself).
    init(pathForTesting path: String) throws {
        self.path = path
        self.reader = try Self.connectForReading(path)
    }

    /// Whether the archive holds its tables (any round recorded, or one recorded and replaced).
    var hasRounds: Bool { reader != nil }

    /// The default archive of a merge writing into `out`: `tianbao-archive.sqlite` in the
    /// folder that holds the round's output folder (`out/2021-06` → `out/tianbao-archive.sqlite`),
    /// so every round merged into the office's `out/` lands in the same archive.
    public static func defaultPath(outputFolder: String) -> String {
        let parent = URL(fileURLWithPath: outputFolder).standardizedFileURL.deletingLastPathComponent()
        return parent.appendingPathComponent(defaultFileName).path
    }

    /// Opens an existing archive for reading (`history`, and `check`/`status` before they
    /// compare with earlier rounds).
    public static func open(path: String) throws -> RoundArchive {
        guard FileManager.default.fileExists(atPath: path) else { throw ArchiveError.missing(path: path) }
        let reader = try connectForReading(path)
        let tables = try mapErrors(path) { try reader.read { db in try validate(db, path: path) } }
        if tables.isEmpty {
            try? reader.close()
            return RoundArchive(path: path, reader: nil)
        }
        return RoundArchive(path: path, reader: reader)
    }

    /// Opens the archive a merge will record into (and `check`/`status` compare with): an
    /// existing one must hold only rounds of this plan and plan version; a missing one is
    /// created by `record`. Nothing is written here. A merge also `verify`s it.
    public static func openForRecording(path: String, plan: Plan) throws -> RoundArchive {
        guard FileManager.default.fileExists(atPath: path) else {
            try refuseFreshBesideBackups(path)
            return RoundArchive(path: path, reader: nil)
        }
        let archive = try open(path: path)
        if archive.hasRounds { try archive.read { db in try checkPlan(db, plan: plan, path: path) } }
        return archive
    }

    /// Checks every page of the archive (`PRAGMA quick_check`: what a merge does before it
    /// writes, and a review before it reads a year) and each round's stored report against the
    /// digest recorded with it; throws `.corrupt` naming the newest good backup when a page is
    /// damaged, also one no command happened to read, or a stored report was changed.
    public func verify() throws {
        let problems = try check(full: false)
        if !problems.isEmpty {
            throw ArchiveError.corrupt(path: path, detail: problems.prefix(3).joined(separator: "；"),
                                       backup: ArchiveBackups(archive: path).newestGood())
        }
    }

    /// What is wrong with the archive, in Chinese (empty: whole): damaged pages (`full`:
    /// `PRAGMA integrity_check`, which also compares the indexes with their tables; else
    /// `quick_check`), and rounds whose stored report.json no longer has the SHA-256 recorded
    /// with it (`rounds.record_digest`: bytes changed inside the stored data).
    func check(full: Bool) throws -> [String] {
        guard reader != nil else { return [] }
        return try read { db in
            let pages = try String.fetchAll(db, sql: full ? "PRAGMA integrity_check(100)" : "PRAGMA quick_check(100)")
            if pages != ["ok"] { return ["有数据页损坏（检查发现 \(pages.count)\(pages.count >= 100 ? " 处以上" : " 处")问题）"] }
            guard try db.columns(in: "rounds").contains(where: { $0.name == "record_digest" }) else { return [] }
            var changed: [String] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT round_id, report_json, record_digest FROM rounds WHERE record_digest IS NOT NULL ORDER BY position")
            while let r = try rows.next() {
                let report: String = r["report_json"], digest: String = r["record_digest"]
                if Digest.sha256(Array(report.utf8)).hex != digest { changed.append(r["round_id"]) }
            }
            return changed.isEmpty ? [] : ["\(changed.joined(separator: "、")) 轮记录的内容与记录时的校验值不符（文件中的数据被改动过）"]
        }
    }

    /// Refuses to start a fresh archive at `path` (missing) while its backups folder holds
    /// backups: the archive was most likely deleted or moved by mistake, and a fresh one would
    /// start the year over. `.missingWithBackups` names the newest good backup.
    public static func refuseFreshBesideBackups(_ path: String) throws {
        guard FileSystem.kind(path) == nil else { return }
        let backups = ArchiveBackups(archive: path)
        guard !backups.list().isEmpty else { return }
        throw ArchiveError.missingWithBackups(path: path, backups: backups.folder, backup: backups.newestGood())
    }

    // MARK: Reading

    /// The rounds recorded, in the plan's order.
    public func rounds() throws -> [ArchivedRoundSummary] {
        guard hasRounds else { return [] }
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT round_id, plan_version, merged_at, expected, accepted, rejected, missing, late,
                       rows_read, rows_merged, rows_rejected FROM rounds ORDER BY position, round_id
                """).map { r in
                ArchivedRoundSummary(round: r["round_id"], planVersion: r["plan_version"], mergedAt: r["merged_at"],
                                     expected: r["expected"], accepted: r["accepted"], rejected: r["rejected"],
                                     missing: r["missing"], late: r["late"], rowsRead: r["rows_read"],
                                     rowsMerged: r["rows_merged"], rowsRejected: r["rows_rejected"])
            }
        }
    }

    /// The report.json of a recorded round, exactly as the merge wrote it.
    public func reportJSON(round: String) throws -> String {
        guard hasRounds else { throw ArchiveError.noSuchRound(path: path, round: round) }
        guard let text = try read({ db in try String.fetchOne(db, sql: "SELECT report_json FROM rounds WHERE round_id = ?", arguments: [round]) })
        else { throw ArchiveError.noSuchRound(path: path, round: round) }
        return text
    }

    /// A recorded figure of a round (`communities_completed`, `district:jiangan:completed`…).
    public func figures(round: String) throws -> [String: Double] {
        guard hasRounds else { return [:] }
        return try read { db in
            var out: [String: Double] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT name, value FROM figures WHERE round_id = ?", arguments: [round]) {
                out[r["name"]] = r["value"]
            }
            return out
        }
    }

    /// A recorded round with its units and every row read from the files that counted (of
    /// `sheets` only, when given: a reader names the sheets it reads, and the others stay in
    /// the archive). `lazily`: the rows stay in the archive until `ArchivedRound.unit(_:)` asks
    /// for a unit's (memory then holds one unit's rows at a time, not the round's). `fields`:
    /// of a sheet it names, only those fields' values are read into the rows (the others are
    /// left out of `ArchivedRow.values`).
    public func round(_ id: String, lazily: Bool = false, sheets: Set<String>? = nil,
                      fields: [String: Set<String>] = [:]) throws -> ArchivedRound? {
        guard hasRounds else { return nil }
        return try read { db in
            guard var round = try Self.readRoundHead(db, id: id) else { return nil }
            let layout = try Self.sheetLayout(db, round: id)
            let wanted = (sheets.map { Array($0) } ?? Array(layout.keys)).sorted()
            let files = Dictionary(round.units.map { ($0.unitId, $0.file ?? "") }, uniquingKeysWith: { a, _ in a })
            if lazily {
                round.rowLoader = { [self] unit in
                    try self.read { db in
                        var rows: [ArchivedRow] = []
                        try Self.readRows(db, round: id, unit: unit, sheets: wanted, layout: layout, fields: fields, files: files) {
                            rows.append($1)
                        }
                        return rows
                    }
                }
            } else {
                var byUnit: [String: [ArchivedRow]] = [:]
                try Self.readRows(db, round: id, unit: nil, sheets: wanted, layout: layout, fields: fields, files: files) {
                    byUnit[$0, default: []].append($1)
                }
                round.units = round.units.map { u in
                    var u = u
                    u.rows = byUnit[u.unitId] ?? []
                    return u
                }
            }
            return round
        }
    }

    /// A round's head and units (no rows), in the units' plan order.
    private static func readRoundHead(_ db: Database, id: String) throws -> ArchivedRound? {
        guard let head = try Row.fetchOne(db, sql: "SELECT round_id, plan_version, position FROM rounds WHERE round_id = ?",
                                          arguments: [id]) else { return nil }
        let units = try Row.fetchAll(db, sql: "SELECT unit_id, unit_name, status, late, file, sha256 FROM units WHERE round_id = ? ORDER BY position",
                                     arguments: [id]).map { r in
            // A status this version does not know counts as missing: nothing of the unit is compared.
            ArchivedUnit(unitId: r["unit_id"], unitName: r["unit_name"], status: UnitStatus(rawValue: r["status"] as String) ?? .missing, late: r["late"],
                         file: r["file"], sha256: r["sha256"], rows: [])
        }
        return ArchivedRound(round: head["round_id"], planVersion: head["plan_version"], position: head["position"], units: units)
    }

    /// Each recorded sheet of a round: its name and the field ids of its rows' values.
    private static func sheetLayout(_ db: Database, round: String) throws -> [String: SheetLayout] {
        var out: [String: SheetLayout] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT sheet_id, sheet_name, fields_json FROM sheets WHERE round_id = ?", arguments: [round]) {
            out[r["sheet_id"]] = SheetLayout(name: r["sheet_name"], fields: RowValuesCoding.fieldList(r["fields_json"]))
        }
        return out
    }

    struct SheetLayout: Sendable {
        var name: String
        var fields: [String]
    }

    /// Calls `body` with the unit id and each stored row of the round's `sheets`, of one unit or
    /// of all, sheet by sheet (through the `rows_by_sheet` index), each unit's rows in row order;
    /// of a sheet `fields` names, only those fields' values.
    private static func readRows(_ db: Database, round: String, unit: String?, sheets: [String], layout: [String: SheetLayout],
                                 fields: [String: Set<String>], files: [String: String],
                                 _ body: (String, ArchivedRow) throws -> Void) throws {
        let sql = """
            SELECT unit_id, row, accepted, explanation, values_json FROM rows
            WHERE round_id = ? AND sheet_id = ?\(unit == nil ? "" : " AND unit_id = ?") ORDER BY unit_id, row
            """
        let statement = try db.cachedStatement(sql: sql)
        for sheet in sheets {
            let l = layout[sheet] ?? SheetLayout(name: sheet, fields: [])
            let keeping = fields[sheet].map { kept in l.fields.map { kept.contains($0) } }
            let arguments: StatementArguments = unit.map { [round, sheet, $0] } ?? [round, sheet]
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            while let r = try cursor.next() {
                let unitId: String = r["unit_id"]
                try body(unitId, ArchivedRow(file: files[unitId] ?? "", sheet: sheet, sheetName: l.name, row: r["row"],
                                             accepted: r["accepted"], explanation: r["explanation"],
                                             values: RowValuesCoding.decode(r["values_json"], fields: l.fields, keeping: keeping)))
            }
        }
    }

    /// The latest round recorded before `round` in the plan's order (the round cross-round
    /// checks compare with), if any.
    /// The round is read lazily, of `sheets` only when given.
    public func previousRound(before round: Round, plan: Plan, sheets: Set<String>? = nil) throws -> ArchivedRound? {
        guard hasRounds, let position = plan.rounds.firstIndex(where: { $0.id == round.id }) else { return nil }
        let id = try read { db in
            try String.fetchOne(db, sql: "SELECT round_id FROM rounds WHERE position < ? ORDER BY position DESC LIMIT 1",
                                arguments: [position])
        }
        return try id.flatMap { try self.round($0, lazily: true, sheets: sheets) }
    }

    // MARK: Recording

    /// Records a merged round in one transaction, replacing the round if it was recorded
    /// before; returns the later rounds that now need a re-merge (`StaleRound`). `reportJSON`
    /// is the report.json the merge wrote. `beforeCommit` runs inside the transaction once
    /// everything is inserted, just before the commit; the switch it returns is recorded in the
    /// same transaction (`pending_switches`), for the merge to switch its outputs in after the
    /// commit and then `clear` it. If it throws, nothing is recorded. An archive file this call
    /// created is removed again when nothing could be recorded in it, so a failed merge leaves
    /// no empty archive behind. A failure of the disk while writing is `.writeFailed`.
    @discardableResult
    public func record(_ result: RoundResult, reportJSON: String,
                       beforeCommit: () throws -> PendingSwitch? = { nil }) throws -> [StaleRound] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError.io(path: path, detail: "无法创建所在文件夹")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        let stale: [StaleRound]
        do {
            stale = try write(result, reportJSON: reportJSON, beforeCommit: beforeCommit)
        } catch {
            if !existed { Self.removeIfEmpty(path) }
            throw error
        }
        if reader == nil { reader = try Self.connectForReading(path) }
        return stale
    }

    /// The transaction of `record`, on a connection closed when it returns.
    private func write(_ result: RoundResult, reportJSON: String, beforeCommit: () throws -> PendingSwitch?) throws -> [StaleRound] {
        let writer = try Self.connect(path, readonly: false)
        defer { try? writer.close() }
        return try mapWriteErrors {
            try writer.read { db in _ = try Self.validate(db, path: path) }
            try Self.useWAL(writer)
            try ArchiveSchema.migrator.migrate(writer)
            var stale: [StaleRound] = []
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try Self.checkPlan(db, plan: result.plan, path: path)
                    let replaces = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rounds WHERE round_id = ?)",
                                                     arguments: [result.round.id]) ?? false
                    try RoundWriter(db: db, result: result).write(reportJSON: reportJSON)
                    // Rounds recorded by schema version 1 get their stored figures now, under the plan
                    // they were just found to share.
                    try UnitFigures.backfill(db, plan: result.plan)
                    let position = result.plan.rounds.firstIndex { $0.id == result.round.id } ?? result.plan.rounds.count
                    stale = try Self.staleRounds(db).filter { later in
                        (result.plan.rounds.firstIndex { $0.id == later.round } ?? -1) > position
                    }
                    if var pending = try beforeCommit() {
                        pending.replaces = replaces
                        try pending.insert(db)
                    }
                    return .commit
                }
            }
            return stale
        }
    }

    /// Switches the archive's connections to WAL (write-ahead logging): readers keep reading
    /// the last commit while a round is written, and never hold a commit up.
    private static func useWAL(_ writer: DatabaseQueue) throws {
        try writer.writeWithoutTransaction { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            if mode.lowercased() != "wal" { try db.execute(sql: "PRAGMA journal_mode = WAL") }
        }
    }

    /// Removes an archive file that records no round (with its journal), as `record` leaves
    /// one it created when its transaction rolled back.
    static func removeIfEmpty(_ path: String) {
        let empty: Bool
        do {
            let queue = try connect(path, readonly: false)
            empty = try queue.read { db in
                try !db.tableExists("rounds") || Int.fetchOne(db, sql: "SELECT count(*) FROM rounds") == 0
            }
            try queue.close()
        } catch {
            return
        }
        guard empty else { return }
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Switches the archive to WAL, then takes and gives back SQLite's write lock (`BEGIN
    /// IMMEDIATE`): another program holding the archive is found before a merge writes anything
    /// (`.locked` after the busy timeout). An archive in the rollback journal (written before
    /// schema version 3) is switched once no other program reads it.
    public func probeWrite() throws {
        guard FileSystem.kind(path) != nil else { return }
        let writer = try Self.connect(path, readonly: false)
        defer { try? writer.close() }
        try mapWriteErrors {
            try Self.useWAL(writer)
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        }
    }

    /// Runs `body` on a connection for writing (the archive's switches and restores);
    /// `migrated`: the archive is brought to the current schema first.
    func writing<T>(migrated: Bool = false, _ body: (Database) throws -> T) throws -> T {
        let writer = try Self.connect(path, readonly: false)
        defer { try? writer.close() }
        return try mapWriteErrors {
            if migrated { try ArchiveSchema.migrator.migrate(writer) }
            return try writer.writeWithoutTransaction { db in try body(db) }
        }
    }

    /// Maps errors while writing: a full disk or an I/O error becomes `.writeFailed`.
    private func mapWriteErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as DatabaseError where [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN]
                    .contains(e.resultCode.primaryResultCode) {
            let detail: String
            switch e.resultCode.primaryResultCode {
            case .SQLITE_FULL: detail = "磁盘空间不足"
            case .SQLITE_READONLY, .SQLITE_PERM: detail = "没有写入权限"
            case .SQLITE_CANTOPEN: detail = "无法打开文件"
            default: detail = "磁盘读写出错"
            }
            throw ArchiveError.writeFailed(path: path, detail: detail)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    // MARK: Connections and checks

    static func connect(_ path: String, readonly: Bool) throws -> DatabaseQueue {
        do {
            return try openQueue(path, readonly: readonly)
        } catch {
            throw translate(error, path: path)
        }
    }

    /// A connection, its errors as SQLite gave them.
    private static func openQueue(_ path: String, readonly: Bool) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = readonly
        config.busyMode = .timeout(busyTimeout)
        config.label = "tianbao-archive"
        return try DatabaseQueue(path: path, configuration: config)
    }

    /// A connection for reading an existing file. Read-write when the file and its folder allow
    /// it, so that a transaction left by a killed run (a hot journal) is rolled back before
    /// anything is read; otherwise read-only (nothing is written by reading). An archive in WAL
    /// mode that SQLite cannot open read-only (it needs to create its `-shm` beside it: a
    /// read-only mount, a folder the user cannot write) is opened as immutable when its WAL is
    /// empty (every commit is in the file); with commits still in its WAL it is `.readOnly`.
    private static func connectForReading(_ path: String) throws -> DatabaseQueue {
        let folder = (path as NSString).deletingLastPathComponent
        if FileManager.default.isWritableFile(atPath: path), FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) {
            return try connect(path, readonly: false)
        }
        var queue: DatabaseQueue?
        do {
            queue = try openQueue(path, readonly: true)
            _ = try queue!.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue!
        } catch let e as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(e.resultCode.primaryResultCode) {
            try? queue?.close()
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            guard wal == 0 else { throw ArchiveError.readOnly(path: path) }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let escaped = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) else {
                throw ArchiveError.readOnly(path: path)
            }
            let immutable = try connect("file:" + escaped + "?immutable=1", readonly: true)
            do {
                _ = try immutable.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            } catch {
                try? immutable.close()
                throw ArchiveError.readOnly(path: path)
            }
            return immutable
        } catch {
            try? queue?.close()
            throw translate(error, path: path)
        }
    }

    /// Runs a read on the archive, for the other files of this module.
    func readRows<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        guard let reader else { throw ArchiveError.missing(path: path) }
        return try mapErrors { try reader.read(body) }
    }

    private func mapErrors<T>(_ body: () throws -> T) throws -> T {
        try Self.mapErrors(path, body)
    }

    private static func mapErrors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw translate(error, path: path) }
    }

    /// A Chinese `ArchiveError` for any error met on the file.
    static func translate(_ error: Error, path: String) -> Error {
        if error is ArchiveError { return error }
        guard let e = error as? DatabaseError else { return error }
        switch e.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return ArchiveError.locked(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
            return ArchiveError.corrupt(path: path, detail: SQLiteMessage.reason(of: e), backup: ArchiveBackups(archive: path).newestGood())
        case .SQLITE_READONLY, .SQLITE_PERM: return ArchiveError.io(path: path, detail: "没有写入权限")
        default: return ArchiveError.io(path: path, detail: SQLiteMessage.reason(of: e))
        }
    }

    /// Refuses files that are not Tianbao archives, or were written by a newer Tianbao; returns
    /// the tables (none: an empty file, a new archive).
    @discardableResult
    static func validate(_ db: Database, path: String) throws -> [String] {
        // Reading the schema reads the file's header: a file that is not SQLite fails here.
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty { return tables }
        guard tables.contains("grdb_migrations") else { throw ArchiveError.notArchive(path: path) }
        let known = Set(ArchiveSchema.migrator.migrations)
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        // GRDB makes its table of applied steps before the first step's transaction: a merge
        // cut off in between leaves that table alone, which is a new archive (the first step
        // runs again).
        if applied.isEmpty && tables == ["grdb_migrations"] { return [] }
        let unknown = applied.filter { !known.contains($0) }
        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if !unknown.isEmpty || userVersion > ArchiveSchema.version {
            throw ArchiveError.newer(path: path, unknown: unknown.isEmpty ? ["user_version \(userVersion)"] : unknown)
        }
        if !applied.isEmpty && !tables.contains("rounds") { throw ArchiveError.notArchive(path: path) }
        return tables
    }

    /// Refuses an archive holding rounds of another plan or plan version.
    static func checkPlan(_ db: Database, plan: Plan, path: String) throws {
        guard try db.tableExists("rounds") else { return }
        if let r = try Row.fetchOne(db, sql: """
            SELECT round_id, plan_id, plan_version FROM rounds WHERE plan_id <> ? OR plan_version <> ?
            ORDER BY position LIMIT 1
            """, arguments: [plan.id, plan.version]) {
            throw ArchiveError.otherPlan(path: path, round: r["round_id"], plan: r["plan_id"], version: r["plan_version"],
                                         currentPlan: plan.id, currentVersion: plan.version)
        }
    }
}

/// One line of `tianbao history`.
public struct ArchivedRoundSummary: Sendable, Equatable {
    public var round: String
    public var planVersion: String
    /// The newest save time of the accepted files, `2021-06-14 10:30` (UTC+8); nil when none was accepted.
    public var mergedAt: String?
    public var expected, accepted, rejected, missing, late: Int
    public var rowsRead, rowsMerged, rowsRejected: Int
}
