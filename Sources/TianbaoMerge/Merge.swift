import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// How a unit stands in a round.
public enum UnitStatus: String, Sendable {
    case accepted, rejected, missing
}

/// How one file in the submissions folder was treated.
public enum FileStatus: String, Sendable {
    /// The unit's file that counts.
    case accepted
    case rejected
    /// An accepted file replaced by a newer accepted file of the same unit.
    case superseded
    /// Not read: sub-folders, lock files, links, Tianbao's own outputs.
    case skipped
    /// The office's machine could not read it (permissions, deleted or rewritten during the
    /// merge): the office's problem, not the unit's; the unit is not rejected and gets no
    /// feedback.
    case unreadable
}

public struct FileOutcome: Sendable {
    public var file: String
    public var unitId: String?
    public var status: FileStatus
    public var submission: Submission?
    /// Why a file was skipped, or how it was attributed.
    public var note: String?
    /// Why the office could not read the file (`unreadable`): the file-system error.
    public var officeFault: FileSystemError?
    public var problems: [Problem] { submission?.problems ?? [] }
}

public struct UnitOutcome: Sendable {
    public var unit: ReportingUnit
    public var status: UnitStatus
    public var late: Bool
    /// The file that counts: the accepted one, else the newest rejected one.
    public var submission: Submission?
    public var superseded: [String]
    /// Other rejected files of the unit (older or newer than the one that counts).
    public var otherRejected: [String]
    /// The unit's files the office could not read; with no other file the unit stays missing
    /// (未处理) until they can be read.
    public var unreadFiles: [String] = []
}

/// A checked round: every unit and every file, ready for the outputs.
public struct RoundResult: Sendable {
    public var plan: Plan
    public var round: Round
    public var units: [UnitOutcome]
    public var files: [FileOutcome]
    public var totals: Totals

    /// The round's row store (nil when no rows were stored): the one owner of the checked rows
    /// of every file, read through `rows(of:)`.
    public var rowStore: RowSpill?

    public init(plan: Plan, round: Round, units: [UnitOutcome], files: [FileOutcome], totals: Totals, rowStore: RowSpill? = nil) {
        self.plan = plan
        self.round = round
        self.units = units
        self.files = files
        self.totals = totals
        self.rowStore = rowStore
    }

    /// The checked rows of one of the round's files, read from the row store (decoded each
    /// call: an output pass reads each file's rows once). Throws `RowStoreError` when the store
    /// is damaged: never fewer rows than were checked.
    public func rows(of submission: Submission) throws -> [CheckedRow] {
        try submission.rows(in: rowStore)
    }

    /// The number of accepted rows of `sheetId` (counted while checking: no row is read back).
    public func rowCount(_ sheetId: String) -> Int {
        units.reduce(0) { n, outcome in
            guard outcome.status == .accepted, let s = outcome.submission else { return n }
            return n + s.acceptedRows(in: sheetId)
        }
    }

    /// Files of this round's templates whose signature the key verified, and those whose
    /// signature it did not (same plan version, so only the key can explain it).
    public var signatures: (verified: Int, failed: Int) {
        var verified = 0, failed = 0
        for f in files where f.status != .skipped && f.status != .unreadable {
            guard let s = f.submission, let identity = s.identity, identity.planVersion == plan.version,
                  identity.plan == plan.id, s.roundId == round.id else { continue }
            if s.problems.contains(where: { $0.rule == .badSignature }) { failed += 1 } else { verified += 1 }
        }
        return (verified, failed)
    }

    /// Whether the key is not the one that signed this round's templates: no identifiable
    /// template verifies, or fewer than one in five while at least three do not. Then every
    /// rejection would be the office's mistake, not the units'.
    public var keyMismatch: Bool {
        let (verified, failed) = signatures
        return failed > 0 && (verified == 0 || (failed >= 3 && verified * 4 < failed))
    }

    /// Files the office's machine could not read: the office's problems, not the units'.
    public var officeProblems: [FileOutcome] { files.filter { $0.status == .unreadable } }

    /// Every problem of the files that count and of rejected files, in unit and file order.
    public var problems: [Problem] {
        files.filter { $0.status != .superseded }.flatMap(\.problems)
    }

    /// The day a file was saved, in China Standard Time (UTC+8).
    public static func chinaDay(_ date: Date) -> Day {
        let t = china(date)
        return Day(year: t.year, month: t.month, day: t.day)
    }

    /// `2021-06-14 10:30` in China Standard Time.
    public static func chinaTime(_ date: Date) -> String {
        let t = china(date)
        return String(format: "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute)
    }

    private static func china(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        CivilCalendar.local(unixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)),
                            offsetSeconds: CivilCalendar.chinaOffsetSeconds)
    }
}

/// Checks every file of a submissions folder and decides, unit by unit, what counts.
public struct RoundMerger: Sendable {
    public let checker: SubmissionChecker
    public var plan: Plan { checker.plan }
    /// Told after each file is checked: how many are done, of how many (for a progress line).
    public var progress: (@Sendable (_ checked: Int, _ total: Int) -> Void)?

    public init(checker: SubmissionChecker) { self.checker = checker }

    /// Checks the folder's files and resolves each unit. Files are checked on all cores; the
    /// result does not depend on their order.
    public func merge(folder: String, round: Round) throws -> RoundResult {
        try merge(folder: folder, round: round, stream: nil).result
    }

