import Foundation
import TianbaoRun
import TianbaoTemplates

/// The portal's 汇总: `MergeRun`, the run `tianbao merge` makes, in this process, on a thread of
/// its own (it blocks and uses every core while checking). A server shutting down cancels it:
/// the run then leaves the output folder and the archive as they were.
public final class EngineMerge: RoundMerging, @unchecked Sendable {
    let key: SigningKey
    private let lock = NSLock()
    private var running: MergeRun?

    public init(key: SigningKey) { self.key = key }

    public func merge(_ job: MergeJob) async -> MergeSummary {
        let run = MergeRun(MergeRequest(submissions: job.submissions, round: job.round.id, out: job.out, plan: job.plan, key: key,
                                        archive: .file(job.archive), keyDescription: "填报平台使用的签名密钥"))
        lock.withLock { running = run }
        defer { lock.withLock { running = nil } }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(RunFailure) {
                    let outcome = try run.run()
                    continuation.resume(returning: MergeSummary(status: outcome.exitStatus.rawValue, message: Self.describe(outcome, job)))
                } catch {
                    let notes = error.notes.map { $0.message(for: .merge(out: job.out)) }
                    continuation.resume(returning: MergeSummary(status: error.exitStatus.rawValue,
                                                                message: (notes + [error.message]).joined(separator: "\n")))
                }
            }
        }
    }

    public func cancel() async {
        _ = lock.withLock { running }?.cancel(signal: SIGTERM)
    }

    /// What the office reads after a merge: the counts (as `tianbao merge` prints them) and
    /// what was written.
    static func describe(_ outcome: MergeOutcome, _ job: MergeJob) -> String {
        let t = outcome.result.totals
        var lines = outcome.notes.map { $0.message(for: .merge(out: job.out)) }
        lines.append("轮次 \(job.round.id)（截止 \(job.round.due)）：应报 \(t.expected)，已报送 \(t.accepted)（迟报 \(t.late)），"
                     + "被退回 \(t.rejected)，未报送 \(t.missing - t.unread)" + (t.unread > 0 ? "，未处理 \(t.unread)（文件无法读取）" : "")
                     + "；读取 \(t.rowsRead) 行，汇总 \(t.rowsMerged) 行，退回 \(t.rowsRejected) 行。")
        let unread = outcome.result.officeProblems
        if !unread.isEmpty {
            lines.append("办公室一侧的问题：有 \(unread.count) 个文件无法读取（" + unread.map { "“\($0.file)”" }.joined(separator: "、") + "），请检查后重新汇总。")
        }
        lines.append("已生成 \(outcome.written.count) 个输出文件" + (outcome.archivePath != nil ? "，并记入汇总档案。" : "。"))
        return lines.joined(separator: "\n")
    }
}
