import Foundation
import GRDB
import TianbaoSupport

/// Why an archive cannot be used. Every case carries the Chinese message a clerk reads: what
/// happened to which archive and what to do. A command that meets one before writing exits
/// with status 2 and writes nothing; `isWriteFailure` cases (status 3) leave the outputs and
/// the archive as they were too.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    /// No archive at the path (for commands that only read it).
    case missing(path: String)
    /// Written by a newer Tianbao: schema steps this Tianbao does not know.
    case newer(path: String, unknown: [String])
    /// Not an SQLite file, or damaged pages (found on opening, by `PRAGMA quick_check`, or
    /// while reading). `backup`: the newest backup beside it that passed the same check.
    case corrupt(path: String, detail: String, backup: String?)
    /// An SQLite file, but not a Tianbao archive.
    case notArchive(path: String)
    /// Another program holds an SQLite lock on the file past the busy timeout.
    case locked(path: String)
    /// The archive (or its folder) can only be read, and SQLite cannot open it even for
    /// reading (an archive in WAL mode needs its `-shm` file), or a command must write it.
    case readOnly(path: String)
    /// The archive is missing while its backups folder holds backups: a command that would
    /// create a fresh archive refuses (`backup`: the newest good one).
    case missingWithBackups(path: String, backups: String, backup: String?)
    /// The archive's lock file could not be made (the folder is missing, read-only, not
    /// writable): `cause` says which.
    case lockFailed(path: String, lockPath: String, cause: String)
    /// Another merge records into the archive now (its lock file names it).
    case busy(path: String, lockPath: String, holder: FolderLock.Holder?)
    /// Rounds recorded under another plan, or another version of this plan.
    case otherPlan(path: String, round: String, plan: String, version: String, currentPlan: String, currentVersion: String)
    /// The round asked for is not recorded.
    case noSuchRound(path: String, round: String)
    /// The backup before writing could not be made (so nothing is written).
    case backupFailed(path: String, backup: String, detail: String)
    /// Recording the round failed (disk full, no permission, an I/O error): rolled back.
    case writeFailed(path: String, detail: String)
    /// A backup to restore that cannot be used.
    case badBackup(path: String, detail: String)
    /// Restoring failed on the way (a full disk): the archive is as it was.
    case restoreFailed(path: String, detail: String)
    /// Any other failure of the file (permissions, disk full) before anything was written.
    case io(path: String, detail: String)

    /// Failures of writing (status 3); the others are refusals before anything is written (status 2).
    public var isWriteFailure: Bool {
        switch self {
        case .busy, .backupFailed, .writeFailed, .readOnly, .restoreFailed, .lockFailed: true
        default: false
        }
    }

    /// The message shown to the user (Chinese, full-width punctuation).
    public var description: String {
        switch self {
        case .missing(let path):
            return "错误：找不到汇总档案“\(path)”。请先用 tianbao merge 汇总一轮，或用 --archive 指定档案文件。"
        case .newer(let path, let unknown):
            return "错误：汇总档案“\(path)”由更新版本的填报程序写入（含本程序不认识的结构版本：\(unknown.joined(separator: "、"))）。"
                + "请升级填报程序后再使用该档案；本次未写入任何内容。"
        case .corrupt(let path, let detail, let backup):
            let restore = backup.map { "最近一份完好的备份是“\($0)”：可用 tianbao history --archive \(path) --restore \($0) 恢复（恢复前的档案会另存到备份文件夹），再重新汇总之后的轮次；" }
                ?? "没有找到完好的备份：请从其他备份恢复该文件，或用 --archive 另行指定档案；"
            return "错误：汇总档案“\(path)”已损坏或不是 SQLite 数据库文件（\(detail)）。" + restore + "本次未写入任何内容。"
        case .notArchive(let path):
            return "错误：“\(path)”是 SQLite 数据库，但不是填报程序的汇总档案。请用 --archive 指定正确的档案文件；本次未写入任何内容。"
        case .readOnly(let path):
            return "错误：汇总档案“\(path)”是只读的（它或它所在的文件夹不能写入），填报程序无法打开它。"
                + "请把档案复制到可以写入的文件夹后用 --archive 指定副本，或请管理员给该文件夹加上写入权限后重试；本次未作任何改动。"
        case .missingWithBackups(let path, let backups, let backup):
            let restore = backup.map { "最近一份完好的备份是“\($0)”：请先用 tianbao history --archive \(path) --restore \($0) 恢复档案，再重新汇总之后的轮次。" }
                ?? "备份文件夹中没有完好的备份：请从其他备份恢复该文件。"
            return "错误：找不到汇总档案“\(path)”，但它的备份文件夹“\(backups)”中有备份，档案可能被误删或移走了。" + restore
                + "如确实要从头建立新的档案，请先删除备份文件夹“\(backups)”；本次未作任何改动。"
        case .locked(let path):
            return "错误：汇总档案“\(path)”正被另一个程序使用（文件被锁定）。请等另一次汇总结束、或关闭打开该文件的程序后重试；本次未写入任何内容。"
        case .busy(let path, let lockPath, let holder):
            let who = holder.map { "（进程 \($0.pid)，开始于 \($0.started)）" } ?? ""
            return "错误：另一次汇总\(who)正在记入汇总档案“\(path)”。为免两次汇总交错记入档案，本次不等待，未作任何改动，已退出；"
                + "请等那次汇总结束后再运行。（锁文件：\(lockPath)）"
        case .otherPlan(let path, let round, let plan, let version, let currentPlan, let currentVersion):
            if plan != currentPlan {
                return "错误：汇总档案“\(path)”中的 \(round) 轮次属于另一个计划（\(plan)），不是本计划（\(currentPlan)）。"
                    + "请用 --archive 为本计划指定单独的档案文件；本次未写入任何内容。"
            }
            return "错误：汇总档案“\(path)”中的 \(round) 轮次是按计划版本 \(version) 汇总的，现行计划版本为 \(currentVersion)，"
                + "两轮数据不能直接比对。请使用与档案相同版本的计划，或用 --archive 为新版本计划另建档案；本次未写入任何内容。"
        case .noSuchRound(let path, let round):
            return "错误：汇总档案“\(path)”中没有 \(round) 轮次的记录。可用 tianbao history 查看已记录的轮次。"
        case .backupFailed(let path, let backup, let detail):
            return "错误：写入汇总档案“\(path)”之前无法先备份到“\(backup)”（\(detail)）。为免在没有备份的情况下改动档案，本次未作任何改动；"
                + "请腾出磁盘空间或排除问题后重新运行。"
        case .writeFailed(let path, let detail):
            return "错误：无法写入汇总档案“\(path)”（\(detail)）。本轮未记入档案，档案保持原样，输出文件夹也未作任何改动；"
                + "请腾出磁盘空间或排除问题后重新汇总。"
        case .badBackup(let path, let detail):
            return "错误：“\(path)”不能用来恢复汇总档案（\(detail)）。可用 tianbao history --check 查看哪些备份完好；本次未作任何改动。"
        case .lockFailed(let path, let lockPath, let cause):
            return "错误：无法在汇总档案“\(path)”所在的文件夹中创建锁文件“\(lockPath)”（\(cause)）。本次未作任何改动；"
                + "请确认该文件夹存在且当前用户可以写入后重试。"
        case .restoreFailed(let path, let detail):
            return "错误：无法用备份恢复汇总档案“\(path)”（\(detail)）。档案保持原样，未作任何改动；请腾出磁盘空间或排除问题后重试。"
        case .io(let path, let detail):
            return "错误：无法读写汇总档案“\(path)”（\(detail)）；本次未写入任何内容。"
        }
    }

    /// What happened, without the 错误 frame and the advice: for a message that quotes this
    /// failure inside another (`恢复失败（…）`).
    public var reason: String {
        switch self {
        case .missing: "找不到该文件"
        case .newer: "由更新版本的填报程序写入"
        case .corrupt(_, let detail, _): "已损坏（\(detail)）"
        case .notArchive: "不是填报程序的汇总档案"
        case .locked: "正被另一个程序占用"
        case .readOnly: "只读，无法打开"
        case .missingWithBackups: "找不到该文件"
        case .busy: "另一次汇总正在记入"
        case .lockFailed(_, _, let cause): "无法创建锁文件：\(cause)"
        case .otherPlan: "属于另一个计划或计划版本"
        case .noSuchRound(_, let round): "没有 \(round) 轮次的记录"
        case .backupFailed(_, _, let detail), .writeFailed(_, let detail), .badBackup(_, let detail), .io(_, let detail),
             .restoreFailed(_, let detail): detail
        }
    }
}