    /// Checks the folder's files and resolves each unit, handing each accepted unit (in plan
    /// order, with the file that counts and its rows) to `stream` as soon as it is decided,
    /// while later files are still being checked: the consolidated workbook is written meanwhile
    /// instead of after.
    ///
    /// The steps: list the folder (`RoundListing`), open each file to tell the office's own
    /// faults, schedule the checks (`CheckSchedule`), check on all cores while the merging thread
    /// decides units in plan order (`UnitStream`), resolve which file of each unit counts
    /// (`UnitResolver`), add up the totals (`Totals`). `streamHeld` is false when a file named
    /// after one unit turned out to belong to a unit already streamed: the caller then writes
    /// again from the result, which is always the complete one.
    public func merge(folder: String, round: Round,
                      stream: ((ReportingUnit, Submission, [CheckedRow]) throws -> Void)?) throws -> (result: RoundResult, streamHeld: Bool) {
        let entries = try RoundListing.list(folder)
        // Each file is opened before it is checked: a file the office cannot read is the
        // office's problem, never the unit's. What identifies its content is kept, to tell a
        // file deleted or rewritten while the merge reads it.
        var faults: [Int: FileSystemError] = [:]
        var identities: [Int: FileSystem.Identity] = [:]
        for (i, entry) in entries.enumerated() where entry.skip == nil {
            do { identities[i] = try FileSystem.probeReadable(entry.path) } catch let error as FileSystemError { faults[i] = error }
        }
        let toCheck = entries.enumerated().filter { $0.element.skip == nil && faults[$0.offset] == nil }
        let roundUnits = plan.units(in: round)
        let schedule = CheckSchedule(names: toCheck.map(\.element.name), units: roundUnits, round: round)

        // With several files, every core is busy checking one: a big file is not read ahead too.
        let checker = schedule.count > 1 ? self.checker.readingOneThreadPerFile : self.checker
        // Checked rows wait in the round's row store (a temporary file), not in memory, until
        // an output pass reads them.
        let spill = RowSpill()
        let handOff = CheckedFiles()
        let workers = DispatchGroup()
        let order = schedule.order
        DispatchQueue.global().async(group: workers) {
            DispatchQueue.concurrentPerform(iterations: order.count) { k in
                let (_, entry) = toCheck[order[k]]
                var submission = checker.check(path: entry.path, name: entry.name)
                submission.spill(to: spill)
                handOff.send(k, submission)
            }
        }

        // The merging thread owns the stream: it receives each checked file as a value.
        var unitStream = UnitStream(schedule: schedule, units: roundUnits)
        let sink: UnitStream.Sink = { unit, submission in try stream?(unit, submission, try submission.rows(in: spill)) }
        var checked: [Submission?] = Array(repeating: nil, count: entries.count)
        for done in 0..<schedule.count {
            let (k, submission) = handOff.receive()
            checked[toCheck[order[k]].offset] = submission
            if stream != nil { unitStream.completed(k, submission, sink: sink) }
            progress?(done + 1, schedule.count)
        }
        workers.wait()
        try unitStream.finish()

        for (i, _) in toCheck where FileSystem.identity(entries[i].path) != identities[i] {
            // Deleted, replaced or rewritten while it was read: what was checked is not the file.
            faults[i] = FileSystemError(.read, path: entries[i].path, code: FileSystem.identity(entries[i].path) == nil ? ENOENT : EAGAIN)
        }
        var byTemplateName: [String: Int] = [:]
        for (i, u) in roundUnits.enumerated() { byTemplateName[TemplateLayout.fileName(unit: u, round: round)] = i }
        var files: [FileOutcome] = entries.enumerated().map { i, e in
            if e.skip == RoundListing.badNameNote {
                // A name that is not UTF-8 cannot be opened by its text: the office's problem
                // (it renames the file), never the unit's; the unit its name names is 未处理.
                var outcome = FileOutcome(file: e.name, unitId: nil, status: .unreadable, submission: nil,
                                          note: "办公室无法读取此文件（文件名不是 UTF-8 编码），不是报送单位的问题；该单位暂列为未处理，请改名后重新汇总")
                outcome.officeFault = FileSystemError(.read, path: e.name, code: EILSEQ)
                outcome.unitId = byTemplateName[e.name].map { roundUnits[$0].id } ?? RoundListing.unitNamed(in: e.name, units: roundUnits)?.id
                return outcome
            }
            if let skip = e.skip { return FileOutcome(file: e.name, unitId: nil, status: .skipped, submission: nil, note: skip) }
            if let fault = faults[i] {
                let cause = fault.code == EAGAIN ? "汇总过程中文件被改动" : fault.cause
                var outcome = FileOutcome(file: e.name, unitId: nil, status: .unreadable, submission: nil,
                                          note: "办公室无法读取此文件（\(cause)），不是报送单位的问题；该单位暂列为未处理，请检查后重新汇总")
                outcome.officeFault = fault
                outcome.unitId = checked[i]?.unit?.id ?? byTemplateName[e.name].map { roundUnits[$0].id }
                    ?? RoundListing.unitNamed(in: e.name, units: roundUnits)?.id
                return outcome
            }
            let s = checked[i]!
            return FileOutcome(file: e.name, unitId: s.unit?.id, status: s.fileAccepted ? .accepted : .rejected, submission: s)
        }
        let units = UnitResolver.resolve(&files, units: roundUnits, round: round)
        let result = RoundResult(plan: plan, round: round, units: units, files: files,
                                 totals: Totals(units: units, files: files), rowStore: spill)
        return (result, stream == nil || unitStream.held(by: units))
    }
}
