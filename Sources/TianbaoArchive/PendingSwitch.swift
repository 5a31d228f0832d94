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

    public init(target: String, round: String, staging: String, stagingDevice: UInt64, stagingInode: UInt64, backup: String?) {
        self.target = target
        self.round = round
        self.staging = staging
        self.stagingDevice = stagingDevice
        self.stagingInode = stagingInode
        self.backup = backup
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO pending_switches (target, round_id, staging, staging_device, staging_inode, backup)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [target, round, staging, Int64(bitPattern: stagingDevice), Int64(bitPattern: stagingInode), backup])
    }

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
    /// The staging folder was gone: the archive was rolled back to before the round.
    case rolledBack(PendingSwitch)
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
                              stagingInode: UInt64(bitPattern: r["staging_inode"] as Int64), backup: r["backup"])
            }
        }
    }

    /// Deletes the record of a switch that is complete.
    public func clear(_ pending: PendingSwitch) throws {
        try writing { db in
            try db.execute(sql: "DELETE FROM pending_switches WHERE target = ? AND staging_inode = ?",
                           arguments: [pending.target, Int64(bitPattern: pending.stagingInode)])
        }
    }

    /// Undoes the round of a switch that did not happen: the archive is restored from the
    /// backup taken before the round was recorded, or, when it held no round then (or that
    /// backup is gone), the round is deleted (and the file removed when nothing is left in it).
    public func rollBack(_ pending: PendingSwitch) throws {
        if let backup = pending.backup, FileSystem.kind(backup) == .file {
            try ArchiveBackups(archive: path).restoreInPlace(from: backup)
        } else {
            try writing { db in
                try db.inTransaction {
                    try db.execute(sql: "DELETE FROM rounds WHERE round_id = ?", arguments: [pending.round])
                    try db.execute(sql: "DELETE FROM pending_switches WHERE target = ?", arguments: [pending.target])
                    return .commit
                }
            }
            Self.removeIfEmpty(path)
        }
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
                try rollBack(pending)
                out.append(.rolledBack(pending))
            }
        }
        return out
    }
}
