import Foundation
@testable import TianbaoRound
import XCTest
@testable import TianbaoCheck
@testable import TianbaoMerge
@testable import TianbaoOutputs
@testable import TianbaoPlan
import TianbaoTemplates
@testable import XLSX

/// The consolidated workbook beyond the sample round: plans of one's own, national sizes.
final class ConsolidatedWorkbookTests: XCTestCase {
    /// A plan with only a ledger sheet (as a national ledger collection would be), declared as
    /// a ledger of communities.
    static let ledgerPlan = """
        plan: ledger-only
        version: "1"
        title: 台账汇总
        units:
          - {id: a, name: 甲县人民政府, kind: 区}
          - {id: b, name: 乙县人民政府, kind: 区}
        task_groups:
          - {id: "一", title: 改造}
        tasks:
          - {id: "1.1", group: "一", title: 改造, lead: [a, b]}
        choices:
          st: [在建, 已完工]
        outputs:
          ledgers:
            - {sheet: ledger, label: 小区, counter: 个, unit_label: 区, status: status, done: 已完工}
        sheets:
          - id: ledger
            name: 小区台账
            kind: rows
            rows: 5
            fields:
              - {id: name, name: 小区名称, type: text, required: true}
              - {id: status, name: 状态, type: choice, choices: st, required: true}
        rounds:
          - {id: "2021-06", kind: 半年小结, start: 2021-06-01, due: 2021-06-15, sheets: [ledger]}
        """

    func result(rows: Int, explanation: (Int) -> String? = { _ in nil }) throws -> RoundResult {
        let plan = try PlanLoader.load(yaml: Self.ledgerPlan, file: "t.yaml")
        let round = plan.round("2021-06")!
        var s = Submission(file: "甲.xlsx", path: "/nonexistent/甲.xlsx", sha256: "")
        s.unit = plan.unit("a")
        s.roundId = round.id
        let keys = ["name", "status"]
        s.setRows((0..<rows).map { i in
            var values = FieldValues(keys: keys)
            values["name"] = .text("小区\(i)")
            values["status"] = .text(i % 2 == 0 ? "已完工" : "在建")
            return CheckedRow(sheet: "ledger", row: 4 + i, values: values, explanation: explanation(i), accepted: true)
        })
        let units = plan.units.map { u in
            UnitOutcome(unit: u, status: u.id == "a" ? .accepted : .missing, late: false,
                        submission: u.id == "a" ? s : nil, superseded: [], otherRejected: [])
        }
        var totals = Totals()
        totals.expected = 2; totals.accepted = 1; totals.missing = 1
        totals.rowsRead = rows; totals.rowsMerged = rows
        return RoundResult(plan: plan, round: round, units: units,
                           files: [FileOutcome(file: s.file, unitId: "a", status: .accepted, submission: s)], totals: totals)
    }

