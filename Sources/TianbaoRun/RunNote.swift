import TianbaoArchive
import TianbaoSupport

/// Something a run tells its user besides its outcome, as a value (the caller prints or shows
/// it; `message` is its Chinese text).
public enum RunNote: Sendable, Equatable {
    /// An earlier run into the same output folder ended without releasing its lock (killed, or
    /// its machine went down): this run took the lock over and removed what it left.
    case lockTakenOver(holder: FolderLock.Holder)
    /// An earlier merge recorded its round but was cut off before its outputs were in place;
    /// its staging folder was still there and is now switched in.
    case switchCompleted(round: String, out: String)
    /// An earlier merge recorded its round but was cut off before its outputs were in place,
    /// and its staging folder is gone: the archive was rolled back to before that round.
    case switchRolledBack(round: String, out: String, backup: String?)
    /// An earlier merge recorded a round again but was cut off before its outputs were in
    /// place, its staging folder is gone and so is the backup from before it: the archive
    /// keeps that merge's record of the round (no output shows it), marked for a re-merge.
    case switchKeptForRemerge(round: String, out: String, backup: String?)
    /// An earlier merge's switch is unfinished and its output folder is locked by a run now:
    /// left for a later merge.
    case switchLeft(round: String, out: String)
    /// Later rounds recorded in the archive now compare with another previous round (this
    /// round was recorded before them, or recorded again with other content): each needs a
    /// re-merge.
    case laterRoundsNeedRemerge([StaleRound])
    /// A round this run reads from the archive was recorded by a merge cut off before its
    /// outputs were in place (`RoundArchive.unswitched`): what is read of it is not what its
    /// output folder shows until a merge completes or undoes it.
    case readsUnswitchedRound(round: String, out: String)

    /// The note of a command that reads the archive outside a run (`status`, `templates`)
    /// about a round whose switch is unfinished.
    public static func readingUnswitched(_ p: PendingSwitch) -> String {
        readsUnswitchedRound(round: p.round, out: p.target).message(for: .merge(out: p.target))
    }

    /// The note for what settling an unfinished switch did (nil: nothing to tell).
    static func settled(_ s: SettledSwitch) -> RunNote? {
        switch s {
        case .wasComplete: nil
        case .completed(let p): .switchCompleted(round: p.round, out: p.target)
        case .rolledBack(let p, let restoredFrom): .switchRolledBack(round: p.round, out: p.target, backup: restoredFrom)
        case .keptForRemerge(let p): .switchKeptForRemerge(round: p.round, out: p.target, backup: p.backup)
        case .leftForLater(let p): .switchLeft(round: p.round, out: p.target)
        }
    }

    /// The note in Chinese, for a run of `job`.
    public func message(for job: RunJob) -> String {
        switch self {
        case .lockTakenOver(let dead):
            switch job {
            case .merge(let out):
                return "注意：上一次向“\(out)”的汇总（进程 \(dead.pid)，开始于 \(dead.started)）没有正常结束；"
                    + "已接管它留下的锁并清除它的临时文件，输出文件夹保持为最近一次完整汇总的结果。"
            case .review(let out):
                return "注意：上一次向“\(out)”的输出（进程 \(dead.pid)，开始于 \(dead.started)）没有正常结束；已接管它留下的锁并清除它的临时文件。"
            }
        case .switchCompleted(let round, let out):
            return "注意：上一次汇总 \(round) 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断；现已完成换入，档案与输出文件夹一致。"
        case .switchRolledBack(let round, let out, let backup):
            let how = backup.map { "已用汇总前的备份“\($0)”把汇总档案恢复到那次汇总之前" } ?? "已从汇总档案中撤回该轮"
            return "注意：上一次汇总 \(round) 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断，且它准备好的输出已不在；"
                + "\(how)，输出文件夹保持原样。请重新汇总 \(round) 轮。"
        case .switchKeptForRemerge(let round, let out, let backup):
            let gone = backup.map { "汇总前的备份“\($0)”也已不在" } ?? "汇总前的备份也已不在"
            return "注意：上一次汇总 \(round) 轮时，该轮已记入汇总档案，但在换入输出文件夹“\(out)”之前中断，且它准备好的输出已不在；"
                + "\(gone)，无法把汇总档案恢复到那次汇总之前。档案中的 \(round) 轮现在是那次中断的汇总记下的内容，输出文件夹中并没有它，"
                + "已在 tianbao history 中标为“需重新汇总”。请重新汇总 \(round) 轮。"
        case .switchLeft(let round, let out):
            return "注意：上一次汇总 \(round) 轮时，在换入输出文件夹“\(out)”之前中断，而该文件夹此刻正被另一次运行锁定；"
                + "下次向本档案汇总时会再处理。"
        case .laterRoundsNeedRemerge(let stale):
            return "注意：以下已记录的轮次需要重新汇总，它们的环比、跨轮检查和进度趋势是按另一组上期数据得出的："
                + stale.map(\.reason).joined(separator: "；")
                + "。请按轮次先后重新汇总这些轮次；在此之前 tianbao history 和 tianbao status 会一直标出它们。"
        case .readsUnswitchedRound(let round, let out):
            return "注意：汇总档案中的 \(round) 轮是一次中断的汇总记下的：该轮已记入档案，但那次汇总在换入输出文件夹“\(out)”之前中断，"
                + "输出文件夹中并没有它；本次读取的是档案中的这份记录。请再次运行 \(round) 轮的汇总（它会完成换入或撤回该轮），然后重新运行本命令。"
        }
    }
}

/// What kind of run, and its output folder as the user gave it (messages name it so).
public enum RunJob: Sendable, Equatable {
    /// `merge` into this output folder.
    case merge(out: String)
    /// `review` into this output folder.
    case review(out: String)

    /// The output folder as given.
    public var out: String {
        switch self {
        case .merge(let out), .review(let out): out
        }
    }

    /// 汇总 or 回头看, as a message says what did not complete.
    var noun: String {
        switch self {
        case .merge: "汇总"
        case .review: "回头看"
        }
    }
}