/// SQLite failures in Chinese: the one place a `DatabaseError` (or any other error met on an
/// archive file) becomes words a clerk reads; SQLite's English text never reaches a message.
public enum SQLiteMessage {
    /// `磁盘空间不足`, `不是 SQLite 数据库文件`, `数据页损坏` …
    public static func reason(of error: Error) -> String {
        switch error {
        case let e as ArchiveError: return e.reason
        case let e as FileSystemError: return e.cause
        case let e as DatabaseError: return reason(of: e.resultCode)
        default: return "读写出错"
        }
    }

    /// The Chinese reason when `error` is an SQLite failure; nil for any other error.
    public static func describe(_ error: Error) -> String? {
        (error as? DatabaseError).map { reason(of: $0.resultCode) }
    }

    static func reason(of code: ResultCode) -> String {
        switch code.primaryResultCode {
        case .SQLITE_FULL: "磁盘空间不足"
        case .SQLITE_READONLY: "只读，不能写入"
        case .SQLITE_PERM, .SQLITE_AUTH: "没有权限"
        case .SQLITE_CANTOPEN: "无法打开文件"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "正被另一个程序占用"
        case .SQLITE_NOTADB: "不是 SQLite 数据库文件"
        case .SQLITE_CORRUPT: "数据页损坏"
        case .SQLITE_FORMAT: "数据库格式有误"
        case .SQLITE_IOERR: "磁盘读写出错"
        case .SQLITE_NOMEM: "内存不足"
        case .SQLITE_TOOBIG: "数据过大"
        default: "数据库出错（SQLite 错误代码 \(code.rawValue)）"
        }
    }
}
