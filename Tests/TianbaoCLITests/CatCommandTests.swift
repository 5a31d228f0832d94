import Foundation
import TestSupport
import XCTest

final class CatCommandTests: XCTestCase {
    func testJSONOfOneSheet() throws {
        let r = try Binary.run(["cat", Binary.corpus.appendingPathComponent("calamine__date.xlsx").path])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, """
            {"sheets":[{"name":"Sheet1","state":"visible","merged":[],"cells":[{"ref":"A1","t":"d","v":"2021-01-01"},\
            {"ref":"B1","t":"n","v":15},{"ref":"A2","t":"d","v":"2021-01-02"},{"ref":"B2","t":"n","v":16},\
            {"ref":"A3","t":"n","v":10.6320601851852},{"ref":"B3","t":"n","v":17}]}]}

            """)
    }

    func testTSVWithRowNumbersAndSheetSelection() throws {
        let file = Binary.corpus.appendingPathComponent("calamine__any_sheets.xlsx").path
        let r = try Binary.run(["cat", file, "--format", "tsv", "--sheet", "Visible"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\tA\tB\n1\t1\t2\n2\t3\t4\n3\t5\t6\n"
                       + "5\tThis workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart\n")
        let all = try Binary.run(["cat", file, "--format", "tsv"])
        XCTAssertTrue(all.stdout.hasPrefix("# 工作表：Visible\n"), all.stdout)
        XCTAssertTrue(all.stdout.contains("\n\n# 工作表：Chart\n"), all.stdout)
    }

    func testChartsheetsAreListedWithTheirKind() throws {
        let r = try Binary.run(["cat", Binary.corpus.appendingPathComponent("calamine__any_sheets.xlsx").path])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let sheets = json["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["state"] as! String }, ["visible", "hidden", "veryHidden", "visible"])
        XCTAssertEqual(sheets.last?["kind"] as? String, "chartsheet")
    }

    func testExitStatuses() throws {
        let missing = try Binary.run(["cat", "/nonexistent/报表.xlsx"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("报表.xlsx"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("文件不存在"), missing.stderr)

        let encrypted = try Binary.run(["cat", Binary.corpus.appendingPathComponent("excelize__encryptAES.xlsx").path])
        XCTAssertEqual(encrypted.status, 1)
        XCTAssertTrue(encrypted.stderr.contains("加密"), encrypted.stderr)

        let noSheet = try Binary.run(["cat", Binary.corpus.appendingPathComponent("calamine__date.xlsx").path,
                                      "--sheet", "不存在"])
        XCTAssertEqual(noSheet.status, 2)
        XCTAssertTrue(noSheet.stderr.contains("没有名为“不存在”的工作表"), noSheet.stderr)

        let usage = try Binary.run(["cat"])
        XCTAssertEqual(usage.status, 2)
        let badFormat = try Binary.run(["cat", "x.xlsx", "--format", "xml"])
        XCTAssertEqual(badFormat.status, 2)
    }
}
