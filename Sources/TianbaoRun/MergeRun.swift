import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// What a merge is asked to do: check and merge the files in `submissions` for `round`, write
/// the outputs into `out` (replaced as a whole) and record the round in the archive.
public struct MergeRequest: Sendable {
    /// Which archive the merge compares with and records into.
    public enum Archive: Sendable, Equatable {
        /// `tianbao-archive.sqlite` in the folder that holds `out` (`RoundArchive.defaultPath`).
        case besideOutput
        /// This file.
        case file(String)
        /// None: a trial merge that neither compares nor records.
        case none
    }

    /// The folder of submitted files.
    public var submissions: String
    /// The round's id (`2021-06`).
    public var round: String
    /// The output folder, as the user gave it (messages name it so).
    public var out: String
    public var plan: Plan
    public var key: SigningKey
    public var archive: Archive
    /// Which key was used and where it was looked for, for the message when it signed none
    /// of the round's templates (`--key 指定的“…”`).
    public var keyDescription: String
    /// The day the briefing is issued; nil for the day the merge runs (China Standard Time).
    public var issueDate: Day?
    /// The resubmission deadline the feedback workbooks state; nil for the round's own (the plan's).
    public var resubmitBy: Day?
    /// Told what the merge is doing (on the merge's threads; keep it short).
    public var progress: (@Sendable (RunProgress) -> Void)?

    public init(submissions: String, round: String, out: String, plan: Plan, key: SigningKey, archive: Archive = .besideOutput,
                keyDescription: String = "办公室签名密钥", issueDate: Day? = nil,
                resubmitBy: Day? = nil, progress: (@Sendable (RunProgress) -> Void)? = nil) {
        self.submissions = submissions
        self.round = round
        self.out = out
        self.plan = plan
        self.key = key
        self.archive = archive
        self.keyDescription = keyDescription
        self.issueDate = issueDate
        self.resubmitBy = resubmitBy
        self.progress = progress
    }

    /// The archive file, nil for `.none`.
    public var archivePath: String? {
        switch archive {
        case .besideOutput: RoundArchive.defaultPath(outputFolder: out)
        case .file(let path): path
        case .none: nil
        }
    }
}

/// What a run is doing, for a progress line.
public enum RunProgress: Sendable, Equatable {
    /// Checking the submitted files.
    case checking
    /// So many files checked, of so many.
    case checked(Int, of: Int)
    /// Writing the outputs.
    case writing
}

/// A completed merge.
public struct MergeOutcome: Sendable {
    /// The merged round (decisions, problems, totals).
    public let result: RoundResult
    /// The output files written, at their final paths.
    public let written: [String]
    /// The archive the round was recorded in (nil for a trial merge).
    public let archivePath: String?
    /// The backup of the archive taken before the round was recorded (nil: none was needed).
    public let backupPath: String?
    public let notes: [RunNote]

    /// Whether every expected unit's file was accepted without errors and the office has
    /// nothing to see to.
    public var isClean: Bool {
        result.totals.missing == 0 && result.totals.rejected == 0
            && !result.files.contains { $0.status == .rejected }
            && !result.problems.contains { $0.severity == .error }
            && result.officeProblems.isEmpty
    }

    /// 0 when clean, else 1.
    public var exitStatus: ExitStatus { isClean ? .success : .partial }
}

/// One merge: `MergeRun(request).run()` returns the outcome or throws `RunFailure`. The output
/// folder is replaced as a whole or not at all, and the archive records the round together
/// with the switch: a failure, `cancel` or a crash leaves both as they were.
///
/// A run prints nothing, installs no signal handler and never exits the process. Call `run`
/// once, on any thread; `cancel` from any other thread (a signal handler's queue, a server
/// shutting down). Two runs into one output folder never mix: the second fails with `.busy`.
/// Other threads and processes may read the archive meanwhile.
public final class MergeRun: Sendable {
    public let request: MergeRequest
    private let staged: StagedRun

    public init(_ request: MergeRequest) {
        self.request = request
        staged = StagedRun(job: .merge(out: request.out), target: FileSystem.resolvedPath(request.out))
    }

    /// Stops the run unless it has already switched its outputs in: what it owns is rolled back
    /// and removed at once (no output changes, nothing recorded), and `run` then throws
    /// `.interrupted(signal:)`. Returns that failure, or nil when it was too late (the run
    /// completes) or the run had already ended. `signal`: SIGINT or SIGTERM, for the message
    /// and the exit status.
    @discardableResult
    public func cancel(signal: Int32 = SIGTERM) -> RunFailure? {
        staged.stop(signal: signal)
    }

