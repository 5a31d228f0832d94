import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import XLSX

/// Writes `汇总-<round>.xlsx`, the workbook leaders open: an overview on one screen (who
/// reported, who did not, where the plan stands, with charts), then every detail sheet with
/// each row traceable to its source file, sheet and row. Each sheet is its own type
/// (`OverviewSheet`, `ProgressTrendSheet`, `StatusSheet`, `DetailSheet`, `TaskMatrixSheet`,
/// `LedgerSheet`, `ProblemsSheet`), all in the `HouseStyle`.
public struct ConsolidatedWorkbook {
    public let report: RoundReport
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    public let sourceFolder: String

    public init(report: RoundReport, sourceFolder: String) {
        self.report = report
        self.sourceFolder = sourceFolder
    }

    /// Writes the workbook: every accepted unit's rows through `ConsolidatedWorkbookWriter`,
    /// then the summary sheets. `merge` streams the units into the writer while files are
    /// still being checked; this is the same sequence of writes, so the bytes are the same.
    public func write(to path: String) throws {
        let writer = try ConsolidatedWorkbookWriter(path: path, plan: report.plan, round: report.round, sourceFolder: sourceFolder)
        try writer.addAll(report)
        try writer.finish(report)
    }
}

/// Writes the consolidated workbook unit by unit: `add` streams each accepted unit's rows into
/// the detail sheets as soon as the unit is decided (while other files are still being
/// checked), `finish` writes the overview, status, matrix and problem sheets from the whole
/// round and closes the package. libxlsxwriter's constant-memory mode keeps one row per sheet
/// in memory; every sheet is written top to bottom.
/// Owned by one thread from start to finish (the merging thread): not `Sendable`.
public final class ConsolidatedWorkbookWriter {
    private let plan: Plan
    private let book: WorkbookWriter
    private let style: HouseStyle
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    private let sourceFolder: String
    private let overview: SheetWriter, status: SheetWriter, problemSheet: SheetWriter
    /// The 进度趋势 sheet, when the workbook was started with one.
    private let trend: SheetWriter?
    /// A detail or ledger sheet, in the round's order.
    private enum Detail {
        case rows(DetailSheet)
        case ledger(LedgerSheet)
    }
    private var details: [Detail] = []
    /// The task matrix, after the progress sheet.
    private var matrix: SheetWriter?

    /// Rows of a detail sheet link back to their source cell for the first this many rows
    /// (`DetailCells.maxLinkedRows`).
    public static let maxLinkedRows = DetailCells.maxLinkedRows

    /// Starts the workbook (written to a temporary file, moved to `path` by `finish`): every
    /// sheet the round has, detail sheets with their headers.
    /// `trendSheet`: add a 进度趋势 sheet after 总览 (when an archive gives earlier rounds).
    public init(path: String, plan: Plan, round: Round, sourceFolder: String, trendSheet: Bool = false) throws {
        self.plan = plan
        self.sourceFolder = sourceFolder
        book = try WorkbookWriter(path: path, constantMemory: true)
        let cells = DetailCells(formats: DetailCells.Formats(book), sourceFolder: sourceFolder)
        try book.setProperties(title: "\(plan.title) \(round.title)汇总", subject: plan.subject,
                               author: plan.office.name, company: plan.office.name)
        style = HouseStyle(pageHeader: HouseStyle.roundPageHeader(plan: plan, round: round),
                           statusColors: HouseStyle.statusColors(plan))
        overview = try book.addSheet(OverviewSheet.name)
        trend = trendSheet ? try book.addSheet(ProgressTrendSheet.name) : nil
        status = try book.addSheet(StatusSheet.name)
        // A detail sheet for every row sheet this round asks for (named as in the plan), in the
        // round's order; the declared progress sheet is followed by the task matrix.
        var sheets: [(SheetSpec, SheetWriter)] = []
        var seen: Set<String> = []
        for id in round.sheets where seen.insert(id).inserted {
            guard let spec = plan.sheet(id), spec.kind != .text else { continue }
            sheets.append((spec, try book.addSheet(spec.name)))
            if let p = plan.outputs.progress, p.sheet == id { matrix = try book.addSheet(TaskMatrixSheet.name) }
        }
        problemSheet = try book.addSheet(ProblemsSheet.name)
        // The headers, once every sheet is in place.
        for (spec, ws) in sheets {
            if let p = plan.outputs.progress, p.sheet == spec.id {
                details.append(.rows(try DetailSheet(ws, spec: spec, kind: .progress(p), plan: plan, cells: cells, style: style)))
            } else if let l = plan.outputs.ledger(spec.id) {
                details.append(.ledger(try LedgerSheet(ws, spec: spec, decl: l, cells: cells, style: style)))
            } else {
                details.append(.rows(try DetailSheet(ws, spec: spec, kind: .plain, plan: plan, cells: cells, style: style)))
            }
        }
    }

    // MARK: Streaming the units

    /// Writes the accepted rows of an accepted unit into every detail sheet. Units come in
    /// plan order.
    public func add(_ unit: ReportingUnit, _ submission: Submission, rows: [CheckedRow]) throws {
        let errors = RowErrors(submission, plan: plan)
        for detail in details {
            switch detail {
            case .rows(let sheet): try sheet.add(unit, submission, rows: rows, errors: errors)
            case .ledger(let sheet): try sheet.add(unit, submission, rows: rows, errors: errors)
            }
        }
    }

    /// Adds every accepted unit of a complete round, in plan order (what `merge` streams).
    public func addAll(_ report: RoundReport) throws {
        for outcome in report.result.units where outcome.status == .accepted {
            if let s = outcome.submission { try add(outcome.unit, s, rows: try report.result.rows(of: s)) }
        }
    }

    /// Writes the summary sheets from the whole round (with the figures of the units added)
    /// and closes the workbook.
    public func finish(_ report: RoundReport) throws {
        try OverviewSheet(report: report, style: style).write(overview, book: book)
        if let trend {
            try ProgressTrendSheet(result: report.result, figures: report.figures, history: report.history, style: style)
                .write(trend, book: book)
        }
        try StatusSheet(report: report, style: style).write(status)
        for detail in details {
            switch detail {
            case .rows(let sheet):
                try sheet.finish(report)
                if case .progress(let p) = sheet.kind, let matrix {
                    try TaskMatrixSheet(report: report, style: style, decl: p).write(matrix)
                }
            case .ledger(let sheet): try sheet.finish(report.figures)
            }
        }
        try ProblemsSheet(report: report, style: style, sourceFolder: sourceFolder).write(problemSheet)
        overview.activate()
        Timings.mark("consolidated workbook: cells written")
        try book.close()
    }
}
