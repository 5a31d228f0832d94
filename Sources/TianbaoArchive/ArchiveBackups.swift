import Foundation
import GRDB
import TianbaoSupport

/// The archive's backups: before each merge writes into the archive, a copy of it goes into a
/// folder beside it, `<archive>.backups/`, named by time and by what came next
/// (`20261207-153000-before-2021-06.sqlite`); the newest `kept` are kept. The copy is the file
/// itself, taken while the merge holds SQLite's write lock with the WAL emptied into the file
/// (as fast as copying a file); when a reader still needs the WAL, SQLite's backup API copies a
/// consistent snapshot instead. A backup is a plain SQLite file (rollback journal, no -wal):
/// copying it back over the archive, with the archive's -wal and -shm removed, restores it;
/// `tianbao history --restore` does that safely.
public struct ArchiveBackups: Sendable {
    /// How many backups are kept.
    public static let kept = 5

    public let archive: String

    public init(archive: String) { self.archive = archive }

    /// The folder beside the archive.
    public var folder: String { archive + ".backups" }

    /// The backups, newest first: by the time in their names, then by the sequence number that
    /// tells apart backups made in the same second (`…-2-before-restore`), never by the text
    /// after it (`before-2021-05` and `before-restore` of one second are in the order made).
    public func list() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(Self.isBackupName)
        return names.sorted { Self.order($0) > Self.order($1) }.map { (folder as NSString).appendingPathComponent($0) }
    }

    /// `20261207-153000-before-2021-06.sqlite`, `20261207-153000-2-before-restore.sqlite`.
    static func isBackupName(_ name: String) -> Bool {
        name.hasSuffix(".sqlite") && name.count > 16 && name.prefix(15).enumerated().allSatisfy { i, c in i == 8 ? c == "-" : c.isASCII && c.isNumber }
    }

    /// What orders a backup's name: its time, and its sequence number in that second (1 when
    /// the name has none).
    struct Order: Comparable {
        var stamp: String
        var sequence: Int
        static func < (a: Order, b: Order) -> Bool { (a.stamp, a.sequence) < (b.stamp, b.sequence) }
    }

    static func order(_ name: String) -> Order {
        let stamp = String(name.prefix(15))
        let rest = name.dropFirst(16)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        let sequence = !digits.isEmpty && rest.dropFirst(digits.count).first == "-" ? Int(digits) ?? 1 : 1
        return Order(stamp: stamp, sequence: sequence)
    }

    /// A new backup of the archive (which must exist), named after `what` comes next
    /// (`before-2021-06`); `rotate`: older backups beyond `kept` are removed now (a merge
    /// rotates only once its round is committed, `rotate()`, and removes the backup again when
    /// it ends with nothing changed, `discard(_:)`). Throws `.backupFailed`.
    @discardableResult
    public func make(before what: String, rotate: Bool = true) throws -> String {
        let target = try newName(what)
        let temporary = (folder as NSString).appendingPathComponent(".\((target as NSString).lastPathComponent).tianbao-tmp-\(getpid())")
        // What a backup cut off by a crash left (the caller holds the archive's lock).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.contains(".tianbao-tmp-") {
            unlink((folder as NSString).appendingPathComponent(name))
        }
        do {
            try FileSystem.makeFolder(folder)
            let source = try RoundArchive.connect(archive, readonly: false)
            defer { try? source.close() }
            if try !copyWhole(source, to: temporary) {
                unlink(temporary)
                let copy = try DatabaseQueue(path: temporary)
                try source.backup(to: copy)
                try copy.close()
            }
            let copy = try DatabaseQueue(path: temporary)
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try FileSystem.syncFile(temporary)
            try FileSystem.rename(temporary, to: target)
            try FileSystem.syncFolder(folder)
        } catch {
            unlink(temporary)
            throw ArchiveError.backupFailed(path: archive, backup: folder, detail: Self.detail(error))
        }
        if rotate { self.rotate() }
        return target
    }

    /// Removes the backups beyond the newest `kept`.
    public func rotate() {
        for old in list().dropFirst(Self.kept) { unlink(old) }
    }

    /// Removes a backup this run made when the run changed nothing after all (so a run that
    /// failed does not push a good backup out of the rotation).
    public func discard(_ backup: String) {
        guard (backup as NSString).deletingLastPathComponent == folder else { return }
        unlink(backup)
    }

    /// Copies the archive file as it is to `temporary`, when that is the whole archive: while
    /// `source` holds SQLite's write lock (nothing can be committed), a second connection
    /// empties the WAL into the file (a passive checkpoint); when every committed frame is in
    /// the file, the file is copied. Returns false when a reader still needs part of the WAL
    /// (then the caller copies through the backup API).
    private func copyWhole(_ source: DatabaseQueue, to temporary: String) throws -> Bool {
        try source.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let checkpointer = try RoundArchive.connect(archive, readonly: false)
            defer { try? checkpointer.close() }
            let whole = try checkpointer.writeWithoutTransaction { db -> Bool in
                guard let r = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return true }
                let log: Int = r[1], done: Int = r[2]
                return log == done
            }
            guard whole else { return false }
            try FileSystem.copyAtomically(archive, to: temporary, rename: false)
            return true
        }
    }

    /// A name for a new backup: the time (UTC+8) and `what`; a second backup within the same
    /// second gets a sequence number above every backup's of that second (`…-2-…`).
    private func newName(_ what: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: Date())
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(Self.isBackupName)
        let taken = names.filter { $0.hasPrefix(stamp) }.map { Self.order($0).sequence }.max()
        var n = taken.map { $0 + 1 } ?? 1
        while true {
            let name = n == 1 ? "\(stamp)-\(what).sqlite" : "\(stamp)-\(n)-\(what).sqlite"
            let path = (folder as NSString).appendingPathComponent(name)
            if FileSystem.kind(path) == nil { return path }
            n += 1
        }
    }

    /// The newest backup that passes `PRAGMA quick_check` and is a Tianbao archive.
    public func newestGood() -> String? {
        list().first { Self.condition(of: $0, full: false) == .whole }
    }

    /// What checking an archive (or a backup) found.
    public enum Condition: Sendable, Equatable {
        /// A whole Tianbao archive this Tianbao can read.
        case whole
        /// Damaged, not SQLite, not a Tianbao archive or written by a newer Tianbao: what is
        /// wrong, in Chinese.
        case damaged([String])
        /// Another program holds a lock on it (SQLite busy or locked): it could not be checked.
        case inUse
        /// It (or its folder) can only be read and SQLite could not open it even so (an
        /// archive in WAL mode needs its `-shm` file): it could not be checked.
        case readOnly
        /// Not there, or not a file.
        case missing
    }

    /// What is wrong with a backup or an archive file (`full`: `PRAGMA integrity_check`, which
    /// also compares indexes with their tables and each round's stored report with its digest;
    /// else `quick_check` and the digests). A lock or a read-only file is not damage.
    public static func condition(of path: String, full: Bool) -> Condition {
        guard FileSystem.kind(path) == .file else { return .missing }
        do {
            let archive = try RoundArchive.open(path: path)
            let found = try archive.check(full: full)
            return found.isEmpty ? .whole : .damaged(found)
        } catch let e as ArchiveError {
            switch e {
            case .locked: return .inUse
            case .readOnly: return .readOnly
            case .newer: return .damaged(["由更新版本的填报程序写入"])
            case .notArchive: return .damaged(["不是填报程序的汇总档案"])
            case .corrupt(_, let detail, _): return .damaged([detail])
            default: return .damaged([e.reason])
            }
        } catch {
            return .damaged([SQLiteMessage.reason(of: error)])
        }
    }

    /// What is wrong with a backup or an archive file: empty when it is whole (see `condition`).
    public static func problems(in path: String, full: Bool) -> [String] {
        switch condition(of: path, full: full) {
        case .whole: []
        case .damaged(let found): found
        case .inUse: ["正被另一个程序占用，无法检查"]
        case .readOnly: ["只读，无法打开检查"]
        case .missing: ["不存在或不是文件"]
        }
    }

    /// Copies `backup` into the archive through SQLite's backup API, in one transaction on the
    /// live file: readers see the old or the restored archive, never a mix (rolling a merge
    /// back; `restore(from:)` replaces the file).
    func restoreInPlace(from backup: String) throws {
        do {
            let source = try RoundArchive.connect(backup, readonly: true)
            defer { try? source.close() }
            let destination = try RoundArchive.connect(archive, readonly: false)
            defer { try? destination.close() }
            try source.backup(to: destination)
        } catch {
            throw RoundArchive.translate(error, path: archive)
        }
    }

    /// Restores the archive from `backup` (which must be a whole Tianbao archive); returns
    /// where the archive it replaced went (nil: there was none). Call while holding the
    /// archive's lock. An archive that is in use by another program, or read-only, is not
    /// replaced (it could not be checked, so it is not known to be damaged).
    ///
    /// The archive is never missing on the way: (1) the backup is copied to a temporary file
    /// beside the archive and flushed (a failure, a full disk: removed, nothing changed);
    /// (2) the archive goes into the backups folder: a whole one as a backup
    /// (`…-before-restore.sqlite`), then switched out of WAL mode so that no `-wal` or `-shm`
    /// is left beside it (another program holding it open refuses this: nothing changed but
    /// the extra backup); a damaged one as it is (`…-damaged.sqlite`: a second name of the file,
    /// or a copy where the file system cannot, then its `-wal`, `-shm`, `-journal` moved
    /// beside that); (3) the temporary file is renamed over the archive (atomic).
    /// Crash windows: in (1), a temporary `.<archive>.tianbao-restore-<pid>` is left and removed
    /// by the next restore; in (2), a damaged archive may be left without its `-wal` (which is
    /// in the backups folder beside its copy), a whole one in rollback-journal mode (the next
    /// merge switches it back); in either case running the restore again finishes it.
    public func restore(from backup: String) throws -> String? {
        let problems = Self.problems(in: backup, full: true)
        guard problems.isEmpty else { throw ArchiveError.badBackup(path: backup, detail: problems.prefix(3).joined(separator: "；")) }
        let condition = FileSystem.kind(archive) == nil ? .missing : Self.condition(of: archive, full: false)
        switch condition {
        case .inUse: throw ArchiveError.locked(path: archive)
        case .readOnly: throw ArchiveError.readOnly(path: archive)
        default: break
        }
        let folderOfArchive = (archive as NSString).deletingLastPathComponent
        let name = (archive as NSString).lastPathComponent
        let parent = folderOfArchive.isEmpty ? "." : folderOfArchive
        for old in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where old.hasPrefix(".\(name).tianbao-restore-") {
            unlink((parent as NSString).appendingPathComponent(old))
        }
        let temporary = (parent as NSString).appendingPathComponent(".\(name).tianbao-restore-\(getpid())")
        do {
            try FileSystem.copyAtomically(backup, to: temporary, rename: false)
            try FileSystem.syncFile(temporary)
        } catch {
            unlink(temporary)
            throw ArchiveError.restoreFailed(path: archive, detail: "无法在它所在的文件夹中写入备份的副本：" + Self.detail(error))
        }
        var aside: String?
        do {
            switch condition {
            case .missing:
                break
            case .whole:
                let kept = try make(before: "before-restore", rotate: false)
                do {
                    try leaveWAL()
                } catch {
                    discard(kept)
                    throw error
                }
                aside = kept
            default:
                try FileSystem.makeFolder(folder)
                let damaged = try newName("damaged")
                if link(archive, damaged) != 0 { try FileSystem.copyAtomically(archive, to: damaged, rename: false) }
                for suffix in ["-wal", "-shm", "-journal"] where FileSystem.kind(archive + suffix) == .file {
                    try FileSystem.rename(archive + suffix, to: damaged + suffix)
                }
                aside = damaged
            }
            try FileSystem.rename(temporary, to: archive)
            try? FileSystem.syncFolder(parent)
            rotate()
        } catch {
            unlink(temporary)
            if let e = error as? ArchiveError { throw e }
            throw ArchiveError.restoreFailed(path: archive, detail: Self.detail(error))
        }
        return aside
    }

    /// Switches the (whole) archive to the rollback journal: the WAL is emptied into the file
    /// and removed, the `-shm` too; refused (`.locked`) while another program holds it open.
    private func leaveWAL() throws {
        do {
            let db = try RoundArchive.connect(archive, readonly: false)
            defer { try? db.close() }
            let mode = try db.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            if mode?.lowercased() != "delete" { throw ArchiveError.locked(path: archive) }
        } catch let e as ArchiveError {
            throw e
        } catch {
            throw RoundArchive.translate(error, path: archive)
        }
        for suffix in ["-wal", "-shm"] { unlink(archive + suffix) }
    }

    private func copyFile(_ from: String, to target: String) throws {
        try FileSystem.copyAtomically(from, to: target)
    }

    private static func detail(_ error: Error) -> String {
        switch error {
        case let e as FileSystemError: return e.cause
        case let e as ArchiveError: return e.reason
        default: return SQLiteMessage.reason(of: error)
        }
    }
}