    /// Checks, merges, writes the outputs, records the round and switches the outputs in.
    public func run() throws(RunFailure) -> MergeOutcome {
        let request = self.request
        let job = RunJob.merge(out: request.out)
        guard var round = request.plan.round(request.round) else {
            throw RunFailure(.unknownRound(request.round, available: request.plan.rounds.map(\.id)), job: job)
        }
        if let resubmitBy = request.resubmitBy { round.resubmitBy = resubmitBy }
        try Self.checkSubmissions(request.submissions, job: job)
        try Self.checkTarget(out: request.out, resolved: staged.target, submissions: request.submissions, job: job)
        // The archive's lock; what a merge cut off in its switch left is completed or undone;
        // a bad archive (damaged, newer, locked, another plan version) ends the merge here,
        // before anything is written; a backup is taken.
        let archiving: MergeArchiving?
        do {
            archiving = try request.archivePath.map { try MergeArchiving.prepare(path: $0, plan: request.plan, round: round) }
        } catch {
            throw RunFailure.writing(error, job: job, target: staged.target, staged: nil)
        }
        defer { archiving?.end() }
        Timings.reset()
        defer { staged.end() }
        do {
            return try perform(round: round, archiving: archiving)
        } catch let error as FileSystemError where error.operation == .list || error.operation == .read {
            // The submissions folder could not be listed or read meanwhile.
            let failure = staged.failure(for: error)
            if case .interrupted = failure.reason { throw failure }
            throw staged.failure(.submissionsUnreadable(error))
        } catch {
            throw staged.failure(for: error)
        }
    }

    private func perform(round: Round, archiving: MergeArchiving?) throws -> MergeOutcome {
        let request = self.request
        let progress = request.progress
        // 1. One merge at a time per output folder; what killed runs left beside OUT is
        // removed; an empty staging folder is made.
        try staged.begin()
        if let archiving {
            staged.add(archiving.settled.compactMap(RunNote.settled))
            try staged.onStop { archiving.abandon() }
        }
        let target = staged.target
        let staging = staged.staging

        // 2. OUT's other rounds' outputs are carried over; anything not Tianbao's stops the merge.
        let existing = try MergeOutputs.examine(existing: target, round: round)
        if !existing.foreign.isEmpty { throw staged.failure(.foreignFiles(existing.foreign)) }
        try MergeOutputs.carryOver(existing.kept, from: target, into: staging.staging)

        // 3. Check and merge; the consolidated workbook is written into the staging folder
        // while the files are checked (units in plan order); if a file named after one unit
        // belongs to another, it is written again.
        let inURL = URL(fileURLWithPath: request.submissions).standardizedFileURL
        let stagingURL = URL(fileURLWithPath: staging.staging)
        let finalURL = URL(fileURLWithPath: target)
        var merger = RoundMerger(checker: SubmissionChecker(plan: request.plan, key: request.key, round: round.id))
        if let progress { merger.progress = { checked, total in progress(.checked(checked, of: total)) } }
        var writer: ConsolidatedWorkbookWriter? = try MergeOutputs.startWorkbook(
            plan: request.plan, round: round, sourceFolder: inURL, out: stagingURL, linkFrom: finalURL, trendSheet: archiving != nil)
        progress?(.checking)
        var (result, held) = try merger.merge(folder: request.submissions, round: round) { unit, submission, rows in
            FaultInjection.pause()
            try writer?.add(unit, submission, rows: rows)
        }
        // The archive checked page by page and backed up meanwhile; then the checks against its
        // previous round: rows they reject leave the merge, so the streamed workbook is then
        // written again.
        try archiving?.awaitCheckAndBackup()
        let across = try archiving?.checkAcrossRounds(result) ?? (result: result, rowsRejected: false)
        (result, held) = (across.result, held && !across.rowsRejected)
        Timings.mark("read and checked" + (held ? "" : " (workbook to be written again)"))

        // 4. A key that signed none of the round's templates is the office's mistake: nothing
        // is written, no unit is told to fix its file.
        if result.keyMismatch {
            writer = nil
            let s = result.signatures
            throw staged.failure(.keyMismatch(verified: s.verified, failed: s.failed, keyDescription: request.keyDescription))
        }
        if !held { writer = nil }
        progress?(.writing)
        // Everything the outputs show, built once (every unit's rows read once from the row
        // store; a damaged store stops here, status 3), with the archive's earlier rounds.
        var report = try RoundReport(result)
        report.history = try archiving?.history(result)
        report.issueDate = request.issueDate
        // The round is recorded while the outputs are written (its transaction then waits
        // for step 5); a stop or a failure meanwhile rolls it back.
        // report.json rendered once, for the archive and the output folder alike.
        let reportJSON = ReportJSON.render(report)
        let recording = archiving?.startRecording(report, reportJSON: reportJSON)
        if let recording, let archiving { try staged.onStop { recording.cancel(); archiving.abandon() } }
        let written: [String]
        do {
            written = try MergeOutputs.write(report, key: request.key, sourceFolder: inURL, to: stagingURL,
                                             linkFrom: finalURL, streamed: writer, reportJSON: reportJSON)
        } catch {
            recording?.cancel()
            throw error
        }
        writer = nil

        // 5. Commit, then switch; a stop waits until both are done. The staging folder is
        // flushed, then the round is committed together with a record of the switch to come
        // (`PendingSwitch`), then OUT is exchanged with the staging folder, then that record is
        // deleted. A failure before the commit changes nothing; a switch that fails rolls the
        // archive back to its backup. A crash after the commit leaves the record: the next merge
        // into the archive completes the switch (the staging folder is still there) or rolls
        // the archive back (it is gone), so OUT and the archive always end up together.
        FaultInjection.pause()  // tests: a kill between the last output and the switch
        let stale: [StaleRound] = try staged.commit {
            try staging.sync([staging.path(OutputFiles.feedbackFolder)])
            guard let recording, let archiving else {
                try staging.switchIn()
                return []
            }
            guard let id = staging.identity else { throw FileSystemError(.sync, path: staging.staging, code: ENOENT) }
            let pending = PendingSwitch(target: target, round: round.id, staging: staging.staging,
                                        stagingDevice: id.device, stagingInode: id.inode, backup: archiving.backup)
            let stale = try recording.commit(pending)
            archiving.committed()
            FaultInjection.crash(at: "after-commit")
            do {
                try staging.switchIn()
            } catch {
                // Undone here, or else by the next merge (the record of the switch is still there).
                _ = try? archiving.archive.rollBack(pending)
                throw error
            }
            FaultInjection.crash(at: "after-switch")
            try? archiving.archive.clear(pending)
            return stale
        }
        var notes = staged.notes
        if !stale.isEmpty { notes.append(.laterRoundsNeedRemerge(stale)) }
        return MergeOutcome(result: result, written: written.map { staging.finalPath(ofStaged: $0) },
                            archivePath: archiving?.archive.path, backupPath: archiving?.backup, notes: notes)
    }

