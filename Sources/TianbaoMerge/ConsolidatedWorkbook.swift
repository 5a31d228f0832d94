import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Writes `汇总-<round>.xlsx`, the workbook leaders open: an overview on one screen (who
/// reported, who did not, where the plan stands, with charts), then every detail sheet with
/// each row traceable to its source file, sheet and row.
public struct ConsolidatedWorkbook {
    public let result: RoundResult
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    public let sourceFolder: String

    public init(result: RoundResult, sourceFolder: String) {
        self.result = result
        self.sourceFolder = sourceFolder
    }

    // Formats.
    static let base = CellFormat()
    static let title = base.with { $0.bold = true; $0.fontSize = 16 }
    static let subtitle = base.with { $0.fontColor = 0x595959 }
    static let section = base.with { $0.bold = true; $0.fontSize = 12; $0.fontColor = 0x1F4E79 }
    static let header = base.with { $0.bold = true; $0.fill = 0xDDEBF7; $0.border = true; $0.wrap = true; $0.horizontal = .center }
    static let cell = base.with { $0.border = true; $0.vertical = .top }
    static let wrapped = cell.with { $0.wrap = true }
    static let number = cell.with { $0.numberFormat = "#,##0.##" }
    static let integer = cell.with { $0.numberFormat = "#,##0" }
    static let percent = cell.with { $0.numberFormat = "0.0%" }
    static let date = cell.with { $0.numberFormat = "yyyy-mm-dd" }
    static let link = cell.with { $0.fontColor = 0x0563C1; $0.underline = true }
    static let subtotal = cell.with { $0.bold = true; $0.fill = 0xF2F2F2; $0.numberFormat = "#,##0.##" }
    static let big = cell.with { $0.bold = true; $0.fontSize = 14; $0.numberFormat = "#,##0" }

    static let green: UInt32 = 0xC6EFCE, yellow: UInt32 = 0xFFEB9C, red: UInt32 = 0xFFC7CE, orange: UInt32 = 0xF8CBAD
    static let grey: UInt32 = 0xE7E6E6

    /// Status words and their fill colours, used by every coloured status column.
    static let statusColors: [(String, UInt32)] = [
        ("已报送", green), ("迟报", yellow), ("被退回", orange), ("未报送", red), ("未处理", grey),
        ("已完成", green), ("推进中", 0xDDEBF7), ("未启动", grey), ("滞后", red),
        ("已完工", green), ("在建", 0xDDEBF7), ("未开工", grey), ("未报", red), ("错误", red), ("提示", yellow),
    ]

    /// Writes the workbook: every accepted unit's rows through `ConsolidatedWorkbookWriter`,
    /// then the summary sheets. `merge` streams the units into the writer while files are
    /// still being checked; this is the same sequence of writes, so the bytes are the same.
    public func write(to path: String) throws {
        let writer = try ConsolidatedWorkbookWriter(path: path, plan: result.plan, round: result.round, sourceFolder: sourceFolder)
        try writer.addAll(result)
        try writer.finish(result)
    }

    public static func statusWord(_ u: UnitOutcome) -> String {
        switch u.status {
        case .accepted: return u.late ? "迟报" : "已报送"
        case .rejected: return "被退回"
        case .missing: return u.unreadFiles.isEmpty ? "未报送" : "未处理"
        }
    }

    /// A short column label: `江岸区`, `东湖高新区` …
    static func shortName(_ u: ReportingUnit) -> String {
        var s = u.name
        for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        if let open = s.firstIndex(of: "(") { s = String(s[..<open]) }
        if s.hasPrefix("市") && s.count > 2 { s.removeFirst() }
        if s.hasPrefix("武汉") && s.count > 4 { s.removeFirst(2) }
        return s
    }

}

/// Writes the consolidated workbook unit by unit: `add` streams each accepted unit's rows into
/// the detail sheets as soon as the unit is decided (while other files are still being
/// checked), `finish` writes the overview, status, matrix and problem sheets from the whole
/// round and closes the package. libxlsxwriter's constant-memory mode keeps one row per sheet
/// in memory; every sheet is written top to bottom.
/// Used by one thread at a time (the merging thread, then the thread that finishes it).
public final class ConsolidatedWorkbookWriter: @unchecked Sendable {
    private typealias CW = ConsolidatedWorkbook
    let plan: Plan
    let round: Round
    /// Folder of the submissions relative to the output folder, for links back to the cells.
    let sourceFolder: String
    private let book: WorkbookWriter
    private let formats: DetailFormats
    private let overview: SheetWriter, status: SheetWriter, problemSheet: SheetWriter
    private var progress: SheetWriter?, matrix: SheetWriter?, indicators: SheetWriter?
    private var ledger: SheetWriter?, publicity: SheetWriter?, liaison: SheetWriter?
    /// Columns and last written row of each detail sheet, by sheet id.
    private var columns: [String: Int] = [:]
    private var lastRow: [String: Int] = [:]
    // The ledger's running totals.
    private var ledgerSums: [String: Double] = [:]
    private var ledgerCommunities = 0, ledgerCompleted = 0
    private let summed: Set<String>
    /// Figures of the units added so far.
    public private(set) var figures = Figures()
    private var result: RoundResult!
    private var finalFigures: Figures!

    /// The formats of the detail rows, registered once (a national merge writes millions of
    /// cells with them).
    struct DetailFormats {
        let cell, wrapped, number, integer, date: PreparedFormat
        init(_ book: WorkbookWriter) {
            cell = book.prepare(ConsolidatedWorkbook.cell)
            wrapped = book.prepare(ConsolidatedWorkbook.wrapped)
            number = book.prepare(ConsolidatedWorkbook.number)
            integer = book.prepare(ConsolidatedWorkbook.integer)
            date = book.prepare(ConsolidatedWorkbook.date)
        }
    }

    /// Rows link back to their source cell for the first this many rows of a sheet. Excel
    /// allows 65,530 links on a worksheet, and libxlsxwriter holds every link of a sheet in
    /// memory until the sheet is closed (about 2.8 KB each): a national merge of 180,000 rows
    /// would hold half a gigabyte for links nobody clicks through. Later rows give the source
    /// file and place as text (the same information, filterable).
    public static let maxLinkedRows = 10_000

    private static let sourceHeaders: [(String, Double)] = [("来源文件", 28), ("来源位置", 14)]

    /// Starts the workbook (written to a temporary file, moved to `path` by `finish`): every
    /// sheet the round has, detail sheets with their headers.
    public init(path: String, plan: Plan, round: Round, sourceFolder: String) throws {
        self.plan = plan
        self.round = round
        self.sourceFolder = sourceFolder
        book = try WorkbookWriter(path: path, constantMemory: true)
        formats = DetailFormats(book)
        try book.setProperties(title: "\(plan.title) \(round.title)汇总", subject: plan.subject,
                               author: plan.office.name, company: plan.office.name)
        summed = Set((plan.sheet("ledger")?.fields ?? []).filter { [.integer, .decimal].contains($0.type) && $0.id != "built" }.map(\.id))
        overview = try book.addSheet("总览")
        status = try book.addSheet("报送情况")
        // Detail sheets exist only for the plan sheets this round asks for, so a plan of one's
        // own (with other sheets) gets what it has.
        let asked = Set(round.sheets)
        if asked.contains("progress") {
            progress = try book.addSheet("任务进展")
            matrix = try book.addSheet("任务矩阵")
        }
        if asked.contains("indicators") { indicators = try book.addSheet("量化指标") }
        let ledgerSpec = asked.contains("ledger") ? plan.sheet("ledger") : nil
        if ledgerSpec != nil { ledger = try book.addSheet("小区台账") }
        if asked.contains("publicity") { publicity = try book.addSheet("宣传信息") }
        if asked.contains("liaison") { liaison = try book.addSheet("联络员") }
        problemSheet = try book.addSheet("校验问题")

        if let ws = progress { try detailHeader(ws, sheetId: "progress", leading: [("单位", 26), ("角色", 6), ("任务", 18)]) }
        if let ws = indicators { try detailHeader(ws, sheetId: "indicators", leading: [("单位", 26)]) }
        if let ws = ledger, let spec = ledgerSpec {
            let headers = [("区", 22.0)] + spec.fields.map { ($0.name, min(max($0.width ?? 12, 8), 30)) } + [("说明", 24)] + Self.sourceHeaders
            try header(ws, headers)
            columns["ledger"] = headers.count
            lastRow["ledger"] = 0
        }
        if let ws = publicity { try detailHeader(ws, sheetId: "publicity", leading: [("单位", 26)]) }
        if let ws = liaison { try detailHeader(ws, sheetId: "liaison", leading: [("单位", 26)]) }
    }

    // MARK: Streaming the units

    /// Writes the accepted rows of an accepted unit into every detail sheet. Units come in
    /// plan order.
    public func add(_ unit: ReportingUnit, _ submission: Submission) throws {
        let rows = submission.rows
        figures.add(unit, rows: rows)
        if let ws = progress {
            try detailRows(ws, sheetId: "progress", rows, submission) { row in
                let id = row.values["task"]?.text ?? ""
                let role = self.plan.task(id).map { $0.lead.contains(unit.id) ? "牵头" : "责任" } ?? ""
                return [unit.name, role, self.plan.task(id)?.title ?? ""]
            }
        }
        if let ws = indicators { try detailRows(ws, sheetId: "indicators", rows, submission) { _ in [unit.name] } }
        if let ws = ledger { try ledgerRows(ws, unit, rows, submission) }
        if let ws = publicity { try detailRows(ws, sheetId: "publicity", rows, submission) { _ in [unit.name] } }
        if let ws = liaison { try detailRows(ws, sheetId: "liaison", rows, submission) { _ in [unit.name] } }
    }

    /// Adds every accepted unit of a complete round, in plan order (what `merge` streams).
    public func addAll(_ result: RoundResult) throws {
        for outcome in result.units where outcome.status == .accepted {
            if let s = outcome.submission { try add(outcome.unit, s) }
        }
    }

    /// Writes the summary sheets from the whole round (with the figures of the units added)
    /// and closes the workbook.
    public func finish(_ result: RoundResult) throws {
        self.result = result
        self.finalFigures = figures.finished(result)
        try writeOverview(overview, book: book)
        try writeStatus(status)
        if let ws = progress { try detailRanges(ws, sheetId: "progress") }
        if let ws = matrix { try writeMatrix(ws) }
        if let ws = indicators { try detailRanges(ws, sheetId: "indicators") }
        if let ws = ledger, let spec = plan.sheet("ledger") {
            let r = lastRow["ledger"]! + 1
            try totalRow(ws, r, label: "合计", communities: ledgerCommunities, completed: ledgerCompleted, sums: ledgerSums,
                         firstDataRow: 1, spec: spec, summed: summed)
            try ranges(ws, columns: columns["ledger"]!, rows: r)
        }
        if let ws = publicity {
            try detailRanges(ws, sheetId: "publicity")
            try writePublicitySummary(ws)
        }
        if let ws = liaison { try detailRanges(ws, sheetId: "liaison") }
        try writeProblems(problemSheet)
        overview.activate()
        Timings.mark("consolidated workbook: cells written")
        try book.close()
    }

    // MARK: Helpers

    /// Writes a header row and sets widths, frozen header and print titles.
    private func header(_ ws: SheetWriter, _ headers: [(String, Double)], headerRow: Int = 0) throws {
        for (c, (h, w)) in headers.enumerated() {
            try ws.write(headerRow, c, h, CW.header)
            try ws.columns(c, c, width: w)
        }
        try ws.row(headerRow, height: 30)
        ws.freeze(rows: headerRow + 1)
        try ws.printSetup(landscape: true, repeatRows: headerRow...headerRow)
    }

    /// The filter and the status colours over a table's rows (known once it is written).
    private func ranges(_ ws: SheetWriter, columns: Int, rows: Int, headerRow: Int = 0) throws {
        try ws.autofilter(headerRow, 0, headerRow + max(rows, 1), columns - 1)
        for (word, color) in CW.statusColors {
            try ws.highlight(headerRow + 1, 0, headerRow + max(rows, 1), columns - 1, equalTo: word,
                             CW.cell.with { $0.fill = color })
        }
    }

    /// A whole table at once: header, then filter and colours over `rows` rows.
    private func table(_ ws: SheetWriter, headers: [(String, Double)], rows: Int, headerRow: Int = 0) throws {
        try header(ws, headers, headerRow: headerRow)
        try ranges(ws, columns: headers.count, rows: rows, headerRow: headerRow)
    }

    private func write(_ ws: SheetWriter, _ r: Int, _ c: Int, _ value: FieldValue?, _ field: FieldSpec?) throws {
        switch value {
        case .none: try ws.blank(r, c, formats.cell)
        case .text(let s)?: try ws.write(r, c, s, (s.utf8.count > 20 && s.unicodeScalars.count > 20) ? formats.wrapped : formats.cell)
        case .number(let n)?: try ws.write(r, c, n, field?.type == .integer ? formats.integer : formats.number)
        case .date(let d)?:
            try ws.write(r, c, ExcelDateTime(kind: .date, year: d.year, month: d.month, day: d.day).serial(date1904: false),
                         formats.date)
        }
    }

    /// The source columns: file name and the place of the row's first cell in that file, as a
    /// link on the first `maxLinkedRows` rows of a sheet.
    private func source(_ ws: SheetWriter, _ r: Int, _ c: Int, _ s: Submission, sheet: String, row: Int) throws {
        try ws.write(r, c, s.file, formats.cell)
        let place = "\(sheet)!A\(row)"
        if r <= Self.maxLinkedRows {
            let url = "external:\(sourceFolder)/\(s.file)#'\(sheet)'!A\(row)"
            if url.utf8.count < 2000 { return try ws.link(r, c + 1, url: url, text: place, CW.link) }
        }
        try ws.write(r, c + 1, place, formats.cell)
    }

    // MARK: Detail sheets

    /// Positions of the fields a detail sheet shows: those the unit fills, and the task id.
    private func detailPositions(_ spec: SheetSpec) -> [Int] {
        spec.fields.indices.filter { spec.fields[$0].prefilled == nil || spec.fields[$0].prefilled == .taskId }
    }

    private func detailHeader(_ ws: SheetWriter, sheetId: String, leading: [(String, Double)]) throws {
        guard let spec = plan.sheet(sheetId) else { return }
        let headers = leading + detailPositions(spec).map { i in (spec.fields[i].name, min(max(spec.fields[i].width ?? 12, 8), 40)) }
            + [("说明", 24)] + Self.sourceHeaders
        try header(ws, headers)
        columns[sheetId] = headers.count
        lastRow[sheetId] = 0
    }

    private func detailRanges(_ ws: SheetWriter, sheetId: String) throws {
        guard let columns = columns[sheetId], let rows = lastRow[sheetId] else { return }
        try ranges(ws, columns: columns, rows: rows)
    }

    private func detailRows(_ ws: SheetWriter, sheetId: String, _ rows: [CheckedRow], _ s: Submission,
                            leadingValues: (CheckedRow) -> [String]) throws {
        guard let spec = plan.sheet(sheetId), var r = lastRow[sheetId] else { return }
        let ids = spec.fields.map(\.id)
        let positions = detailPositions(spec)
        for row in rows where row.sheet == sheetId && row.accepted {
            r += 1
            var c = 0
            for v in leadingValues(row) { try ws.write(r, c, v, formats.cell); c += 1 }
            // Values by position when the row has the sheet's fields in order (always, for
            // checked rows), by id otherwise.
            let inOrder = row.values.keys == ids
            for position in positions {
                let f = spec.fields[position]
                try write(ws, r, c, inOrder ? row.values.value(at: position) : row.values[f.id], f)
                c += 1
            }
            try ws.write(r, c, row.explanation ?? "", formats.wrapped)
            try source(ws, r, c + 1, s, sheet: spec.name, row: row.row)
        }
        lastRow[sheetId] = r
    }

    /// One unit's ledger rows and its subtotal row.
    private func ledgerRows(_ ws: SheetWriter, _ unit: ReportingUnit, _ rows: [CheckedRow], _ s: Submission) throws {
        guard let spec = plan.sheet("ledger"), rows.contains(where: { $0.sheet == "ledger" && $0.accepted }) else { return }
        var r = lastRow["ledger"]! + 1
        let first = r
        var sums: [String: Double] = [:]
        var completed = 0
        let ids = spec.fields.map(\.id)
        let isSummed = ids.map { summed.contains($0) }
        var columnSums = Array(repeating: 0.0, count: ids.count)
        let statusPosition = ids.firstIndex(of: "status")
        for row in rows where row.sheet == "ledger" && row.accepted {
            try ws.write(r, 0, unit.name, formats.cell)
            let inOrder = row.values.keys == ids
            for (i, f) in spec.fields.enumerated() {
                let value = inOrder ? row.values.value(at: i) : row.values[f.id]
                try write(ws, r, i + 1, value, f)
                if isSummed[i] { columnSums[i] += value?.number ?? 0 }
            }
            let status = inOrder ? statusPosition.flatMap { row.values.value(at: $0) } : row.values["status"]
            if status?.text == "已完工" { completed += 1 }
            try ws.write(r, spec.fields.count + 1, row.explanation ?? "", formats.wrapped)
            try source(ws, r, spec.fields.count + 2, s, sheet: spec.name, row: row.row)
            r += 1
        }
        for (i, id) in ids.enumerated() where isSummed[i] { sums[id] = columnSums[i] }
        for (id, v) in sums { ledgerSums[id, default: 0] += FieldReader.rounded(v) }
        ledgerCommunities += r - first
        ledgerCompleted += completed
        try totalRow(ws, r, label: "\(unit.name) 小计", communities: r - first, completed: completed,
                     sums: sums, firstDataRow: first, spec: spec, summed: summed)
        lastRow["ledger"] = r
    }

    // MARK: 总览

    private func writeOverview(_ ws: SheetWriter, book: WorkbookWriter) throws {
        let r0 = result.round, t = result.totals
        try ws.columns(0, 0, width: 22)
        try ws.columns(1, 2, width: 14)
        try ws.columns(3, 3, width: 4)
        try ws.columns(4, 12, width: 11)
        try ws.write(0, 0, "\(result.plan.title)", CW.title)
        try ws.write(1, 0, "\(r0.title)(轮次 \(r0.id),截止 \(r0.due.chinese))汇总", CW.section)
        let files = result.files.filter { $0.status != .skipped }.count
        try ws.write(2, 0, "应报 \(t.expected) 个单位;报送文件夹中共 \(result.files.count) 个文件(读取 \(files) 个)。"
                     + "数据行:读取 \(t.rowsRead) 行,汇总 \(t.rowsMerged) 行,退回 \(t.rowsRejected) 行。", CW.subtitle)

        // 报送情况
        var r = 4
        try ws.write(r, 0, "报送情况", CW.section)
        r += 1
        try ws.write(r, 0, "项目", CW.header); try ws.write(r, 1, "单位数", CW.header); try ws.write(r, 2, "占应报", CW.header)
        let onTime = t.accepted - t.late
        let statusRows: [(String, Int)] = [("应报单位", t.expected), ("已报送(通过)", t.accepted), ("  其中按时", onTime),
                                           ("  其中迟报", t.late), ("被退回", t.rejected), ("未报送", t.missing),
                                           ("有表声明本期无", finalFigures.nilUnits.count)]
        let firstStatus = r + 1
        for (i, (label, n)) in statusRows.enumerated() {
            let row = r + 1 + i
            let fill: UInt32? = label == "未报送" && n > 0 ? CW.red : (label == "被退回" && n > 0 ? CW.orange
                : (label.contains("迟报") && n > 0 ? CW.yellow : nil))
            try ws.write(row, 0, label, CW.cell.with { $0.fill = fill })
            try ws.write(row, 1, Double(n), CW.big.with { $0.fontSize = 11; $0.fill = fill })
            let ratio = t.expected > 0 ? Double(n) / Double(t.expected) : 0
            try ws.formula(row, 2, "IF($B$\(firstStatus + 1)=0,0,B\(row + 1)/$B$\(firstStatus + 1))", result: .number(ratio),
                           CW.percent.with { $0.fill = fill })
        }
        r += statusRows.count + 2

        // 目标进度
        try ws.write(r, 0, "目标进度", CW.section)
        r += 1
        let target = finalFigures.target
        let targetRows: [(String, Double)] = [
            ("年度目标(\(target?.unit ?? "个"))", target?.value ?? 0), ("台账小区", Double(finalFigures.communities)),
            ("已完工", Double(finalFigures.completed)), ("在建", Double(finalFigures.building)), ("未开工", Double(finalFigures.notStarted)),
        ]
        let targetTop = r
        for (i, (label, n)) in targetRows.enumerated() {
            try ws.write(r + i, 0, label, CW.cell)
            try ws.write(r + i, 1, n, CW.big.with { $0.fontSize = 11 })
        }
        try ws.write(r + targetRows.count, 0, "完成率(已完工/目标)", CW.cell.with { $0.bold = true })
        try ws.formula(r + targetRows.count, 1, "IF(B\(targetTop + 1)=0,0,B\(targetTop + 3)/B\(targetTop + 1))",
                       result: .number((finalFigures.targetPercent ?? 0) / 100), CW.percent.with { $0.bold = true; $0.fontSize = 14 })
        r += targetRows.count + 2

        // 投资情况
        try ws.write(r, 0, "计划投资(万元)", CW.section)
        r += 1
        let investTop = r
        try ws.write(r, 0, "计划投资合计", CW.cell.with { $0.bold = true })
        try ws.write(r, 1, finalFigures.plannedInvestment, CW.number.with { $0.bold = true })
        for (i, src) in finalFigures.investmentBySource.enumerated() {
            try ws.write(r + 1 + i, 0, "  " + src.name, CW.cell)
            try ws.write(r + 1 + i, 1, src.amount, CW.number)
        }
        let sourceSum = FieldReader.rounded(finalFigures.investmentBySource.map(\.amount).reduce(0, +))
        let sourcesEnd = r + finalFigures.investmentBySource.count
        try ws.write(sourcesEnd + 1, 0, "各来源合计", CW.cell)
        try ws.formula(sourcesEnd + 1, 1, "SUM(B\(investTop + 2):B\(sourcesEnd + 1))", result: .number(sourceSum), CW.number)
        r = sourcesEnd + 3

        // 任务进展状态
        try ws.write(r, 0, "任务进展(条)", CW.section)
        r += 1
        let taskTop = r
        for (i, status) in Figures.statusOrder.enumerated() {
            let fill = CW.statusColors.first { $0.0 == status }?.1
            try ws.write(r + i, 0, status, CW.cell.with { $0.fill = fill })
            try ws.write(r + i, 1, Double(finalFigures.taskStatus[status] ?? 0), CW.integer)
        }
        try ws.write(r + 4, 0, "合计", CW.cell.with { $0.bold = true })
        try ws.formula(r + 4, 1, "SUM(B\(taskTop + 1):B\(taskTop + 4))", result: .number(Double(finalFigures.taskRows)), CW.integer)

        // Charts on the right.
        let statusChart = try book.addChart(ChartSpec(kind: .column, title: "报送情况", series: [
            .init(name: "单位数", categories: "=总览!$A$\(firstStatus + 2):$A$\(firstStatus + 6)",
                  values: "=总览!$B$\(firstStatus + 2):$B$\(firstStatus + 6)", color: 0x5B9BD5)]))
        try ws.insertChart(4, 4, statusChart, widthScale: 1.2, heightScale: 1.0)
        let taskChart = try book.addChart(ChartSpec(kind: .pie, title: "任务进展状态", series: [
            .init(name: "条数", categories: "=总览!$A$\(taskTop + 1):$A$\(taskTop + 4)",
                  values: "=总览!$B$\(taskTop + 1):$B$\(taskTop + 4)")]))
        try ws.insertChart(20, 4, taskChart, widthScale: 1.2, heightScale: 1.0)
        try ws.printSetup(landscape: true)
    }

    // MARK: 报送情况

    private func writeStatus(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 30), ("类型", 9), ("状态", 9), ("报送文件", 32), ("保存时间", 17),
                                           ("错误", 6), ("提示", 6), ("本期无的表", 14), ("联络员", 10), ("职务", 14),
                                           ("办公电话", 15), ("手机", 14), ("领导小组成员", 22), ("说明", 40)]
        try table(ws, headers: headers, rows: result.units.count)
        for (i, u) in result.units.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), CW.integer)
            try ws.write(r, 1, u.unit.name, CW.cell)
            try ws.write(r, 2, u.unit.kind.rawValue, CW.cell)
            try ws.write(r, 3, CW.statusWord(u), CW.cell)
            try ws.write(r, 4, u.submission?.file ?? "", CW.cell)
            try ws.write(r, 5, u.submission?.savedAt.map(RoundResult.chinaTime) ?? "", CW.cell)
            try ws.write(r, 6, Double(u.submission?.errorCount ?? 0), CW.integer)
            try ws.write(r, 7, Double(u.submission?.warningCount ?? 0), CW.integer)
            let nilNames = (u.submission?.nilSheets ?? []).compactMap { result.plan.sheet($0)?.name }
            try ws.write(r, 8, nilNames.joined(separator: "、"), CW.cell)
            let l = u.liaison
            try ws.write(r, 9, l?.name ?? "", CW.cell)
            try ws.write(r, 10, l?.title ?? "", CW.cell)
            try ws.write(r, 11, l?.phone ?? "", CW.cell)
            try ws.write(r, 12, l?.mobile ?? "", CW.cell)
            try ws.write(r, 13, u.unit.members.map { "\($0.name)(\($0.title))" }.joined(separator: "、"), CW.cell)
            var notes: [String] = []
            if !u.superseded.isEmpty { notes.append("以最新文件为准,已替代:" + u.superseded.joined(separator: "、")) }
            if !u.otherRejected.isEmpty { notes.append("另有被退回文件:" + u.otherRejected.joined(separator: "、")) }
            if !u.unreadFiles.isEmpty { notes.append("办公室无法读取文件“" + u.unreadFiles.joined(separator: "”、“") + "”（不是单位的问题），待处理后重新汇总") }
            if u.status == .rejected, let p = u.submission?.problems.first(where: { $0.severity == .error }) {
                notes.append("退回原因:" + p.message)
            }
            try ws.write(r, 14, notes.joined(separator: ";"), CW.wrapped)
        }
    }

    private func writeMatrix(_ ws: SheetWriter) throws {
        let units = result.units
        try ws.write(0, 0, "任务", CW.header)
        try ws.write(0, 1, "牵头单位", CW.header)
        try ws.columns(0, 0, width: 26)
        try ws.columns(1, 1, width: 16)
        for (j, u) in units.enumerated() {
            try ws.write(0, j + 2, CW.shortName(u.unit), CW.header.with { $0.fontSize = 9 })
            try ws.columns(j + 2, j + 2, width: 7)
        }
        try ws.row(0, height: 60)
        var status: [String: [String: String]] = [:]
        for (unit, _, row) in result.rows("progress") {
            if let t = row.values["task"]?.text { status[t, default: [:]][unit.id] = row.values["status"]?.text ?? "" }
        }
        for (i, task) in result.plan.tasks.enumerated() {
            try ws.write(i + 1, 0, "\(task.id) \(task.title)", CW.cell)
            try ws.write(i + 1, 1, TemplateContent.leadNames(plan: result.plan, task: task), CW.cell)
            for (j, u) in units.enumerated() {
                let involved = task.lead.contains(u.unit.id) || task.responsible.contains(u.unit.id)
                let text: String
                if !involved { text = "" } else if u.status != .accepted { text = "未报" } else {
                    text = status[task.id]?[u.unit.id] ?? "未报"
                }
                try ws.write(i + 1, j + 2, text, CW.cell.with { $0.horizontal = .center; $0.fontSize = 9 })
            }
        }
        ws.freeze(rows: 1, columns: 2)
        for (word, color) in CW.statusColors {
            try ws.highlight(1, 2, result.plan.tasks.count, units.count + 1, equalTo: word, CW.cell.with { $0.fill = color })
        }
        try ws.printSetup(landscape: true)
    }

    /// A subtotal or total row of the ledger: SUBTOTAL formulas (with their results) over the
    /// summed columns from `firstDataRow` (0-based) down to the row above, which skip the
    /// subtotals inside that range; the count of communities and of completed ones.
    private func totalRow(_ ws: SheetWriter, _ r: Int, label: String, communities: Int, completed: Int,
                          sums: [String: Double], firstDataRow: Int, spec: SheetSpec, summed: Set<String>) throws {
        try ws.write(r, 0, label, CW.subtotal)
        try ws.write(r, 1, "\(communities) 个小区", CW.subtotal)
        for (i, f) in spec.fields.enumerated() where i > 0 {
            let col = CellReference.columnName(i + 2)
            if summed.contains(f.id) {
                try ws.formula(r, i + 1, "SUBTOTAL(9,\(col)\(firstDataRow + 1):\(col)\(r))",
                               result: .number(FieldReader.rounded(sums[f.id] ?? 0)), CW.subtotal)
            } else if f.id == "status" {
                try ws.write(r, i + 1, "已完工 \(completed) 个", CW.subtotal)
            } else {
                try ws.blank(r, i + 1, CW.subtotal)
            }
        }
    }

    /// Items per unit per month, below the list.
    private func writePublicitySummary(_ ws: SheetWriter) throws {
        let rows = result.rows("publicity")
        let months = Set(rows.compactMap { $0.row.values["date"]?.day.map { $0.year * 100 + $0.month } }).sorted()
        var r = rows.count + 3
        try ws.write(r, 0, "各单位每月报送篇数(每月不少于 1 篇)", CW.section)
        r += 1
        try ws.write(r, 0, "单位", CW.header)
        for (j, m) in months.enumerated() { try ws.write(r, 1 + j, "\(m / 100)年\(m % 100)月", CW.header) }
        try ws.write(r, 1 + months.count, "合计", CW.header)
        var perUnitMonth: [String: [Int: Int]] = [:]
        for row in rows {
            if let m = row.row.values["date"]?.day.map({ $0.year * 100 + $0.month }) { perUnitMonth[row.unit.id, default: [:]][m, default: 0] += 1 }
        }
        for u in result.units {
            r += 1
            try ws.write(r, 0, u.unit.name, CW.cell)
            var total = 0
            for (j, m) in months.enumerated() {
                let n = perUnitMonth[u.unit.id]?[m] ?? 0
                total += n
                try ws.write(r, 1 + j, Double(n), n == 0 ? CW.integer.with { $0.fill = CW.red } : CW.integer)
            }
            try ws.write(r, 1 + months.count, Double(total), CW.integer.with { $0.bold = true })
        }
    }

    private func writeProblems(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 26), ("文件", 30), ("级别", 6), ("工作表", 10), ("单元格", 8),
                                           ("规则", 16), ("填写值", 20), ("问题及处理建议", 60), ("已说明", 7)]
        let problems = result.problems
        try table(ws, headers: headers, rows: problems.count)
        for (i, p) in problems.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), CW.integer)
            try ws.write(r, 1, p.unit.flatMap { result.plan.unit($0)?.name } ?? "(未识别)", CW.cell)
            try ws.write(r, 2, p.file, CW.cell)
            try ws.write(r, 3, p.severity == .error ? "错误" : "提示", CW.cell)
            try ws.write(r, 4, p.sheet ?? "", CW.cell)
            try ws.write(r, 5, p.cell ?? "", CW.cell)
            try ws.write(r, 6, p.rule, CW.cell)
            try ws.write(r, 7, p.value, CW.cell)
            try ws.write(r, 8, p.message, CW.wrapped)
            try ws.write(r, 9, p.explained ? "是" : "", CW.cell)
        }
    }
}
