import Foundation

/// Why an archive cannot be used. Every case carries the Chinese message a clerk reads; the
/// command that meets one exits with status 2 and writes nothing.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    /// No archive at the path (for commands that only read it).
    case missing(path: String)
    /// Written by a newer Tianbao: schema steps this Tianbao does not know.
    case newer(path: String, unknown: [String])
    /// Not an SQLite file, or a damaged one.
    case corrupt(path: String, detail: String)
    /// An SQLite file, but not a Tianbao archive.
    case notArchive(path: String)
    /// Another program holds a lock on the file.
    case locked(path: String)
    /// Rounds recorded under another plan, or another version of this plan.
    case otherPlan(path: String, round: String, plan: String, version: String, currentPlan: String, currentVersion: String)
    /// The round asked for is not recorded.
    case noSuchRound(path: String, round: String)
    /// Any other failure of the file (permissions, disk full).
    case io(path: String, detail: String)

    /// The message shown to the user (Chinese, full-width punctuation).
    public var description: String {
        switch self {
        case .missing(let path):
            return "错误：找不到汇总档案“\(path)”。请先用 tianbao merge 汇总一轮，或用 --archive 指定档案文件。"
        case .newer(let path, let unknown):
            return "错误：汇总档案“\(path)”由更新版本的填报程序写入（含本程序不认识的结构版本：\(unknown.joined(separator: "、"))）。"
                + "请升级填报程序后再使用该档案；本次未写入任何内容。"
        case .corrupt(let path, let detail):
            return "错误：汇总档案“\(path)”已损坏或不是 SQLite 数据库文件（\(detail)）。"
                + "请从备份恢复该文件，或用 --archive 另行指定档案；本次未写入任何内容。"
        case .notArchive(let path):
            return "错误：“\(path)”是 SQLite 数据库，但不是填报程序的汇总档案。请用 --archive 指定正确的档案文件；本次未写入任何内容。"
        case .locked(let path):
            return "错误：汇总档案“\(path)”正被另一个程序使用（文件被锁定）。请等另一次汇总结束、或关闭打开该文件的程序后重试；本次未写入任何内容。"
        case .otherPlan(let path, let round, let plan, let version, let currentPlan, let currentVersion):
            if plan != currentPlan {
                return "错误：汇总档案“\(path)”中的 \(round) 轮次属于另一个计划（\(plan)），不是本计划（\(currentPlan)）。"
                    + "请用 --archive 为本计划指定单独的档案文件；本次未写入任何内容。"
            }
            return "错误：汇总档案“\(path)”中的 \(round) 轮次是按计划版本 \(version) 汇总的，现行计划版本为 \(currentVersion)，"
                + "两轮数据不能直接比对。请使用与档案相同版本的计划，或用 --archive 为新版本计划另建档案；本次未写入任何内容。"
        case .noSuchRound(let path, let round):
            return "错误：汇总档案“\(path)”中没有 \(round) 轮次的记录。可用 tianbao history 查看已记录的轮次。"
        case .io(let path, let detail):
            return "错误：无法读写汇总档案“\(path)”（\(detail)）；本次未写入任何内容。"
        }
    }
}
