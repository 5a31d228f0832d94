import Dispatch
import Foundation
import TianbaoArchive
import TianbaoMerge
import TianbaoPlan
import TianbaoSupport

/// What a merge does with the archive: `prepare` before anything is written (a bad archive ends
/// the merge with status 2 and nothing written), `checkAcrossRounds` on the merged round and
/// `history` before its outputs are written, `startRecording` while they are.
struct MergeArchiving {
    let archive: RoundArchive
    let plan: Plan

    /// Opens and checks the archive at `path`.
    static func prepare(path: String, plan: Plan) throws -> MergeArchiving {
        MergeArchiving(archive: try RoundArchive.openForRecording(path: path, plan: plan), plan: plan)
    }

    /// The round with the problems found against the archive's previous round; `rowsRejected`
    /// when rows left the merge (the streamed workbook must be written again).
    func checkAcrossRounds(_ result: RoundResult) throws -> (result: RoundResult, rowsRejected: Bool) {
        // Files handed in through the portal are late or on time by when they were received.
        let result = try ReceivedLateness.apply(archive: archive, to: result)
        guard let checker = try CrossRoundPass.checker(archive: archive, plan: plan, round: result.round)
        else { return (result, false) }
        defer { Timings.mark("checks across rounds") }
        return try CrossRoundPass.apply(checker, to: result)
    }

    /// What the outputs show of the rounds recorded before this one (环比, 进度趋势, last
    /// liaisons); `RoundHistory.firstRound` when none is.
    func history(_ result: RoundResult) throws -> RoundHistory {
        defer { Timings.mark("history read") }
        return try archive.history(for: result)
    }

    /// Starts recording the round (replacing an earlier record of it) on a thread of its own,
    /// so that storing its rows overlaps with writing the outputs. The rows go into one
    /// transaction, which then waits: `PendingRecord.finish` runs `switchOutputs` inside it, just
    /// before the commit, so the outputs and the archive change together (a switch that throws
    /// rolls the record back); `PendingRecord.cancel` rolls it back. Until one of them is called
    /// nothing is committed, so a process that dies meanwhile leaves the archive as it was.
    func startRecording(_ report: RoundReport, switchOutputs: @escaping @Sendable () throws -> Void) -> PendingRecord {
        let pending = PendingRecord()
        let work = UncheckedBox((archive, report))
        DispatchQueue.global().async {
            let (archive, report) = work.value
            var switched = false
            do {
                try archive.record(report.result, reportJSON: ReportJSON.render(report)) {
                    guard pending.awaitDecision() else { throw PendingRecord.Cancelled() }
                    try switchOutputs()
                    switched = true
                }
                Timings.mark("archive recorded")
                pending.end(nil, switched: true)
            } catch {
                pending.end(error, switched: switched)
            }
        }
        return pending
    }
}

/// A round being recorded while the outputs are written (see `MergeArchiving.startRecording`):
/// its transaction waits for one decision, `finish` or `cancel`, and each waits for the
/// recording to end.
final class PendingRecord: @unchecked Sendable {
    struct Cancelled: Error {}
    private enum Decision { case waiting, proceed, cancel }
    private let condition = NSCondition()
    private var decision = Decision.waiting
    private var finished = false
    private var error: Error?
    private var switched = false

    /// On the recording thread, inside the transaction: whether to switch the outputs in and commit.
    fileprivate func awaitDecision() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while decision == .waiting { condition.wait() }
        return decision == .proceed
    }

    /// On the recording thread: the recording has ended (committed, rolled back or failed).
    fileprivate func end(_ error: Error?, switched: Bool) {
        condition.lock()
        self.error = error
        self.switched = switched
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Makes the first decision (later ones change nothing) and waits for the recording to end.
    private func decide(_ wanted: Decision) -> (error: Error?, switched: Bool) {
        condition.lock()
        defer { condition.unlock() }
        if decision == .waiting { decision = wanted }
        condition.broadcast()
        while !finished { condition.wait() }
        return (error, switched)
    }

    /// Rolls the record back (the outputs failed, or the merge is interrupted); waits for it.
    func cancel() { _ = decide(.cancel) }

    /// Switches the outputs in and commits; throws what the recording met. An archive that
    /// fails after the switch is said as such.
    func finish() throws {
        let (error, switched) = decide(.proceed)
        guard let error else { return }
        guard let archiveError = error as? ArchiveError else { throw error }
        throw switched ? NotRecordedAfterSwitch(error: archiveError) : archiveError
    }
}

/// The outputs were switched in, then the archive failed to commit the round.
struct NotRecordedAfterSwitch: Error {
    let error: ArchiveError
}

/// Hands values that are not Sendable to the one thread that uses them from then on.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
