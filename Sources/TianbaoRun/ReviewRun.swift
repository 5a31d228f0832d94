import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoReview
import TianbaoRound
import TianbaoSupport

/// What a review is asked to do: the year's 回头看 from the archive, written into `out`
/// (replaced as a whole).
public struct ReviewRequest: Sendable {
    public var year: Int
    /// The output folder, as the user gave it.
    public var out: String
    /// The archive; nil for `tianbao-archive.sqlite` in the folder that holds `out`.
    public var archive: String?
    public var plan: Plan
    /// The day the 回头看 is issued; nil for the day it runs (China Standard Time).
    public var date: Day?
    /// Its issue number in the 回头看 series; nil for 1.
    public var issue: Int?

    public init(year: Int, out: String, archive: String? = nil, plan: Plan, date: Day? = nil, issue: Int? = nil) {
        self.year = year
        self.out = out
        self.archive = archive
        self.plan = plan
        self.date = date
        self.issue = issue
    }

    /// The archive file.
    public var archivePath: String { archive ?? RoundArchive.defaultPath(outputFolder: out) }
}

/// A completed review.
public struct ReviewOutcome: Sendable {
    /// The rounds reviewed, in plan order.
    public let rounds: [String]
    /// The files written, at their final paths.
    public let written: [String]
    public let notes: [RunNote]
}

/// One review: reads the year's rounds from the archive (everything is computed before
/// anything is written), then replaces the output folder as a merge does (`StagedRun`). Like
/// `MergeRun`, it prints nothing, installs no signal handler and never exits.
public final class ReviewRun: Sendable {
    public let request: ReviewRequest
    private let staged: StagedRun

    public init(_ request: ReviewRequest) {
        self.request = request
        staged = StagedRun(job: .review(out: request.out), target: FileSystem.resolvedPath(request.out))
    }

    /// Stops the run unless it has already switched its outputs in (see `MergeRun.cancel`).
    @discardableResult
    public func cancel(signal: Int32 = SIGTERM) -> RunFailure? {
        staged.stop(signal: signal)
    }

    public func run() throws(RunFailure) -> ReviewOutcome {
        let request = self.request
        let job = RunJob.review(out: request.out)
        let target = staged.target
        let archivePath = request.archivePath
        if let kind = FileSystem.kind(target), kind != .folder { throw RunFailure(.outputNotFolder, job: job) }
        if FileSystem.isInside(FileSystem.resolvedPath(archivePath), target) {
            throw RunFailure(.archiveInsideOutput(archive: archivePath), job: job)
        }

        // 1. The archive: readable, this plan's, with rounds of the year.
        let review: YearReview
        var unswitched: [RunNote] = []
        do {
            let archive = try RoundArchive.openForReading(path: archivePath, plan: request.plan)
            try archive.verify()
            guard !(try archive.roundIds(ofYear: request.year, plan: request.plan)).isEmpty else {
                let recorded = try archive.rounds().map(\.round)
                throw RunFailure(.noRoundsForYear(archive: archivePath, year: request.year, recorded: recorded), job: job)
            }
            review = try YearReview.build(archive: archive, plan: request.plan, year: request.year)
            let year = Set(try archive.roundIds(ofYear: request.year, plan: request.plan))
            unswitched = try archive.unswitched { year.contains($0) }.map { .readsUnswitchedRound(round: $0.round, out: $0.target) }
        } catch let failure as RunFailure {
            throw failure
        } catch let error as ArchiveError {
            throw RunFailure(.archive(error), job: job)
        } catch {
            throw RunFailure.writing(error, job: job, target: target, staged: nil)
        }

        // 2. The folder's lock and a staging folder; 3. the folder may hold only this
        // review's own files; 4. write, then switch in one step.
        defer { staged.end() }
        do {
            try staged.begin()
            let own = Set(OutputFiles.ofReview(year: request.year))
            if FileSystem.kind(target) == .folder {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []).sorted()
                let foreign = names.filter { !own.contains($0) && ![".DS_Store", "Thumbs.db", "desktop.ini"].contains($0) }
                if !foreign.isEmpty { throw staged.failure(.foreignFiles(foreign)) }
            }
            let staging = staged.staging
            let written = try ReviewOutputs.write(review, to: staging.staging, date: request.date, issue: request.issue)
            FaultInjection.pause()  // tests: a kill between the last output and the switch
            try staged.commit { try staging.commit(syncing: []) }
            return ReviewOutcome(rounds: review.rounds.map(\.id), written: written.map { staging.finalPath(ofStaged: $0) },
                                 notes: unswitched + staged.notes)
        } catch {
            throw staged.failure(for: error)
        }
    }
}
