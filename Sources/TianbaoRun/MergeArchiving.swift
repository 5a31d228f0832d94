import Dispatch
import Foundation
import TianbaoArchive
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// What a merge does with the archive, holding the archive's lock from `prepare` to `end`:
/// `prepare` before anything is written (a bad archive ends the merge with nothing written),
/// `checkAcrossRounds` on the merged round and `history` before its outputs are written,
/// `startRecording` while they are; then the merge commits and switches (`MergeRun`).
///
/// The lock (`.<archive>.tianbao-lock` beside it, as OUT's) keeps two merges from recording
/// into one archive at once: between reading the previous round and committing, no other
/// round can be recorded, so a merge never compares with a history that changes under it.
final class MergeArchiving: @unchecked Sendable {
    let archive: RoundArchive
    let plan: Plan
    /// What `prepare` did with switches earlier merges left unfinished.
    let settled: [SettledSwitch]
    private let lock: ArchiveWriteLock
    /// The check of every page and the backup, on a thread of their own (see `prepare`).
    private let guardDone = DispatchGroup()
    private var guardOutcome: Result<String?, Error> = .success(nil)
    /// Whether the round was committed (then the backups rotate; else this merge's backup is
    /// removed again when it ends).
    private var didCommit = false

    private init(archive: RoundArchive, plan: Plan, settled: [SettledSwitch], lock: ArchiveWriteLock) {
        self.archive = archive
        self.plan = plan
        self.settled = settled
        self.lock = lock
    }

    /// Takes the archive's lock, completes or undoes what a merge cut off in its switch left,
    /// opens and checks the archive, and makes sure it can be written (another program's lock
    /// is found now, not after the outputs are written). Throws `ArchiveError` (or
    /// `UnsafeSidecar` for a link at the lock's path); nothing is written then.
    ///
    /// Then, while the merge checks the submitted files, every page is checked (`PRAGMA
    /// quick_check`) and the archive backed up when it holds a round, on a thread of their own:
    /// `awaitCheckAndBackup` waits for them before anything reads rows from the archive or
    /// records into it. A damaged archive then ends the merge before any output is switched in
    /// or anything recorded, as one found at once would.
    static func prepare(path: String, plan: Plan, round: Round) throws -> MergeArchiving {
        let lock = try ArchiveWriteLock(archive: path)
        do {
            var settled: [SettledSwitch] = []
            if FileSystem.kind(path) != nil { settled = try RoundArchive.open(path: path).settle() }
            let archive = try RoundArchive.openForRecording(path: path, plan: plan)
            try archive.probeWrite()
            let archiving = MergeArchiving(archive: archive, plan: plan, settled: settled, lock: lock)
            archiving.startCheckAndBackup(before: round)
            return archiving
        } catch {
            lock.release()
            throw error
        }
    }

    private func startCheckAndBackup(before round: Round) {
        let archive = self.archive
        guardDone.enter()
        DispatchQueue.global().async { [self] in
            let outcome = Result<String?, Error> {
                try archive.verify()
                let backup = try archive.rounds().isEmpty ? nil
                    : ArchiveBackups(archive: archive.path).make(before: "before-\(round.id)", rotate: false)
                Timings.mark("archive checked and backed up")
                return backup
            }
            guardOutcome = outcome
            guardDone.leave()
        }
    }

    /// Waits for the check of every page and the backup; throws what they met (`.corrupt`
    /// naming the newest good backup, `.backupFailed`).
    func awaitCheckAndBackup() throws {
        guardDone.wait()
        _ = try guardOutcome.get()
    }

    /// The backup taken before this merge writes (nil: the archive held no round). Call after
    /// `awaitCheckAndBackup`.
    var backup: String? {
        guardDone.wait()
        return (try? guardOutcome.get()) ?? nil
    }

    /// The round is committed: the backups rotate (the oldest beyond `ArchiveBackups.kept`
    /// are removed). Until then a backup this merge made does not push an older one out.
    func committed() {
        didCommit = true
        ArchiveBackups(archive: archive.path).rotate()
    }

    /// Releases the archive's lock (once), after the check and the backup ended; a merge that
    /// committed nothing removes the backup it made (nothing changed, and a failed run must not
    /// push a good backup out of the rotation).
    func end() {
        guardDone.wait()
        discardUnlessCommitted()
        lock.release()
    }

    /// Releases the archive's lock at once (a stopped merge: it records nothing).
    func abandon() {
        discardUnlessCommitted()
        lock.release()
    }

    private func discardUnlessCommitted() {
        // Not waiting: a stop does not wait for a backup still being made (then none is removed).
        guard !didCommit, guardDone.wait(timeout: .now()) == .success, case .success(let made?) = guardOutcome else { return }
        ArchiveBackups(archive: archive.path).discard(made)
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
    /// transaction, which then waits for one decision: `PendingRecord.commit` records the
    /// switch to come in the same transaction and commits; `PendingRecord.cancel` rolls it
    /// back. Until then nothing is committed, so a process that dies meanwhile leaves the
    /// archive as it was.
    /// `reportJSON`: the round's report.json, as the outputs write it.
    func startRecording(_ report: RoundReport, reportJSON: String) -> PendingRecord {
        let pending = PendingRecord()
        let work = UncheckedBox((archive, report))
        DispatchQueue.global().async {
            let (archive, report) = work.value
            do {
                let stale = try archive.record(report.result, reportJSON: reportJSON) {
                    try pending.awaitDecision()
                }
                Timings.mark("archive recorded")
                pending.end(.success(stale))
            } catch {
                pending.end(.failure(error))
            }
        }
        return pending
    }
}

/// A round being recorded while the outputs are written (see `MergeArchiving.startRecording`):
/// its transaction waits for one decision, `commit` or `cancel`, and each waits for the
/// recording to end.
final class PendingRecord: @unchecked Sendable {
    struct Cancelled: Error {}
    private enum Decision { case waiting, commit(PendingSwitch), cancel }
    private let condition = NSCondition()
    private var decision = Decision.waiting
    private var outcome: Result<[StaleRound], Error>?

    /// On the recording thread, inside the transaction: the switch to record with the round,
    /// or `Cancelled` (the transaction rolls back).
    fileprivate func awaitDecision() throws -> PendingSwitch {
        condition.lock()
        defer { condition.unlock() }
        while case .waiting = decision { condition.wait() }
        guard case .commit(let pending) = decision else { throw Cancelled() }
        return pending
    }

    /// On the recording thread: the recording has ended (committed, rolled back or failed).
    fileprivate func end(_ outcome: Result<[StaleRound], Error>) {
        condition.lock()
        self.outcome = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// Makes the first decision (later ones change nothing) and waits for the recording to end.
    private func decide(_ wanted: Decision) -> Result<[StaleRound], Error> {
        condition.lock()
        defer { condition.unlock() }
        if case .waiting = decision { decision = wanted }
        condition.broadcast()
        while outcome == nil { condition.wait() }
        return outcome!
    }

    /// Rolls the record back (the outputs failed, or the merge is stopped); waits for it.
    func cancel() { _ = decide(.cancel) }

    /// Commits the round with the switch to come; returns the later rounds that now need a
    /// re-merge, or throws what the recording met (nothing is committed then).
    func commit(_ pending: PendingSwitch) throws -> [StaleRound] {
        try decide(.commit(pending)).get()
    }
}

/// Hands values that are not Sendable to the one thread that uses them from then on.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
