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
    /// The liaison named in this round's file, if any (the sheet and fields the plan's
    /// `outputs.liaison` declares).
    public func liaison(in plan: Plan) -> (name: String, title: String, phone: String, mobile: String)? {
        // A liaison row with a mistake (a 10-digit mobile) still tells whom to call.
        guard let l = plan.outputs.liaison, let row = submission?.rows.first(where: { $0.sheet == l.sheet }) else { return nil }
        func text(_ id: String?) -> String { id.flatMap { row.values[$0]?.text } ?? "" }
        return (text(l.name), text(l.title), text(l.phone), text(l.mobile))
    }
}

public struct Totals: Sendable {
    public var expected = 0, accepted = 0, rejected = 0, missing = 0, late = 0
    public var rowsRead = 0, rowsMerged = 0, rowsRejected = 0
    /// Units counted as missing because the office could not read their file (未处理).
    public var unread = 0
}

/// A checked round: every unit and every file, ready for the outputs.
public struct RoundResult: Sendable {
    public var plan: Plan
    public var round: Round
    public var units: [UnitOutcome]
    public var files: [FileOutcome]
    public var totals: Totals

    /// Accepted rows of accepted units for a sheet, in unit order, with their unit.
    public func rows(_ sheetId: String) -> [(unit: ReportingUnit, submission: Submission, row: CheckedRow)] {
        units.flatMap { outcome -> [(ReportingUnit, Submission, CheckedRow)] in
            guard outcome.status == .accepted, let s = outcome.submission else { return [] }
            return s.rows.filter { $0.sheet == sheetId && $0.accepted }.map { (outcome.unit, s, $0) }
        }
    }

