import Foundation
import GRDB
import TianbaoSupport

/// A round committed to the archive whose outputs are not switched in yet: the row a merge
/// commits with its round, and deletes once its staging folder is switched in for the output
/// folder (schema version 3, `pending_switches`). A row found later means the merge ended
/// between its commit and the end of its switch; `RoundArchive.settle` completes or undoes it.
public struct PendingSwitch: Sendable, Equatable {
    /// The output folder (links resolved).
    public var target: String
    public var round: String
    /// The staging folder holding the round's outputs, and what identifies it.
    public var staging: String
    public var stagingDevice: UInt64
    public var stagingInode: UInt64
    /// The archive's backup taken before the round was recorded (nil: it held no round).
    public var backup: String?
    /// Whether the round was recorded already before this merge recorded it again (set by
    /// `RoundArchive.record`; nil: a switch recorded by an older Tianbao, not known).
    public var replaces: Bool?

    public init(target: String, round: String, staging: String, stagingDevice: UInt64, stagingInode: UInt64, backup: String?,
                replaces: Bool? = nil) {
        self.target = target
        self.round = round
        self.staging = staging
        self.stagingDevice = stagingDevice
        self.stagingInode = stagingInode
        self.backup = backup
        self.replaces = replaces
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO pending_switches (target, round_id, staging, staging_device, staging_inode, backup, replaces)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [target, round, staging, Int64(bitPattern: stagingDevice), Int64(bitPattern: stagingInode), backup, replaces])
    }

    /// Whether the output folder is this switch's staging folder already: the switch happened,
    /// only its record was left.
    public var isSwitchedIn: Bool { isStaging(target) }

    /// Whether the folder at `path` is the staging folder (after the switch: the output folder).
    func isStaging(_ path: String) -> Bool {
        guard FileSystem.kind(path) == .folder, let id = FileSystem.identity(path) else { return false }
        return id.device == stagingDevice && id.inode == stagingInode
    }
}

/// What `RoundArchive.settle` did with a switch a merge left unfinished.
public enum SettledSwitch: Sendable, Equatable {
    /// The outputs were in place already (the merge ended just after its switch).
    case wasComplete(PendingSwitch)
    /// The staging folder was still there: switched in now.
    case completed(PendingSwitch)
    /// The staging folder was gone: the archive was rolled back to before the round, restored
    /// from `restoredFrom` (the backup taken before it), or, when that was the round's first
    /// record, by deleting the round (`restoredFrom` nil).
    case rolledBack(PendingSwitch, restoredFrom: String?)
    /// The staging folder was gone, the round had been recorded before and the backup from
    /// before the merge is gone too: the round keeps what the cut-off merge recorded (which no
    /// output shows) and is marked as needing a re-merge.
    case keptForRemerge(PendingSwitch)
    /// Another run holds the output folder's lock: left for a later run.
    case leftForLater(PendingSwitch)
}

extension RoundArchive {
    /// The switches merges left unfinished (none before schema version 3).
    public func pendingSwitches() throws -> [PendingSwitch] {
        guard hasRounds else { return [] }
        return try readRows { db in
            guard try db.tableExists("pending_switches") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM pending_switches ORDER BY target").map { r in
                PendingSwitch(target: r["target"], round: r["round_id"], staging: r["staging"],
                              stagingDevice: UInt64(bitPattern: r["staging_device"] as Int64),
                              stagingInode: UInt64(bitPattern: r["staging_inode"] as Int64), backup: r["backup"],
                              replaces: r.hasColumn("replaces") ? r["replaces"] : nil)
            }
        }
    }

    /// The switches merges left unfinished whose outputs are not in place, of the rounds
    /// `reading` picks: a command that reads such a round reads a record no output folder
    /// shows yet (the next merge into the archive completes or undoes it).
    public func unswitched(_ reading: (String) -> Bool) throws -> [PendingSwitch] {
        try pendingSwitches().filter { reading($0.round) && !$0.isSwitchedIn }
    }

    /// Deletes the record of a switch that is complete.
    public func clear(_ pending: PendingSwitch) throws {
        try writing { db in
            try db.execute(sql: "DELETE FROM pending_switches WHERE target = ? AND staging_inode = ?",
                           arguments: [pending.target, Int64(bitPattern: pending.stagingInode)])
        }
    }

    /// Undoes the round of a switch that did not happen, as far as it can be undone truthfully:
    /// the archive is restored from the backup taken before the round was recorded; without
    /// that backup, a round recorded for the first time (or into an archive that held no
    /// round) is deleted (and the file removed when nothing is left in it); a round recorded
    /// before keeps what the cut-off merge recorded, marked `interrupted` (it needs a
    /// re-merge), since its earlier record is lost with the backup.
    public func rollBack(_ pending: PendingSwitch) throws -> SettledSwitch {
        if let backup = pending.backup, FileSystem.kind(backup) == .file {
            try ArchiveBackups(archive: path).restoreInPlace(from: backup)
            return .rolledBack(pending, restoredFrom: backup)
        }
        let firstRecord = pending.backup == nil || pending.replaces == false
        try writing(migrated: true) { db in
            try db.inTransaction {
                if firstRecord {
                    try db.execute(sql: "DELETE FROM rounds WHERE round_id = ?", arguments: [pending.round])
                } else {
                    try db.execute(sql: "UPDATE rounds SET interrupted = 1 WHERE round_id = ?", arguments: [pending.round])
                }
                try db.execute(sql: "DELETE FROM pending_switches WHERE target = ?", arguments: [pending.target])
                return .commit
            }
        }
        guard firstRecord else { return .keptForRemerge(pending) }
        Self.removeIfEmpty(path)
        return .rolledBack(pending, restoredFrom: nil)
    }

    /// Completes or undoes every switch a merge left unfinished, each while holding its output
    /// folder's lock: outputs in place → the record is cleared; the staging folder still there
    /// → switched in; neither → the archive is rolled back to before that round. Call while
    /// holding the archive's lock.
    public func settle() throws -> [SettledSwitch] {
        var out: [SettledSwitch] = []
        for pending in try pendingSwitches() {
            // The output folder's lock, where its folder still exists (gone: nothing can be
            // switched in there, and nothing to lock).
            var lock: FolderLock?
            if FileSystem.kind((pending.target as NSString).deletingLastPathComponent) == .folder {
                do {
                    lock = try FolderLock(folder: pending.target)
                } catch {
                    out.append(.leftForLater(pending))
                    continue
                }
            }
            defer { lock?.release() }
            if pending.isStaging(pending.target) {
                if FileSystem.kind(pending.staging) == .folder { try? FileSystem.removeTree(pending.staging) }
                try clear(pending)
                out.append(.wasComplete(pending))
            } else if pending.isStaging(pending.staging) {
                try StagedFolder(adopting: pending.staging, target: pending.target).switchIn()
                try clear(pending)
                out.append(.completed(pending))
            } else {
                out.append(try rollBack(pending))
            }
        }
        return out
    }
}