    /// Throws unless the submissions folder exists, is a folder and can be listed (what a merge
    /// checks before anything is made; `status` checks the same).
    public static func checkSubmissions(_ folder: String) throws(RunFailure) {
        try checkSubmissions(folder, job: .merge(out: ""))
    }

    static func checkSubmissions(_ folder: String, job: RunJob) throws(RunFailure) {
        switch FileSystem.kind(FileSystem.resolvedPath(folder)) {
        case .folder?:
            break
        case nil:
            throw RunFailure(.submissionsMissing(folder), job: job)
        default:
            throw RunFailure(.submissionsNotFolder(folder), job: job)
        }
        do {
            _ = try RoundListing.list(folder)
        } catch let error as FileSystemError {
            throw RunFailure(.submissionsUnlistable(folder, cause: error.cause), job: job)
        } catch {
            throw RunFailure(.submissionsUnlistable(folder, cause: "\(error)"), job: job)
        }
    }

    /// The output folder is neither inside the submissions nor around them, and is a folder
    /// where something exists.
    static func checkTarget(out: String, resolved: String, submissions: String, job: RunJob) throws(RunFailure) {
        let source = FileSystem.resolvedPath(submissions)
        let via = resolved == URL(fileURLWithPath: out).standardizedFileURL.path ? nil : resolved
        if FileSystem.isInside(resolved, source) {
            throw RunFailure(.outputInsideSubmissions(resolved: via, submissions: submissions), job: job)
        }
        if FileSystem.isInside(source, resolved) {
            throw RunFailure(.submissionsInsideOutput(resolved: via, submissions: submissions), job: job)
        }
        if let kind = FileSystem.kind(resolved), kind != .folder { throw RunFailure(.outputNotFolder, job: job) }
    }
}