    /// Calls `body` for each accepted row of `sheetId`, in unit order, without building an array
    /// (a national merge has hundreds of thousands of rows).
    public func forEachRow(_ sheetId: String, _ body: (ReportingUnit, Submission, CheckedRow) throws -> Void) rethrows {
        for outcome in units where outcome.status == .accepted {
            guard let s = outcome.submission else { continue }
            for row in s.rows where row.sheet == sheetId && row.accepted { try body(outcome.unit, s, row) }
        }
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

    /// The files of a folder, sorted by name; sub-folders, links, lock files and Tianbao's own
    /// outputs are reported as skipped, never read. Throws `FileSystemError` when the folder
    /// cannot be listed.
    static let badNameNote = "文件名不是有效的 UTF-8 编码（常见于从其他系统拷贝的文件），未能读取；请重命名后重新放入报送文件夹"

    public static func listFolder(_ dir: String) throws -> [(name: String, path: String, skip: String?)] {
        // The names' bytes as stored: a name that is not UTF-8 (a GBK name copied from another
        // system) is reported, never silently dropped or mangled into a path that would open
        // nothing.
        let raw = try FileSystem.listNames(dir)
        return raw.sorted { $0.lexicographicallyPrecedes($1) }.map { bytes in
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let shown = String(decoding: bytes, as: UTF8.self)
                return (shown, "", Self.badNameNote)
            }
            let path = (dir as NSString).appendingPathComponent(name)
            let kind = FileSystem.kind(path)
            if let note = ownOutputNote(name, path: path, kind: kind) { return (name, path, note) }
            if kind == .link {
                return (name, path, "链接文件，出于安全原因未读取")
            }
            if kind == .folder {
                return (name, path, "子文件夹，未读取（请把文件直接放在报送文件夹中）")
            }
            if name.hasPrefix("~$") || (name.hasPrefix(".~lock.") && name.hasSuffix("#")) {
                return (name, path, "Office/WPS/LibreOffice 的临时锁文件，已跳过")
            }
            if name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" {
                return (name, path, "系统文件，已跳过")
            }
            if kind != .file {
                return (name, path, "不是普通文件，未读取")
            }
            return (name, path, nil)
        }
    }

    /// Why an entry of a submissions folder is one of Tianbao's own outputs (a consolidated
    /// workbook, a briefing, report.json, a feedback or output folder, a staging folder or lock
    /// file of a merge), or nil. Feedback workbooks themselves are not outputs here: a unit may
    /// correct its feedback workbook and send it back as is.
    static func ownOutputNote(_ name: String, path: String, kind: FileSystem.Kind?) -> String? {
        let note = "Tianbao 汇总生成的输出（不是报送文件），已跳过；输出文件夹请勿放在报送文件夹中"
        if name.hasPrefix("."), name.contains(".tianbao-") { return "Tianbao 汇总时留下的临时文件或锁文件（不是报送文件），已跳过" }
        switch kind {
        case .file?:
            if name == "report.json" { return note }
            if name.hasPrefix("汇总-"), name.hasSuffix(".xlsx") { return note }
            if MergeOutputs.isBriefingName(name) { return note }
        case .folder?:
            if name == "反馈" { return note }
            if FileSystem.kind((path as NSString).appendingPathComponent("report.json")) == .file { return note }
        default: break
        }
        return nil
    }

    /// The unit whose full name, or short name (江汉区, 财政局), a file name contains; the
    /// longest match wins, and an ambiguous short name matches nothing.
    public static func unitNamed(in fileName: String, units: [ReportingUnit]) -> ReportingUnit? {
        func short(_ u: ReportingUnit) -> [String] {
            var names = [u.name]
            var s = u.name
            for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
            names.append(s)
            if let open = s.firstIndex(of: "(") {
                names.append(String(s[..<open]))
                let inner = s[s.index(after: open)...].prefix { $0 != ")" }
                names.append(String(inner).replacingOccurrences(of: "人民政府", with: ""))
            }
            if s.hasPrefix("市") && s.count > 3 { names.append(String(s.dropFirst())) }
            return names.filter { $0.count >= 3 }
        }
        var best: (ReportingUnit, Int)?
        var ambiguous = false
        for u in units {
            guard let len = short(u).filter({ fileName.contains($0) }).map(\.count).max() else { continue }
            if best == nil || len > best!.1 { best = (u, len); ambiguous = false } else if len == best!.1 { ambiguous = true }
        }
        return ambiguous ? nil : best?.0
    }

    /// Checks the folder's files and resolves each unit. Files are checked on all cores; the
    /// result does not depend on their order.
    public func merge(folder: String, round: Round) throws -> RoundResult {
        try merge(folder: folder, round: round, stream: nil).result
    }

    /// Checks the folder's files and resolves each unit, handing each accepted unit (in plan
    /// order, with the file that counts) to `stream` as soon as it is decided, while later files
    /// are still being checked: the consolidated workbook is written meanwhile instead of after.
    ///
    /// Files are checked in the order of the units their names name (as the templates are
    /// named), files whose names name no unit first. A unit is decided once every file up to its
    /// own has been checked. Should a file turn out to belong to a unit already decided (a file
    /// named after another unit), the streamed decisions no longer hold: `streamHeld` is then
    /// false and the caller writes again from the result, which is always the complete one.
    public func merge(folder: String, round: Round,
                      stream: ((ReportingUnit, Submission) throws -> Void)?) throws -> (result: RoundResult, streamHeld: Bool) {
        let entries = try Self.listFolder(folder)
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
        var unitPosition: [String: Int] = [:]
        for (i, u) in roundUnits.enumerated() where unitPosition[u.id] == nil { unitPosition[u.id] = i }

        // The schedule: files by the unit their name names (unnamed first), then by name. The
        // template's own name (江岸区人民政府-2021-06.xlsx) is looked up directly; only other
        // names are searched for a unit's name.
        var byTemplateName: [String: Int] = [:]
        for (i, u) in roundUnits.enumerated() { byTemplateName[TemplateLayout.fileName(unit: u, round: round)] = i }
        let guesses = toCheck.map { entry -> Int in
            if let i = byTemplateName[entry.element.name] { return i }
            return Self.unitNamed(in: entry.element.name, units: roundUnits).flatMap { unitPosition[$0.id] } ?? -1
        }
        let schedule = toCheck.indices.sorted { (guesses[$0], $0) < (guesses[$1], $1) }
        // groupEnd[u]: how many scheduled files come before the first file of a unit after u.
        var groupEnd = Array(repeating: 0, count: roundUnits.count)
        var position = 0
        for u in roundUnits.indices {
            while position < schedule.count && guesses[schedule[position]] <= u { position += 1 }
            groupEnd[u] = position
        }

        let results = ResultSlots(count: entries.count, scheduled: schedule.count)
        // With several files, every core is busy checking one: a big file is not read ahead too.
        let checker = schedule.count > 1 ? self.checker.readingOneThreadPerFile : self.checker
        // Checked rows wait in a temporary file, not in memory, until the outputs read them.
        let spill = RowSpill()
        let workers = DispatchGroup()
        DispatchQueue.global().async(group: workers) {
            DispatchQueue.concurrentPerform(iterations: schedule.count) { k in
                let (index, entry) = toCheck[schedule[k]]
                var submission = checker.check(path: entry.path, name: entry.name)
                submission.spill(to: spill)
                let done = results.set(index, submission, scheduled: k)
                progress?(done, schedule.count)
            }
        }

        var streamed: [String: String] = [:]
        var streamError: Error?
        if let stream {
            var byUnit: [String: [Submission]] = [:]
            var seen = 0
            for (u, unit) in roundUnits.enumerated() {
                let done = results.waitForPrefix(groupEnd[u])
                for k in seen..<done {
                    let index = toCheck[schedule[k]].offset
                    if let s = results.value(index), s.fileAccepted, let id = s.unit?.id { byUnit[id, default: []].append(s) }
                }
                seen = done
                guard let winner = byUnit[unit.id]?.sorted(by: Self.newer).first else { continue }
                byUnit[unit.id] = nil
                do {
                    try stream(unit, winner)
                    streamed[unit.id] = winner.file
                } catch {
                    streamError = error
                    break
                }
            }
        }
        workers.wait()
        if let streamError { throw streamError }

        let checked = results.values
        for (i, _) in toCheck where FileSystem.identity(entries[i].path) != identities[i] {
            // Deleted, replaced or rewritten while it was read: what was checked is not the file.
            faults[i] = FileSystemError(.read, path: entries[i].path, code: FileSystem.identity(entries[i].path) == nil ? ENOENT : EAGAIN)
        }
        var files: [FileOutcome] = entries.enumerated().map { i, e in
            if e.skip == Self.badNameNote {
                // Not read, but not to be overlooked either: a rejected file with its reason.
                var s = Submission(file: e.name, path: "", sha256: "")
                s.problems = [Problem(severity: .error, file: e.name, unit: nil, sheet: nil, cell: nil, rule: .fileUnreadable,
                                      value: "bad-file-name", message: "文件“\(e.name)”的" + Self.badNameNote + "。")]
                return FileOutcome(file: e.name, unitId: nil, status: .rejected, submission: s)
            }
            if let skip = e.skip { return FileOutcome(file: e.name, unitId: nil, status: .skipped, submission: nil, note: skip) }
            if let fault = faults[i] {
                let cause = fault.code == EAGAIN ? "汇总过程中文件被改动" : fault.cause
                var outcome = FileOutcome(file: e.name, unitId: nil, status: .unreadable, submission: nil,
                                          note: "办公室无法读取此文件（\(cause)），不是报送单位的问题；该单位暂列为未处理，请检查后重新汇总")
                outcome.officeFault = fault
                outcome.unitId = checked[i]?.unit?.id ?? byTemplateName[e.name].map { roundUnits[$0].id }
                    ?? Self.unitNamed(in: e.name, units: roundUnits)?.id
                return outcome
            }
            let s = checked[i]!
            return FileOutcome(file: e.name, unitId: s.unit?.id, status: s.fileAccepted ? .accepted : .rejected, submission: s)
        }
        // A file that could not be identified (not a workbook, not a template) is attributed
        // to the unit its name names, so the office knows whom to call; the report says so.
        for i in files.indices where files[i].unitId == nil && files[i].status == .rejected {
            guard let unit = Self.unitNamed(in: files[i].file, units: roundUnits) else { continue }
            files[i].unitId = unit.id
            files[i].note = "无法从文件内容识别单位，按文件名判断为“\(unit.name)”的报送"
            if var s = files[i].submission {
                for j in s.problems.indices { s.problems[j].unit = unit.id }
                files[i].submission = s
            }
        }
        var filesByUnit: [String: [Int]] = [:]
        for i in files.indices { if let id = files[i].unitId { filesByUnit[id, default: []].append(i) } }
        var units: [UnitOutcome] = []
        for unit in roundUnits {
            let mine = filesByUnit[unit.id] ?? []
            func newer(_ a: Int, _ b: Int) -> Bool { Self.newer(files[a].submission, files[b].submission, files[a].file, files[b].file) }
            let accepted = mine.filter { files[$0].status == .accepted }.sorted(by: newer)
            let rejected = mine.filter { files[$0].status == .rejected }.sorted(by: newer)
            var outcome = UnitOutcome(unit: unit, status: .missing, late: false, submission: nil, superseded: [], otherRejected: [])
            if let winner = accepted.first {
                outcome.status = .accepted
                outcome.submission = files[winner].submission
                for loser in accepted.dropFirst() {
                    files[loser].status = .superseded
                    outcome.superseded.append(files[loser].file)
                }
                outcome.otherRejected = rejected.map { files[$0].file }
            } else if let latest = rejected.first {
                outcome.status = .rejected
                outcome.submission = files[latest].submission
                outcome.otherRejected = rejected.dropFirst().map { files[$0].file }
            }
            outcome.unreadFiles = mine.filter { files[$0].status == .unreadable }.map { files[$0].file }
            if let saved = outcome.submission?.savedAt, outcome.status == .accepted {
                outcome.late = RoundResult.chinaDay(saved) > round.due
            }
            units.append(outcome)
        }
        var totals = Totals()
        totals.expected = units.count
        totals.accepted = units.filter { $0.status == .accepted }.count
        totals.rejected = units.filter { $0.status == .rejected }.count
        totals.missing = units.filter { $0.status == .missing }.count
        totals.late = units.filter { $0.late && $0.status == .accepted }.count
        totals.unread = units.filter { $0.status == .missing && !$0.unreadFiles.isEmpty }.count
        for f in files where f.status == .accepted || f.status == .rejected {
            guard let s = f.submission else { continue }
            totals.rowsRead += s.rowsRead
            let merged = f.status == .accepted ? s.rowsAccepted : 0
            totals.rowsMerged += merged
            totals.rowsRejected += s.rowsRead - merged
        }
        let result = RoundResult(plan: plan, round: round, units: units, files: files, totals: totals)
        let held = stream == nil || units.allSatisfy { u in
            streamed[u.unit.id] == (u.status == .accepted ? u.submission?.file : nil)
        }
        return (result, held)
    }

    /// The newest accepted file wins: by the time the unit saved it (the workbook's own
    /// record), then by file name (the later name).
    static func newer(_ a: Submission?, _ b: Submission?, _ fileA: String, _ fileB: String) -> Bool {
        let da = a?.savedAt ?? .distantPast, db = b?.savedAt ?? .distantPast
        return da != db ? da > db : Array(fileA.utf8).lexicographicallyPrecedes(Array(fileB.utf8)) == false
    }

    static func newer(_ a: Submission, _ b: Submission) -> Bool { newer(a, b, a.file, b.file) }
}

/// Results written by parallel workers into fixed slots, so the order never depends on timing;
/// a reader can wait until the first n files of the schedule are done.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Submission?]
    private var finished: [Bool]
    private var prefix = 0
    private var done = 0
    private let condition = NSCondition()

    init(count: Int, scheduled: Int) {
        slots = Array(repeating: nil, count: count)
        finished = Array(repeating: false, count: scheduled)
    }

    /// Stores a checked file; returns how many files are checked so far.
    @discardableResult
    func set(_ i: Int, _ value: Submission, scheduled k: Int) -> Int {
        condition.lock()
        slots[i] = value
        finished[k] = true
        done += 1
        let count = done
        while prefix < finished.count && finished[prefix] { prefix += 1 }
        condition.broadcast()
        condition.unlock()
        return count
    }

    /// Waits until the first `n` scheduled files are done; returns how many are done in a row.
    func waitForPrefix(_ n: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        while prefix < n { condition.wait() }
        return prefix
    }

    func value(_ i: Int) -> Submission? {
        condition.lock()
        defer { condition.unlock() }
        return slots[i]
    }

    var values: [Submission?] {
        condition.lock()
        defer { condition.unlock() }
        return slots
    }
}
