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

    /// The backups, newest first.
    public func list() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(Self.isBackupName)
        return names.sorted(by: >).map { (folder as NSString).appendingPathComponent($0) }
    }

    /// `20261207-153000-before-2021-06.sqlite`, `20261207-153000-2-before-restore.sqlite`.
    static func isBackupName(_ name: String) -> Bool {
        name.hasSuffix(".sqlite") && name.count > 16 && name.prefix(15).enumerated().allSatisfy { i, c in i == 8 ? c == "-" : c.isASCII && c.isNumber }
    }

    /// A new backup of the archive (which must exist), named after `what` comes next
    /// (`before-2021-06`); older backups beyond `kept` are removed. Throws `.backupFailed`.
    @discardableResult
    public func make(before what: String) throws -> String {
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
        for old in list().dropFirst(Self.kept) { unlink(old) }
        return target
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

    /// A name for a new backup: the time (UTC+8) and `what`, unique in the folder.
    private func newName(_ what: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: Date())
        var n = 1
        while true {
            let name = n == 1 ? "\(stamp)-\(what).sqlite" : "\(stamp)-\(n)-\(what).sqlite"
            let path = (folder as NSString).appendingPathComponent(name)
            if FileSystem.kind(path) == nil { return path }
            n += 1
        }
    }

    /// The newest backup that passes `PRAGMA quick_check` and is a Tianbao archive.
    public func newestGood() -> String? {
        list().first { Self.problems(in: $0, full: false).isEmpty }
    }

    /// What is wrong with a backup or an archive file: empty when it is a whole Tianbao archive
    /// this Tianbao can read (`full`: `PRAGMA integrity_check`, which also compares indexes with
    /// their tables; else `quick_check`).
    public static func problems(in path: String, full: Bool) -> [String] {
        guard FileSystem.kind(path) == .file else { return ["不存在或不是文件"] }
        do {
            let db = try RoundArchive.connect(path, readonly: true)
            defer { try? db.close() }
            return try db.read { db in
                let tables = try RoundArchive.validate(db, path: path)
                let check = try String.fetchAll(db, sql: full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)")
                _ = tables
                return check == ["ok"] ? [] : check
            }
        } catch let e as ArchiveError {
            switch e {
            case .newer: return ["由更新版本的填报程序写入"]
            case .notArchive: return ["不是填报程序的汇总档案"]
            case .locked: return ["文件被另一个程序锁定"]
            default: return [e.description]
            }
        } catch let e as DatabaseError {
            return [e.message ?? "\(e.resultCode)"]
        } catch {
            return ["\(error)"]
        }
    }

    /// Copies `backup` into the archive through SQLite's backup API, in one transaction on the
    /// live file: readers see the old or the restored archive, never a mix. For an archive that
    /// is whole (rolling a merge back); `restore(from:)` also handles a damaged one.
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

    /// Restores the archive from `backup`: the backup must be a whole Tianbao archive; the
    /// archive as it is goes into the backup folder first (`…-before-restore.sqlite`, or its
    /// files moved there as they are when it is damaged). Returns where the previous archive
    /// went (nil: there was none). Call while holding the archive's lock.
    public func restore(from backup: String) throws -> String? {
        let problems = Self.problems(in: backup, full: true)
        guard problems.isEmpty else { throw ArchiveError.badBackup(path: backup, detail: problems.prefix(3).joined(separator: "；")) }
        guard FileSystem.kind(archive) != nil else {
            try copyFile(backup, to: archive)
            return nil
        }
        if Self.problems(in: archive, full: false).isEmpty {
            let kept = try make(before: "before-restore")
            try restoreInPlace(from: backup)
            return kept
        }
        // Damaged: its files are moved aside as they are, and the backup copied in.
        try FileSystem.makeFolder(folder)
        let aside = try newName("damaged")
        for suffix in ["", "-wal", "-shm", "-journal"] where FileSystem.kind(archive + suffix) == .file {
            try FileSystem.rename(archive + suffix, to: aside + suffix)
        }
        try copyFile(backup, to: archive)
        return aside
    }

    private func copyFile(_ from: String, to target: String) throws {
        try FileSystem.copyAtomically(from, to: target)
    }

    private static func detail(_ error: Error) -> String {
        switch error {
        case let e as FileSystemError: return e.cause
        case let e as DatabaseError where e.resultCode.primaryResultCode == .SQLITE_FULL: return "磁盘空间不足"
        case let e as DatabaseError: return e.message ?? "\(e.resultCode)"
        default: return "\(error)"
        }
    }
}
