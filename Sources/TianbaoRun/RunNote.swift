import TianbaoSupport

/// Something a run tells its user besides its outcome, as a value (the caller prints or shows
/// it; `message` is its Chinese text).
public enum RunNote: Sendable, Equatable {
    /// An earlier run into the same output folder ended without releasing its lock (killed, or
    /// its machine went down): this run took the lock over and removed what it left.
    case lockTakenOver(holder: FolderLock.Holder)

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