    func testAPlanOfOnesOwnGetsTheSheetsItHas() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("own-\(UUID().uuidString).xlsx").path
        try ConsolidatedWorkbook(report: try RoundReport(try result(rows: 3)), sourceFolder: "../in").write(to: path)
        let wb = try Workbook(path: path)
        XCTAssertEqual(wb.sheets.map(\.name), ["总览", "报送情况", "小区台账", "校验问题"])
        let ledger = try wb.read(wb.sheet(named: "小区台账")!)
        XCTAssertEqual(ledger["B2"]?.value, .string("小区0"))
        // Subtotals below the table after a blank row (the filter covers the data rows only).
        XCTAssertNil(ledger["A5"]?.value)
        XCTAssertEqual(ledger["A7"]?.value, .string("甲县人民政府"))
        XCTAssertEqual(ledger["A8"]?.value, .string("乙县人民政府"))
        XCTAssertEqual(ledger["B8"]?.value, .string("未报送"), "a unit that did not report is listed, saying so where its count would be")
        XCTAssertEqual(ledger["D8"]?.value, .string("未报送，无台账数据"))
        XCTAssertEqual(ledger["A9"]?.value, .string("合计"))
        let briefing = Briefing(report: try RoundReport(try result(rows: 3)))
        XCTAssertTrue(briefing.markdown.contains(ChineseTypography.apply("本期应报送单位 2 个,已报送 1 个")), briefing.markdown)
        XCTAssertFalse(briefing.markdown.contains("300"), "no target in this plan, none invented")
    }

    /// A unit whose only file the office could not read is 未处理: not counted with the units
    /// that reported, nor called 未报送. The ledger's totals say they leave it out, the overview
    /// counts it on a line of its own, and the briefing names it.
    func testAUnitWhoseFileTheOfficeCouldNotReadIsNeitherReportedNorMissing() throws {
        var r = try result(rows: 3)
        let b = r.units.firstIndex { $0.unit.id == "b" }!
        r.units[b].unreadFiles = ["乙县人民政府-2021-06.xlsx"]
        r.files.append(FileOutcome(file: "乙县人民政府-2021-06.xlsx", unitId: "b", status: .unreadable, submission: nil))
        r.totals = Totals(units: r.units, files: r.files)
        XCTAssertEqual(r.units[b].state, .unread)
        XCTAssertEqual(r.units[b].statusWord, "未处理")
        XCTAssertFalse(UnitState.unread.counted)
        XCTAssertEqual(UnitState.allCases.filter(\.counted), [.reported, .late])

        let report = try RoundReport(r)
        let ledger = try XCTUnwrap(report.figures.ledgers.first)
        let district = try XCTUnwrap(ledger.districts.first { $0.unit.id == "b" })
        XCTAssertEqual(district.state, .unread)
        XCTAssertFalse(district.counted)
        XCTAssertEqual(ledger.unreadDistricts.map(\.unit.id), ["b"])
        XCTAssertEqual(ledger.missingDistricts.map(\.unit.id), [], "not missing either: it handed a file in")
        XCTAssertEqual(LedgerSheet.exclusionNote(ledger), "不含文件待办公室处理的乙县人民政府")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unread-\(UUID().uuidString).xlsx").path
        try ConsolidatedWorkbook(report: report, sourceFolder: "../in").write(to: path)
        let wb = try Workbook(path: path)
        let sheet = try wb.read(wb.sheet(named: "小区台账")!)
        XCTAssertEqual(sheet["A8"]?.value, .string("乙县人民政府"))
        XCTAssertEqual(sheet["B8"]?.value, .string("未处理"))
        XCTAssertEqual(sheet["D8"]?.value, .string("办公室未能读取所报文件，待重新汇总"))
        let texts = sheet.rows.flatMap(\.cells).compactMap { c -> String? in
            if case .string(let t)? = c.value { return t } else { return nil }
        }
        XCTAssertTrue(texts.contains("不含文件待办公室处理的乙县人民政府"), "\(texts)")
        let overview = try wb.read(wb.sheet(named: "总览")!)
        let lines = overview.rows.compactMap { row -> (String, Double)? in
            guard row.cells.count >= 2, case .string(let label)? = row.cells[0].value, case .number(let n)? = row.cells[1].value else { return nil }
            return (label, n)
        }
        XCTAssertEqual(lines.first { $0.0 == "未报送" }?.1, 0, "\(lines)")
        XCTAssertEqual(lines.first { $0.0 == "未处理" }?.1, 1, "\(lines)")
        let overviewTexts = overview.rows.flatMap(\.cells).compactMap { c -> String? in
            if case .string(let t)? = c.value { return t } else { return nil }
        }
        XCTAssertTrue(overviewTexts.contains { $0.contains("文件待办公室处理的乙县人民政府") }, "\(overviewTexts)")

        let briefing = Briefing(report: report).markdown
        XCTAssertTrue(briefing.contains("文件待办公室处理的乙县人民政府"), briefing)
        XCTAssertFalse(briefing.contains("未报送的乙县"), briefing)
    }

    /// A row is as tall as its longest wrapped text, its 说明 included; a row whose texts fit
    /// one line keeps the default height.
    func testRowsGrowWithTheirLongestText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("heights-\(UUID().uuidString).xlsx").path
        let note = String(repeating: "小区已完成改造验收，", count: 6)
        try ConsolidatedWorkbook(report: try RoundReport(try result(rows: 2) { $0 == 0 ? note : nil }), sourceFolder: "../in")
            .write(to: path)
        let wb = try Workbook(path: path)
        let archive = try ZipArchive(path: path, displayName: "heights.xlsx", limits: .standard)
        let xml = String(decoding: try archive.readAll(archive.entry(named: wb.sheet(named: "小区台账")!.part!)!), as: UTF8.self)
        func rowTag(_ r: Int) -> String {
            guard let start = xml.range(of: "<row r=\"\(r)\"") else { return "" }
            return String(xml[start.lowerBound...].prefix { $0 != ">" })
        }
        func height(_ r: Int) -> Double? {
            guard let at = rowTag(r).range(of: "ht=\"") else { return nil }
            return Double(rowTag(r)[at.upperBound...].prefix { $0 != "\"" })
        }
        // 60 wide characters in the 说明 column (16 wide): 120 columns over 14.5, 9 lines.
        XCTAssertEqual(height(2) ?? 0, WrappedText.rowHeight(lines: 9)!, accuracy: 0.01, rowTag(2))
        XCTAssertNil(height(3), rowTag(3))
    }

    func testMoreRowsThanExcelAllowsLinks() throws {
        // Excel allows 65,530 links per sheet: past that the source place is plain text.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString).xlsx").path
        try ConsolidatedWorkbook(report: try RoundReport(try result(rows: 65_100)), sourceFolder: "../in").write(to: path)
        let wb = try Workbook(path: path)
        let reader = try wb.rows(of: wb.sheet(named: "小区台账")!)
        var last: Row?
        var count = 0
        while let row = try reader.next() { last = row; count += 1 }
        XCTAssertEqual(count, 65_100 + 5, "header, rows, subtotals title, two units' subtotals and the total")
        XCTAssertNotNil(last)
        // The first 10,000 rows link back to their source cell; later rows say where as text.
        let archive = try ZipArchive(path: path, displayName: "links.xlsx", limits: .standard)
        let part = wb.sheet(named: "小区台账")!.part!
        let xml = String(decoding: try archive.readAll(archive.entry(named: part)!), as: UTF8.self)
        XCTAssertEqual(xml.components(separatedBy: "<hyperlink ").count - 1, ConsolidatedWorkbookWriter.maxLinkedRows)
        XCTAssertTrue(xml.contains("ref=\"G10001\""), "data row 10,000 (under the header) is linked")
        XCTAssertFalse(xml.contains("ref=\"G10002\""), "data row 10,001 is not")
        let ledger = try wb.read(wb.sheet(named: "小区台账")!)
        let place = ledger["G10002"]?.value?.text ?? ""
        XCTAssertTrue(place.hasSuffix(".xlsx 小区台账!A10004"), "the place, as text, names the file: \(place)")
    }
}
