import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoSupport
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
    /// Why the file was not read (`skipped`); its words are `note`.
    public var skip: SkipReason?
    public var problems: [Problem] { submission?.problems ?? [] }

    public init(file: String, unitId: String?, status: FileStatus, submission: Submission?, note: String? = nil,
                officeFault: FileSystemError? = nil, skip: SkipReason? = nil) {
        self.file = file
        self.unitId = unitId
        self.status = status
        self.submission = submission
        self.note = note
        self.officeFault = officeFault
        self.skip = skip
    }
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

    public init(unit: ReportingUnit, status: UnitStatus, late: Bool, submission: Submission?, superseded: [String],
                otherRejected: [String], unreadFiles: [String] = []) {
        self.unit = unit
        self.status = status
        self.late = late
        self.submission = submission
        self.superseded = superseded
        self.otherRejected = otherRejected
        self.unreadFiles = unreadFiles
    }
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

/// How a unit stands in a round, as every output names it. Code branches on the case; the
/// word is for people.
public enum UnitState: String, Sendable, CaseIterable {
    /// Its file that counts was accepted and came in by the due date.
    case reported = "已报送"
    /// Its file that counts was accepted and came in after the due date.
    case late = "迟报"
    /// Its files were all rejected.
    case returned = "被退回"
    /// No file of it came in.
    case missing = "未报送"
    /// Its only files are ones the office could not read: it handed something in, but nothing of
    /// it counts until the office reads the file and merges again.
    case unread = "未处理"

    /// The word the outputs print.
    public var word: String { rawValue }

    /// Whether the unit's figures are in the round's totals (an accepted file).
    public var counted: Bool { self == .reported || self == .late }
}

extension UnitOutcome {
    /// How the unit stands.
    public var state: UnitState {
        switch status {
        case .accepted: return late ? .late : .reported
        case .rejected: return .returned
        case .missing: return unreadFiles.isEmpty ? .missing : .unread
        }
    }

    /// The word for how the unit stands (`state.word`).
    public var statusWord: String { state.word }
}
