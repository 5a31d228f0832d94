import Foundation
import XCTest
@testable import TianbaoOutputs
@testable import TianbaoPlan
@testable import XLSX

/// The house style the 汇总 and the 回头看 share: status colours and the table helpers.
final class HouseStyleTests: XCTestCase {
    func testStatusColoursGiveEachWordOnceTheReportsWordsFirst() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let plan = try PlanLoader.load(path: repository.appendingPathComponent("plans/default.yaml").path)
        let colours = HouseStyle.statusColors(plan)
        XCTAssertEqual(Array(colours.prefix(5).map(\.0)), ["已报送", "迟报", "被退回", "未报送", "未处理"])
        XCTAssertEqual(Set(colours.map(\.0)).count, colours.count, "each word once")
        let style = HouseStyle(pageHeader: "&C&A", statusColors: colours)
        XCTAssertEqual(style.color(of: "未报送"), HouseStyle.red)
        XCTAssertEqual(style.color(of: "通过"), HouseStyle.green)
        XCTAssertNil(style.color(of: "没有这个词"))
    }

    func testATableHasItsHeaderWidthsFilterAndPageHeader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("house-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let book = try WorkbookWriter(path: path)
        let ws = try book.addSheet("表")
        let style = HouseStyle(pageHeader: "&L&9方案&C&9&A&R&9本期", statusColors: [("未报送", HouseStyle.red)])
        try ws.write(1, 0, "甲", HouseStyle.cell)
        try ws.write(1, 1, "未报送", HouseStyle.cell)
        try style.table(ws, headers: [("单位", 20), ("状态", 8)], rows: 1)
        try book.close()

        let wb = try Workbook(path: path)
        let sheet = try wb.read(wb.sheet(named: "表")!)
        XCTAssertEqual(sheet["A1"]?.value, .string("单位"))
        XCTAssertEqual(sheet["B1"]?.value, .string("状态"))
        let archive = try ZipArchive(path: path, displayName: "house.xlsx", limits: .standard)
        let xml = String(decoding: try archive.readAll(archive.entry(named: wb.sheet(named: "表")!.part!)!), as: UTF8.self)
        XCTAssertTrue(xml.contains("<autoFilter ref=\"A1:B2\""), xml)
        XCTAssertTrue(xml.contains("<pane ySplit=\"1\""), "the header row is frozen: \(xml)")
        XCTAssertTrue(xml.contains("&amp;L&amp;9方案&amp;C&amp;9&amp;A&amp;R&amp;9本期"), "the page header: \(xml)")
        XCTAssertTrue(xml.contains("<cfRule type=\"cellIs\""), "the status colours: \(xml)")
        XCTAssertTrue(xml.contains("width=\"20.7"), "the unit column's width: \(xml)")
    }
}
