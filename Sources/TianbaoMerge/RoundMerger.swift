import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

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
            if e.skip == .nameNotUTF8 {
                // A name that is not UTF-8 cannot be opened by its text: the office's problem
                // (it renames the file), never the unit's; the unit its name names is 未处理.
                var outcome = FileOutcome(file: e.name, unitId: nil, status: .unreadable, submission: nil,
                                          note: "办公室无法读取此文件（文件名不是 UTF-8 编码），不是报送单位的问题；该单位暂列为未处理，请改名后重新汇总")
                outcome.officeFault = FileSystemError(.read, path: e.name, code: EILSEQ)
                outcome.unitId = byTemplateName[e.name].map { roundUnits[$0].id } ?? RoundListing.unitNamed(in: e.name, units: roundUnits)?.id
                return outcome
            }
            if let skip = e.skip { return FileOutcome(file: e.name, unitId: nil, status: .skipped, submission: nil, note: skip.note, skip: skip) }
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
