import Foundation
import TianbaoCheck
import TianbaoPlan

/// Everything the outputs of a round render from, built once per round after the files are
/// checked and the units resolved: the consolidated workbook, the briefing (md, html, docx),
/// the feedback workbooks and report.json all take a `RoundReport`.
///
/// - `result`: the decisions — each unit accepted, rejected or missing (未报送 / 未处理) with the
///   file that counts, every file's outcome — and the totals.
/// - `figures`: the figures leaders read (progress, ledgers, publicity).
/// - `liaisons`: the liaison each unit named in the file that counts (accepted or rejected).
/// - `problems`: every problem of the files that count and of rejected files.
/// - `rows(_:)` / `acceptedRows(_:)`: the rows of accepted units, per sheet, for the sheets the
///   summaries read (the declared progress, summary, publicity and liaison sheets), accepted
///   ones and those with errors.
///
/// The rows are read from the round's row store in one pass (each unit's rows decoded once);
/// a damaged store makes `init` throw `RowStoreError`, so no output is written from rows that
/// went missing. The detail sheets of the consolidated workbook (the ledgers of a national
/// round run to hundreds of thousands of rows) are not kept here: they are written unit by unit
/// while the files are checked (`UnitStream`), or by `ConsolidatedWorkbookWriter.addAll`.
public struct RoundReport: Sendable {
    /// Whom a unit names as its liaison, and how to reach them.
    public struct Liaison: Sendable, Equatable {
        public var name: String, title: String, phone: String, mobile: String

        /// The liaison named in a unit's rows: the first row of the plan's liaison sheet, with
        /// or without errors (a 10-digit mobile still tells whom to call); nil without one.
        public static func named(in rows: [CheckedRow], plan: Plan) -> Liaison? {
            guard let l = plan.outputs.liaison, let row = rows.first(where: { $0.sheet == l.sheet }) else { return nil }
            func text(_ id: String?) -> String { id.flatMap { row.values[$0]?.text } ?? "" }
            return Liaison(name: text(l.name), title: text(l.title), phone: text(l.phone), mobile: text(l.mobile))
        }

        /// The liaison each unit of `result` named in its file that counts (accepted or rejected).
        /// Throws `RowStoreError` when the row store is damaged.
        public static func named(in result: RoundResult) throws -> [String: Liaison] {
            guard result.plan.outputs.liaison != nil else { return [:] }
            var out: [String: Liaison] = [:]
            for outcome in result.units {
                guard let s = outcome.submission, outcome.status != .missing else { continue }
                out[outcome.unit.id] = named(in: try result.rows(of: s), plan: result.plan)
            }
            return out
        }
    }

    /// A row of an accepted unit's file that counts.
    public struct UnitRow: Sendable {
        public var unit: ReportingUnit
        public var submission: Submission
        public var row: CheckedRow
    }

    public let result: RoundResult
    public let figures: Figures
    /// Earlier rounds from the archive (环比, 进度趋势, the liaisons units named before), set
    /// by `merge` when it has an archive; nil: nothing to compare with, no such sections.
    public var history: RoundHistory?
    /// The day the briefing is issued (`merge --date`); nil: the day it is written, in China
    /// Standard Time.
    public var issueDate: Day?
    /// The liaison named in each unit's file that counts, by unit id (absent when none).
    public let liaisons: [String: Liaison]
    /// Every problem of the files that count and of rejected files, in unit and file order.
    public let problems: [Problem]
    /// The sheets whose rows are kept (see `rows(_:)`).
    public let keptSheets: Set<String>
    private let rowsBySheet: [String: [UnitRow]]

    public var plan: Plan { result.plan }
    public var round: Round { result.round }

    /// The sheets the summaries read row by row: the declared progress, summary, publicity,
    /// liaison and indicators sheets.
    public static func summarySheets(_ plan: Plan) -> Set<String> {
        let o = plan.outputs
        return Set([o.progress?.sheet, o.summary?.sheet, o.publicity?.sheet, o.liaison?.sheet, o.indicators?.sheet].compactMap { $0 })
    }

    /// Builds the report of a resolved round, reading every unit's rows once. Throws
    /// `RowStoreError` when the row store is damaged.
    public init(_ result: RoundResult) throws {
        let plan = result.plan
        let kept = Self.summarySheets(plan)
        var figures = Figures(plan: result.plan, round: result.round)
        var liaisons: [String: Liaison] = [:]
        var bySheet: [String: [UnitRow]] = [:]
        var rejectedRows: [String: [CheckedRow]] = [:]
        let ledgerSheets = Set(figures.ledgers.map(\.decl.sheet))
        for outcome in result.units {
            guard let s = outcome.submission, outcome.status != .missing else { continue }
            let rows = try result.rows(of: s)
            liaisons[outcome.unit.id] = Liaison.named(in: rows, plan: plan)
            switch outcome.status {
            case .accepted:
                figures.add(outcome.unit, rows: rows, errors: RowErrors(s, plan: plan))
                for row in rows where kept.contains(row.sheet) {
                    bySheet[row.sheet, default: []].append(UnitRow(unit: outcome.unit, submission: s, row: row))
                }
            case .rejected:
                rejectedRows[outcome.unit.id] = rows.filter { ledgerSheets.contains($0.sheet) }
            case .missing: break
            }
        }
        figures.finish(result, rejectedRows: rejectedRows)
        self.result = result
        self.figures = figures
        self.liaisons = liaisons
        self.problems = result.problems
        self.keptSheets = kept
        self.rowsBySheet = bySheet
    }

    /// The rows of accepted units of a kept sheet (accepted ones and those with errors), in
    /// unit order, then file order.
    public func rows(_ sheetId: String) -> [UnitRow] {
        precondition(keptSheets.contains(sheetId), "rows of sheet \(sheetId) are not kept in the round report")
        return rowsBySheet[sheetId] ?? []
    }

    /// The accepted rows of accepted units of a kept sheet, in unit order, then file order.
    public func acceptedRows(_ sheetId: String) -> [UnitRow] {
        rows(sheetId).filter(\.row.accepted)
    }

    /// The liaison named in a unit's file that counts.
    public func liaison(_ unit: ReportingUnit) -> Liaison? { liaisons[unit.id] }
}
