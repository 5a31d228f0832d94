import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoRun
import TianbaoSupport

/// What a 汇总 runs: `EngineMerge`, the very merge `tianbao merge SUBMISSIONS --round R --out
/// OUT --archive ARCHIVE` runs (tests put a stand-in here).
public protocol RoundMerging: Sendable {
    /// Merges `job.round` from `job.submissions` into `job.out`, recording into `job.archive`.
    func merge(_ job: MergeJob) async -> MergeSummary
    /// Stops a merge in progress (it then leaves `out` and the archive as they were).
    func cancel() async
}

/// One 汇总 to run.
public struct MergeJob: Sendable {
    public var round: Round
    public var submissions: String
    public var out: String
    public var archive: String
    public var plan: Plan
}

/// How a 汇总 ended: the merge's exit status (0 all accepted, 1 done with rejected or missing
/// units, 2, 3, 130, 143 nothing changed) and what it said, in Chinese.
public struct MergeSummary: Sendable, Equatable {
    public var status: Int32
    public var message: String

    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }

    /// The outputs were written (status 0 or 1).
    public var wroteOutputs: Bool { status == 0 || status == 1 }

    /// How it ended, as the archive's `merges.outcome` keeps it.
    public var ending: MergeEnding { status == 0 ? .done : status == 1 ? .partial : .failed }
}

/// Runs the office's 汇总: one at a time per round (a second click while one runs is refused
/// and told so), on a consistent folder (uploads wait to store until it ends), recording which
/// upload of each unit it merged.
actor MergeDesk {
    let settings: PortalSettings
    let log: UploadLog
    let gates: [String: FolderGate]
    let merging: any RoundMerging
    /// The round whose merge runs, if one does.
    private(set) var running: String?

    init(settings: PortalSettings, log: UploadLog, gates: [String: FolderGate], merging: any RoundMerging) {
        self.settings = settings
        self.log = log
        self.gates = gates
        self.merging = merging
    }

    /// Thrown when a merge of the round already runs.
    struct Busy: Error {}

    /// Runs the round's merge; throws `Busy` when one already runs.
    func run(_ round: Round) async throws -> (outcome: MergeSummary, mergeId: Int64) {
        guard running == nil, let gate = gates[round.id] else { throw Busy() }
        running = round.id
        defer { running = nil }
        let (settings, log, merging) = (self.settings, self.log, self.merging)
        do {
            return try await gate.merge {
                try FileSystem.makeFolder(settings.data.submissions(round.id))
                let stored = try log.latest(round: round.id).stored.mapValues(\.id)
                let id = try log.beginMerge(round: round.id, at: Date(), uploads: stored)
                let outcome = await merging.merge(MergeJob(
                    round: round, submissions: settings.data.submissions(round.id), out: settings.data.out(round.id),
                    archive: settings.data.archive, plan: settings.plan))
                try log.finishMerge(id, at: Date(), outcome: outcome.ending, message: outcome.message)
                return (outcome, id)
            }
        } catch is FolderGate.Busy {
            throw Busy()
        }
    }

    /// Stops a merge in progress.
    func cancel() async {
        if running != nil { await merging.cancel() }
        _ = reviewRun?.cancel(signal: SIGTERM)
    }

    /// The year's review being written, if one is.
    private var reviewRun: ReviewRun?

    /// Writes the year's 回头看 into `DATA/out/review-<year>` from the archive (the run `tianbao
    /// review` makes); one at a time. Returns what it says, in Chinese, and whether it wrote.
    func review(year: Int) async throws -> (ok: Bool, message: String) {
        guard reviewRun == nil else { throw Busy() }
        let run = ReviewRun(ReviewRequest(year: year, out: settings.data.review(year), archive: settings.data.archive, plan: settings.plan))
        reviewRun = run
        defer { reviewRun = nil }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(RunFailure) {
                    let outcome = try run.run()
                    continuation.resume(returning: (true, "已按汇总档案中 \(year) 年的 \(outcome.rounds.count) 个轮次（\(outcome.rounds.joined(separator: "、"))）生成回头看，共 \(outcome.written.count) 个文件。"))
                } catch {
                    continuation.resume(returning: (false, error.message))
                }
            }
        }
    }
}
